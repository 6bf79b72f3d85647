"""PostgreSQL announces each new Event once its transaction commits, and never an Event whose
transaction rolled back: the trigger of migrations 0002 and 0004 announces every event but votes,
and a vote announces itself after its commit, at most every `ANNOUNCE_SECONDS` per workshop and
process (`domain.events.announce_votes`)."""

import psycopg
import pytest
from django.db import connection, transaction

from deliberation.domain import add_statement, cast_vote, events
from deliberation.domain.events import ANNOUNCE_SECONDS, NOTIFY_CHANNEL
from deliberation.domain.votes import cast_vote_by_seat
from deliberation.models import Event, Statement, Vote


@pytest.fixture
def listener(transactional_db):
    params = connection.settings_dict
    conn = psycopg.connect(
        dbname=params["NAME"],
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    )
    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
    yield conn
    conn.close()


def received(conn) -> list[str]:
    return [note.payload for note in conn.notifies(timeout=1, stop_after=None)]


class Clock:
    """`time.monotonic` for `domain.events`, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(events, "time", clock)
    return clock


def test_a_committed_vote_is_announced_with_its_workshop(listener, workshop, position, bob):
    received(listener)  # the fixtures' own events
    cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)
    assert Event.objects.filter(verb="vote.cast").count() == 1
    assert received(listener) == [f"{workshop.pk}:votes"]


def test_a_page_vote_is_announced_too(listener, workshop, position, bob):
    received(listener)
    assert (
        cast_vote_by_seat(bob.resume_token, workshop.slug, position.pk, Vote.Kind.AGREEMENT, -1, (300, 60)) is not None
    )
    assert received(listener) == [f"{workshop.pk}:votes"]


def test_other_events_are_announced_by_the_trigger_with_their_id(listener, workshop, position, bob):
    received(listener)
    claim = add_statement(bob, position, Statement.Kind.CLAIM, "Shared data saves money.", relation="supports")
    event = Event.objects.get(verb="statement.added", statement=claim)
    assert received(listener) == [f"{workshop.pk}:{event.pk}"]


def test_nothing_is_announced_before_commit_or_after_a_rollback(listener, workshop, position, bob):
    received(listener)
    with pytest.raises(RuntimeError), transaction.atomic():
        cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)
        assert received(listener) == []  # written, not yet committed: not announced
        raise RuntimeError("roll back")
    assert received(listener) == []
    assert not Event.objects.filter(verb="vote.cast").exists()
    cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)  # a rollback does not hold back the next
    assert received(listener) == [f"{workshop.pk}:votes"]


def test_a_process_announces_a_workshops_votes_at_most_every_announce_seconds(
    listener, clock, make_workshop, workshop, position, alice, bob
):
    received(listener)
    cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)
    clock.now += ANNOUNCE_SECONDS * 0.9
    cast_vote(alice, Vote.Kind.AGREEMENT, -1, statement=position)
    assert received(listener) == [f"{workshop.pk}:votes"]

    other = make_workshop()  # each workshop has its own pace
    stranger = add_statement(other.participants.get(), other.root(), Statement.Kind.POSITION, "Elsewhere.")
    received(listener)
    cast_vote(other.participants.get(), Vote.Kind.AGREEMENT, 2, statement=stranger)
    assert received(listener) == [f"{other.pk}:votes"]

    clock.now += ANNOUNCE_SECONDS * 0.2  # past the first announcement's window
    cast_vote(bob, Vote.Kind.AGREEMENT, 0, statement=position)
    assert received(listener) == [f"{workshop.pk}:votes"]


def test_the_votes_of_one_transaction_are_announced_once(listener, workshop, position, alice, bob):
    received(listener)
    with transaction.atomic():
        cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)
        cast_vote(alice, Vote.Kind.AGREEMENT, 2, statement=position)
    assert received(listener) == [f"{workshop.pk}:votes"]
