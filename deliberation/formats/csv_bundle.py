"""A zip of CSV files: our tables, plus Polis-compatible comments, votes and participants-votes.

Every cell that a spreadsheet could read as a formula (starting with = + - @, a tab or a carriage
return) is prefixed with an apostrophe.
"""

import csv
import io
import zipfile

from .base import MapData

KEY = "csv"
LABEL = "CSV bundle (zip, Polis-compatible)"
MEDIA_TYPE = "application/zip"
EXTENSION = "csv.zip"
README = """CSV export of a deliberation workshop.

statements.csv, relations.csv, votes.csv, annotations.csv: the map and its votes.
Polis-style files: comments.csv, polis-votes.csv, participants-votes.csv.
Sign convention: agree = 1, disagree = -1, pass/unsure = 0 (agreement -2..2 is folded to its sign).
Cells that would start with = + - @ are prefixed with ' so spreadsheets do not run them.
"""


def safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    return buffer.getvalue()


def export(data: MapData) -> bytes:
    refs = data.refs
    votes_on = data.options.include_votes
    relation_refs = {r.pk: f"R{i}" for i, r in enumerate(data.relations, start=1)}
    people = {p.pk: data.names[p.pk] for p in data.participants}
    person_ids = {p.pk: i for i, p in enumerate(data.participants)}
    statements = [s for s in data.statements if s.kind != "question"]
    comment_ids = {s.pk: i for i, s in enumerate(statements)}
    files = {
        "statements.csv": [
            [
                "ref",
                "kind",
                "title",
                "text",
                "status",
                "author",
                "source_citation",
                "source_url",
                "agree",
                "disagree",
                "unsure",
                "mean_agreement",
            ]
        ]
        + [
            [
                refs[s.pk],
                s.kind,
                s.title,
                s.text,
                s.status,
                data.author(s.author_id),
                s.source_citation,
                s.source_url,
                *_tally(data, s),
            ]
            for s in data.statements
        ],
        "relations.csv": [["ref", "child", "parent", "kind", "strength_votes", "mean_strength"]]
        + [
            [
                relation_refs[r.pk],
                refs[r.source_id],
                refs[r.target_id],
                r.kind,
                r.strength_count if votes_on else "",
                "" if r.strength_mean is None or not votes_on else round(r.strength_mean, 3),
            ]
            for r in data.relations
        ],
        "votes.csv": [["participant", "kind", "statement", "relation", "value"]]
        + [
            [
                people[v.participant_id],
                v.kind,
                refs.get(v.statement_id, ""),
                relation_refs.get(v.relation_id, ""),
                v.value,
            ]
            for v in data.votes
        ],
        "annotations.csv": [["kind", "author", "statement", "text", "quote", "hidden"]]
        + [
            [a.kind, data.author(a.author_id), refs.get(a.statement_id, ""), a.text, a.quote_exact, a.is_hidden]
            for a in data.annotations
        ],
    }
    agreement = [v for v in data.votes if v.kind == "agreement" and v.statement_id in comment_ids]

    def sign(value: int) -> int:
        return (value > 0) - (value < 0)

    files["comments.csv"] = [
        ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"]
    ] + [
        [
            int(s.created_at.timestamp()),
            s.created_at.isoformat(),
            comment_ids[s.pk],
            person_ids.get(s.author_id, "") if data.options.include_authors else "",
            *_tally(data, s)[:2],
            1 if s.status == "visible" else -1,
            s.text,
        ]
        for s in statements
    ]
    files["polis-votes.csv"] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]] + [
        [
            int(v.updated_at.timestamp()),
            v.updated_at.isoformat(),
            comment_ids[v.statement_id],
            person_ids[v.participant_id],
            sign(v.value),
        ]
        for v in agreement
    ]
    matrix: dict[int, dict[int, int]] = {}
    for vote in agreement:
        matrix.setdefault(vote.participant_id, {})[comment_ids[vote.statement_id]] = sign(vote.value)
    header = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"] + list(
        range(len(statements))
    )
    authored = {}
    for s in statements:
        authored[s.author_id] = authored.get(s.author_id, 0) + 1
    files["participants-votes.csv"] = [header] + [
        [
            person_ids[p.pk],
            "",
            authored.get(p.pk, 0) if data.options.include_authors else "",
            len(matrix.get(p.pk, {})),
            sum(1 for x in matrix.get(p.pk, {}).values() if x > 0),
            sum(1 for x in matrix.get(p.pk, {}).values() if x < 0),
        ]
        + [matrix.get(p.pk, {}).get(i, "") for i in range(len(statements))]
        for p in data.participants
    ]
    results = _results(data) if data.shows_results else None
    if results:
        files["results.csv"] = results
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        for name, rows in files.items():
            archive.writestr(name, _table(rows))
    return buffer.getvalue()


def _tally(data: MapData, statement) -> list:
    """Agree, disagree, unsure and mean agreement, or blanks where the reader may not see them."""
    if not data.shows_tally(statement.pk):
        return ["", "", "", ""]
    mean = statement.agreement_mean
    return [
        statement.agree_count,
        statement.disagree_count,
        statement.unsure_count,
        "" if mean is None else round(mean, 3),
    ]


def _results(data: MapData) -> list[list] | None:
    """Per-statement results from the analysis module, when it is there."""
    try:
        from deliberation.analysis import results_for_export
    except ImportError:
        return None
    results = results_for_export(data.workshop) or {}
    rows = results.get("statements") if isinstance(results, dict) else None
    if not rows or not isinstance(rows, list) or not isinstance(rows[0], dict):
        return None
    keys = sorted({key for row in rows for key in row if not isinstance(row[key], (dict, list))})
    return [keys] + [[row.get(key, "") for key in keys] for row in rows]
