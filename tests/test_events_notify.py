"""PostgreSQL announces each new Event when its transaction commits (the trigger of migration 0002),
and never an Event whose transaction rolled back."""

import psycopg
import pytest
from django.db import connection, transaction

from deliberation.domain import cast_vote
from deliberation.domain.events import NOTIFY_CHANNEL
from deliberation.models import Event, Vote


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


def test_a_committed_vote_is_announced_with_its_workshop_and_event(listener, workshop, position, bob):
    received(listener)  # the fixtures' own events
    cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)
    event = Event.objects.filter(verb="vote.cast").get()
    assert received(listener) == [f"{workshop.pk}:{event.pk}"]


def test_nothing_is_announced_before_commit_or_after_a_rollback(listener, workshop, position, bob):
    received(listener)
    with pytest.raises(RuntimeError), transaction.atomic():
        cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=position)
        assert received(listener) == []  # written, not yet committed: not announced
        raise RuntimeError("roll back")
    assert received(listener) == []
    assert not Event.objects.filter(verb="vote.cast").exists()
