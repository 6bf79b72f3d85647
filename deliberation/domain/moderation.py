"""Running a live workshop: phases, focus, timer, join codes, the moderation queue and the people
in the room. Each function checks that the actor moderates the workshop, writes in one transaction
and appends one Event whose payload says what changed (`before`, `after`) and why (`reason`)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.models import (
    Annotation,
    Participant,
    Phase,
    Relation,
    Role,
    Statement,
    Workshop,
    new_join_code,
)

from .errors import Conflict, InvalidInput, NotAllowed
from .events import record
from .rules import require_moderator, require_same_workshop
from .statements import _check_shape, _is_ancestor
from .workshops import WORKSHOP_SETTINGS

Status = Statement.Status
REASON_LENGTH = 500
MAX_TIMER_SECONDS = 24 * 60 * 60
EDITABLE_FIELDS = ("title", "question", *WORKSHOP_SETTINGS)


def clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_LENGTH:
        raise InvalidInput(_("Keep the reason under %(n)d characters.") % {"n": REASON_LENGTH}, field="reason")
    return reason


def require_owner(actor: Participant, workshop: Workshop) -> None:
    require_moderator(actor, workshop)
    if actor.role != Role.OWNER:
        raise NotAllowed(_("Only the owner of this workshop can do this."))


def _locked_workshop(workshop: Workshop) -> Workshop:
    """Re-read the workshop under a row lock, so two moderators' clicks apply one after the other."""
    fresh = Workshop.objects.select_for_update().get(pk=workshop.pk)
    return fresh


def _locked_statement(actor: Participant, statement: Statement) -> Statement:
    require_moderator(actor, statement.workshop)
    fresh = Statement.objects.select_for_update().get(pk=statement.pk)
    fresh.workshop = statement.workshop
    return fresh


# --- The workshop ---------------------------------------------------------------------------------


@transaction.atomic
def update_workshop(actor: Participant, workshop: Workshop, reason: str = "", **changes) -> Workshop:
    """Change title, question, description, dilemma poles or settings. The question statement
    follows the workshop's question."""
    require_moderator(actor, workshop)
    reason = clean_reason(reason)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown workshop settings: %(names)s") % {"names": ", ".join(sorted(unknown))})
    fresh = _locked_workshop(workshop)
    for key in ("title", "question", "description", "pole_a", "pole_b"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    if "title" in changes and not changes["title"]:
        raise InvalidInput(_("Give the workshop a title."), field="title")
    if "question" in changes and not changes["question"]:
        raise InvalidInput(_("Give the workshop a question to deliberate."), field="question")
    before, after = {}, {}
    for key, value in changes.items():
        if getattr(fresh, key) != value:
            before[key], after[key] = getattr(fresh, key), value
            setattr(fresh, key, value)
    if bool(fresh.pole_a) != bool(fresh.pole_b):
        raise InvalidInput(_("A dilemma needs both poles, or neither."), field="pole_b")
    fresh.full_clean(exclude=["owner", "join_code", "slug", "focus_statement"])
    if not after:
        return fresh
    fresh.save()
    if "question" in after:
        Statement.objects.filter(workshop=fresh, kind=Statement.Kind.QUESTION).update(
            text=fresh.question, version=F("version") + 1
        )
    record(fresh, "workshop.updated", actor, before=before, after=after, reason=reason)
    _copy_live_state(fresh, workshop)
    return fresh


@transaction.atomic
def set_phase(actor: Participant, workshop: Workshop, phase: str, reason: str = "") -> Workshop:
    """Move between draft, contribute, vote and closed, in any direction."""
    require_moderator(actor, workshop)
    if phase not in Phase.values:
        raise InvalidInput(_("Choose one of the phases."), field="phase")
    reason = clean_reason(reason)
    fresh = _locked_workshop(workshop)
    before = fresh.phase
    if before == phase:
        return fresh
    fresh.phase = phase
    fresh.save(update_fields=["phase", "updated_at"])
    record(fresh, "workshop.phase_changed", actor, before=before, after=phase, reason=reason)
    _copy_live_state(fresh, workshop)
    return fresh


@transaction.atomic
def focus_statement(actor: Participant, workshop: Workshop, statement: Statement | None, reason: str = "") -> Workshop:
    """Spotlight one visible statement for the room (or none)."""
    require_moderator(actor, workshop)
    if statement is not None:
        require_same_workshop(workshop, statement)
        if statement.status != Status.VISIBLE:
            raise InvalidInput(_("Only a visible statement can be put in focus."), field="statement")
    fresh = _locked_workshop(workshop)
    before = fresh.focus_statement_id
    after = statement.pk if statement else None
    if before == after:
        return fresh
    fresh.focus_statement = statement
    fresh.save(update_fields=["focus_statement", "updated_at"])
    record(fresh, "workshop.focus_changed", actor, statement, before=before, after=after, reason=clean_reason(reason))
    _copy_live_state(fresh, workshop)
    return fresh


@transaction.atomic
def set_timer(actor: Participant, workshop: Workshop, seconds: int | None, reason: str = "") -> Workshop:
    """Start a countdown of `seconds` from now, or stop it with None or 0."""
    require_moderator(actor, workshop)
    try:
        seconds = int(seconds or 0)
    except (TypeError, ValueError):
        raise InvalidInput(_("Give the time in whole minutes or seconds."), field="seconds") from None
    if not 0 <= seconds <= MAX_TIMER_SECONDS:
        raise InvalidInput(_("A timer runs for at most 24 hours."), field="seconds")
    fresh = _locked_workshop(workshop)
    before = _iso(fresh.timer_ends_at)
    fresh.timer_ends_at = timezone.now() + timedelta(seconds=seconds) if seconds else None
    fresh.save(update_fields=["timer_ends_at", "updated_at"])
    record(
        fresh,
        "workshop.timer_changed",
        actor,
        before=before,
        after=_iso(fresh.timer_ends_at),
        seconds=seconds,
        reason=clean_reason(reason),
    )
    _copy_live_state(fresh, workshop)
    return fresh


@transaction.atomic
def rotate_join_code(
    actor: Participant, workshop: Workshop, rotate: bool = True, expires_at: datetime | None = None, reason: str = ""
) -> Workshop:
    """Issue a fresh join code (the old one stops working at once) and/or set when it expires.
    People already seated keep their seats: they resume by their token, not by the code."""
    require_moderator(actor, workshop)
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("Choose an expiry time in the future."), field="expires_at")
    reason = clean_reason(reason)
    fresh = _locked_workshop(workshop)
    before = {"expires_at": _iso(fresh.join_code_expires_at)}
    if rotate:
        fresh.join_code = new_join_code()
        while Workshop.objects.filter(join_code=fresh.join_code).exists():
            fresh.join_code = new_join_code()
    fresh.join_code_expires_at = expires_at
    fresh.save(update_fields=["join_code", "join_code_expires_at", "updated_at"])
    # The code itself is a secret of the room: the log says that it changed, not what it is.
    after = {"expires_at": _iso(expires_at), "rotated": rotate}
    record(fresh, "workshop.join_code_rotated", actor, before=before, after=after, reason=reason)
    _copy_live_state(fresh, workshop)
    return fresh


