"""Loading a whole workshop map for reading, in a constant number of queries.

Pages, exports and analysis read the map through `load_argument_map`; the outline is built in
Python from the loaded rows, so its cost in SQL does not grow with the map.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.db import connection

from deliberation import rows
from deliberation.models import (
    EMPTY_TALLY,
    TALLY_NAMES,
    TITLE_LENGTH,
    Participant,
    Relation,
    SourceDocument,
    Statement,
    Vote,
    Workshop,
    workshop_tallies,
)

ORDER_OF_KINDS = {
    Statement.Kind.QUESTION: 0,
    Statement.Kind.POSITION: 1,
    Statement.Kind.CLAIM: 2,
    Statement.Kind.EVIDENCE: 3,
}


def statement_label(statement: Statement) -> str:
    """The short name pages give a statement. The question's stored title is the word "Question"
    (exports name the root by it), so pages call it by its text, the workshop's question, clipped
    at a word like other titles."""
    if statement.kind != Statement.Kind.QUESTION:
        return statement.title
    text = " ".join(statement.text.split())
    if len(text) <= TITLE_LENGTH:
        return text
    return text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def title_repeats_text(statement: Statement) -> bool:
    """Whether the statement's title is only its text's opening words, as `unique_title` makes it
    for what participants write (clipped, with " (2)" when taken), or the question's word
    "Question": pages then show the text once, as its heading."""
    if statement.kind == Statement.Kind.QUESTION:
        return True
    title = re.sub(r" \(\d+\)$", "", statement.title).removesuffix("…")
    return bool(title) and " ".join(statement.text.split()).startswith(title)


@dataclass
class OutlineNode:
    statement: Statement
    relation: Relation | None  # the link to the parent it is shown under (None for the root)
    depth: int
    children: list["OutlineNode"] = field(default_factory=list)
    repeated: bool = False  # shown in full elsewhere; rendered as a link to that place

    @property
    def stance(self) -> str:
        return self.relation.kind if self.relation else ""


@dataclass
class ArgumentMap:
    workshop: Workshop
    statements: dict[int, Statement]
    relations: list[Relation]
    my_votes: dict[tuple[str, str, int], int]  # (kind, "statement"|"relation", id) -> value

    def __post_init__(self):
        self.children: dict[int, list[Relation]] = {}
        self.parents: dict[int, list[Relation]] = {}
        for relation in self.relations:
            self.children.setdefault(relation.target_id, []).append(relation)
            self.parents.setdefault(relation.source_id, []).append(relation)

    @property
    def root(self) -> Statement | None:
        return next((s for s in self.statements.values() if s.kind == Statement.Kind.QUESTION), None)

    def my_vote(self, kind: str, statement_id: int | None = None, relation_id: int | None = None) -> int | None:
        if relation_id is not None:
            return self.my_votes.get((kind, "relation", relation_id))
        return self.my_votes.get((kind, "statement", statement_id))

    def outline(self) -> OutlineNode | None:
        """The map as a tree from the question: positions first, then supports before objections.
        A statement with several parents appears in full once and as a link elsewhere."""
        root = self.root
        if root is None:
            return None
        placed: set[int] = set()

        def order(relation: Relation):
            child = self.statements[relation.source_id]
            return (ORDER_OF_KINDS[child.kind], relation.kind != Relation.Kind.SUPPORTS, child.pk)

        top = OutlineNode(root, None, 0)
        placed.add(root.pk)
        queue = [top]
        while queue:  # breadth first, so a shared statement is shown in full at its shallowest place
            node = queue.pop(0)
            for relation in sorted(self.children.get(node.statement.pk, []), key=order):
                child = OutlineNode(self.statements[relation.source_id], relation, node.depth + 1)
                child.repeated = relation.source_id in placed
                node.children.append(child)
                if not child.repeated:
                    placed.add(relation.source_id)
                    queue.append(child)
        return top

    def walk(self):
        """Outline nodes in reading order (depth first), for flat renderings and exports."""
        top = self.outline()
        stack = [top] if top else []
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def load_argument_map(
    workshop: Workshop, viewer: Participant | None = None, include_hidden: bool = False
) -> ArgumentMap:
    """Four queries whatever the size: statements, relations, their tallies, my votes.

    Every page of a live room reads the map, so its queries are written once (`deliberation.rows`):
    the ORM spent more compiling them on every read than the database spent answering.
    """
    by_id = _statements(workshop, viewer, include_hidden)
    relations = [r for r in _relations(workshop) if r.source_id in by_id and r.target_id in by_id]
    statement_tallies, relation_tallies = workshop_tallies(workshop.pk)
    for statement in by_id.values():
        figures = statement_tallies.get(statement.pk, EMPTY_TALLY)
        for name in TALLY_NAMES:
            setattr(statement, name, figures[name])
    for relation in relations:
        figures = relation_tallies.get(relation.pk, EMPTY_TALLY)
        relation.strength_count, relation.strength_mean = figures["strength_count"], figures["strength_mean"]
    return ArgumentMap(workshop, by_id, relations, _my_votes(viewer))


def _statements(workshop: Workshop, viewer: Participant | None, include_hidden: bool) -> dict[int, Statement]:
    """By id, the statements `StatementQuerySet.shown_to` gives this viewer (with `include_hidden`,
    all but merged ones), each with its author and source document. `tests/test_argument_map.py`
    holds the two rules equal."""
    status = Statement.Status
    if include_hidden or (viewer is not None and viewer.is_moderator):
        rule, params = "s.status <> %s", [status.MERGED]
    elif viewer is None:
        rule, params = "s.status = %s", [status.VISIBLE]
    else:
        rule = "(s.status = %s OR (s.author_id = %s AND s.status IN (%s, %s)))"
        params = [status.VISIBLE, viewer.pk, status.PENDING, status.REJECTED]
    with connection.cursor() as cursor:
        cursor.execute(_statements_sql(rule), [workshop.pk, *params])
        found = cursor.fetchall()
    author_at = rows.width(Statement)
    document_at = author_at + rows.width(Participant)
    by_id = {}
    for row in found:
        statement = rows.instance(Statement, row)
        statement.author = rows.instance(Participant, row, author_at) if row[author_at] is not None else None
        statement.source_document = (
            rows.instance(SourceDocument, row, document_at) if row[document_at] is not None else None
        )
        by_id[statement.pk] = statement
    return by_id


@cache
def _statements_sql(rule: str) -> str:
    tables = (
        f"{Statement._meta.db_table} s"
        f" LEFT JOIN {Participant._meta.db_table} a ON a.id = s.author_id"
        f" LEFT JOIN {SourceDocument._meta.db_table} d ON d.id = s.source_document_id"
    )
    columns = f"{rows.columns(Statement, 's')}, {rows.columns(Participant, 'a')}, {rows.columns(SourceDocument, 'd')}"
    return f"SELECT {columns} FROM {tables} WHERE s.workshop_id = %s AND {rule} ORDER BY s.id"  # noqa: S608


def _relations(workshop: Workshop) -> list[Relation]:
    with connection.cursor() as cursor:
        cursor.execute(_relations_sql(), [workshop.pk])
        return [rows.instance(Relation, row) for row in cursor.fetchall()]


@cache
def _relations_sql() -> str:
    return (
        f"SELECT {rows.columns(Relation, 'r')} FROM {Relation._meta.db_table} r WHERE r.workshop_id = %s ORDER BY r.id"  # noqa: S608
    )


def _my_votes(viewer: Participant | None) -> dict[tuple, int]:
    """The viewer's votes: (kind, "statement" or "relation", target id) -> value."""
    if viewer is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, statement_id, relation_id, value FROM {Vote._meta.db_table} WHERE participant_id = %s",  # noqa: S608
            [viewer.pk],
        )
        found = cursor.fetchall()
    return {
        (kind, "relation", relation_id) if relation_id else (kind, "statement", statement_id): value
        for kind, statement_id, relation_id, value in found
    }
