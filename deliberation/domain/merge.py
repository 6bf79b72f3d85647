"""Merging duplicate statements, and copying a workshop as the template of a new one."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from deliberation.models import Annotation, Event, Participant, Relation, Statement, Vote, Workshop

from .errors import InvalidInput
from .events import record
from .moderation import clean_reason
from .rules import require_moderator, require_same_workshop
from .workshops import WORKSHOP_SETTINGS, create_workshop

Status = Statement.Status
Kind = Statement.Kind
REASONS = (Kind.CLAIM, Kind.EVIDENCE)


def kinds_merge(first: str, second: str) -> bool:
    """Whether statements of these kinds can be merged: a position only with a position, claims
    and evidence with each other, the question never."""
    if Kind.QUESTION in (first, second):
        return False
    return first == second or (first in REASONS and second in REASONS)


@transaction.atomic
def merge_statements(actor: Participant, duplicate: Statement, survivor: Statement, reason: str = "") -> Statement:
    """Fold `duplicate` into `survivor`: its links, annotations and votes move to the survivor and
    it becomes a `merged` pointer to it.

    - Votes: one per participant and kind survives, the most recently cast of the two.
    - Links: a link that would join the survivor to itself is dropped; a link the survivor already
      has is not doubled (its strength votes are merged, latest wins); a link that would close a
      circle is dropped. Every dropped link is listed in the Event.
    - States: the survivor must be visible or pending; a pending survivor of a visible duplicate
      becomes visible, because what the room already saw must not vanish.
    """
    workshop = survivor.workshop
    require_moderator(actor, workshop)
    require_same_workshop(workshop, duplicate)
    reason = clean_reason(reason)
    if duplicate.pk == survivor.pk:
        raise InvalidInput(_("Choose two different statements."), field="survivor")
    # Lock both rows in id order so two moderators merging the same pair cannot deadlock.
    rows = {s.pk: s for s in Statement.objects.select_for_update().filter(pk__in=[duplicate.pk, survivor.pk])}
    duplicate, survivor = rows[duplicate.pk], rows[survivor.pk]
    duplicate.workshop = survivor.workshop = workshop
    if Kind.QUESTION in (duplicate.kind, survivor.kind):
        raise InvalidInput(_("The workshop's question cannot be merged."))
    if not kinds_merge(duplicate.kind, survivor.kind):
        raise InvalidInput(_("A position merges only with a position; claims and evidence merge with each other."))
    if survivor.status not in (Status.VISIBLE, Status.PENDING):
        raise InvalidInput(_("The statement that remains must be visible or waiting for approval."), field="survivor")
    if duplicate.status == Status.MERGED:
        raise InvalidInput(_("That statement has already been merged."), field="duplicate")

    before = {
        "duplicate": {"id": duplicate.pk, "status": duplicate.status, "title": duplicate.title},
        "survivor": {"id": survivor.pk, "status": survivor.status},
    }
    # What an undo needs to give the duplicate back: its own links, votes and annotations.
    restorable = {
        "links": [
            [r.pk, r.source_id, r.target_id, r.kind]
            for r in Relation.objects.filter(Q(source=duplicate) | Q(target=duplicate)).order_by("id")
        ],
        "votes": list(Vote.objects.filter(statement=duplicate).values_list("pk", flat=True)),
        "annotations": list(Annotation.objects.filter(statement=duplicate).values_list("pk", flat=True)),
        "moderation_reason": duplicate.moderation_reason,
    }
    dropped_links = _move_relations(duplicate, survivor)
    moved_votes, dropped_votes = _move_votes(Vote.objects.filter(statement=duplicate), "statement", survivor)
    moved_annotations = Annotation.objects.filter(statement=duplicate).update(statement=survivor)

    if survivor.status == Status.PENDING and duplicate.status == Status.VISIBLE:
        survivor.status = Status.VISIBLE
    survivor.version += 1
    survivor.save(update_fields=["status", "version", "updated_at"])
    Statement.objects.filter(merged_into=duplicate).update(merged_into=survivor)  # no chains of pointers
    duplicate.status = Status.MERGED
    duplicate.merged_into = survivor
    duplicate.moderation_reason = reason
    duplicate.version += 1
    duplicate.save(update_fields=["status", "merged_into", "moderation_reason", "version", "updated_at"])
    if workshop.focus_statement_id == duplicate.pk:
        Workshop.objects.filter(pk=workshop.pk).update(focus_statement=survivor)
        workshop.focus_statement = survivor

    record(
        workshop,
        "statement.merged",
        actor,
        survivor,
        before=before,
        after={"duplicate": duplicate.pk, "survivor": survivor.pk, "status": survivor.status},
        duplicate_id=duplicate.pk,
        moved_votes=moved_votes,
        dropped_votes=dropped_votes,
        moved_annotations=moved_annotations,
        dropped_links=dropped_links,
        restorable=restorable,
        reason=reason,
    )
    return survivor


@transaction.atomic
def unmerge_statement(actor: Participant, duplicate: Statement, reason: str = "") -> Statement:
    """Undo a merge: `duplicate` stands again as it stood before, with its own links, votes and
    annotations (replies added since included) taken back from the statement it went into.

    What the merge had to fold together stays folded: a person who had voted on both keeps one
    vote, on the other statement; a link's votes and comments that went to the other statement's
    twin link stay there. A link the merge dropped comes back without its votes, unless it would
    now double a link or close a circle; the Event lists those it could not bring back.
    """
    workshop = duplicate.workshop
    require_moderator(actor, workshop)
    reason = clean_reason(reason)
    duplicate = Statement.objects.select_for_update().get(pk=duplicate.pk)
    duplicate.workshop = workshop
    if duplicate.status != Status.MERGED or duplicate.merged_into_id is None:
        raise InvalidInput(_("That statement is not merged into another."), field="duplicate")
    merge = (
        Event.objects.filter(workshop=workshop, verb="statement.merged", payload__duplicate_id=duplicate.pk)
        .order_by("-id")
        .first()
    )
    restorable = (merge.payload or {}).get("restorable") if merge else None
    if restorable is None:
        raise InvalidInput(_("This merge was made before merges could be undone, so it stays."), field="duplicate")
    survivor = Statement.objects.select_for_update().get(pk=duplicate.merged_into_id)

    status = merge.payload.get("before", {}).get("duplicate", {}).get("status") or Status.VISIBLE
    votes = Vote.objects.filter(pk__in=restorable["votes"], statement=survivor).update(statement=duplicate)
    taken = set(restorable["annotations"])
    replies = Annotation.objects.filter(statement=survivor, parent_id__in=taken).values_list("pk", flat=True)
    annotations = Annotation.objects.filter(pk__in=taken | set(replies), statement=survivor).update(statement=duplicate)
    dropped = {link["id"] for link in merge.payload.get("dropped_links", [])}
    links, left = _restore_links(duplicate, survivor, restorable["links"], dropped)

    duplicate.status = status
    duplicate.merged_into = None
    duplicate.moderation_reason = restorable.get("moderation_reason", "")
    duplicate.version += 1
    duplicate.save(update_fields=["status", "merged_into", "moderation_reason", "version", "updated_at"])
    survivor.version += 1
    survivor.save(update_fields=["version", "updated_at"])
    record(
        workshop,
        "statement.unmerged",
        actor,
        duplicate,
        before=Status.MERGED,
        after=status,
        survivor_id=survivor.pk,
        restored_votes=votes,
        restored_annotations=annotations,
        restored_links=links,
        links_left_out=left,
        reason=reason,
    )
    return duplicate


def _restore_links(
    duplicate: Statement, survivor: Statement, recorded: list, dropped: set[int]
) -> tuple[int, list[dict]]:
    """Give `duplicate` its recorded links back. A link re-pointed at the survivor is pointed back
    (no circle can come of it: each such link is one of the survivor's, which has none). A link the
    merge `dropped` is made again, to what its other end has become if that was merged since, unless
    it would double a pair or close a circle. A link a moderator has moved or removed since stays so."""
    relations = {r.pk: r for r in Relation.objects.select_for_update().filter(workshop_id=survivor.workshop_id)}
    restored, missing = 0, []
    for pk, source, target, kind in recorded:
        relation = relations.get(pk)
        if relation is None:
            if pk in dropped:
                missing.append((pk, source, target, kind))
            continue
        end = "source" if source == duplicate.pk else "target"
        if getattr(relation, f"{end}_id") != survivor.pk:
            continue  # a moderator has moved it since: where they put it, it stays
        setattr(relation, f"{end}_id", duplicate.pk)
        relation.save(update_fields=[end])
        restored += 1
    pairs = {(r.source_id, r.target_id) for r in Relation.objects.filter(workshop_id=survivor.workshop_id)}
    ends = {pk for _, source, target, _ in missing for pk in (source, target)}
    found = dict(Statement.objects.filter(pk__in=ends).values_list("pk", "merged_into"))
    became = {pk: into for pk, into in found.items() if into is not None and pk != duplicate.pk}
    left = []
    for pk, source, target, kind in missing:
        source, target = became.get(source, source), became.get(target, target)
        if not {source, target} <= found.keys() | set(became.values()):
            why = "gone"
        elif source == target:
            why = "self-link"
        elif (source, target) in pairs:
            why = "duplicate"
        elif _reaches(target, source, pairs):
            why = "circle"
        else:
            Relation.objects.create(workshop_id=survivor.workshop_id, source_id=source, target_id=target, kind=kind)
            pairs.add((source, target))
            restored += 1
            continue
        left.append({"id": pk, "source": source, "target": target, "kind": kind, "why": why})
    return restored, left


def _move_relations(duplicate: Statement, survivor: Statement) -> list[dict]:
    """Re-point the duplicate's links at the survivor, dropping what would be a self-link, a second
    link between the same pair, or a circle. The graph is read once, as it will be after the merge."""
    relations = list(Relation.objects.select_for_update().filter(workshop_id=survivor.workshop_id))

    def merged(pk: int) -> int:
        return survivor.pk if pk == duplicate.pk else pk

    existing = {(r.source_id, r.target_id): r for r in relations if duplicate.pk not in (r.source_id, r.target_id)}
    edges = {r.pk: (merged(r.source_id), merged(r.target_id)) for r in relations}
    dropped = []
    for relation in relations:
        if duplicate.pk not in (relation.source_id, relation.target_id):
            continue
        source, target = edges[relation.pk]
        note = {"id": relation.pk, "source": relation.source_id, "target": relation.target_id, "kind": relation.kind}
        del edges[relation.pk]
        if source == target:
            dropped.append({**note, "why": "self-link"})
        elif (source, target) in existing:
            kept = existing[(source, target)]
            _move_votes(Vote.objects.filter(relation=relation), "relation", kept)
            Annotation.objects.filter(relation=relation).update(relation=kept)
            dropped.append({**note, "why": "duplicate", "kept": kept.pk})
        elif _reaches(target, source, edges.values()):
            dropped.append({**note, "why": "circle"})
        else:
            relation.source_id, relation.target_id = source, target
            relation.save(update_fields=["source", "target"])
            existing[(source, target)] = relation
            edges[relation.pk] = (source, target)
            continue
        relation.delete()
    return dropped


def _reaches(start: int, goal: int, pairs) -> bool:
    """Does `start` already rest (through links) on `goal`? Then goal→start would close a circle."""
    upward: dict[int, list[int]] = {}
    for source, target in pairs:
        if source != target:
            upward.setdefault(source, []).append(target)
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(upward.get(node, ()))
    return False


def _move_votes(votes, field: str, target) -> tuple[int, int]:
    """Move votes onto `target`; where a participant has voted on both, the later vote wins."""
    moved = dropped = 0
    theirs = {(v.participant_id, v.kind): v for v in Vote.objects.filter(**{field: target})}
    for vote in votes.select_for_update():
        other = theirs.get((vote.participant_id, vote.kind))
        if other is None:
            setattr(vote, field, target)
            vote.save(update_fields=[field])
            moved += 1
            continue
        if vote.updated_at > other.updated_at:
            # Keep the row on the target, take the later value: the unique constraint holds throughout.
            Vote.objects.filter(pk=other.pk).update(value=vote.value, updated_at=vote.updated_at)
        vote.delete()
        dropped += 1
    return moved, dropped


@transaction.atomic
def duplicate_workshop(actor: Participant, workshop: Workshop, with_statements: bool = False) -> Workshop:
    """A new draft workshop with the same question and settings, owned by the moderator who asks.
    With statements, the visible map and the source documents come along; votes, annotations and
    participants never do."""
    require_moderator(actor, workshop)
    if actor.user is None:
        raise InvalidInput(_("Sign in with a moderator account to copy a workshop."))
    settings = {key: getattr(workshop, key) for key in WORKSHOP_SETTINGS}
    title = _("Copy of %(title)s") % {"title": workshop.title}
    copy = create_workshop(actor.user, title[:200], workshop.question, **settings)
    if with_statements:
        _copy_map(workshop, copy)
    # create_workshop has logged the new workshop's creation; copying changes nothing here.
    return copy


def _copy_map(source: Workshop, copy: Workshop) -> int:
    documents = {}
    for document in source.documents.all():
        documents[document.pk] = copy.documents.create(
            title=document.title, citation=document.citation, url=document.url, text=document.text
        )
    new_ids = {source.root().pk: copy.root().pk}
    for statement in Statement.objects.in_workshop(source).visible().exclude(kind=Kind.QUESTION).order_by("id"):
        new_ids[statement.pk] = Statement.objects.create(
            workshop=copy,
            kind=statement.kind,
            title=statement.title,
            text=statement.text,
            source_citation=statement.source_citation,
            source_url=statement.source_url,
            source_quote=statement.source_quote,
            source_kind=statement.source_kind,
            source_document=documents.get(statement.source_document_id),
        ).pk
    Relation.objects.bulk_create(
        Relation(workshop=copy, source_id=new_ids[r.source_id], target_id=new_ids[r.target_id], kind=r.kind)
        for r in Relation.objects.in_workshop(source)
        if r.source_id in new_ids and r.target_id in new_ids
    )
    return len(new_ids) - 1
