"""What each Event means to a page: the SSE event name a page listens for, and the message text."""

import json

from deliberation.models import Event

# SSE event names by Event verb prefix (the longest matching prefix wins).
CATEGORIES = {
    "vote.": "tally",
    "statement.": "map",
    "relation.": "map",
    "annotation.": "annotations",
    "participant.": "people",
    "workshop.phase_changed": "banner",
    "workshop.focus_changed": "banner",
    "workshop.timer_changed": "banner",
    "workshop.note_changed": "banner",
    "workshop.join_code_rotated": "banner",
    "workshop.updated": "banner",
    "workshop.": "workshop",
}


def category(verb: str) -> str:
    matches = [prefix for prefix in CATEGORIES if verb.startswith(prefix)]
    return CATEGORIES[max(matches, key=len)] if matches else "map"


def payload(event: Event) -> dict:
    """The small, public part of an Event that a page needs to decide what to re-fetch."""
    data = event.payload or {}
    return {
        "id": event.pk,
        "verb": event.verb,
        "statement": event.statement_id,
        "relation": data.get("relation_id"),
        "kind": data.get("kind"),
        # What a new statement or link speaks to: a panel showing it lists its reasons.
        "parent": data.get("parent"),
    }


def sse_event(event_id: int, name: str, data: dict) -> str:
    return f"id: {event_id}\nevent: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def sse_unnumbered(name: str, data: dict) -> str:
    """A message without an id (presence): it must not move the client's Last-Event-ID."""
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


HEARTBEAT = ": keep-alive\n\n"
