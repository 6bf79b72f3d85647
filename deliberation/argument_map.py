"""Loading a whole workshop map for reading, in a constant number of queries.

Pages, exports and analysis read the map through `load_argument_map`; the outline is built in
Python from the loaded rows, so its cost in SQL does not grow with the map.
"""

from dataclasses import dataclass, field

from deliberation.models import (
    EMPTY_TALLY,
    TALLY_NAMES,
    Participant,
    Relation,
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
    """Four queries whatever the size: statements, relations, their tallies, my votes."""
    statements = Statement.objects.in_workshop(workshop)
    statements = statements.exclude(status=Statement.Status.MERGED) if include_hidden else statements.shown_to(viewer)
    by_id = {s.pk: s for s in statements.for_map()}
    relations = [
        r for r in Relation.objects.in_workshop(workshop).for_map() if r.source_id in by_id and r.target_id in by_id
    ]
    statement_tallies, relation_tallies = workshop_tallies(workshop.pk)
    for statement in by_id.values():
        figures = statement_tallies.get(statement.pk, EMPTY_TALLY)
        for name in TALLY_NAMES:
            setattr(statement, name, figures[name])
    for relation in relations:
        figures = relation_tallies.get(relation.pk, EMPTY_TALLY)
        relation.strength_count, relation.strength_mean = figures["strength_count"], figures["strength_mean"]
    my_votes = {}
    for kind, statement_id, relation_id, value in Vote.objects.by(viewer).values_list(
        "kind", "statement_id", "relation_id", "value"
    ):
        key = (kind, "relation", relation_id) if relation_id else (kind, "statement", statement_id)
        my_votes[key] = value
    return ArgumentMap(workshop, by_id, relations, my_votes)
