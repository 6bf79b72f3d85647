"""The audit log in plain language: `{{ event.verb|verb_label }}` names what happened ("Statement
hidden" for `statement.hidden`), and `{{ raw|log_value:shown }}` shows a recorded yes/no as Yes or No.
The raw verb stays the log's machine-readable key: the page keeps it in a title attribute and the
CSV export writes it unchanged. A verb recorded anywhere (`record(…, "<verb>", …)`) needs a label
here; `tests/test_moderation_log.py` checks that every one has."""

from django import template
from django.utils.translation import gettext_lazy as _

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
    "relation.added": _("Link added"),
    "annotation.added": _("Comment, tag, highlight or flag added"),
    "annotation.hidden": _("Comment, tag or highlight hidden or shown"),
    "annotation.resolved": _("Flag resolved"),
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


@register.filter
def log_value(raw, shown=None):
    """A recorded value as the log shows it: True and False as Yes and No, anything else as
    `shown` (the view's rendering of it) or, without one, as itself."""
    if isinstance(raw, bool):
        return _("Yes") if raw else _("No")
    if shown is not None:
        return shown
    return "" if raw is None else raw
