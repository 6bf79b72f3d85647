"""GraphML with typed keys (label, kind, status, tallies on nodes; relation, strength on edges),
for yEd, Gephi and networkx."""

from io import BytesIO

import networkx as nx

from .base import MapData

KEY = "graphml"
LABEL = "GraphML"
MEDIA_TYPE = "application/graphml+xml"
EXTENSION = "graphml"


def export(data: MapData) -> bytes:
    graph = nx.DiGraph(name=data.workshop.title)
    for statement in data.statements:
        attributes = {
            "label": statement.text,
            "title": statement.title,
            "kind": statement.kind,
            "status": statement.status,
            "author": data.author(statement.author_id),
        }
        if statement.kind == "evidence":
            attributes.update(source_citation=statement.source_citation, source_url=statement.source_url)
        if data.shows_tally(statement.pk):
            attributes.update(
                agree=int(statement.agree_count),
                disagree=int(statement.disagree_count),
                unsure=int(statement.unsure_count),
                mean_agreement=float(statement.agreement_mean or 0.0),
            )
        graph.add_node(data.refs[statement.pk], **attributes)
    for relation in data.relations:
        attributes = {"relation": relation.kind}
        if data.options.include_votes:
            attributes.update(
                strength_votes=int(relation.strength_count), mean_strength=float(relation.strength_mean or 0.0)
            )
        graph.add_edge(data.refs[relation.source_id], data.refs[relation.target_id], **attributes)
    buffer = BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buffer.getvalue()
