"""Creating workshops and seating people in them."""

import secrets

from confusable_homoglyphs import confusables
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.models import Participant, Phase, Role, Statement, Workshop, normalise_join_code

from .errors import Conflict, InvalidInput, NotAllowed, NotFound, PhaseError
from .events import record

WORKSHOP_SETTINGS = (
    "description",
    "pole_a",
    "pole_b",
    "premoderation",
    "anonymous_aliases",
    "hide_results_until_voted",
    "allow_agreement_votes",
    "allow_strength_votes",
    "allow_lens_votes",
    "max_text_length",
)

ALIAS_ADJECTIVES = [
    "Amber",
    "Brisk",
    "Calm",
    "Daring",
    "Eager",
    "Fair",
    "Gentle",
    "Hardy",
    "Keen",
    "Lucid",
    "Mellow",
    "Nimble",
    "Open",
    "Quiet",
    "Rapid",
    "Steady",
    "Tidy",
    "Vivid",
    "Warm",
    "Witty",
]
ALIAS_NOUNS = [
    "Albatross",
    "Badger",
    "Cedar",
    "Comet",
    "Dolphin",
    "Falcon",
    "Fern",
    "Glacier",
    "Heron",
    "Lynx",
    "Maple",
    "Otter",
    "Pine",
    "Quartz",
    "Raven",
    "Sparrow",
    "Tern",
    "Walrus",
    "Willow",
    "Yak",
]


