"""Appending Events, and telling the live streams of every process about them.

PostgreSQL announces most events itself: the `deliberation_event_notify` trigger (migrations 0002
and 0004) sends `NOTIFY deliberation_events, '<workshop id>:<event id>'` for every inserted row,
delivered at commit and dropped on rollback, so listeners never hear of an event they cannot read
yet. Votes are the exception (`announce_votes`). On SQLite the hub polls.
"""

import logging
import os
import time
from functools import partial

from django.db import DatabaseError, connection, transaction

from deliberation.models import Event, Participant, Workshop

NOTIFY_CHANNEL = "deliberation_events"  # the trigger's channel
# A process announces a workshop's votes at most this often. The hub keeps reading a workshop for
# `live.hub.FOLLOW_UP_SECONDS` after its last new event, longer than this, so a vote that is not
# announced is read with the one that was (see `announce_votes`).
ANNOUNCE_SECONDS = int(os.environ.get("LIVE_ANNOUNCE_MS", "500")) / 1000

log = logging.getLogger(__name__)
_announced: dict[int, float] = {}  # workshop id -> when this process last announced its votes


def record(workshop: Workshop, verb: str, actor: Participant | None = None, statement=None, **payload) -> Event:
    """Append one Event in the caller's transaction (the trigger announces it on commit)."""
    return Event.objects.create(
        workshop=workshop,
        verb=verb,
        actor=actor,
        actor_user_id=actor.user_id if actor else None,
        statement=statement,
        payload=payload,
    )


def announce_votes(workshop_id: int) -> None:
    """Tell the hubs that a workshop has a new `vote.cast` event, once the caller's transaction
    commits: `NOTIFY deliberation_events, '<workshop id>:votes'`.

    The trigger does not announce votes. A NOTIFY inside a transaction holds a lock until the
    commit is on disk, so every notifying transaction commits alone, one flush each: at a few
    hundred votes a second that queue was a tenth of a vote's cost. Sent after the commit, the
    NOTIFY is a statement of its own that writes nothing and holds the lock for an instant.

    A process announces a workshop at most every `ANNOUNCE_SECONDS`. A vote it does not announce
    follows an announced one by less than that, and a hub that hears of a workshop keeps reading it
    for `FOLLOW_UP_SECONDS` after its last new event, so it reads the unannounced vote within a
    coalescing period too. If the NOTIFY is lost (the process dies right after the commit, the
    connection drops), the hub's safety poll still finds the vote.
    """
    if connection.vendor == "postgresql" and not _announced_lately(workshop_id):
        transaction.on_commit(partial(_notify_votes, workshop_id))


def _announced_lately(workshop_id: int) -> bool:
    return time.monotonic() - _announced.get(workshop_id, float("-inf")) < ANNOUNCE_SECONDS


def _notify_votes(workshop_id: int) -> None:
    if _announced_lately(workshop_id):  # another vote of the same commit, or another thread, was first
        return
    _announced[workshop_id] = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [NOTIFY_CHANNEL, f"{workshop_id}:votes"])
    except DatabaseError:  # the vote is committed; the hubs' safety poll will find it
        log.warning("Could not announce the votes of workshop %s", workshop_id, exc_info=True)
