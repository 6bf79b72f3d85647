"""Graphviz DOT, and SVG/PNG images drawn from it by Graphviz's `dot`.

User text is passed as plain (non-HTML) labels with backslashes escaped, so no statement can inject
markup or DOT syntax; Graphviz escapes it again when it writes SVG.
"""

import textwrap

import graphviz

from .base import MapData

KEY = "dot"
LABEL = "Graphviz DOT"
MEDIA_TYPE = "text/vnd.graphviz"
EXTENSION = "dot"
LARGE = 1500  # above this many statements, a faster layout than `dot` draws the images

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
    wrapped = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] += " …"
    return graphviz.nohtml("\\n".join(line.replace("\\", "\\\\") for line in wrapped))


def build(data: MapData) -> graphviz.Digraph:
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
        if data.options.include_votes and statement.kind != "question":
            text += f"  [+{statement.agree_count} / -{statement.disagree_count}]"
        graph.node(data.refs[statement.pk], label(text), **STYLE[statement.kind])
    for relation in data.relations:
        graph.edge(data.refs[relation.source_id], data.refs[relation.target_id], **EDGE[relation.kind])
    return graph


def export(data: MapData) -> bytes:
    return build(data).source.encode()


def render(data: MapData, image_format: str) -> bytes:
    graph = build(data)
    engine = "dot" if len(data.statements) <= LARGE else "sfdp"
    return graph.pipe(format=image_format, engine=engine)


def export_svg(data: MapData) -> bytes:
    return render(data, "svg")


def export_png(data: MapData) -> bytes:
    return render(data, "png")
