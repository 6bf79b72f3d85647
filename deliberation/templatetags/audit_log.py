"""The audit log in plain language: `{{ event.verb|verb_label }}` names what happened ("Statement
hidden" for `statement.hidden`), and `{% log_value event "before" %}` shows a recorded value in words:
Yes or No, a phase, status or role by its label, a statement by its number, a time as a time.
The raw verb and values stay the log's machine-readable record: the page keeps the verb in a title
attribute and the CSV export writes both unchanged. A verb recorded anywhere (`record(…, "<verb>", …)`) needs a label
here; `tests/test_moderation_log.py` checks that every one has."""

import json

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from deliberation.models import Phase, RelationKind, Role, StatementStatus

register = template.Library()

VERB_LABELS = {
    "workshop.created": _("Workshop created"),
    "workshop.updated": _("Workshop settings changed"),
    "workshop.imported": _("Map imported"),
    "workshop.phase_changed": _("Phase changed"),
    "workshop.focus_changed": _("Focus changed"),
    "workshop.timer_changed": _("Timer changed"),
    "workshop.join_code_rotated": _("New join code"),
    "workshop.note_changed": _("Note to participants changed"),
    "workshop.moderator_added": _("Co-moderator added"),
    "workshop.moderator_removed": _("Co-moderator removed"),
    "statement.added": _("Statement added"),
    "statement.edited": _("Statement edited"),
    "statement.withdrawn": _("Statement withdrawn by its author"),
    "statement.approved": _("Statement approved"),
    "statement.rejected": _("Statement rejected"),
    "statement.hidden": _("Statement hidden"),
    "statement.restored": _("Statement restored"),
    "statement.locked": _("Statement locked"),
    "statement.unlocked": _("Statement unlocked"),
    "statement.moved": _("Statement moved"),
    "statement.merged": _("Duplicates merged"),
    "statement.unmerged": _("Merge undone"),
    "relation.added": _("Link added"),
    "annotation.added": _("Comment, tag, highlight or flag added"),
    "annotation.hidden": _("Comment, tag or highlight hidden or shown"),
    "annotation.resolved": _("Flag resolved"),
    "annotation.withdrawn": _("Comment or tag withdrawn by its author"),
    "annotation.edited": _("Comment changed by its author"),
    "vote.cast": _("Vote cast"),
    "vote.retracted": _("Vote withdrawn"),
    "participant.joined": _("Participant joined"),
    "participant.renamed": _("Participant renamed"),
    "participant.role_changed": _("Role changed"),
    "participant.banned": _("Participant removed"),
    "participant.unbanned": _("Participant let back in"),
}


@register.filter
def verb_label(verb: str) -> str:
    """A logged verb in words; a verb without a label shows as itself."""
    return VERB_LABELS.get(verb, verb)


# Values recorded as choice keys, by verb: the log shows their labels.
_STATUS = dict(StatementStatus.choices)
VALUE_LABELS = {
    "workshop.phase_changed": dict(Phase.choices),
    "participant.role_changed": dict(Role.choices),
    "annotation.resolved": {"open": _("Open"), "resolved": _("Resolved")},
    **dict.fromkeys(
        (
            "statement.withdrawn",
            "statement.approved",
            "statement.rejected",
            "statement.hidden",
            "statement.restored",
            "statement.unmerged",
        ),
        _STATUS,
    ),
}


def describe(value) -> str:
    """A payload value as one readable line (JSON for structures)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.simple_tag
def log_value(event, side: str) -> str:
    """The event's recorded `side` ("before" or "after") as the log shows it."""
    raw = (event.payload or {}).get(side)
    if isinstance(raw, bool) or raw is None:
        return _yes_no(raw)
    labels = VALUE_LABELS.get(event.verb, {})
    if isinstance(raw, str) and raw in labels:
        return labels[raw]
    if event.verb == "workshop.focus_changed" and isinstance(raw, int):
        return f"#{raw}"
    if event.verb == "workshop.timer_changed" and isinstance(raw, str) and (moment := parse_datetime(raw)):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if event.verb == "statement.moved" and isinstance(raw, list):
        return "; ".join(_link(link) for link in raw if isinstance(link, dict))
    if event.verb == "statement.merged" and isinstance(raw, dict):
        return _merge(raw)
    if isinstance(raw, dict):  # settings changed: one "field: value" per field
        return "; ".join(f"{key.replace('_', ' ')}: {_yes_no(value)}" for key, value in sorted(raw.items()))
    return describe(raw)


def _yes_no(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return describe(value)


def _link(link: dict) -> str:
    """A recorded link `{"parent": 12, "relation": "supports"}` as "supports #12"."""
    relation = dict(RelationKind.choices).get(link.get("relation"), link.get("relation"))
    return f"{relation} #{link.get('parent')}"


def _merge(side: dict) -> str:
    """A merge's before (both statements' statuses) or after (which went into which)."""
    duplicate, survivor = side.get("duplicate"), side.get("survivor")
    if isinstance(duplicate, dict) and isinstance(survivor, dict):
        return "; ".join(
            f"#{item.get('id')}: {_STATUS.get(item.get('status'), item.get('status'))}"
            for item in (duplicate, survivor)
        )
    return _("#%(duplicate)s merged into #%(survivor)s") % {"duplicate": duplicate, "survivor": survivor}
