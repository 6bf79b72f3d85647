"""A printable report: the question, the outline with tallies, sources and (when available) results."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from deliberation.models import Statement

from .base import MapData

KEY = "report"
LABEL = "Printable report (HTML)"
MEDIA_TYPE = "text/html"
EXTENSION = "html"


def export(data: MapData) -> bytes:
    rows = list(data.argument_map.walk())
    kinds = dict(Statement.Kind.choices)
    for row in rows:  # computed here once, not looked up by the template 10,000 times
        row.author_name = data.author(row.statement.author_id)
        row.kind_label = kinds[row.statement.kind]
        row.indent = min(row.depth, 6)
        row.tally_shown = data.shows_tally(row.statement.pk)
    context = {
        "workshop": data.workshop,
        "rows": rows,
        "options": data.options,
        "evidence": [s for s in data.statements if s.kind == "evidence"],
        "documents": data.documents,
        "results": _results(data) if data.shows_results else None,
        # The file is read away from the server, so its stylesheet travels inside it.
        "css": Path(finders.find("css/report.css")).read_text(encoding="utf-8"),
    }
    return render_to_string("formats/report.html", context).encode()


def _results(data: MapData) -> dict | None:
    """Groups, bridging statements and cruxes in words, when the analysis module is there."""
    try:
        from deliberation.analysis import results_for_export
    except ImportError:
        return None
    results = results_for_export(data.workshop) or {}
    titles = {s.pk: s.title for s in data.statements}
    groups = results.get("groups") or {}
    return {
        "voters": results.get("voters", 0),
        "groups": [(g.get("name", ""), g.get("size", 0)) for g in groups.get("groups", [])],
        "left_out": groups.get("left_out", 0),
        "bridging": [titles[b["statement"]] for b in results.get("bridging", []) if b.get("statement") in titles],
        "cruxes": [
            (titles[c["statement"]], c.get("spread", 0))
            for c in results.get("cruxes", [])
            if c.get("statement") in titles
        ],
        "serves_both": [titles[i] for i in (results.get("dilemma") or {}).get("serves_both", []) if i in titles],
    }
