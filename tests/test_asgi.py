"""The ASGI entry point sends event streams to Django's async handler and everything else to the
WSGI handler; the path it tells them apart by must stay the event stream's URL."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.urls import reverse

from deliberation.asgi import READ_AHEAD_BYTES, STREAM_PATH, Pages


def test_only_the_event_stream_goes_to_the_async_handler():
    assert STREAM_PATH.match(reverse("workshop_events", args=["science-diplomacy"]))
    for path in (
        reverse("vote_statement", args=["science-diplomacy", 7]),
        reverse("workshop", args=["science-diplomacy"]),
        "/w/science-diplomacy/events/extra",
        "/api/v1/workshops/",
    ):
        assert not STREAM_PATH.match(path), path


def _post(app, chunks: list[bytes]) -> tuple[dict, bytes]:
    """Send `chunks` as one request's body through `app`: (the response's start message, its body)."""
    sent = []
    messages = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1} for n, chunk in enumerate(chunks)
    ]

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    async def run():
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "path": "/",
            "query_string": b"",
            "headers": [(b"content-type", b"application/octet-stream")],
        }
        await app(scope, receive, send)

    # On a thread of its own: the browser tests keep an event loop running on this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result()
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return sent[0], body


def _echo(environ, start_response):
    """Answers with the body it read, and how much of it was already read when it started."""
    held = len(environ["wsgi.input"].buffer)
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Held", str(held))])
    return [body]


def test_a_request_body_is_read_on_the_loop_before_a_thread_takes_the_request():
    start, body = _post(Pages(_echo, workers=1), [b"kind=agree", b"ment&val", b"ue=2"])
    assert start["status"] == 200 and body == b"kind=agreement&value=2"
    assert dict(start["headers"])[b"x-held"] == b"22"  # all of it, before the view ran


def test_a_body_past_the_read_ahead_is_read_from_the_thread_as_before():
    chunk = b"x" * (READ_AHEAD_BYTES // 2)
    start, body = _post(Pages(_echo, workers=1), [chunk, chunk, chunk, b"end"])
    assert body == chunk * 3 + b"end"
    assert dict(start["headers"])[b"x-held"] == str(READ_AHEAD_BYTES).encode()  # the rest came later


def test_a_page_thread_keeps_djangos_per_thread_state_between_requests():
    """The cache backends (and a Redis cache's connections) are made once per page thread, as
    under a threaded WSGI server, not once per request."""
    from django.core.cache import caches

    seen = []

    def app(environ, start_response):
        seen.append(caches["default"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    pages = Pages(app, workers=1)
    for _ in range(2):
        start, body = _post(pages, [b""])
        assert start["status"] == 200 and body == b"ok"
    assert len(seen) == 2 and seen[0] is seen[1]
