"""Adding, linking and editing the statements of a map."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from deliberation.models import TITLE_LENGTH, Participant, Phase, Relation, Statement

from .errors import Conflict, InvalidInput, NotAllowed, PhaseError
from .events import record
from .rules import clean_source_url, clean_text, require_contributor, require_phase, require_same_workshop

Kind = Statement.Kind
Status = Statement.Status

SOURCE_FIELDS = ("source_citation", "source_url", "source_quote", "source_kind", "source_document")
_NUMBERED = re.compile(r" \(\d+\)$")  # what `unique_title` appends to a title already taken


@transaction.atomic
def add_statement(
    actor: Participant,
    parent: Statement,
    kind: str,
    text: str,
    relation: str | None = None,
    title: str = "",
    **source,
) -> Statement:
    """Add a statement under `parent`: a position answers the question, a claim or evidence
    supports or opposes any other statement. Pre-moderated workshops hold it as pending."""
    workshop = parent.workshop
    require_contributor(actor, workshop, _("add statements"))
    require_phase(actor, workshop, Phase.CONTRIBUTE, action=_("adding statements"))
    relation = relation or (Relation.Kind.ANSWERS if kind == Kind.POSITION else "")
    _check_shape(kind, parent, relation)
    if parent.status != Status.VISIBLE and not actor.is_moderator:
        raise InvalidInput(_("You can only respond to visible statements."), field="parent")
    if parent.is_locked and not actor.is_moderator:
        raise NotAllowed(_("A moderator has locked this statement; it takes no new replies."))
    text = clean_text(text, workshop)
    unknown = set(source) - set(SOURCE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if kind != Kind.EVIDENCE and any(source.values()):
        raise InvalidInput(_("Only evidence carries a source."), field="source_citation")
    if kind == Kind.EVIDENCE and not (
        source.get("source_citation") or source.get("source_url") or source.get("source_document")
    ):
        raise InvalidInput(
            _("Evidence needs a source: a citation, a link or a source document."), field="source_citation"
        )
    if source.get("source_url"):
        source["source_url"] = clean_source_url(source["source_url"])
    if source.get("source_document") and source["source_document"].workshop_id != workshop.pk:
        raise InvalidInput(_("That source document belongs to another workshop."), field="source_document")
    pending = workshop.premoderation and not actor.is_moderator
    statement = Statement.objects.create(
        workshop=workshop,
        kind=kind,
        text=text,
        title=unique_title(workshop, title or text),
        author=actor,
        status=Status.PENDING if pending else Status.VISIBLE,
        **{key: value for key, value in source.items() if value},
    )
    link = Relation.objects.create(workshop=workshop, source=statement, target=parent, kind=relation, author=actor)
    record(
        workshop,
        "statement.added",
        actor,
        statement,
        kind=kind,
        status=statement.status,
        parent=parent.pk,
        relation=relation,
        relation_id=link.pk,
    )
    return statement


@transaction.atomic
def link_statements(actor: Participant, child: Statement, parent: Statement, relation: str) -> Relation:
    """Give `child` another parent: the map is a graph, not a tree. No self-links, duplicates or cycles."""
    workshop = parent.workshop
    require_same_workshop(workshop, child)
    require_contributor(actor, workshop, _("link statements"))
    require_phase(actor, workshop, Phase.CONTRIBUTE, action=_("linking statements"))
    if child.pk == parent.pk:
        raise InvalidInput(_("A statement cannot support or oppose itself."), field="parent")
    _check_shape(child.kind, parent, relation)
    if Relation.objects.filter(source=child, target=parent).exists():
        raise Conflict(_("These two statements are already linked."), field="parent")
    if _is_ancestor(child, parent):
        raise InvalidInput(
            _("That link would make a circle: the parent already rests on this statement."), field="parent"
        )
    link = Relation.objects.create(workshop=workshop, source=child, target=parent, kind=relation, author=actor)
    record(workshop, "relation.added", actor, child, relation_id=link.pk, parent=parent.pk, relation=relation)
    return link


@transaction.atomic
def edit_statement(
    actor: Participant, statement: Statement, text: str, expected_version: int, title: str | None = None
) -> Statement:
    """Authors edit their own statements while contributing; moderators edit any. A stale
    version (someone saved in between) is refused, never silently overwritten.

    A title made from the text's opening words follows the text; a title someone chose is kept
    unless `title` gives another. A `title` equal to the current one changes nothing, so a form
    may show the title prefilled without pinning it."""
    workshop = statement.workshop
    require_contributor(actor, workshop, _("edit statements"))
    if statement.author_id != actor.pk and not actor.is_moderator:
        raise NotAllowed(_("You can only edit your own statements."))
    require_phase(actor, workshop, Phase.CONTRIBUTE, action=_("editing"))
    if statement.is_locked and not actor.is_moderator:
        raise NotAllowed(_("A moderator has locked this statement."))
    if statement.kind == Kind.QUESTION and not actor.is_moderator:
        raise NotAllowed(_("Only a moderator can change the question."))
    text = clean_text(text, workshop)
    if title is not None:
        title = _clean_title(title)
    # The row stays locked until commit: the title is decided from the text it replaces.
    current = Statement.objects.select_for_update().filter(pk=statement.pk).values("text", "title", "version").first()
    if current is None or current["version"] != expected_version:
        raise Conflict(
            _("Someone changed this statement while you were editing. Reload it, then apply your change again."),
            field="text",
        )
    new_title = _edited_title(statement, current["text"], current["title"], text, title)
    try:
        with transaction.atomic():
            Statement.objects.filter(pk=statement.pk).update(text=text, title=new_title, version=F("version") + 1)
    except IntegrityError:  # another statement took the same title in between
        raise Conflict(
            _("Another statement took this title a moment ago. Save again, or choose another title."), field="title"
        ) from None
    statement.refresh_from_db()
    title_change = {"title_before": current["title"], "title_after": new_title} if new_title != current["title"] else {}
    record(
        workshop,
        "statement.edited",
        actor,
        statement,
        before=current["text"],
        after=text,
        version=statement.version,
        **title_change,
    )
    return statement


def title_follows_text(title: str, text: str) -> bool:
    """Whether `title` was made from `text` rather than chosen: the whole text, or its opening
    words clipped with "…" (as `unique_title` and the importers make them), maybe with " (2)"."""
    text = " ".join(text.split())
    for stem in (title, _NUMBERED.sub("", title)):
        if stem == text or (len(stem) > 1 and stem.endswith("…") and text.startswith(stem[:-1])):
            return True
    return False


def _edited_title(statement: Statement, old_text: str, old_title: str, text: str, title: str | None) -> str:
    if title is not None and title != old_title:
        if statement.kind == Kind.QUESTION:
            raise InvalidInput(_("The question keeps its title; pages show its text."), field="title")
        taken = Statement.objects.filter(workshop_id=statement.workshop_id, title=title).exclude(pk=statement.pk)
        if taken.exists():
            raise InvalidInput(
                _("Another statement in this workshop already has this title. Choose another one."), field="title"
            )
        return title
    if statement.kind == Kind.QUESTION or not title_follows_text(old_title, old_text):
        return old_title
    if _NUMBERED.sub("", old_title) == _title_base(text):  # the same opening words: keep " (2)" too
        return old_title
    return unique_title(statement.workshop, text, exclude=statement.pk)


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_("The title cannot be empty."), field="title")
    if len(title) > TITLE_LENGTH:
        raise InvalidInput(
            _("The title is %(length)d characters long; at most %(limit)d are allowed.")
            % {"length": len(title), "limit": TITLE_LENGTH},
            field="title",
        )
    if any(ord(ch) < 32 for ch in title):
        raise InvalidInput(_("The title contains control characters."), field="title")
    return title


@transaction.atomic
def withdraw_statement(actor: Participant, statement: Statement) -> Statement:
    workshop = statement.workshop
    require_contributor(actor, workshop, _("withdraw statements"))
    if statement.author_id != actor.pk:
        raise NotAllowed(_("You can only withdraw your own statements."))
    require_phase(actor, workshop, Phase.CONTRIBUTE, action=_("withdrawing"))
    if statement.status not in (Status.VISIBLE, Status.PENDING):
        raise PhaseError(_("This statement can no longer be withdrawn."))
    before = statement.status
    statement.status = Status.WITHDRAWN
    statement.version += 1
    statement.save(update_fields=["status", "version", "updated_at"])
    record(workshop, "statement.withdrawn", actor, statement, before=before, after=statement.status)
    return statement


def unique_title(workshop, wanted: str, exclude: int | None = None) -> str:
    """A short stable title, unique in the workshop (apart from statement `exclude`): exports use
    it as the node's name."""
    base = _title_base(wanted)
    taken = Statement.objects.filter(workshop=workshop, title__startswith=base)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    taken = set(taken.values_list("title", flat=True))
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base} ({n})"
    return title


