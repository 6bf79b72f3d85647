"""Turning a loaded argument map into what the participant page shows: outline rows, filter
results, visible tallies and graph data. Pure Python over the rows `load_argument_map` fetched, so
the page costs the same few queries whatever the map size."""

import html
from dataclasses import dataclass, field
from functools import cache

from django.utils.safestring import SafeString

from deliberation.argument_map import ArgumentMap, OutlineNode, statement_label
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


GRAPH_COLUMN = 180  # px between neighbouring nodes of one layer
GRAPH_LAYER = 120  # px between layers


def tree_positions(argument_map: ArgumentMap) -> dict[int, tuple[int, int]]:
    """A layered tidy-tree layout, computed in linear time: layers by depth from the question,
    each leaf in the next column, each parent centred over its children. Large maps use it as
    a preset layout, because a general layered layout of thousands of nodes takes seconds in a
    browser; second parents are still drawn as edges."""
    positions: dict[int, tuple[int, int]] = {}
    top = argument_map.outline()
    if top is None:
        return positions
    next_column = 0
    stack = [(top, False)]
    while stack:
        node, children_done = stack.pop()
        placed = [child for child in node.children if not child.repeated]
        if not placed:
            positions[node.statement.pk] = (next_column * GRAPH_COLUMN, node.depth * GRAPH_LAYER)
            next_column += 1
        elif children_done:
            first = positions[placed[0].statement.pk][0]
            last = positions[placed[-1].statement.pk][0]
            positions[node.statement.pk] = ((first + last) // 2, node.depth * GRAPH_LAYER)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(placed))
    depth = max((y for _x, y in positions.values()), default=0) + GRAPH_LAYER
    for pk in argument_map.statements:  # anything not reachable from the question goes in a last row
        if pk not in positions:
            positions[pk] = (next_column * GRAPH_COLUMN, depth)
            next_column += 1
    return positions


def graph_elements(argument_map: ArgumentMap, preset_above: int = 300) -> dict:
    """Nodes and edges for the graph view; labels are plain strings, drawn as text by Cytoscape.
    Maps larger than `preset_above` statements come with positions (see `tree_positions`)."""
    positions = tree_positions(argument_map) if len(argument_map.statements) > preset_above else {}
    nodes = []
    for s in argument_map.statements.values():
        node = {"data": {"id": str(s.pk), "label": statement_label(s), "kind": s.kind, "status": s.status}}
        if positions:
            x, y = positions[s.pk]
            node["position"] = {"x": x, "y": y}
        nodes.append(node)
    edges = [
        {"data": {"id": f"r{r.pk}", "source": str(r.source_id), "target": str(r.target_id), "kind": r.kind}}
        for r in argument_map.relations
    ]
    return {"nodes": nodes, "edges": edges, "layout": "preset" if positions else "dagre"}


# Rendering rows. A 2,000-statement outline through the template engine costs half a second in
# variable lookups alone, and format_html another half; built here with f-strings, where every
# value from the database goes through `_e` (the standard library's HTML escaping, the same that
# Django's `escape` calls), it costs a fraction. The tally is shared with its fragment
# (`workshop.html#tally`) through `tally_html`.


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _labels() -> dict:
    from django.utils.translation import get_language

    return _labels_in(get_language())


@cache
def _labels_in(language: str | None) -> dict:
    """Translated and escaped once per language: a lookup costs more than the line it goes into."""
    from django.utils.translation import gettext as _

    labels = {
        "pro": _("Pro"),
        "con": _("Con"),
        "agree": _("agree"),
        "disagree": _("disagree"),
        "hidden": _("vote to see results"),
        "pending": _("Waiting for a moderator"),
        "rejected": _("Not accepted"),
        "elsewhere": _("(shown in full elsewhere)"),
        "pro_count": _("pro"),
        "con_count": _("con"),
    }
    labels.update(dict(Statement.Kind.choices))
    return {key: _e(value) for key, value in labels.items()}


def _tally(statement: Statement, visible: bool, labels: dict, oob: bool = False) -> str:
    oob_attr = ' hx-swap-oob="true"' if oob else ""
    if not visible:
        return (
            f'<span id="statement-{int(statement.pk)}-tally" class="tally"{oob_attr}>'
            f'<span class="muted">{labels["hidden"]}</span></span>'
        )
    return (
        f'<span id="statement-{int(statement.pk)}-tally" class="tally"{oob_attr}>'
        f'<span class="tally-agree" title="{labels["agree"]}">▲ {int(statement.agree_count or 0)}'
        f'<span class="visually-hidden"> {labels["agree"]},</span></span> '
        f'<span class="tally-disagree" title="{labels["disagree"]}">▼ {int(statement.disagree_count or 0)}'
        f'<span class="visually-hidden"> {labels["disagree"]}</span></span></span>'
    )


def tally_html(statement: Statement, visible: bool, oob: bool = False) -> SafeString:
    """A statement's tally in the outline (`#statement-<id>-tally`), or a hint to vote first."""
    return SafeString(_tally(statement, visible, _labels(), oob))


def _line(row: Row, prefix: str, labels: dict) -> str:
    statement, node = row.statement, row.node
    pk = int(statement.pk)
    parts = []
    if row.has_children:
        parts.append('<button type="button" class="toggle" tabindex="-1" aria-hidden="true" hidden></button>')
    if node.stance == Relation.Kind.SUPPORTS:
        parts.append(f'<span class="stance stance-pro">{labels["pro"]}</span>')
    elif node.stance == Relation.Kind.OPPOSES:
        parts.append(f'<span class="stance stance-con">{labels["con"]}</span>')
    parts.append(f'<span class="kind">{labels[statement.kind]}</span> ')
    if node.repeated:
        parts.append(
            f'<a class="repeat-link" href="#outline-{pk}">↪ {_e(statement.title)}</a> '
            f'<span class="muted">{labels["elsewhere"]}</span>'
        )
        return "".join(parts)
    parts.append(f'<a class="node-open" href="{prefix}{pk}/">{_e(statement.text)}</a> <span class="node-meta">')
    if row.pro or row.con:
        parts.append(f'<span class="counts">{row.pro} {labels["pro_count"]} · {row.con} {labels["con_count"]}</span> ')
    if statement.kind != Statement.Kind.QUESTION:
        parts.append(_tally(statement, row.tally_visible, labels))
    if statement.status == Statement.Status.PENDING:
        parts.append(f' <span class="badge badge-pending">{labels["pending"]}</span>')
    elif statement.status == Statement.Status.REJECTED:
        reason = f": {_e(statement.moderation_reason)}" if statement.moderation_reason else ""
        parts.append(f' <span class="badge badge-rejected">{labels["rejected"]}{reason}</span>')
    parts.append(f' <span class="number">#{pk}</span></span>')
    return "".join(parts)


def render_tree(rows: list[Row], prefix: str) -> SafeString:
    """The outline's treeitems, nested; one string for the template to place."""
    labels, prefix, out = _labels(), _e(prefix), []
    for index, row in enumerate(rows):
        statement, node = row.statement, row.node
        pk = int(statement.pk)
        item_id = f"outline-{pk}" + (f"-via-{int(node.relation.pk)}" if node.repeated else "")
        expanded = ' aria-expanded="true"' if row.has_children else ""
        classes = _e(
            f"node kind-{statement.kind} stance-{node.stance or 'root'} status-{statement.status}"
            + (" repeated" if node.repeated else "")
        )
        out.append(
            f'<li role="treeitem" id="{item_id}" data-statement-id="{pk}" aria-level="{node.depth + 1}"{expanded}'
            f' tabindex="{0 if index == 0 else -1}" class="{classes}"><div class="node-line">'
            f"{_line(row, prefix, labels)}</div>"
        )
        if row.has_children:
            out.append('<ul role="group">')
        else:
            out.append("</li>" + "</ul></li>" * len(row.closers))
    return SafeString("".join(out))


def render_results(rows: list[Row], prefix: str) -> SafeString:
    labels, prefix = _labels(), _e(prefix)
    return SafeString(
        "".join(
            f'<li class="node kind-{_e(row.statement.kind)} stance-{_e(row.node.stance or "none")}"'
            f' data-statement-id="{int(row.statement.pk)}"><div class="node-line">{_line(row, prefix, labels)}</div></li>'
            for row in rows
        )
    )