@transaction.atomic
def set_moderation_note(actor: Participant, workshop: Workshop, note: str, reason: str = "") -> Workshop:
    """A public note shown to everyone in the workshop (empty removes it)."""
    require_moderator(actor, workshop)
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > 2000:
        raise InvalidInput(_("Keep the note under 2000 characters."), field="note")
    fresh = _locked_workshop(workshop)
    before = fresh.moderation_note
    if before == note:
        return fresh
    fresh.moderation_note = note
    fresh.save(update_fields=["moderation_note", "updated_at"])
    record(fresh, "workshop.note_changed", actor, before=before, after=note, reason=clean_reason(reason))
    _copy_live_state(fresh, workshop)
    return fresh


# --- Statements -----------------------------------------------------------------------------------


def _set_status(actor, statement, verb, allowed_from, to, reason="", **extra) -> Statement:
    statement = _locked_statement(actor, statement)
    if statement.kind == Statement.Kind.QUESTION:
        raise InvalidInput(_("The workshop's question cannot be moderated away."))
    if statement.status not in allowed_from:
        raise Conflict(
            _("This statement is %(status)s; that action does not apply.")
            % {"status": Status(statement.status).label.lower()}
        )
    before = statement.status
    statement.status = to
    statement.moderation_reason = reason
    statement.version += 1
    statement.save(update_fields=["status", "moderation_reason", "version", "updated_at"])
    workshop = statement.workshop
    if to != Status.VISIBLE and workshop.focus_statement_id == statement.pk:
        Workshop.objects.filter(pk=workshop.pk).update(focus_statement=None)
        workshop.focus_statement = None
    record(workshop, verb, actor, statement, before=before, after=to, reason=reason, **extra)
    return statement


@transaction.atomic
def approve_statement(actor: Participant, statement: Statement, reason: str = "") -> Statement:
    """A pending (or rejected) contribution goes on the map."""
    return _set_status(
        actor, statement, "statement.approved", (Status.PENDING, Status.REJECTED), Status.VISIBLE, clean_reason(reason)
    )


@transaction.atomic
def reject_statement(actor: Participant, statement: Statement, reason: str = "") -> Statement:
    """Turn a pending contribution down; its author sees the reason."""
    reason = clean_reason(reason)
    if not reason:
        raise InvalidInput(_("Tell the author why, in a sentence."), field="reason")
    return _set_status(actor, statement, "statement.rejected", (Status.PENDING,), Status.REJECTED, reason)


@transaction.atomic
def hide_statement(actor: Participant, statement: Statement, reason: str = "") -> Statement:
    return _set_status(
        actor, statement, "statement.hidden", (Status.VISIBLE, Status.PENDING), Status.HIDDEN, clean_reason(reason)
    )


@transaction.atomic
def restore_statement(actor: Participant, statement: Statement, reason: str = "") -> Statement:
    return _set_status(
        actor,
        statement,
        "statement.restored",
        (Status.HIDDEN, Status.REJECTED, Status.WITHDRAWN),
        Status.VISIBLE,
        clean_reason(reason),
    )


