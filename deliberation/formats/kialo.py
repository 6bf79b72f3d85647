"""Kialo-style text outline: numbered paths, Pro/Con relative to the parent, `-> See` for reuse.

    Discussion Title: <title>

    1. <thesis>
    1.1. Pro: <claim>
    1.1.1. Con: <claim>
    1.2. Pro: -> See 1.1.

The question is the thesis; its positions are the first level. The format has no votes, authors or
comments, and text is Markdown (literal brackets and parentheses escaped).
"""

import re

from .base import FormatError, ImportPlan, MapData, PlanRelation, PlanStatement
from .importer import QUESTION

KEY = "kialo"
LABEL = "Kialo-style outline (text)"
MEDIA_TYPE = "text/plain"
EXTENSION = "kialo.txt"
LINE = re.compile(r"^((?:\d+\.)+)\s+(?:(Pro|Con):\s+)?(.*)$")
SEE = re.compile(r"^->\s*See\s+((?:\d+\.)+)\s*$")
MARKDOWN = re.compile(r"([\\\[\]()*_`#<>])")
UNESCAPE = re.compile(r"\\([\\\[\]()*_`#<>.!+\-{}])")


def escape(text: str) -> str:
    return MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def export(data: MapData) -> bytes:
    argument_map = data.argument_map
    lines = [f"Discussion Title: {escape(data.workshop.title)}", ""]
    paths: dict[int, str] = {}
    top = argument_map.outline()
    if top is None:
        return ("\n".join(lines) + "\n").encode()

    def number(node, path):  # first pass: where each statement is written in full
        if not node.repeated:
            paths[node.statement.pk] = path
            for index, child in enumerate(node.children, start=1):
                number(child, f"{path}{index}.")

    def visit(node, path):
        statement = node.statement
        # A position answering the question is written as a Pro of the thesis: Kialo knows no "answers".
        stance = {"supports": "Pro: ", "opposes": "Con: ", "answers": "Pro: "}.get(node.stance, "")
        if node.repeated:
            lines.append(f"{path} {stance}-> See {paths[statement.pk]}")
            return
        text = escape(statement.text)
        if statement.kind == "evidence" and statement.source_url:
            label = escape(statement.source_citation or "source")
            text += f" [{label}]({statement.source_url.replace(')', '%29').replace(' ', '%20')})"
        lines.append(f"{path} {stance}{text}")
        for index, child in enumerate(node.children, start=1):
            visit(child, f"{path}{index}.")

    number(top, "1.")
    visit(top, "1.")
    return ("\n".join(lines) + "\n").encode()


def parse(raw: bytes) -> ImportPlan:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"The file is not UTF-8 text (byte {error.start}).") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title, entries = "", []  # entries: [line number, path, stance, text]
    for number, line in enumerate(lines, start=1):
        if line.startswith("Discussion Title:") and not entries:
            title = line.split(":", 1)[1].strip()
            continue
        match = LINE.match(line.strip()) if line.strip() else None
        if match:
            entries.append([number, match.group(1), match.group(2), match.group(3)])
        elif line.strip():
            if not entries:
                raise FormatError(f"Line {number}: expected “Discussion Title:” or a numbered line such as “1. …”.")
            entries[-1][3] += "\n" + line.strip()  # a claim continues until the next numbered line
    if not entries:
        raise FormatError("The file has no numbered lines: nothing to import.")
    if entries[0][1] != "1.":
        raise FormatError(f"Line {entries[0][0]}: the first entry must be “1.”, the thesis.")

    plan = ImportPlan(title=_unescape(title) or "Imported Kialo discussion", question=_unescape(entries[0][3]))
    known: dict[str, str] = {"1.": QUESTION}
    links = []
    for number, path, stance, body in entries[1:]:
        parent_path = path[: path[:-1].rfind(".") + 1]
        if parent_path not in known:
            raise FormatError(f"Line {number}: {path} has no parent {parent_path or '(none)'} above it.")
        if path in known:
            raise FormatError(f"Line {number}: the path {path} is used twice.")
        if stance is None:
            raise FormatError(f"Line {number}: say “Pro:” or “Con:” after {path}.")
        parent = known[parent_path]
        if parent.startswith("see:"):
            raise FormatError(f"Line {number}: {path} answers a “-> See” line; answer the claim itself instead.")
        see = SEE.match(body.strip())
        if see:  # resolved once every line is read: the claim may be written in full further down
            known[path] = f"see:{see.group(1)}"
            links.append((number, see.group(1), parent, stance))
            continue
        ref = path
        known[path] = ref
        if parent == QUESTION:
            plan.statements.append(PlanStatement(ref=ref, kind="position", text=_unescape(body)))
            plan.relations.append(PlanRelation(ref, QUESTION, "answers"))
            if stance == "Con":
                plan.lossy.append(f"Line {number}: an objection to the thesis became a position answering it.")
        else:
            plan.statements.append(PlanStatement(ref=ref, kind="claim", text=_unescape(body)))
            plan.relations.append(PlanRelation(ref, parent, "supports" if stance == "Pro" else "opposes"))
    for number, target, parent, stance in links:
        if target not in known or known[target] == QUESTION or known[target].startswith("see:"):
            raise FormatError(f"Line {number}: “-> See {target}” points to no claim in the file.")
        if parent == QUESTION:
            plan.lossy.append(f"Line {number}: a second answer link to the thesis was left out.")
        elif target.count(".") == 2:  # "1.3." sits right under the thesis
            plan.lossy.append(
                f"Line {number}: {target} is a position here, which only answers the thesis; the link was left out."
            )
        else:
            plan.relations.append(PlanRelation(known[target], parent, "supports" if stance == "Pro" else "opposes"))
    return plan


def _unescape(text: str) -> str:
    return UNESCAPE.sub(r"\1", text).strip()
