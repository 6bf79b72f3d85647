"""The life of an event stream on a real uvicorn server: heartbeats keep it open while nothing
happens, a client that leaves drops out of presence, and a server that shuts down ends its
streams within the graceful timeout (the browser then reconnects elsewhere with its last id)."""

import threading
import time

import httpx

from deliberation.domain import add_statement
from deliberation.models import Statement
from tests.live_client import Person, Stream
from tests.servers import uvicorn_server


def read_raw(url: str, cookies, seconds: float) -> tuple[list[str], float]:
    """Every line of the stream for at most `seconds`, and how long the stream lasted."""
    lines, began = [], time.monotonic()
    client = httpx.Client(cookies=cookies, timeout=httpx.Timeout(5, read=seconds + 5))
    with client, client.stream("GET", url) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        began = time.monotonic()  # the stream is open: its time starts now, however slow the answer
        for line in response.iter_lines():
            lines.append(line)
            if time.monotonic() - began > seconds:
                break
    return lines, time.monotonic() - began


def test_it_sends_heartbeats_while_nothing_happens(transactional_db, workshop):
    with uvicorn_server(LIVE_HEARTBEAT_SECONDS="0.5") as url:
        person = Person(url, workshop, "Quiet watcher")
        try:
            lines, _lasted = read_raw(f"{url}/w/{workshop.slug}/events", person.http.cookies, seconds=2.5)
        finally:
            person.close()
    assert lines[0] == "retry: 1000"
    assert lines.count(": keep-alive") >= 3
    assert not any(line.startswith("id:") for line in lines)  # no event happened


def test_it_ends_open_streams_when_the_server_shuts_down(transactional_db, workshop):
    opened, ended = threading.Event(), threading.Event()
    outcome = {}
    with uvicorn_server() as url:
        person = Person(url, workshop, "Watcher")

        def follow():
            try:
                client = httpx.Client(cookies=person.http.cookies, timeout=httpx.Timeout(5, read=30))
                with client, client.stream("GET", f"{url}/w/{workshop.slug}/events") as response:
                    outcome["status"] = response.status_code
                    opened.set()
                    for _line in response.iter_lines():
                        pass
                outcome["end"] = "closed"
            except httpx.HTTPError as error:  # uvicorn cuts the connection; EventSource reconnects
                outcome["end"] = type(error).__name__
            finally:
                outcome["ended_at"] = time.monotonic()
                ended.set()

        threading.Thread(target=follow, daemon=True).start()
        # Shut the server down under an open stream, not before the stream has reached it.
        assert opened.wait(10), f"the stream did not open: {outcome}"
        assert not ended.wait(1), outcome  # and it stays open while the server runs
        stopping = time.monotonic()
    # Leaving the block sends SIGTERM (graceful timeout: 2 s); a server still running 10 s later
    # would be killed, so an end within a few seconds is the server's own doing.
    assert ended.wait(10), "the stream outlived the server"
    assert outcome["ended_at"] - stopping < 6
    assert outcome["status"] == 200
    person.close()


def test_a_client_that_leaves_drops_out_of_presence(workshop, live_server_url):
    owner = workshop.participants.get()
    add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Publish the data")
    staying, leaving = Person(live_server_url, workshop, "Staying"), Person(live_server_url, workshop, "Leaving")
    watch, gone = Stream(staying), Stream(leaving)
    try:
        assert _presence_reaches(watch, 2)
        gone.close()
        assert _presence_reaches(watch, 1)
    finally:
        watch.close()
        staying.close()
        leaving.close()


def _presence_reaches(stream: Stream, count: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = stream.messages.get(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:
            return False
        if message.get("event") == "presence" and f'"connected":{count},' in message["data"]:
            return True
    return False
