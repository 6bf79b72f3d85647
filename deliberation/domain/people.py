"""The people in a workshop: co-moderators, renaming, roles, removing and letting back in.
Like every moderation write, each function checks the actor, writes in one transaction and logs one
Event with `before`, `after` and `reason`."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from deliberation.models import Annotation, Participant, Role, Statement, Workshop

from .errors import Conflict, InvalidInput, NotAllowed
from .events import record
from .moderation import clean_reason, require_owner
from .rules import require_moderator
from .workshops import moderator_seat, require_unmistakable_name

Status = Statement.Status


@transaction.atomic
def add_co_moderator(actor: Participant, workshop: Workshop, username: str, reason: str = "") -> Participant:
    """The owner adds a co-moderator by account name; their seat is created or promoted."""
    require_owner(actor, workshop)
    username = (username or "").strip()
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first() if username else None
    if user is None:
        raise InvalidInput(_("No account is called “%(name)s”.") % {"name": username}, field="username")
    if workshop.is_moderator(user):
        raise Conflict(_("%(name)s already moderates this workshop.") % {"name": user.get_username()}, field="username")
    workshop.co_moderators.add(user)
    seat = moderator_seat(workshop, user)
    if seat.is_banned:
        seat.is_banned = False
        seat.save(update_fields=["is_banned"])
    record(
        workshop,
        "workshop.moderator_added",
        actor,
        before=None,
        after=user.get_username(),
        seat=seat.pk,
        reason=clean_reason(reason),
    )
    return seat


@transaction.atomic
def remove_co_moderator(actor: Participant, workshop: Workshop, user, reason: str = "") -> None:
    require_owner(actor, workshop)
    if user.pk == workshop.owner_id:
        raise InvalidInput(_("The owner cannot be removed from their own workshop."))
    if not workshop.co_moderators.filter(pk=user.pk).exists():
        raise InvalidInput(_("%(name)s is not a co-moderator here.") % {"name": user.get_username()})
    workshop.co_moderators.remove(user)
    Participant.objects.filter(workshop=workshop, user=user).update(role=Role.PARTICIPANT)
    record(
        workshop,
        "workshop.moderator_removed",
        actor,
        before=user.get_username(),
        after=None,
        reason=clean_reason(reason),
    )


def _person(actor: Participant, participant: Participant) -> Participant:
    """Moderators manage participants and observers; only the owner manages other moderators,
    and nobody manages the owner's seat."""
    workshop = participant.workshop
    require_moderator(actor, workshop)
    fresh = Participant.objects.select_for_update().get(pk=participant.pk)
    if fresh.role == Role.OWNER:
        raise NotAllowed(_("The owner's seat cannot be changed here."))
    if fresh.role == Role.MODERATOR and actor.role != Role.OWNER:
        raise NotAllowed(_("Only the owner can change another moderator's seat."))
    fresh.workshop = workshop
    return fresh


@transaction.atomic
def rename_participant(
    actor: Participant, participant: Participant, display_name: str, reason: str = ""
) -> Participant:
    fresh = _person(actor, participant)
    name = " ".join((display_name or "").split())
    if not name or len(name) > 40:
        raise InvalidInput(_("A display name has 1 to 40 characters."), field="display_name")
    require_unmistakable_name(name)
    if Participant.objects.filter(workshop=fresh.workshop, display_name__iexact=name).exclude(pk=fresh.pk).exists():
        raise Conflict(_("Someone here is already called “%(name)s”.") % {"name": name}, field="display_name")
    before = fresh.display_name
    if before == name:
        return fresh
    fresh.display_name = name
    fresh.save(update_fields=["display_name"])
    record(
        fresh.workshop,
        "participant.renamed",
        actor,
        participant_id=fresh.pk,
        before=before,
        after=name,
        reason=clean_reason(reason),
    )
    return fresh


@transaction.atomic
def set_participant_role(actor: Participant, participant: Participant, role: str, reason: str = "") -> Participant:
    """Make someone a participant, an observer or (owner only) a moderator. A seat with an account
    becomes a co-moderator of the workshop, so the moderator pages open for them too."""
    fresh = _person(actor, participant)
    if role not in (Role.PARTICIPANT, Role.OBSERVER, Role.MODERATOR):
        raise InvalidInput(_("Choose participant, observer or moderator."), field="role")
    if role == Role.MODERATOR and actor.role != Role.OWNER:
        raise NotAllowed(_("Only the owner can make someone a moderator."))
    before = fresh.role
    if before == role:
        return fresh
    fresh.role = role
    fresh.save(update_fields=["role"])
    if fresh.user_id:
        workshop = fresh.workshop
        if role == Role.MODERATOR:
            workshop.co_moderators.add(fresh.user_id)
        else:
            workshop.co_moderators.remove(fresh.user_id)
    record(
        fresh.workshop,
        "participant.role_changed",
        actor,
        participant_id=fresh.pk,
        name=fresh.display_name,
        before=before,
        after=role,
        reason=clean_reason(reason),
    )
    return fresh


@transaction.atomic
def ban_participant(
    actor: Participant, participant: Participant, hide_content: bool = False, reason: str = ""
) -> Participant:
    """Remove someone from the workshop. Their statements stay as they are, or are hidden when the
    moderator asks for it; their votes stay counted (a vote is not content)."""
    fresh = _person(actor, participant)
    if fresh.pk == actor.pk:
        raise InvalidInput(_("You cannot remove yourself."))
    if fresh.is_banned:
        raise Conflict(_("%(name)s has already been removed.") % {"name": fresh.display_name})
    fresh.is_banned = True
    fresh.save(update_fields=["is_banned"])
    hidden = []
    if hide_content:
        statements = Statement.objects.filter(author=fresh, status__in=[Status.VISIBLE, Status.PENDING])
        hidden = list(statements.values_list("pk", flat=True))
        statements.update(status=Status.HIDDEN, version=F("version") + 1, moderation_reason=clean_reason(reason))
        Annotation.objects.filter(author=fresh).update(is_hidden=True)
        Workshop.objects.filter(pk=fresh.workshop_id, focus_statement__in=hidden).update(focus_statement=None)
    record(
        fresh.workshop,
        "participant.banned",
        actor,
        participant_id=fresh.pk,
        name=fresh.display_name,
        before=False,
        after=True,
        hidden_statements=hidden,
        reason=clean_reason(reason),
    )
    return fresh


@transaction.atomic
def unban_participant(actor: Participant, participant: Participant, reason: str = "") -> Participant:
    """Let someone back in; content hidden with the ban stays hidden until restored one by one."""
    fresh = _person(actor, participant)
    if not fresh.is_banned:
        return fresh
    fresh.is_banned = False
    fresh.save(update_fields=["is_banned"])
    record(
        fresh.workshop,
        "participant.unbanned",
        actor,
        participant_id=fresh.pk,
        name=fresh.display_name,
        before=True,
        after=False,
        reason=clean_reason(reason),
    )
    return fresh
