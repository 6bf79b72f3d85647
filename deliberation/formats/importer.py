"""Writing an import plan into a new workshop, all or nothing.

The importer bulk-creates rows for speed but holds them to the same rules as the domain functions:
positions answer the question, no self-links, no duplicate links, no cycles, bounded text.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from deliberation.domain import create_workshop
from deliberation.domain.events import record
from deliberation.models import (
    MAX_TEXT_LENGTH,
    TITLE_LENGTH,
    Annotation,
    Participant,
    Relation,
    Role,
    SourceDocument,
    Statement,
    Vote,
    Workshop,
)

from .base import FormatError, ImportPlan, clip

QUESTION = "question"  # the plan's reference for the workshop's root question
KINDS = {Statement.Kind.POSITION, Statement.Kind.CLAIM, Statement.Kind.EVIDENCE}


@transaction.atomic
def import_plan(plan: ImportPlan, owner) -> tuple[Workshop, dict]:
    _check(plan)
    longest = max((len(s.text) for s in plan.statements), default=0)
    settings = {"max_text_length": max(500, longest), **plan.settings}
    settings["max_text_length"] = min(MAX_TEXT_LENGTH, max(settings["max_text_length"], longest))
    note = str(settings.pop("moderation_note", "") or "")
    settings.pop("phase", None)  # an imported map opens in draft, whatever phase its file was in
    workshop = create_workshop(
        owner, plan.title[:200] or "Imported map", plan.question[:500] or plan.title[:500], **settings
    )
    if note:
        workshop.moderation_note = note
        workshop.save(update_fields=["moderation_note"])
    root = workshop.root()
    owner_seat = workshop.participants.get(user=owner)

    people, new_people = {}, []
    for index, item in enumerate(plan.extra.get("participants", [])):
        try:
            ref, name, role = str(item["ref"]), str(item["name"])[:40], str(item.get("role", "participant"))
        except KeyError as error:
            raise FormatError(f"participants[{index}]: {error!s} is missing.") from None
        if role == "owner" and owner_seat.pk not in {p.pk for p in people.values()}:
            owner_seat.display_name = name  # the map's owner becomes the importing moderator's seat
            owner_seat.save(update_fields=["display_name"])
            people[ref] = owner_seat
            continue
        if role not in Role.values:
            raise FormatError(f"participants[{index}]: unknown role {role!r}.")
        people[ref] = Participant(workshop=workshop, display_name=name, role="moderator" if role == "owner" else role)
        new_people.append(people[ref])
    Participant.objects.bulk_create(new_people)

    documents = {}
    for index, item in enumerate(plan.extra.get("documents", [])):
        try:
            documents[str(item["ref"])] = SourceDocument(
                workshop=workshop,
                title=str(item["title"])[:200],
                citation=str(item.get("citation", ""))[:500],
                url=str(item.get("url", ""))[:500],
                text=str(item["text"]),
                added_by=owner_seat,
            )
        except KeyError as error:
            raise FormatError(f"documents[{index}]: {error!s} is missing.") from None
    SourceDocument.objects.bulk_create(documents.values())

    titles, rows = {root.title}, []
    for item in plan.statements:
        if item.source_url and not item.source_url.lower().startswith(("http://", "https://")):
            plan.lossy.append(
                f"{item.ref}: the source address {clip(item.source_url, 40)!r} is not a web link and was left out."
            )
            item.source_url = ""
        title = _unique(item.title or item.text, titles)
        rows.append(
            Statement(
                workshop=workshop,
                kind=item.kind,
                text=item.text,
                title=title,
                status=item.status,
                author=people.get(item.author),
                source_citation=item.source_citation[:500],
                source_url=item.source_url[:500],
                source_quote=item.source_quote,
                source_kind=item.source_kind,
                source_document=documents.get(item.source_document),
            )
        )
    Statement.objects.bulk_create(rows)
    by_ref = {QUESTION: root, **{item.ref: row for item, row in zip(plan.statements, rows, strict=True)}}
    _restore_times(rows, [s.created_at for s in plan.statements], Statement)

    links = [
        Relation(workshop=workshop, source=by_ref[r.child], target=by_ref[r.parent], kind=r.kind)
        for r in plan.relations
    ]
    Relation.objects.bulk_create(links)
    tags = [
        Annotation(
            workshop=workshop, kind=Annotation.Kind.TAG, statement=by_ref[ref], text="".join(tag.split()).lower()[:40]
        )
        for ref, tag in plan.extra.get("tags", [])
        if ref in by_ref and tag.strip()
    ]
    Annotation.objects.bulk_create(tags)
    counts = {"statements": len(rows), "relations": len(links), "participants": len(people), "tags": len(tags)}
    counts["documents"] = len(documents)
    counts.update(_native_extras(plan, workshop, by_ref, links, people, documents))
    summary = {"counts": counts, "lossy": list(plan.lossy)}
    record(workshop, "workshop.imported", owner_seat, **summary)
    return workshop, summary


def _check(plan: ImportPlan) -> None:
    refs = set()
    for index, item in enumerate(plan.statements):
        where = f"statement {index + 1} ({item.ref})"
        if item.ref in refs or item.ref == QUESTION:
            raise FormatError(f"{where}: the reference {item.ref!r} is used twice.")
        refs.add(item.ref)
        if item.kind not in KINDS:
            raise FormatError(f"{where}: unknown kind {item.kind!r}; expected position, claim or evidence.")
        if not item.text.strip():
            raise FormatError(f"{where}: the text is empty.")
        if "\x00" in item.text or "\x00" in (item.title or ""):
            raise FormatError(f"{where}: the text holds a NUL character, which no text can contain.")
        if len(item.text) > MAX_TEXT_LENGTH:
            raise FormatError(
                f"{where}: the text is {len(item.text)} characters long; at most {MAX_TEXT_LENGTH} are allowed."
            )
        if item.status not in Statement.Status.values or item.status == Statement.Status.MERGED:
            raise FormatError(f"{where}: unknown status {item.status!r}.")
    kinds = {item.ref: item.kind for item in plan.statements}
    pairs, parents = set(), {}
    for index, relation in enumerate(plan.relations):
        where = f"link {index + 1} ({relation.child} → {relation.parent})"
        if relation.child not in refs or (relation.parent not in refs and relation.parent != QUESTION):
            raise FormatError(f"{where}: it names a statement that is not in the file.")
        if relation.child == relation.parent:
            raise FormatError(f"{where}: a statement cannot support or oppose itself.")
        if (relation.child, relation.parent) in pairs:
            raise FormatError(f"{where}: the same two statements are linked twice.")
        pairs.add((relation.child, relation.parent))
        if relation.kind not in Relation.Kind.values:
            raise FormatError(f"{where}: unknown relation {relation.kind!r}.")
        to_question = relation.parent == QUESTION
        if to_question != (relation.kind == Relation.Kind.ANSWERS) or to_question != (
            kinds[relation.child] == "position"
        ):
            raise FormatError(
                f"{where}: positions answer the question; claims and evidence support or oppose statements."
            )
        parents.setdefault(relation.child, []).append(relation.parent)
    _check_acyclic(parents)


def _check_acyclic(parents: dict[str, list[str]]) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in parents:
        if state.get(start):
            continue
        stack = [(start, iter(parents.get(start, ())))]
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            parent = next(pending, None)
            if parent is None:
                state[node] = 2
                stack.pop()
            elif state.get(parent) == 1:
                raise FormatError(f"The links form a circle through {parent!r}: a statement cannot rest on itself.")
            elif not state.get(parent):
                state[parent] = 1
                stack.append((parent, iter(parents.get(parent, ()))))


def _unique(wanted: str, taken: set[str]) -> str:
    base = clip(wanted.replace("\n", " "), TITLE_LENGTH - 6)
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base} ({n})"
    taken.add(title)
    return title


def _restore_times(rows, stamps, model) -> None:
    changed = []
    for row, stamp in zip(rows, stamps, strict=True):
        moment = parse_datetime(stamp) if stamp else None
        if moment is not None:
            row.created_at = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
            changed.append(row)
    if changed:
        model.objects.bulk_update(changed, ["created_at"], batch_size=1000)


def _native_extras(plan, workshop, by_ref, links, people, documents) -> dict:
    """Votes, annotations and documents, which only the native format carries."""
    extra = plan.extra
    if not any(extra.get(name) for name in ("votes", "annotations")):
        return {}
    relations = {f"R{i}": link for i, link in enumerate(links, start=1)}
    votes = []
    for index, item in enumerate(extra.get("votes", [])):
        try:
            votes.append(
                Vote(
                    workshop=workshop,
                    participant=people[item["participant"]],
                    kind=item["kind"],
                    value=int(item["value"]),
                    statement=by_ref[item["statement"]] if item.get("statement") else None,
                    relation=relations[item["relation"]] if item.get("relation") else None,
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise FormatError(f"votes[{index}]: {error!s} is missing or wrong.") from None
        low, high = Vote.RANGES.get(item["kind"], (0, -1))
        if not low <= votes[-1].value <= high:
            raise FormatError(f"votes[{index}]: value {item['value']} is out of range for a {item['kind']} vote.")
    Vote.objects.bulk_create(votes)
    annotations = []
    for index, item in enumerate(extra.get("annotations", [])):
        try:
            annotations.append(
                Annotation(
                    workshop=workshop,
                    kind=item["kind"],
                    text=item.get("text", ""),
                    author=people.get(item.get("author")),
                    statement=by_ref[item["statement"]] if item.get("statement") else None,
                    document=documents[item["document"]] if item.get("document") else None,
                    quote_exact=item.get("quote_exact", ""),
                    quote_prefix=item.get("quote_prefix", ""),
                    quote_suffix=item.get("quote_suffix", ""),
                    is_hidden=bool(item.get("hidden")),
                )
            )
        except KeyError as error:
            raise FormatError(f"annotations[{index}]: {error!s} is missing or unknown.") from None
    Annotation.objects.bulk_create(annotations)
    replies = [
        (annotations[i], annotations[item["parent"]])
        for i, item in enumerate(extra.get("annotations", []))
        if isinstance(item.get("parent"), int) and 0 <= item["parent"] < i
    ]
    for reply, parent in replies:
        reply.parent = parent
    if replies:
        Annotation.objects.bulk_update([reply for reply, _ in replies], ["parent"])
    return {"votes": len(votes), "annotations": len(annotations)}
