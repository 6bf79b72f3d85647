"""Live updates over real uvicorn servers and PostgreSQL LISTEN/NOTIFY."""

import contextlib
import queue
import threading

import psycopg
import pytest
from django.db import connection, transaction

from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.domain.events import NOTIFY_CHANNEL
from deliberation.live.hub import GAP_GRACE_SECONDS
from deliberation.models import Event, Statement, Vote
from tests.live_client import Person, Stream
from tests.servers import current_database_url, uvicorn_server


@pytest.fixture
def open_workshop(workshop):
    seat = workshop.participants.get()
    position = add_statement(seat, workshop.root(), Statement.Kind.POSITION, "Share research data openly")
    return workshop, position


@contextlib.contextmanager
def watched(live_server_url, workshop):
    """A voter, and the open stream of another participant who watches: (stream, voter)."""
    watcher, voter = Person(live_server_url, workshop, "Watcher"), Person(live_server_url, workshop, "Voter")
    stream = Stream(watcher)
    try:
        yield stream, voter
    finally:
        stream.close()
        watcher.close()
        voter.close()


def test_a_vote_in_one_client_arrives_on_another_clients_stream(open_workshop, live_server_url):
    workshop, position = open_workshop
    with watched(live_server_url, workshop) as (stream, voter):
        assert voter.vote(position.pk, 2).status_code in (200, 302)
        event = stream.next_event("tally")
        assert (event["verb"], event["statement"], event["kind"]) == ("vote.cast", position.pk, "agreement")
        assert event["id"] == Event.objects.filter(verb="vote.cast").get().pk


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


def _vote_held_open(participant, statement, value, inserted: threading.Event, release: threading.Event, commit: bool):
    """Casts a vote in a transaction that stays open until `release`, as a stalled request would."""
    try:
        with transaction.atomic():
            cast_vote(participant, Vote.Kind.AGREEMENT, value, statement=statement)
            inserted.set()
            release.wait(30)
            if not commit:
                transaction.set_rollback(True)
    finally:
        connection.close()


@contextlib.contextmanager
def vote_held_open(participant, statement, commit: bool = True):
    """Inside the block, a vote by `participant` whose transaction is inserted but still open; the
    block gets `end()`, which lets it commit (or roll back) and waits for it. Leaving ends it too."""
    inserted, release = threading.Event(), threading.Event()
    stalled = threading.Thread(target=_vote_held_open, args=(participant, statement, 1, inserted, release, commit))
    stalled.start()

    def end():
        release.set()
        stalled.join(10)

    try:
        assert inserted.wait(10)
        yield end
    finally:
        end()


@pytest.mark.parametrize("commit", [True, False], ids=["commits late", "rolls back"])
def test_an_event_whose_commit_stalls_is_waited_for_not_skipped(open_workshop, live_server_url, commit):
    """Ids are taken at insert, so a later event can commit first. The stream holds it back while
    the earlier id's transaction is still open, however long past the grace period; once that
    transaction ends, the stream goes on: with both events in order, or past the rolled-back hole."""
    workshop, position = open_workshop
    watcher = Person(live_server_url, workshop, "Watcher")
    slow, quick = join_workshop(workshop, "Slow voter"), join_workshop(workshop, "Quick voter")
    stream = Stream(watcher)
    try:
        with vote_held_open(slow, position, commit) as end:
            cast_vote(quick, Vote.Kind.AGREEMENT, -1, statement=position)
            with pytest.raises(queue.Empty):  # longer than the grace period: still waiting, not skipping
                stream.next_event("tally", timeout=GAP_GRACE_SECONDS + 2)
            end()
        expected = list(Event.objects.filter(verb="vote.cast").order_by("id").values_list("id", flat=True))
        assert len(expected) == (2 if commit else 1)
        wait = 5 if commit else GAP_GRACE_SECONDS + 5
        assert [stream.next_event("tally", timeout=wait)["id"] for _ in expected] == expected
    finally:
        stream.close()
        watcher.close()


def test_a_stream_that_opens_while_an_earlier_commit_is_pending_still_receives_it(open_workshop, live_server_url):
    """The first stream of a workshop in a process starts its feed where the client left off, not at
    the newest committed event: an event with a lower id whose transaction is still open must reach it."""
    workshop, position = open_workshop
    watcher = Person(live_server_url, workshop, "Watcher")
    slow, quick = join_workshop(workshop, "Slow voter"), join_workshop(workshop, "Quick voter")
    last_seen = Event.objects.filter(workshop=workshop).latest("id").pk
    stream = None
    try:
        with vote_held_open(slow, position):
            cast_vote(quick, Vote.Kind.AGREEMENT, -1, statement=position)
            stream = Stream(watcher, last_event_id=last_seen)
            received = []
            while (message := stream.messages.get(timeout=10)).get("event") != "presence":
                received.append(int(message["id"]))  # the stream sends what it has, then the room's presence
        expected = list(Event.objects.filter(verb="vote.cast").order_by("id").values_list("id", flat=True))
        assert len(expected) == 2
        while len(received) < len(expected):
            received.append(stream.next_event("tally", timeout=5)["id"])
        assert received == expected
    finally:
        if stream:
            stream.close()
        watcher.close()


