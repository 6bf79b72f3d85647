"""Importing maps written by others, and refusing malformed files with a clear message and no rows."""

import json

import pytest

from deliberation.formats import FormatError, import_file
from deliberation.models import Annotation, Relation, Statement, Workshop
from tests.formats_helpers import shared_file

# (format, file under ../shared, statements, links, positions, lossy notes at least)
CORPORA = [
    ("argdown", ("corpora", "argdown", "Populism-Core-Argument-Argdown-Example.argdown"), 79, 84, 18, 1),
    ("argdown", ("corpora", "argdown", "argdown-primer.argdown"), 20, 21, 10, 1),
    ("argdown", ("corpora", "argdown", "greenspan-schefczyk_hardwrap.argdown"), 38, 38, 17, 1),
    ("argdown", ("corpora", "argdown", "legalisation-softdrugs.argdown"), 18, 20, 1, 1),
    ("argdown", ("corpora", "argdown", "semmelweis_betz.argdown"), 32, 41, 5, 1),
    ("argdown", ("corpora", "argdown", "state-censorship.argdown"), 28, 28, 4, 1),
    ("aif", ("corpora", "aif", "6064-original.json"), 9, 10, 5, 1),
    ("aif", ("format-examples", "science-diplomacy.aif.json"), 4, 4, 1, 1),
    ("argdown", ("format-examples", "science-diplomacy.argdown"), 9, 9, 1, 1),
    ("kialo", ("format-examples", "science-diplomacy.kialo.txt"), 5, 5, 3, 2),
]


@pytest.mark.parametrize(
    ("key", "parts", "statements", "links", "positions", "lossy"), CORPORA, ids=[c[1][-1] for c in CORPORA]
)
def test_it_imports_real_maps(moderator_user, key, parts, statements, links, positions, lossy):
    workshop, summary = import_file(shared_file(*parts).read_bytes(), key, moderator_user)
    assert summary["counts"]["statements"] == statements == workshop.statements.exclude(kind="question").count()
    assert summary["counts"]["relations"] == links == workshop.relations.count()
    assert workshop.statements.filter(kind="position").count() == positions
    assert len(summary["lossy"]) >= lossy  # what did not carry over is said, never dropped silently
    assert workshop.events.filter(verb="workshop.imported").count() == 1


def test_an_undercut_is_reported_as_lossy(moderator_user):
    _workshop, summary = import_file(
        shared_file("format-examples", "science-diplomacy.argdown").read_bytes(), "argdown", moderator_user
    )
    assert any("undercuts" in note for note in summary["lossy"])


def test_the_kialo_example_keeps_escapes_and_links(moderator_user):
    workshop, _summary = import_file(
        shared_file("format-examples", "science-diplomacy.kialo.txt").read_bytes(), "kialo", moderator_user
    )
    texts = list(workshop.statements.values_list("text", flat=True))
    assert any("(e.g. genomic surveillance)" in text for text in texts)
    assert workshop.question == "Science diplomacy should prioritise the global public good over national interest."


def test_kialo_accepts_windows_line_endings_and_multi_line_claims(moderator_user):
    text = "Discussion Title: T\r\n\r\n1. Thesis\r\n1.1. Pro: First line\r\ncontinues here\r\n1.1.1. Con: Against \\[it\\]\r\n"
    workshop, _summary = import_file(text.encode(), "kialo", moderator_user)
    assert set(workshop.statements.exclude(kind="question").values_list("text", flat=True)) == {
        "First line\ncontinues here",
        "Against [it]",
    }


def test_argdown_tags_become_tags(moderator_user):
    workshop, _summary = import_file(
        b"[A]: Open data helps #science\n\n[B]: It does #(open data)\n  +> [A]\n", "argdown", moderator_user
    )
    assert set(Annotation.objects.filter(workshop=workshop, kind="tag").values_list("text", flat=True)) == {
        "science",
        "opendata",
    }
    assert workshop.statements.get(title="A").text == "Open data helps"


