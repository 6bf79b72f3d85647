"""Appending Events; PostgreSQL tells the live streams about each one when its transaction commits.

The `deliberation_event_notify` trigger (migration 0002) sends `NOTIFY deliberation_events,
'<workshop id>:<event id>'` for every inserted row. PostgreSQL delivers it at commit and drops it
on rollback, so listeners never hear of an event they cannot read yet. On SQLite the hub polls.
"""

from deliberation.models import Event, Participant, Workshop

NOTIFY_CHANNEL = "deliberation_events"  # the trigger's channel


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
