"""Who may do what in which phase. Every write checks here; pages and API share the answer."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from deliberation.models import Participant, Phase, Role, Statement, Workshop

from .errors import InvalidInput, NotAllowed, PhaseError


def require_member(actor: Participant, workshop: Workshop) -> None:
    if actor is None or actor.workshop_id != workshop.pk:
        raise NotAllowed(_("You are not a participant of this workshop."))
    if actor.is_banned:
        raise NotAllowed(_("You have been removed from this workshop."))


def require_moderator(actor: Participant, workshop: Workshop) -> None:
    require_member(actor, workshop)
    if not actor.is_moderator:
        raise NotAllowed(_("Only a moderator can do this."))


def require_phase(actor: Participant, workshop: Workshop, *phases: str, action: str) -> None:
    """Moderators may prepare and fix things in any phase but closed; others only in `phases`."""
    if workshop.phase == Phase.CLOSED and Phase.CLOSED not in phases:
        raise PhaseError(_("This workshop is closed; %(action)s is no longer possible.") % {"action": action})
    if actor.is_moderator:
        return
    if workshop.phase not in phases:
        raise PhaseError(
            _("%(action)s is not open in the %(phase)s phase.")
            % {"action": action.capitalize(), "phase": Phase(workshop.phase).label.lower()}
        )


def require_contributor(actor: Participant, workshop: Workshop, action: str) -> None:
    require_member(actor, workshop)
    if actor.role == Role.OBSERVER:
        raise NotAllowed(_("Observers can read and follow, but not %(action)s.") % {"action": action})


def clean_text(text: str, workshop: Workshop, field: str = "text", what: str | None = None) -> str:
    what = what or _("The text")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(_("%(what)s cannot be empty.") % {"what": what}, field=field)
    if len(text) > workshop.max_text_length:
        raise InvalidInput(
            _("%(what)s is %(length)d characters long; this workshop allows at most %(limit)d.")
            % {"what": what, "length": len(text), "limit": workshop.max_text_length},
            field=field,
        )
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidInput(_("%(what)s contains control characters.") % {"what": what}, field=field)
    return text


def require_same_workshop(workshop: Workshop, *statements: Statement) -> None:
    for statement in statements:
        if statement.workshop_id != workshop.pk:
            raise InvalidInput(_("That statement belongs to another workshop."))


def clean_source_url(url: str) -> str:
    """A source link people can follow safely: http or https only, never javascript: or data:."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise InvalidInput(
            _("A source link must be a web address starting with http:// or https://."), field="source_url"
        ) from None
    if len(url) > Statement._meta.get_field("source_url").max_length:
        raise InvalidInput(_("That source link is too long."), field="source_url")
    return url
