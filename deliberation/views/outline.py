"""Turning a loaded argument map into what the participant page shows: outline rows, filter
results, visible tallies and graph data. Pure Python over the rows `load_argument_map` fetched, so
the page costs the same few queries whatever the map size."""

from dataclasses import dataclass, field

from deliberation.argument_map import ArgumentMap, OutlineNode
from deliberation.models import Participant, Phase, Relation, Statement, Vote

KINDS_FOR_FILTER = (Statement.Kind.POSITION, Statement.Kind.CLAIM, Statement.Kind.EVIDENCE)
CONTESTED_MINORITY_SHARE = 0.3  # the smaller side holds at least this share of the decided votes


@dataclass
class Filters:
    text: str = ""
    kind: str = ""
    mine: bool = False
    unvoted: bool = False
    contested: bool = False

    @classmethod
    def from_query(cls, query) -> "Filters":
        kind = query.get("kind", "")
        return cls(
            text=" ".join(query.get("q", "").split())[:100],
            kind=kind if kind in KINDS_FOR_FILTER else "",
            mine=bool(query.get("mine")),
            unvoted=bool(query.get("unvoted")),
            contested=bool(query.get("contested")),
        )

    @property
    def active(self) -> bool:
        return bool(self.text or self.kind or self.mine or self.unvoted or self.contested)


@dataclass
class Row:
    """One outline line. The template opens a nested list after a row with children and closes
    `closers` levels after a leaf, so a 2,000-node tree renders in one flat loop."""

    node: OutlineNode
    pro: int = 0
    con: int = 0
    answers: int = 0
    tally_visible: bool = True
    closers: range = field(default_factory=lambda: range(0))

    @property
    def statement(self) -> Statement:
        return self.node.statement

    @property
    def has_children(self) -> bool:
        return bool(self.node.children) and not self.node.repeated


def tally_shown(workshop, viewer: Participant | None, voted: bool) -> bool:
    """Hidden-results workshops show a statement's tally only to those who voted on it."""
    if not workshop.hide_results_until_voted or workshop.phase == Phase.CLOSED:
        return True
    return voted or (viewer is not None and viewer.is_moderator)


def results_visible(argument_map: ArgumentMap, viewer: Participant | None, statement: Statement) -> bool:
    voted = argument_map.my_vote(Vote.Kind.AGREEMENT, statement_id=statement.pk) is not None
    return tally_shown(argument_map.workshop, viewer, voted)


def is_contested(statement: Statement) -> bool:
    agree, disagree = statement.agree_count or 0, statement.disagree_count or 0
    decided = agree + disagree
    return agree > 0 and disagree > 0 and min(agree, disagree) / decided >= CONTESTED_MINORITY_SHARE


def outline_rows(argument_map: ArgumentMap, viewer: Participant | None) -> list[Row]:
    rows: list[Row] = []
    for node in argument_map.walk():
        row = Row(node, tally_visible=results_visible(argument_map, viewer, node.statement))
        for child in node.children:
            if child.relation.kind == Relation.Kind.SUPPORTS:
                row.pro += 1
            elif child.relation.kind == Relation.Kind.OPPOSES:
                row.con += 1
            else:
                row.answers += 1
        rows.append(row)
    for index, row in enumerate(rows):
        if row.has_children:
            continue
        next_depth = rows[index + 1].node.depth if index + 1 < len(rows) else 0
        row.closers = range(max(0, row.node.depth - next_depth))
    return rows


def filter_statements(argument_map: ArgumentMap, viewer: Participant | None, filters: Filters) -> list[Row]:
    """Statements matching every active filter, in map order, as flat rows."""
    needle = filters.text.casefold()
    found = []
    for statement in argument_map.statements.values():
        if statement.kind == Statement.Kind.QUESTION:
            continue
        if filters.kind and statement.kind != filters.kind:
            continue
        if filters.mine and (viewer is None or statement.author_id != viewer.pk):
            continue
        voted = argument_map.my_vote(Vote.Kind.AGREEMENT, statement_id=statement.pk) is not None
        if filters.unvoted and voted:
            continue
        visible = results_visible(argument_map, viewer, statement)
        if filters.contested and not (visible and is_contested(statement)):
            continue
        if needle and needle not in statement.text.casefold() and needle not in statement.title.casefold():
            continue
        parents = argument_map.parents.get(statement.pk, [])
        node = OutlineNode(statement, parents[0] if parents else None, 1)
        found.append(Row(node, tally_visible=visible))
    return found


def graph_elements(argument_map: ArgumentMap) -> dict:
    """Nodes and edges for the graph view; labels are plain strings, drawn as text by Cytoscape."""
    nodes = [
        {"data": {"id": str(s.pk), "label": s.title, "kind": s.kind, "status": s.status}}
        for s in argument_map.statements.values()
    ]
    edges = [
        {"data": {"id": f"r{r.pk}", "source": str(r.source_id), "target": str(r.target_id), "kind": r.kind}}
        for r in argument_map.relations
    ]
    return {"nodes": nodes, "edges": edges}
