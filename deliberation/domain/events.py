"""Appending Events and telling the live streams about them once the transaction commits."""

import logging

from django.db import connection, transaction

from deliberation.models import Event, Participant, Workshop

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "deliberation_events"


def record(workshop: Workshop, verb: str, actor: Participant | None = None, statement=None, **payload) -> Event:
    """Append one Event in the caller's transaction and notify listeners after commit."""
    event = Event.objects.create(
        workshop=workshop,
        verb=verb,
        actor=actor,
        actor_user_id=actor.user_id if actor else None,
        statement=statement,
        payload=payload,
    )
    transaction.on_commit(lambda: notify(workshop.pk, event.pk))
    return event


def notify(workshop_id: int, event_id: int) -> None:
    """NOTIFY every app process listening on PostgreSQL; on SQLite the hub polls instead."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [NOTIFY_CHANNEL, f"{workshop_id}:{event_id}"])
    except Exception:  # a lost notification only delays delivery: streams also poll on heartbeat
        log.exception("NOTIFY failed for event %s", event_id)