def test_holes_left_by_many_rolled_back_events_are_passed_together(open_workshop, live_server_url):
    """Holes seen at once share one grace period (a killed process leaves many at a time): the
    stream is not held back by one grace period per hole."""
    workshop, position = open_workshop
    watcher = Person(live_server_url, workshop, "Watcher")
    voter = join_workshop(workshop, "Voter")
    last_seen = Event.objects.filter(workshop=workshop).latest("id").pk
    for value in (-2, -1, 0, 1):  # four events written, then rolled back: four holes
        with transaction.atomic():
            cast_vote(voter, Vote.Kind.AGREEMENT, value, statement=position)
            transaction.set_rollback(True)
    cast_vote(voter, Vote.Kind.AGREEMENT, 2, statement=position)
    expected = Event.objects.get(verb="vote.cast").pk
    stream = Stream(watcher, last_event_id=last_seen)
    try:
        # One grace period per hole would take four (12 s); the wait allows for a slow machine and
        # still fails well short of that.
        assert stream.next_event("tally", timeout=2 * GAP_GRACE_SECONDS + 2)["id"] == expected
    finally:
        stream.close()
        watcher.close()


def test_a_page_rendered_while_an_earlier_commit_is_pending_still_receives_it(open_workshop, live_server_url):
    """A page names the newest committed event, but a lower id may still commit; the page does not
    show it either, so its stream must deliver it (at the price of one event the page already shows)."""
    workshop, position = open_workshop
    early, late = Person(live_server_url, workshop, "Early"), Person(live_server_url, workshop, "Late")
    slow, quick = join_workshop(workshop, "Slow voter"), join_workshop(workshop, "Quick voter")
    opened = Stream(early)  # the workshop's feed in this process is running
    page = None
    try:
        with vote_held_open(slow, position):
            cast_vote(quick, Vote.Kind.AGREEMENT, -1, statement=position)
            rendered_at = Event.objects.filter(workshop=workshop).latest("id").pk  # what a page names now
            page = Stream(late, page_position=rendered_at)
            while page.messages.get(timeout=10).get("event") != "presence":
                pass
        pending = Event.objects.get(verb="vote.cast", actor=slow).pk
        assert pending < rendered_at
        received = set()
        while pending not in received:
            received.add(page.next_event("tally", timeout=5)["id"])
    finally:
        for stream in (opened, page):
            if stream:
                stream.close()
        early.close()
        late.close()


def test_a_vote_event_carries_the_outline_tally_as_it_stands(open_workshop, live_server_url):
    workshop, position = open_workshop
    with watched(live_server_url, workshop) as (stream, voter):
        assert voter.vote(position.pk, 2).status_code in (200, 302)
        assert stream.next_event("tally")["tally"] == {"agree": 1, "unsure": 0, "disagree": 0}
        other = join_workshop(workshop, "Dissenter")
        cast_vote(other, Vote.Kind.AGREEMENT, -1, statement=position)
        assert stream.next_event("tally")["tally"] == {"agree": 1, "unsure": 0, "disagree": 1}


def test_a_vote_event_carries_no_tally_where_results_wait_for_a_viewers_vote(open_workshop, live_server_url):
    workshop, position = open_workshop
    workshop.hide_results_until_voted = True
    workshop.save(update_fields=["hide_results_until_voted"])
    with watched(live_server_url, workshop) as (stream, voter):
        assert voter.vote(position.pk, 2).status_code in (200, 302)
        event = stream.next_event("tally")
        assert event["statement"] == position.pk and "tally" not in event


def test_a_vote_its_process_did_not_announce_still_arrives_within_a_coalescing_period(transactional_db, open_workshop):
    """A process announces a workshop's votes at most every `LIVE_ANNOUNCE_MS`; the hub keeps
    reading a workshop that had news, so the next vote arrives without an announcement (and here
    without the safety poll, pushed out to a minute)."""
    workshop, position = open_workshop
    slow = {"LIVE_ANNOUNCE_MS": "2500", "LIVE_SAFETY_POLL_MS": "60000"}
    listener = psycopg.connect(current_database_url(), autocommit=True)
    listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
    try:
        with uvicorn_server(**slow) as url, watched(url, workshop) as (stream, voter):
            assert voter.vote(position.pk, 2).status_code in (200, 302)
            assert stream.next_event("tally")["tally"] == {"agree": 1, "unsure": 0, "disagree": 0}
            assert voter.vote(position.pk, -2).status_code in (200, 302)  # within 2.5 s of the first
            assert stream.next_event("tally", timeout=1.5)["tally"] == {"agree": 0, "unsure": 0, "disagree": 1}
        notes = [note.payload for note in listener.notifies(timeout=0.5, stop_after=None)]
        assert notes.count(f"{workshop.pk}:votes") == 1  # the second vote was not announced
    finally:
        listener.close()