@transaction.atomic
def create_workshop(owner, title: str, question: str, **settings) -> Workshop:
    """A workshop starts in draft with its question as the root statement and the owner seated."""
    title, question = (title or "").strip(), (question or "").strip()
    if not title:
        raise InvalidInput(_("Give the workshop a title."), field="title")
    if not question:
        raise InvalidInput(_("Give the workshop a question to deliberate."), field="question")
    unknown = set(settings) - set(WORKSHOP_SETTINGS) - {"phase", "join_code", "slug"}
    if unknown:
        raise InvalidInput(_("Unknown workshop settings: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if bool(settings.get("pole_a")) != bool(settings.get("pole_b")):
        raise InvalidInput(_("A dilemma needs both poles, or neither."), field="pole_b")
    workshop = Workshop(owner=owner, title=title, question=question, **settings)
    workshop.full_clean(exclude=["owner", "join_code", "slug"])
    workshop.save()
    Statement.objects.create(workshop=workshop, kind=Statement.Kind.QUESTION, title=_("Question"), text=question)
    owner_seat = Participant.objects.create(
        workshop=workshop, display_name=_unique_name(workshop, owner.get_username()), role=Role.OWNER, user=owner
    )
    record(workshop, "workshop.created", owner_seat, title=title)
    return workshop


def find_workshop_by_code(raw_code: str) -> Workshop:
    code = normalise_join_code(raw_code)
    workshop = Workshop.objects.filter(join_code=code).first() if code else None
    if workshop is None:
        raise NotFound(
            _("No workshop has the code “%(code)s”. Check it and try again.") % {"code": raw_code.strip()}, field="code"
        )
    if not workshop.join_code_is_valid():
        raise PhaseError(_("This join code has expired. Ask the moderator for the current one."), field="code")
    return workshop


def require_open_to_join(workshop: Workshop, former_token: str = "") -> None:
    """What stops this device from taking a seat, if anything: said on the join page before a name
    is typed, and checked again when the seat is taken."""
    require_not_removed(workshop, former_token)
    if workshop.phase == Phase.CLOSED:
        raise PhaseError(_("This workshop is closed and no longer takes new participants."))
    if workshop.phase == Phase.DRAFT:
        raise PhaseError(_("This workshop has not opened yet. Try again when the moderator starts it."))
    if not workshop.join_code_is_valid():
        raise PhaseError(_("This join code has expired. Ask the moderator for the current one."), field="code")


@transaction.atomic
def join_workshop(
    workshop: Workshop, display_name: str = "", anonymous: bool = False, former_token: str = ""
) -> Participant:
    """Seat a new participant. Names are unique in a workshop regardless of case.

    `former_token` is the seat this device held here before, if any: someone a moderator removed
    does not come back under a new name from the same browser (another browser, without the
    cookie, cannot be told apart from a newcomer; the moderator removes that seat too)."""
    require_open_to_join(workshop, former_token)
    if anonymous or workshop.anonymous_aliases:
        display_name = _random_alias(workshop)
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise InvalidInput(_("Choose a display name."), field="display_name")
    if len(display_name) > 40:
        raise InvalidInput(_("A display name can be at most 40 characters."), field="display_name")
    if not display_name.isprintable():
        raise InvalidInput(_("A display name cannot contain control characters."), field="display_name")
    require_unmistakable_name(display_name)
    if Participant.objects.filter(workshop=workshop, display_name__iexact=display_name).exists():
        raise Conflict(
            _("Someone here is already called “%(name)s”. Pick another name.") % {"name": display_name},
            field="display_name",
        )
    try:
        with transaction.atomic():
            participant = Participant.objects.create(workshop=workshop, display_name=display_name)
    except IntegrityError:  # the same name claimed at the same moment
        raise Conflict(
            _("Someone here is already called “%(name)s”. Pick another name.") % {"name": display_name},
            field="display_name",
        ) from None
    record(workshop, "participant.joined", participant, name=display_name)
    return participant


def require_unmistakable_name(name: str) -> None:
    """Refuse a name that mixes alphabets with letters that look alike (a Cyrillic "А" among Latin
    letters): it would pass for someone else's name. A name wholly in one alphabet is fine."""
    if confusables.is_dangerous(name):
        raise InvalidInput(
            _("This name mixes letters of different alphabets that look alike. Type it in one alphabet."),
            field="display_name",
        )


def require_not_removed(workshop: Workshop, former_token: str) -> None:
    """Raise if `former_token` names a seat in `workshop` that a moderator removed."""
    if (
        former_token
        and Participant.objects.filter(workshop=workshop, resume_token=former_token, is_banned=True).exists()
    ):
        raise NotAllowed(_("A moderator has removed you from this workshop. Ask them if you may come back."))


@transaction.atomic
def moderator_seat(workshop: Workshop, user) -> Participant:
    """The seat a moderator acts through, created on first use, so every action has one actor."""
    if not workshop.is_moderator(user):
        raise NotAllowed(_("Only a moderator of this workshop can do this."))
    seat = Participant.objects.filter(workshop=workshop, user=user).first()
    role = Role.OWNER if workshop.owner_id == user.pk else Role.MODERATOR
    if seat is None:
        seat = Participant.objects.create(
            workshop=workshop, user=user, role=role, display_name=_unique_name(workshop, user.get_username())
        )
    elif seat.role != role and seat.role != Role.OWNER:
        seat.role = role
        seat.save(update_fields=["role"])
    return seat


def touch(participant: Participant) -> None:
    Participant.objects.filter(pk=participant.pk).update(last_seen_at=timezone.now())


def _unique_name(workshop: Workshop, wanted: str) -> str:
    name, n = wanted[:36], 1
    while Participant.objects.filter(workshop=workshop, display_name__iexact=name).exists():
        n += 1
        name = f"{wanted[:33]} {n}"
    return name


def _random_alias(workshop: Workshop) -> str:
    for _attempt in range(50):
        alias = f"{secrets.choice(ALIAS_ADJECTIVES)} {secrets.choice(ALIAS_NOUNS)}"
        if not Participant.objects.filter(workshop=workshop, display_name__iexact=alias).exists():
            return alias
    return f"{secrets.choice(ALIAS_ADJECTIVES)} {secrets.choice(ALIAS_NOUNS)} {secrets.randbelow(10000)}"
