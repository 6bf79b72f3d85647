"""Our exports, read back by the real parsers of each format: @argdown/core, arguebuf, networkx, Graphviz."""

import io
import json
import subprocess
import zipfile

import arguebuf
import networkx as nx
import pytest

from deliberation.demo import load_demo
from deliberation.formats import ExportOptions, export_workshop
from tests.formats_helpers import argdown_model, generated_map


@pytest.fixture
def demo(db):
    return load_demo("pw").workshop


@pytest.fixture
def large(make_workshop):
    workshop = make_workshop()
    generated_map(workshop, 1000)
    return workshop


def _counts(workshop):
    return workshop.statements.count(), workshop.relations.count()


@pytest.mark.parametrize("which", ["demo", "large"])
def test_argdown_exports_parse_with_the_reference_parser(which, request):
    workshop = request.getfixturevalue(which)
    model = argdown_model(export_workshop(workshop, "argdown").decode())
    assert model["errors"] == []
    statements, relations = _counts(workshop)
    assert (len(model["statements"]), len(model["arguments"]), len(model["relations"])) == (statements, 0, relations)
    assert model["frontMatter"]["title"] == workshop.title


@pytest.mark.parametrize("which", ["demo", "large"])
def test_aif_exports_load_in_arguebuf(which, request, tmp_path):
    workshop = request.getfixturevalue(which)
    path = tmp_path / "map.json"
    path.write_bytes(export_workshop(workshop, "aif"))
    graph = arguebuf.load.file(path)
    statements, relations = _counts(workshop)
    assert len(graph.atom_nodes) == statements
    assert len(graph.scheme_nodes) == relations
    attacks = sum(1 for node in graph.scheme_nodes.values() if isinstance(node.scheme, arguebuf.Attack))
    assert attacks == workshop.relations.filter(kind="opposes").count()


def test_graphml_loads_in_networkx_with_its_typed_keys(demo):
    graph = nx.read_graphml(io.BytesIO(export_workshop(demo, "graphml")))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == _counts(demo)
    kinds = {data["kind"] for _node, data in graph.nodes(data=True)}
    assert kinds == {"question", "position", "claim", "evidence"}
    assert {data["relation"] for *_ends, data in graph.edges(data=True)} == {"answers", "supports", "opposes"}
    assert all(isinstance(data["agree"], int) for _node, data in graph.nodes(data=True))


def test_dot_renders_with_graphviz_and_hostile_text_stays_text(workshop, alice):
    from deliberation.domain import add_statement

    add_statement(alice, workshop.root(), "position", '<b>bold</b> "quoted" \\N <script>alert(1)</script>')
    source = export_workshop(workshop, "dot")
    rendered = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, check=True).stdout.decode()
    assert "<script>" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    svg = export_workshop(workshop, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "&lt;b&gt;bold&lt;/b&gt;" in svg
    assert export_workshop(workshop, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_csv_bundle_holds_polis_files_and_neutralises_formulas(workshop, alice):
    from deliberation.domain import add_statement, cast_vote

    formula = add_statement(alice, workshop.root(), "position", '=HYPERLINK("http://evil","click")')
    cast_vote(alice, "agreement", -2, statement=formula)
    archive = zipfile.ZipFile(io.BytesIO(export_workshop(workshop, "csv")))
    names = set(archive.namelist())
    assert {
        "statements.csv",
        "relations.csv",
        "votes.csv",
        "annotations.csv",
        "comments.csv",
        "polis-votes.csv",
        "participants-votes.csv",
        "README.txt",
    } <= names
    statements = archive.read("statements.csv").decode()
    assert "'=HYPERLINK" in statements and "\n=HYPERLINK" not in statements and ",=HYPERLINK" not in statements
    polis_votes = archive.read("polis-votes.csv").decode().splitlines()
    assert polis_votes[0] == "timestamp,datetime,comment-id,voter-id,vote"
    assert polis_votes[1].endswith(",'-1")  # disagree is -1, and a leading minus is neutralised too
    assert "agree = 1" in archive.read("README.txt").decode()


def test_export_options_hide_votes_and_anonymise(demo):
    plain = json.loads(export_workshop(demo, "json", ExportOptions(include_votes=False, anonymise=True)))
    assert plain["votes"] == []
    assert [p["name"] for p in plain["participants"]][:3] == ["P1", "P2", "P3"]
    assert "Amara" not in json.dumps(plain["participants"])


def test_the_report_is_printable_html_with_the_outline(demo):
    html = export_workshop(demo, "report").decode()
    assert html.startswith("<!doctype html>") and "<script" not in html
    assert demo.question.replace("'", "&#x27;") in html
    assert "Accepted across all groups" in html or "Opinion groups" in html


def test_a_large_map_is_drawn_as_an_outline_in_columns(large, monkeypatch):
    """Above the size Graphviz lays out quickly, the images come from our outline layout: every
    statement is drawn once, at its own place, under its parent's indent, and the PNG stays bounded."""
    from deliberation.formats import dot
    from deliberation.formats.base import load_map_data

    data = load_map_data(large, ExportOptions())
    positions = dot.outline_positions(data)
    assert set(positions) == set(data.argument_map.statements)
    assert len(set(positions.values())) == len(positions)  # no two statements on one spot
    columns = {x // dot.COLUMN_WIDTH for x, _y in positions.values()}
    rows = {y for _x, y in positions.values()}
    assert len(columns) > 5 and len(rows) > 5  # wrapped into a roughly square page, not one long strip
    parent = {r.source_id: r.target_id for r in sorted(data.relations, key=lambda r: -r.pk)}
    child, mother = next(
        (c, p) for c, p in parent.items() if positions[c][0] // dot.COLUMN_WIDTH == positions[p][0] // dot.COLUMN_WIDTH
    )
    assert positions[child][0] > positions[mother][0] and positions[child][1] < positions[mother][1]  # indented, below

    monkeypatch.setattr(dot, "LARGE", 100)  # the 1,000-statement map counts as large
    svg = export_workshop(large, "svg").decode()
    png = export_workshop(large, "png")
    assert svg.count('class="node"') == large.statements.count()
    assert svg.count('class="edge"') == large.relations.count()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert max(width, height) <= dot.PNG_MAX_PIXELS + 100