VALID_AIF = {
    "nodes": [
        {"nodeID": "1", "text": "A", "type": "I"},
        {"nodeID": "2", "text": "B", "type": "I"},
        {"nodeID": "3", "text": "Default Inference", "type": "RA"},
    ],
    "edges": [{"edgeID": "1", "fromID": "2", "toID": "3"}, {"edgeID": "2", "fromID": "3", "toID": "1"}],
}
CYCLE_AIF = {
    "nodes": VALID_AIF["nodes"] + [{"nodeID": "4", "text": "Default Inference", "type": "RA"}],
    "edges": VALID_AIF["edges"]
    + [{"edgeID": "3", "fromID": "1", "toID": "4"}, {"edgeID": "4", "fromID": "4", "toID": "2"}],
}
NATIVE = {
    "format": "deliberation",
    "version": 1,
    "workshop": {"title": "T", "question": "Q?"},
    "statements": [{"ref": "S2", "kind": "position", "text": "P"}, {"ref": "S3", "kind": "claim", "text": "C"}],
    "relations": [
        {"child": "S2", "parent": "question", "kind": "answers"},
        {"child": "S3", "parent": "S2", "kind": "supports"},
    ],
}

MALFORMED = [
    ("json", json.dumps(NATIVE)[:-20].encode(), "Line 1, column"),
    ("json", json.dumps({**NATIVE, "statements": {"S2": "P"}}).encode(), "statements should be list"),
    (
        "json",
        json.dumps({**NATIVE, "statements": [{"ref": "S2", "kind": "rumour", "text": "P"}]}).encode(),
        "unknown kind 'rumour'",
    ),
    (
        "json",
        json.dumps(
            {**NATIVE, "relations": NATIVE["relations"] + [{"child": "S2", "parent": "S3", "kind": "supports"}]}
        ).encode(),
        "positions answer",
    ),
    (
        "json",
        json.dumps(
            {**NATIVE, "relations": [NATIVE["relations"][0], {"child": "S3", "parent": "S3", "kind": "supports"}]}
        ).encode(),
        "itself",
    ),
    ("json", json.dumps({**NATIVE, "version": 9}).encode(), "Unsupported version"),
    ("aif", json.dumps(VALID_AIF)[:40].encode(), "Line 1, column"),
    (
        "aif",
        json.dumps({"nodes": VALID_AIF["nodes"] + [{"nodeID": "9", "text": "?", "type": "XYZ"}], "edges": []}).encode(),
        "unknown node type 'XYZ'",
    ),
    ("aif", json.dumps({"nodes": "none", "edges": []}).encode(), '"nodes" list'),
    (
        "aif",
        json.dumps({"nodes": VALID_AIF["nodes"], "edges": [{"edgeID": "1", "fromID": "2", "toID": "77"}]}).encode(),
        "not in the file",
    ),
    ("aif", json.dumps(CYCLE_AIF).encode(), "circle"),
    ("argdown", b"[A]: x\n\n  <+ [B]: y\n", "Line 3"),
    ("argdown", b"===\ntitle: [unclosed\n===\n\n[A]: x\n", "YAML"),
    (
        "kialo",
        b"Discussion Title: T\n\n1. Thesis\n1.1. Pro: Fine\n1.3.4. Con: Lost child\n",
        "Line 5: 1.3.4. has no parent 1.3.",
    ),
    ("kialo", b"Discussion Title: T\n\n1. Thesis\n1.1. Pro: -> See 1.7.\n", "Line 4"),
    ("kialo", b"just some text\n", "Line 1"),
]


@pytest.mark.parametrize(("key", "raw", "message"), MALFORMED)
def test_malformed_files_are_refused_and_store_nothing(moderator_user, key, raw, message):
    before = (Workshop.objects.count(), Statement.objects.count(), Relation.objects.count())
    with pytest.raises(FormatError) as error:
        import_file(raw, key, moderator_user)
    assert message in str(error.value)
    assert (Workshop.objects.count(), Statement.objects.count(), Relation.objects.count()) == before


def test_an_oversized_file_is_refused_with_its_size(moderator_user, settings):
    from deliberation.formats import base

    with pytest.raises(FormatError, match="at most"):
        import_file(b" " * (base.MAX_IMPORT_BYTES + 1), "json", moderator_user)


def test_export_only_formats_refuse_import(moderator_user):
    with pytest.raises(FormatError, match="can be exported but not imported"):
        import_file(b"digraph {}", "dot", moderator_user)


def test_a_source_address_that_is_not_a_web_link_is_left_out_and_said(moderator_user):
    plan = {
        **NATIVE,
        "statements": [
            NATIVE["statements"][0],
            {"ref": "S3", "kind": "evidence", "text": "E", "source": {"citation": "Doe", "url": "javascript:alert(1)"}},
        ],
    }
    workshop, summary = import_file(json.dumps(plan).encode(), "json", moderator_user)
    assert workshop.statements.get(kind="evidence").source_url == ""
    assert any("not a web link" in note for note in summary["lossy"])
