"""The ASGI entry point sends event streams to Django's async handler and everything else to the
WSGI handler; the path it tells them apart by must stay the event stream's URL."""

from django.urls import reverse

from deliberation.asgi import STREAM_PATH


def test_only_the_event_stream_goes_to_the_async_handler():
    assert STREAM_PATH.match(reverse("workshop_events", args=["science-diplomacy"]))
    for path in (
        reverse("vote_statement", args=["science-diplomacy", 7]),
        reverse("workshop", args=["science-diplomacy"]),
        "/w/science-diplomacy/events/extra",
        "/api/v1/workshops/",
    ):
        assert not STREAM_PATH.match(path), path