def _title_base(text: str) -> str:
    base = " ".join(text.split())
    if len(base) > 60:
        base = base[:60].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return base[: TITLE_LENGTH - 6]


def _check_shape(kind: str, parent: Statement, relation: str) -> None:
    if kind not in (Kind.POSITION, Kind.CLAIM, Kind.EVIDENCE):
        raise InvalidInput(_("Choose a position, a claim or evidence."), field="kind")
    if kind == Kind.POSITION:
        if parent.kind != Kind.QUESTION or relation != Relation.Kind.ANSWERS:
            raise InvalidInput(_("A position answers the workshop's question."), field="parent")
        return
    if parent.kind == Kind.QUESTION:
        raise InvalidInput(
            _("Claims and evidence respond to a position or another statement, not to the question."), field="parent"
        )
    if relation not in (Relation.Kind.SUPPORTS, Relation.Kind.OPPOSES):
        raise InvalidInput(_("Say whether it supports or opposes its parent."), field="relation")


def _is_ancestor(candidate: Statement, of: Statement) -> bool:
    """True when `of` already rests (through any chain of links) on `candidate`."""
    edges: dict[int, list[int]] = {}
    for source_id, target_id in Relation.objects.filter(workshop_id=of.workshop_id).values_list(
        "source_id", "target_id"
    ):
        edges.setdefault(source_id, []).append(target_id)
    # Edges point child -> parent; walking them upwards from `of` reaches all it rests on.
    seen, stack = set(), [of.pk]
    while stack:
        node = stack.pop()
        if node == candidate.pk:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return False
