"""AIF JSON in the AIFdb layout (OVA3 files wrap it in {"AIF": ...}).

Statements are I-nodes; a support (or an answer to the question) is child I → RA → parent I, an
objection child I → CA → parent I. Who said what is an optional dialogue layer: L-nodes anchored to
I-nodes by YA-nodes, with `locutions`. Our kinds, sources and tallies travel under "x-deliberation",
which other readers ignore.
"""

import json

from .base import FormatError, ImportPlan, MapData, PlanRelation, PlanStatement, clip
from .importer import QUESTION

KEY = "aif"
LABEL = "AIF JSON (AIFdb, OVA)"
MEDIA_TYPE = "application/json"
EXTENSION = "aif.json"
EXTENSION_KEY = "x-deliberation"
SCHEMES = {"RA": "Default Inference", "CA": "Default Conflict"}
KNOWN_TYPES = {"I", "RA", "CA", "MA", "PA", "L", "YA", "TA"}


def export(data: MapData) -> bytes:
    nodes, edges, locutions, ext = [], [], [], {"statements": {}, "relations": []}
    ids = iter(range(1, 10**9))
    node_of = {}

    def stamp(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    for statement in data.statements:
        node_id = str(next(ids))
        node_of[statement.pk] = node_id
        nodes.append({"nodeID": node_id, "text": statement.text, "type": "I", "timestamp": stamp(statement.created_at)})
        info = {"kind": statement.kind, "title": statement.title, "status": statement.status}
        if statement.kind == "evidence":
            info["source"] = {
                "citation": statement.source_citation,
                "url": statement.source_url,
                "kind": statement.source_kind,
            }
        if data.shows_tally(statement.pk):
            info["tally"] = {
                "agree": statement.agree_count,
                "disagree": statement.disagree_count,
                "unsure": statement.unsure_count,
                "mean": statement.agreement_mean,
            }
        ext["statements"][node_id] = info
        author = data.author(statement.author_id)
        if author and statement.kind != "question":
            speaker, anchor = str(next(ids)), str(next(ids))
            nodes.append(
                {
                    "nodeID": speaker,
                    "text": f"{author} : {statement.text}",
                    "type": "L",
                    "timestamp": stamp(statement.created_at),
                }
            )
            nodes.append(
                {"nodeID": anchor, "text": "Asserting", "type": "YA", "timestamp": stamp(statement.created_at)}
            )
            edges += [_edge(next(ids), speaker, anchor), _edge(next(ids), anchor, node_id)]
            locutions.append({"nodeID": speaker, "personID": author, "timestamp": stamp(statement.created_at)})
    for relation in data.relations:
        scheme = "CA" if relation.kind == "opposes" else "RA"
        node_id = str(next(ids))
        nodes.append(
            {"nodeID": node_id, "text": SCHEMES[scheme], "type": scheme, "timestamp": stamp(relation.created_at)}
        )
        edges += [
            _edge(next(ids), node_of[relation.source_id], node_id),
            _edge(next(ids), node_id, node_of[relation.target_id]),
        ]
        info = {"node": node_id, "kind": relation.kind}
        if data.options.include_votes and relation.strength_count:
            info["strength"] = {"count": relation.strength_count, "mean": relation.strength_mean}
        ext["relations"].append(info)
    document = {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        EXTENSION_KEY: {"title": data.workshop.title, **ext},
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def _edge(edge_id: int, source: str, target: str) -> dict:
    return {"edgeID": str(edge_id), "fromID": source, "toID": target, "formEdgeID": None}


def parse(raw: bytes) -> ImportPlan:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FormatError(f"The file is not UTF-8 text (byte {error.start}).") from None
    except json.JSONDecodeError as error:
        raise FormatError(f"Line {error.lineno}, column {error.colno}: {error.msg}.") from None
    if isinstance(document, dict) and isinstance(document.get("AIF"), dict):  # OVA3 wrapper
        document = document["AIF"]
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("nodes"), list)
        or not isinstance(document.get("edges", []), list)
    ):
        raise FormatError('An AIF file is an object with a "nodes" list and an "edges" list.')

    nodes = {}
    for index, node in enumerate(document["nodes"]):
        if not isinstance(node, dict) or "nodeID" not in node or "type" not in node:
            raise FormatError(f"nodes[{index}]: each node needs a nodeID and a type.")
        node_type = str(node["type"])
        if node_type not in KNOWN_TYPES:
            raise FormatError(
                f"nodes[{index}]: unknown node type {node_type!r} (expected one of {', '.join(sorted(KNOWN_TYPES))})."
            )
        nodes[str(node["nodeID"])] = {"type": node_type, "text": str(node.get("text") or "")}
    incoming, outgoing = {}, {}
    for index, edge in enumerate(document.get("edges", [])):
        if not isinstance(edge, dict) or "fromID" not in edge or "toID" not in edge:
            raise FormatError(f"edges[{index}]: each edge needs a fromID and a toID.")
        source, target = str(edge["fromID"]), str(edge["toID"])
        if source not in nodes or target not in nodes:
            raise FormatError(
                f"edges[{index}]: it links node {source if source not in nodes else target!r}, which is not in the file."
            )
        outgoing.setdefault(source, []).append(target)
        incoming.setdefault(target, []).append(source)

    ext = document.get(EXTENSION_KEY) if isinstance(document.get(EXTENSION_KEY), dict) else {}
    known = ext.get("statements", {}) if isinstance(ext.get("statements"), dict) else {}
    relation_kinds = {str(r.get("node")): r.get("kind") for r in ext.get("relations", []) if isinstance(r, dict)}
    plan = ImportPlan(title=str(ext.get("title") or "Imported AIF map"), question="")
    skipped = sorted({n["type"] for n in nodes.values() if n["type"] in {"L", "YA", "TA"}})
    if skipped:
        plan.lossy.append(f"The dialogue layer ({', '.join(skipped)} nodes) was not imported; the argument layer was.")

    question_ref = next(
        (node_id for node_id, info in known.items() if info.get("kind") == "question" and node_id in nodes), None
    )
    links: list[tuple[str, str, str]] = []
    for node_id, node in nodes.items():
        if node["type"] not in {"RA", "CA", "MA", "PA"}:
            continue
        sources = [s for s in incoming.get(node_id, []) if nodes[s]["type"] == "I"]
        targets = outgoing.get(node_id, [])
        if node["type"] in {"MA", "PA"}:
            plan.lossy.append(
                f"Node {node_id} ({node['type']}, {node['text'] or 'scheme'}) has no counterpart here and was left out."
            )
            continue
        for target in targets:
            if nodes[target]["type"] == "I":
                kind = "opposes" if node["type"] == "CA" else relation_kinds.get(node_id) or "supports"
                links += [(source, target, kind) for source in sources]
                if len(sources) > 1:
                    plan.lossy.append(f"Node {node_id}: {len(sources)} linked premises became separate links.")
            elif nodes[target]["type"] in {"RA", "CA"}:  # an undercut: an attack on an inference
                conclusions = [t for t in outgoing.get(target, []) if nodes[t]["type"] == "I"]
                for source in sources:
                    for conclusion in conclusions:
                        links.append((source, conclusion, "opposes"))
                        plan.lossy.append(
                            f"Node {source} undercuts inference {target}; it was imported as an objection to its conclusion."
                        )

    statements = {node_id: node for node_id, node in nodes.items() if node["type"] == "I"}
    parents = {}
    for source, target, kind in links:
        if source in statements and target in statements and source != target:
            parents.setdefault(source, {}).setdefault(target, kind)
    if question_ref:
        plan.question = statements[question_ref]["text"]
    for node_id, node in statements.items():
        if node_id == question_ref:
            continue
        info = known.get(node_id, {})
        is_root = not parents.get(node_id)
        kind = (
            info.get("kind")
            if info.get("kind") in {"position", "claim", "evidence"}
            else ("position" if is_root else "claim")
        )
        if is_root or parents.get(node_id, {}).get(question_ref):
            kind = "position"
        source = info.get("source") or {}
        if kind == "evidence" and not (source.get("citation") or source.get("url")):
            kind = "claim"
        plan.statements.append(
            PlanStatement(
                ref=node_id,
                kind=kind,
                text=node["text"] or f"(node {node_id})",
                title=str(info.get("title", "")),
                source_citation=str(source.get("citation", "")),
                source_url=str(source.get("url", "")),
                source_kind=str(source.get("kind", "")),
            )
        )
        if kind == "position":
            plan.relations.append(PlanRelation(node_id, QUESTION, "answers"))
            for parent, relation in parents.get(node_id, {}).items():
                if parent != question_ref:
                    plan.lossy.append(
                        f"Node {node_id} is a position here; its {relation} link to {parent} was left out."
                    )
        else:
            for parent, relation in parents[node_id].items():
                plan.relations.append(PlanRelation(node_id, parent, "opposes" if relation == "opposes" else "supports"))
    if not plan.question:
        roots = [s.text for s in plan.statements if s.kind == "position"]
        plan.question = (
            clip(roots[0], 400) + " — what do you think?" if len(roots) == 1 else "What follows from this map?"
        )
    return plan
