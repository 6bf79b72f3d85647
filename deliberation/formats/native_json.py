"""Our own JSON: lossless and versioned. Importing an export recreates the same workshop.

References are local and stable (S1, R1, P1, D1 in id order), so an export of a re-imported map is
byte-identical to the original export.
"""

import json

from .base import FormatError, ImportPlan, MapData, PlanRelation, PlanStatement
from .importer import QUESTION

KEY = "json"
LABEL = "Deliberation JSON (lossless)"
MEDIA_TYPE = "application/json"
EXTENSION = "json"
VERSION = 1

SETTINGS = (
    "description",
    "pole_a",
    "pole_b",
    "phase",
    "premoderation",
    "anonymous_aliases",
    "hide_results_until_voted",
    "allow_agreement_votes",
    "allow_strength_votes",
    "allow_lens_votes",
    "max_text_length",
    "moderation_note",
)


def export(data: MapData) -> bytes:
    workshop = data.workshop
    refs = dict(data.refs)
    root = data.argument_map.root
    if root is not None:
        refs[root.pk] = QUESTION
    people = {p.pk: f"P{i}" for i, p in enumerate(data.participants, start=1)}
    authors = people if data.options.include_authors else {}
    relation_refs = {r.pk: f"R{i}" for i, r in enumerate(data.relations, start=1)}
    document_refs = {d.pk: f"D{i}" for i, d in enumerate(data.documents, start=1)}
    annotation_index = {a.pk: i for i, a in enumerate(data.annotations)}
    document = {
        "format": "deliberation",
        "version": VERSION,
        "workshop": {
            "title": workshop.title,
            "question": workshop.question,
            **{k: getattr(workshop, k) for k in SETTINGS},
        },
        "participants": [{"ref": people[p.pk], "name": data.names[p.pk], "role": p.role} for p in data.participants],
        "statements": [
            {
                "ref": refs[s.pk],
                "kind": s.kind,
                "title": s.title,
                "text": s.text,
                "status": s.status,
                "author": authors.get(s.author_id, ""),
                "created_at": s.created_at.isoformat(),
                **(
                    {
                        "source": {
                            "citation": s.source_citation,
                            "url": s.source_url,
                            "quote": s.source_quote,
                            "kind": s.source_kind,
                            "document": document_refs.get(s.source_document_id, ""),
                        }
                    }
                    if s.kind == "evidence"
                    else {}
                ),
            }
            for s in data.statements
            if s.kind != "question"
        ],
        "relations": [
            {"ref": relation_refs[r.pk], "child": refs[r.source_id], "parent": refs[r.target_id], "kind": r.kind}
            for r in data.relations
        ],
        "votes": [
            {
                "participant": people[v.participant_id],
                "kind": v.kind,
                "value": v.value,
                **(
                    {"relation": relation_refs[v.relation_id]} if v.relation_id else {"statement": refs[v.statement_id]}
                ),
            }
            for v in data.votes
        ],
        "annotations": [
            {
                "kind": a.kind,
                "text": a.text,
                "author": authors.get(a.author_id, ""),
                **({"statement": refs[a.statement_id]} if a.statement_id in refs else {}),
                **({"document": document_refs[a.document_id]} if a.document_id else {}),
                **({"parent": annotation_index[a.parent_id]} if a.parent_id in annotation_index else {}),
                **(
                    {"quote_exact": a.quote_exact, "quote_prefix": a.quote_prefix, "quote_suffix": a.quote_suffix}
                    if a.quote_exact
                    else {}
                ),
                **({"hidden": True} if a.is_hidden else {}),
            }
            for a in data.annotations
        ],
        "documents": [
            {"ref": document_refs[d.pk], "title": d.title, "citation": d.citation, "url": d.url, "text": d.text}
            for d in data.documents
        ],
    }
    results = _results(workshop) if data.shows_results else None
    if results is not None:
        document["results"] = results
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n").encode()


def _results(workshop):
    """The room's results, when the analysis module provides them (ignored on import)."""
    try:
        from deliberation.analysis import results_for_export
    except ImportError:
        return None
    return results_for_export(workshop)


def parse(raw: bytes) -> ImportPlan:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise FormatError(f"The file is not UTF-8 text (byte {error.start}).") from None
    except json.JSONDecodeError as error:
        raise FormatError(f"Line {error.lineno}, column {error.colno}: {error.msg}.") from None
    if not isinstance(document, dict) or document.get("format") != "deliberation":
        raise FormatError('This is not a Deliberation JSON file: "format" must be "deliberation".')
    if document.get("version") != VERSION:
        raise FormatError(f"Unsupported version {document.get('version')!r}; this program reads version {VERSION}.")
    workshop = _field(document, "workshop", dict)
    plan = ImportPlan(
        title=str(_field(workshop, "title", str, "workshop")),
        question=str(_field(workshop, "question", str, "workshop")),
        settings={k: workshop[k] for k in SETTINGS if k in workshop},
    )
    for index, item in enumerate(_field(document, "statements", list)):
        where = f"statements[{index}]"
        if not isinstance(item, dict):
            raise FormatError(f"{where}: expected an object.")
        source = item.get("source") or {}
        if not isinstance(source, dict):
            raise FormatError(f"{where}.source: expected an object.")
        plan.statements.append(
            PlanStatement(
                ref=str(_field(item, "ref", str, where)),
                kind=str(_field(item, "kind", str, where)),
                text=str(_field(item, "text", str, where)),
                title=str(item.get("title", "")),
                status=str(item.get("status", "visible")),
                author=str(item.get("author", "")),
                created_at=str(item.get("created_at", "")),
                source_citation=str(source.get("citation", "")),
                source_url=str(source.get("url", "")),
                source_quote=str(source.get("quote", "")),
                source_kind=str(source.get("kind", "")),
                source_document=str(source.get("document", "")),
            )
        )
    for index, item in enumerate(_field(document, "relations", list)):
        where = f"relations[{index}]"
        if not isinstance(item, dict):
            raise FormatError(f"{where}: expected an object.")
        plan.relations.append(
            PlanRelation(
                str(_field(item, "child", str, where)),
                str(_field(item, "parent", str, where)),
                str(_field(item, "kind", str, where)),
            )
        )
    for name in ("participants", "votes", "annotations", "documents"):
        value = document.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise FormatError(f'"{name}" must be a list of objects.')
        plan.extra[name] = value
    return plan


def _field(container: dict, name: str, expected: type, where: str = ""):
    label = f"{where}.{name}" if where else name
    if name not in container:
        raise FormatError(f"{label} is missing.")
    value = container[name]
    if not isinstance(value, expected):
        raise FormatError(
            f"{label} should be {'text' if expected is str else expected.__name__}, not {type(value).__name__}."
        )
    return value