def _set_lock(actor, statement, locked: bool, reason: str) -> Statement:
    statement = _locked_statement(actor, statement)
    if statement.is_locked == locked:
        return statement
    statement.is_locked = locked
    statement.version += 1
    statement.save(update_fields=["is_locked", "version", "updated_at"])
    verb = "statement.locked" if locked else "statement.unlocked"
    record(statement.workshop, verb, actor, statement, before=not locked, after=locked, reason=clean_reason(reason))
    return statement


@transaction.atomic
def lock_statement(actor: Participant, statement: Statement, reason: str = "") -> Statement:
    """A locked statement takes no edits and no new replies from participants."""
    return _set_lock(actor, statement, True, reason)


@transaction.atomic
def unlock_statement(actor: Participant, statement: Statement, reason: str = "") -> Statement:
    return _set_lock(actor, statement, False, reason)


@transaction.atomic
def move_statement(
    actor: Participant, statement: Statement, new_parent: Statement, relation: str = "", reason: str = ""
) -> Statement:
    """Give a statement a different parent: its link to `old` parent(s) is replaced by one link to
    `new_parent`. Votes on the old link's strength go with it only when the link is kept."""
    statement = _locked_statement(actor, statement)
    workshop = statement.workshop
    require_same_workshop(workshop, new_parent)
    reason = clean_reason(reason)
    if statement.kind == Statement.Kind.QUESTION:
        raise InvalidInput(_("The workshop's question has no parent."), field="parent")
    if new_parent.pk == statement.pk:
        raise InvalidInput(_("A statement cannot support or oppose itself."), field="parent")
    if new_parent.status == Status.MERGED:
        raise InvalidInput(_("That statement was merged into another; choose that one."), field="parent")
    links = list(Relation.objects.filter(source=statement).select_for_update())
    old_kind = links[0].kind if links else ""
    relation = relation or (Relation.Kind.ANSWERS if statement.kind == Statement.Kind.POSITION else old_kind)
    _check_shape(statement.kind, new_parent, relation)
    if _is_ancestor(statement, new_parent):
        raise InvalidInput(_("That move would make a circle: the new parent rests on this statement."), field="parent")
    before = [{"parent": link.target_id, "relation": link.kind} for link in links]
    kept = next((link for link in links if link.target_id == new_parent.pk), None)
    Relation.objects.filter(source=statement).exclude(pk=getattr(kept, "pk", None)).delete()
    if kept is None:
        kept = Relation.objects.create(
            workshop=workshop, source=statement, target=new_parent, kind=relation, author=actor
        )
    elif kept.kind != relation:
        kept.kind = relation
        kept.save(update_fields=["kind"])
    Statement.objects.filter(pk=statement.pk).update(version=F("version") + 1)
    statement.version += 1
    record(
        workshop,
        "statement.moved",
        actor,
        statement,
        before=before,
        after=[{"parent": new_parent.pk, "relation": relation}],
        relation_id=kept.pk,
        reason=reason,
    )
    return statement


# --- Annotations and flags ------------------------------------------------------------------------


def _annotation(actor: Participant, annotation: Annotation) -> Annotation:
    require_moderator(actor, annotation.workshop)
    return Annotation.objects.select_for_update().get(pk=annotation.pk)


@transaction.atomic
def hide_annotation(actor: Participant, annotation: Annotation, hidden: bool = True, reason: str = "") -> Annotation:
    """Hide (or show again) a comment, tag or highlight; flags are resolved, not hidden."""
    fresh = _annotation(actor, annotation)
    if fresh.is_hidden == hidden:
        return fresh
    fresh.is_hidden = hidden
    fresh.save(update_fields=["is_hidden"])
    record(
        annotation.workshop,
        "annotation.hidden",
        actor,
        fresh.statement,
        annotation_id=fresh.pk,
        before=not hidden,
        after=hidden,
        reason=clean_reason(reason),
    )
    return fresh


@transaction.atomic
def resolve_flag(actor: Participant, annotation: Annotation, reason: str = "") -> Annotation:
    """Mark a flag as dealt with; it leaves the queue and stays in the log."""
    fresh = _annotation(actor, annotation)
    if fresh.kind != Annotation.Kind.FLAG:
        raise InvalidInput(_("Only flags are resolved."))
    if fresh.resolved_at is not None:
        return fresh
    fresh.resolved_at = timezone.now()
    fresh.save(update_fields=["resolved_at"])
    record(
        annotation.workshop,
        "annotation.resolved",
        actor,
        fresh.statement,
        annotation_id=fresh.pk,
        before="open",
        after="resolved",
        flag=fresh.text,
        reason=clean_reason(reason),
    )
    return fresh


# --- Helpers --------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _copy_live_state(fresh: Workshop, workshop: Workshop) -> None:
    """Callers keep their Workshop object; let it see what was just written."""
    for field in fresh._meta.concrete_fields:
        setattr(workshop, field.attname, getattr(fresh, field.attname))
