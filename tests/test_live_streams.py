"""Live updates over real uvicorn servers and PostgreSQL LISTEN/NOTIFY."""

import queue

import pytest

from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import Event, Statement, Vote
from tests.live_client import Person, Stream
from tests.servers import uvicorn_server


@pytest.fixture
def open_workshop(workshop):
    seat = workshop.participants.get()
    position = add_statement(seat, workshop.root(), Statement.Kind.POSITION, "Share research data openly")
    return workshop, position


def test_a_vote_in_one_client_arrives_on_another_clients_stream(open_workshop, live_server_url):
    workshop, position = open_workshop
    watcher, voter = Person(live_server_url, workshop, "Watcher"), Person(live_server_url, workshop, "Voter")
    stream = Stream(watcher)
    try:
        assert voter.vote(position.pk, 2).status_code in (200, 302)
        event = stream.next_event("tally")
        assert (event["verb"], event["statement"], event["kind"]) == ("vote.cast", position.pk, "agreement")
        assert event["id"] == Event.objects.filter(verb="vote.cast").get().pk
    finally:
        stream.close()
        watcher.close()
        voter.close()


def test_two_processes_share_events(open_workshop, live_server_url):
    workshop, position = open_workshop
    with uvicorn_server() as other_url:
        voter = Person(live_server_url, workshop, "Voter on A")
        watcher = Person(other_url, workshop, "Watcher on B")
        stream = Stream(watcher)
        try:
            response = voter.vote(position.pk, -1)
            assert response.status_code in (200, 302)
            event = stream.next_event("tally")
            assert event["statement"] == position.pk
            assert Vote.objects.get(participant__display_name="Voter on A").value == -1
        finally:
            stream.close()
            voter.close()
            watcher.close()


def test_a_client_that_reconnects_receives_exactly_what_it_missed(open_workshop, live_server_url):
    workshop, position = open_workshop
    watcher = Person(live_server_url, workshop, "Watcher")
    stream = Stream(watcher)
    voter = join_workshop(workshop, "Steady voter")
    cast_vote(voter, Vote.Kind.AGREEMENT, 1, statement=position)
    last_seen = stream.next_event("tally")["id"]
    stream.close()

    missed = []
    for i in range(50):  # 50 events while the client is away
        cast_vote(voter, Vote.Kind.AGREEMENT, (i % 5) - 2, statement=position)
        missed.append(Event.objects.latest("id").pk)

    again = Stream(watcher, last_event_id=last_seen)
    try:
        received = [event["id"] for event in again.events(50)]
        assert received == missed
        with pytest.raises(queue.Empty):  # once: nothing more, no duplicates
            again.next_event(timeout=1.5)
    finally:
        again.close()
        watcher.close()


def test_a_stranger_cannot_follow_a_workshop(open_workshop, live_server_url):
    import httpx

    workshop, _position = open_workshop
    response = httpx.get(f"{live_server_url}/w/{workshop.slug}/events", timeout=5)
    assert response.status_code == 403
    assert "Join this workshop" in response.text


def test_presence_counts_connected_participants(open_workshop, live_server_url):
    workshop, _position = open_workshop
    people = [Person(live_server_url, workshop, f"Person {i}") for i in range(3)]
    streams = [Stream(person) for person in people]
    try:
        seen = 0
        for _ in range(20):
            message = streams[0].messages.get(timeout=10)
            if message.get("event") == "presence":
                seen = int(message["data"].split('"connected":')[1].split(",")[0])
                if seen == 3:
                    break
        assert seen == 3
    finally:
        for stream in streams:
            stream.close()
        for person in people:
            person.close()
