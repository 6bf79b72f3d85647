"""Graphviz DOT, and SVG/PNG images drawn from it by Graphviz.

User text is passed as plain (non-HTML) labels with backslashes escaped, so no statement can inject
markup or DOT syntax; Graphviz escapes it again when it writes SVG.

Graphviz's own layouts take minutes on thousands of statements, so above `LARGE` the images are
laid out here as an indented outline in columns (each statement under its first parent, a second
parent drawn as an extra line) and Graphviz only draws them (`neato -n2`, positions kept as given).
"""

import math
import textwrap

import graphviz

from .base import MapData

KEY = "dot"
LABEL = "Graphviz DOT"
MEDIA_TYPE = "text/vnd.graphviz"
EXTENSION = "dot"
LARGE = 1500  # above this many statements, the images use the outline layout below
INDENT, MAX_INDENT = 24, 6  # points of indent per level of the outline, and the deepest indent
COLUMN_WIDTH = 220 + INDENT * MAX_INDENT + 40  # a wrapped label, the deepest indent, and a gap
ROW_HEIGHT = 50  # a two-line heading and a gap
PNG_MAX_PIXELS = 3000  # the long side of a large map's PNG; its SVG keeps every detail

STYLE = {
    "question": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#dfe7f5"},
    "position": {"shape": "box", "style": "rounded,filled", "fillcolor": "#eef2f8"},
    "claim": {"shape": "box", "style": "rounded", "fillcolor": "#ffffff"},
    "evidence": {"shape": "note", "style": "filled", "fillcolor": "#fff8e1"},
}
EDGE = {
    "supports": {"color": "#1c7c45", "label": "pro"},
    "opposes": {"color": "#b3261e", "style": "dashed", "label": "con"},
    "answers": {"color": "#5b6472", "label": "answers"},
}


def label(text: str, width: int = 38, lines: int = 6) -> str:
    # Only the first lines are shown: wrap just enough text to fill them and to know if more follows.
    flat = " ".join(text.split())
    wrapped = textwrap.wrap(flat[: width * (lines + 1) + 1], width=width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] += " …"
    return graphviz.nohtml("\\n".join(line.replace("\\", "\\\\") for line in wrapped))


def outline_positions(data: MapData) -> dict[int, tuple[int, int]]:
    """Graphviz coordinates (points, y upwards) for every statement: the map as an indented outline
    (each statement under its first parent, in reading order), wrapped into as many columns as
    make the picture roughly square, like a newspaper page."""
    parent_of = {}
    for relation in sorted(data.relations, key=lambda r: r.pk):
        parent_of.setdefault(relation.source_id, relation.target_id)
    children: dict[int | None, list[int]] = {}
    for statement in data.statements:
        parent = parent_of.get(statement.pk)
        children.setdefault(parent if parent in data.argument_map.statements else None, []).append(statement.pk)
    order = []
    stack = [(pk, 0) for pk in reversed(children.get(None, []))]
    while stack:  # depth-first without recursion: a long chain of replies cannot overflow
        pk, depth = stack.pop()
        order.append((pk, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(pk, [])))
    rows = max(1, round(math.sqrt(len(order) * COLUMN_WIDTH / ROW_HEIGHT)))
    positions = {}
    for index, (pk, depth) in enumerate(order):
        column, row = divmod(index, rows)
        positions[pk] = (column * COLUMN_WIDTH + min(depth, MAX_INDENT) * INDENT, (rows - row) * ROW_HEIGHT)
    return positions


def build(data: MapData, positions: dict[int, tuple[int, int]] | None = None) -> graphviz.Digraph:
    graph = graphviz.Digraph(
        name="argument_map",
        graph_attr={
            "rankdir": "BT",
            "fontname": "DejaVu Sans",
            "label": label(data.workshop.title, 80, 2),
            "labelloc": "t",
        },
        node_attr={"fontname": "DejaVu Sans", "fontsize": "10"},
        edge_attr={"fontname": "DejaVu Sans", "fontsize": "8"},
    )
    for statement in data.statements:
        text = statement.text
        if data.shows_tally(statement.pk) and statement.kind != "question":
            text += f"  [+{statement.agree_count} / -{statement.disagree_count}]"
        if positions is None:
            graph.node(data.refs[statement.pk], label(text), **STYLE[statement.kind])
        else:
            x, y = positions[statement.pk]
            short = statement.title or statement.text  # an overview shows the headings
            graph.node(data.refs[statement.pk], label(short, lines=2), pos=f"{x},{y}!", **STYLE[statement.kind])
    for relation in data.relations:
        style = EDGE[relation.kind]
        if positions is not None:  # on a large map the colour and the dashes say pro or con
            style = {key: value for key, value in style.items() if key != "label"}
        graph.edge(data.refs[relation.source_id], data.refs[relation.target_id], **style)
    return graph


def export(data: MapData) -> bytes:
    return build(data).source.encode()


def render(data: MapData, image_format: str) -> bytes:
    if len(data.statements) <= LARGE:
        return build(data).pipe(format=image_format, engine="dot")
    graph = build(data, outline_positions(data))
    graph.graph_attr.update(splines="false", outputorder="edgesfirst")
    if image_format == "png":  # a bitmap beyond this many pixels helps no one: scale it down
        graph.graph_attr["size"] = f"{PNG_MAX_PIXELS / 96:.0f},{PNG_MAX_PIXELS / 96:.0f}"
    # quiet: on a map this large Graphviz scales the bitmap down and says so on stderr
    return graph.pipe(format=image_format, engine="neato", neato_no_op=2, quiet=True)


def export_svg(data: MapData) -> bytes:
    return render(data, "svg")


def export_png(data: MapData) -> bytes:
    return render(data, "png")
