"""Argdown: statements as `[Title]: text {data}` with their links beneath them.

Export writes one block per statement with its outgoing links (`+>` supports, `->` opposes),
stable unique titles, YAML front matter, and kinds, sources and tallies as data. Import runs the
reference parser (@argdown/core, on Node.js) and maps its model: statements and arguments become
statements, premise–conclusion structures become supports, undercuts and contrary relations are
reported as lossy.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from .base import FormatError, ImportPlan, MapData, PlanRelation, PlanStatement
from .importer import QUESTION

KEY = "argdown"
LABEL = "Argdown"
MEDIA_TYPE = "text/plain"
EXTENSION = "argdown"
PARSER = Path(__file__).with_name("argdown_parse.mjs")
MODULES = Path(os.environ.get("ARGDOWN_MODULES", settings.BASE_DIR / ".cache" / "argdown" / "node_modules"))
SPECIAL = re.compile(r"([\\\[\]<>#{}/*_@`~])")  # what Argdown reads as links, tags, data, emphasis or comments
TAG = re.compile(r"(?:^|\s)#(?:\([^)]*\)|[\w-]+)")


def escape(text: str) -> str:
    """Backslash every character Argdown could read as syntax; keep the text on one line."""
    return SPECIAL.sub(r"\\\1", " ".join(text.split()))


def title_of(title: str) -> str:
    return " ".join(title.replace("[", "(").replace("]", ")").split()) or "Untitled"


def _yaml(value) -> str:
    return json.dumps(value, ensure_ascii=True)  # a JSON string is a valid YAML flow scalar


def export(data: MapData) -> bytes:
    workshop, titles, taken = data.workshop, {}, set()
    for statement in data.statements:
        title, n = title_of(statement.title), 1
        base = title
        while title.lower() in taken:
            n += 1
            title = f"{base} {n}"
        taken.add(title.lower())
        titles[statement.pk] = title
    outgoing = {}
    for relation in data.relations:
        outgoing.setdefault(relation.source_id, []).append(relation)
    lines = ["===", f"title: {_yaml(workshop.title)}", f"question: {_yaml(workshop.question)}"]
    if workshop.has_dilemma:
        lines.append(f"poles: [{_yaml(workshop.pole_a)}, {_yaml(workshop.pole_b)}]")
    lines += ["===", ""]
    for statement in data.statements:
        fields = {"kind": statement.kind}
        if statement.status != "visible":
            fields["status"] = statement.status
        author = data.author(statement.author_id)
        if author:
            fields["author"] = author
        if statement.kind == "evidence":
            fields["sources"] = [
                {"citation": statement.source_citation, "url": statement.source_url, "kind": statement.source_kind}
            ]
        if data.shows_tally(statement.pk) and statement.kind != "question":
            fields["votes"] = {
                "agree": statement.agree_count,
                "disagree": statement.disagree_count,
                "unsure": statement.unsure_count,
            }
        lines.append(f"[{titles[statement.pk]}]: {escape(statement.text)} {json.dumps(fields, ensure_ascii=True)}")
        for relation in outgoing.get(statement.pk, []):
            arrow = "->" if relation.kind == "opposes" else "+>"
            lines.append(f"    {arrow} [{titles[relation.target_id]}]")
        lines.append("")
    return "\n".join(lines).encode()


def run_parser(text: str) -> dict:
    node = shutil.which("node")
    if node is None or not (MODULES / "@argdown" / "core").exists():
        raise FormatError(
            "Reading Argdown needs Node.js and the @argdown/core package "
            "(run: npm install --prefix .cache/argdown @argdown/core@2.0.1)."
        )
    try:
        result = subprocess.run(  # noqa: S603 - fixed program and script; the text goes to stdin
            [node, str(PARSER)],
            input=text,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "ARGDOWN_MODULES": str(MODULES)},
        )
    except subprocess.TimeoutExpired:
        raise FormatError("The Argdown parser took too long on this file.") from None
    if result.returncode != 0:
        raise FormatError(f"The Argdown parser failed: {result.stderr.strip()[:300]}")
    model = json.loads(result.stdout)
    model["warnings"] = [line for line in result.stderr.splitlines() if line.startswith("[")]
    return model


def parse(raw: bytes) -> ImportPlan:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"The file is not UTF-8 text (byte {error.start}).") from None
    model = run_parser(text)
    if model["errors"]:
        first = model["errors"][0]
        raise FormatError(f"Line {first.get('line')}, column {first.get('column')}: {first['message']}")
    if not model["statements"] and not model["arguments"]:
        detail = f" ({model['warnings'][0]})" if model["warnings"] else ""
        raise FormatError(
            "Nothing could be read from this file: check that it is Argdown and that its front matter and "
            f"{{data}} blocks are valid YAML{detail}."
        )
    front = model.get("frontMatter") or {}
    plan = ImportPlan(
        title=str(front.get("title") or "Imported Argdown map"), question=str(front.get("question") or "")
    )
    if isinstance(front.get("poles"), list) and len(front["poles"]) == 2:
        plan.settings.update(pole_a=str(front["poles"][0])[:80], pole_b=str(front["poles"][1])[:80])

    nodes, alias = {}, {}  # ref -> (text, data, tags); argument title -> the statement standing for it
    for item in model["statements"]:
        nodes[f"s:{item['title']}"] = (item["text"], item.get("data") or {}, item.get("tags") or [])
    links = []
    for item in model["arguments"]:
        conclusion = next((m["title"] for m in item["pcs"] if m["role"] == "main-conclusion"), None)
        if conclusion:
            alias[f"a:{item['title']}"] = f"s:{conclusion}"
            links += [(f"s:{m['title']}", f"s:{conclusion}", "support") for m in item["pcs"] if m["role"] == "premise"]
            if item["text"].strip():
                plan.lossy.append(
                    f"The description of argument <{item['title']}> was left out; its reconstruction was imported."
                )
        else:
            nodes[f"a:{item['title']}"] = (item["text"] or item["title"], {}, item.get("tags") or [])
    for relation in model["relations"]:
        prefix = {"argument": "a:", "equivalence-class": "s:"}
        source = prefix.get(relation["fromType"], "s:") + relation["from"]
        target = prefix.get(relation["toType"], "s:") + relation["to"]
        links.append((alias.get(source, source), alias.get(target, target), relation["type"]))

    question_ref = next(
        (ref for ref, (_t, d, _g) in nodes.items() if isinstance(d, dict) and d.get("kind") == "question"), None
    )
    if question_ref and not plan.question:
        plan.question = _clean(nodes[question_ref][0])
    parents: dict[str, dict[str, str]] = {}
    for source, target, kind in links:
        if source not in nodes or target not in nodes or source == target:
            continue
        if kind == "undercut":
            plan.lossy.append(f"{_name(source)} undercuts {_name(target)}; it was imported as an objection to it.")
        elif kind in ("contrary", "contradictory"):
            plan.lossy.append(f"{_name(source)} is {kind} to {_name(target)}; it was imported as an objection.")
        elif kind not in ("support", "attack", "entails"):
            plan.lossy.append(f"The {kind} relation from {_name(source)} to {_name(target)} was left out.")
            continue
        relation = "supports" if kind in ("support", "entails") else "opposes"
        if _reaches(parents, target, source):
            plan.lossy.append(
                f"The link from {_name(source)} to {_name(target)} would close a circle and was left out."
            )
            continue
        parents.setdefault(source, {}).setdefault(target, relation)

    for ref, (text, node_data, tags) in nodes.items():
        if ref == question_ref:
            continue
        node_data = node_data if isinstance(node_data, dict) else {}
        own_parents = {p: k for p, k in parents.get(ref, {}).items() if p != question_ref}
        is_position = not own_parents or node_data.get("kind") == "position"
        kind = "position" if is_position else str(node_data.get("kind") or "claim")
        sources = node_data.get("sources") if isinstance(node_data.get("sources"), list) else []
        source = sources[0] if sources and isinstance(sources[0], dict) else {}
        if kind == "evidence" and not (source.get("citation") or source.get("url")):
            kind = "claim"
        if kind not in ("position", "claim", "evidence"):
            kind = "claim"
        plan.statements.append(
            PlanStatement(
                ref=ref,
                kind=kind,
                text=_clean(text) or ref[2:],
                title=ref[2:],
                source_citation=str(source.get("citation", "")),
                source_url=str(source.get("url", "")),
                source_kind=str(source.get("kind", "")),
            )
        )
        if kind == "position":
            plan.relations.append(PlanRelation(ref, QUESTION, "answers"))
            for parent in own_parents:
                plan.lossy.append(f"{_name(ref)} is a position here; its link to {_name(parent)} was left out.")
        else:
            plan.relations += [PlanRelation(ref, parent, relation) for parent, relation in own_parents.items()]
        plan.extra.setdefault("tags", []).extend((ref, tag) for tag in tags)
    if not plan.question:
        plan.question = plan.title
    return plan


def _clean(text: str) -> str:
    return " ".join(TAG.sub(" ", text).split())


def _name(ref: str) -> str:
    return f"[{ref[2:]}]" if ref.startswith("s:") else f"<{ref[2:]}>"


def _reaches(parents: dict[str, dict[str, str]], start: str, goal: str) -> bool:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(parents.get(node, ()))
    return False
