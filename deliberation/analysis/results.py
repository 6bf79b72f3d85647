"""A workshop's results: load its votes as arrays (a constant number of queries), compute every
figure with the pure functions of `core`, and cache the outcome by the workshop's last Event.

The results are plain JSON-ready values (ids, numbers, short titles), so the same dict feeds the
results page, the live re-fetches and the exports.
"""

import os
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache

from deliberation.models import Event, Relation, Statement, Vote, Workshop

from . import core

CACHE_SECONDS = 600
FORMULAS_VERSION = 1  # bump when a formula changes, so cached and exported results say which one


@dataclass
class VoteData:
    """Everything the analysis reads, as arrays. Rows are participants, columns statements."""

    statements: list[dict]  # {"id", "title", "kind"} per column
    participant_ids: list[int]  # per row
    agreement: np.ndarray  # −2…+2, NaN = no vote
    lens_a: np.ndarray  # 0…4, NaN = no rating
    lens_b: np.ndarray
    relations: list[dict] = field(default_factory=list)  # {"id", "source", "target", "kind"}
    strength_relation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # index into relations
    strength_value: np.ndarray = field(default_factory=lambda: np.zeros(0))


def load_vote_data(workshop: Workshop) -> VoteData:
    """Three queries whatever the size: visible statements, their relations, and the votes of
    participants who are not banned."""
    statements = [
        {"id": pk, "title": title, "kind": kind}
        for pk, title, kind in Statement.objects.in_workshop(workshop)
        .visible()
        .exclude(kind=Statement.Kind.QUESTION)
        .order_by("id")
        .values_list("id", "title", "kind")
    ]
    column = {s["id"]: n for n, s in enumerate(statements)}
    relations = [
        {"id": pk, "source": source, "target": target, "kind": kind}
        for pk, source, target, kind in Relation.objects.in_workshop(workshop)
        .between_visible()
        .order_by("id")
        .values_list("id", "source_id", "target_id", "kind")
    ]
    relation_index = {r["id"]: n for n, r in enumerate(relations)}
    rows = (
        Vote.objects.filter(workshop=workshop, participant__is_banned=False)
        .order_by()
        .values_list("participant_id", "kind", "statement_id", "relation_id", "value")
    )
    statement_votes = {kind: ([], [], []) for kind in (Vote.Kind.AGREEMENT, Vote.Kind.LENS_A, Vote.Kind.LENS_B)}
    strength_relation, strength_value, voters = [], [], set()
    for participant_id, kind, statement_id, relation_id, value in rows:
        if kind == Vote.Kind.STRENGTH:
            if relation_id in relation_index:
                strength_relation.append(relation_index[relation_id])
                strength_value.append(value)
        elif statement_id in column:
            who, where, what = statement_votes[kind]
            who.append(participant_id)
            where.append(column[statement_id])
            what.append(value)
            voters.add(participant_id)
    participant_ids = sorted(voters)
    row = {pk: n for n, pk in enumerate(participant_ids)}
    matrices = {}
    for kind, (who, where, what) in statement_votes.items():
        matrix = np.full((len(participant_ids), len(statements)), np.nan)
        if who:
            matrix[[row[p] for p in who], where] = what
        matrices[kind] = matrix
    return VoteData(
        statements=statements,
        participant_ids=participant_ids,
        agreement=matrices[Vote.Kind.AGREEMENT],
        lens_a=matrices[Vote.Kind.LENS_A],
        lens_b=matrices[Vote.Kind.LENS_B],
        relations=relations,
        strength_relation=np.array(strength_relation, dtype=int),
        strength_value=np.array(strength_value, dtype=float),
    )


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else round(value, 4)


def compute_results(data: VoteData) -> dict:
    """Every figure of the results page from the arrays; see docs/analysis.md for the formulas."""
    stats = core.statement_stats(data.agreement)
    lens_a, lens_a_count = core.lens_means(data.lens_a)
    lens_b, lens_b_count = core.lens_means(data.lens_b)
    strength, strength_count = core.mean_strengths(data.strength_relation, data.strength_value, len(data.relations))
    relations = [
        {**relation, "strength_mean": _number(strength[n]), "strength_count": int(strength_count[n])}
        for n, relation in enumerate(data.relations)
    ]

    column = {s["id"]: n for n, s in enumerate(data.statements)}
    children: dict[int, list] = {}
    for relation in relations:
        if relation["source"] in column:
            child = stats[column[relation["source"]]]
            children.setdefault(relation["target"], []).append(
                (relation["kind"], child["accept"], relation["strength_mean"])
            )

    groups = core.opinion_groups(data.agreement)
    accept, _reject, _counts = core.group_acceptance(data.agreement, groups)
    majorities = core.group_majorities(data.agreement, groups)

    statements = []
    for n, statement in enumerate(data.statements):
        row = {**statement, **{k: _number(v) if isinstance(v, float) else v for k, v in stats[n].items()}}
        a, b = _number(lens_a[n]), _number(lens_b[n])
        row.update(
            {
                "lens_a": a,
                "lens_a_count": int(lens_a_count[n]),
                "lens_b": b,
                "lens_b_count": int(lens_b_count[n]),
                "quadrant": core.quadrant(a, b) if a is not None and b is not None else None,
                "support_balance": _number(core.support_balance(children.get(statement["id"], []))),
                "group_accept": [_number(accept[g, n]) for g in range(groups.k)],
                "group_majority": [majorities[g][n] for g in range(groups.k)],
            }
        )
        statements.append(row)

    ids = [s["id"] for s in data.statements]
    distinctive = core.distinctive(data.agreement, groups)
    points = [
        {
            "participant": data.participant_ids[int(row)],
            "x": round(float(groups.coordinates[n, 0]), 4),
            "y": round(float(groups.coordinates[n, 1]), 4),
            "group": int(groups.labels[n]),
        }
        for n, row in enumerate(groups.grouped)
    ]
    dilemma_points = [(n, s["lens_a"], s["lens_b"]) for n, s in enumerate(statements) if s["quadrant"]]
    return {
        "formulas_version": FORMULAS_VERSION,
        "statements": statements,
        "relations": relations,
        "voters": len(data.participant_ids),
        "groups": {
            "k": groups.k,
            "silhouette": _number(groups.silhouette),
            "grouped": len(groups.grouped),
            "left_out": groups.left_out,
            "min_votes": core.MIN_VOTES_TO_GROUP,
            "groups": [
                {
                    "index": g,
                    "name": core.GROUP_NAMES[g],
                    "size": int((groups.labels == g).sum()),
                    "distinctive": [
                        {"statement": ids[c], "accept": _number(mine), "others_accept": _number(rest)}
                        for c, mine, rest in distinctive[g]
                    ],
                }
                for g in range(groups.k)
            ],
            "points": points,
        },
        "bridging": [{"statement": ids[c], "lowest_accept": _number(low)} for c, low in core.bridging(accept)],
        "cruxes": [
            {
                "statement": ids[c],
                "spread": _number(spread),
                "high_group": high,
                "low_group": low,
                "high_accept": _number(accept[high, c]),
                "low_accept": _number(accept[low, c]),
            }
            for c, spread, high, low in core.cruxes(accept)
        ],
        "dilemma": {
            "points": [
                {"statement": ids[n], "a": a, "b": b, "quadrant": statements[n]["quadrant"]}
                for n, a, b in dilemma_points
            ],
            "serves_both": [ids[n] for n in core.serves_both(dilemma_points)],
            "quadrant_counts": {q: sum(1 for s in statements if s["quadrant"] == q) for q in core.QUADRANTS},
        },
    }


def min_interval() -> float:
    """Seconds between two computations of one workshop's results: the ANALYSIS_MIN_INTERVAL
    setting, else the environment variable of that name, else 3."""
    return float(getattr(settings, "ANALYSIS_MIN_INTERVAL", os.environ.get("ANALYSIS_MIN_INTERVAL", 3.0)))


def last_event_id(workshop: Workshop) -> int:
    return Event.objects.in_workshop(workshop).order_by("-id").values_list("id", flat=True).first() or 0


def workshop_results(workshop: Workshop) -> dict:
    """The workshop's results, recomputed only when a new Event was recorded since the last
    computation, and then at most once every ANALYSIS_MIN_INTERVAL seconds (a vote storm is
    answered from the cache, a few seconds behind, marked "stale": True)."""
    event_id = last_event_id(workshop)
    key = f"analysis:{workshop.pk}"
    cached = cache.get(key)
    interval = min_interval()
    if cached is not None and cached["event_id"] == event_id:
        return cached["results"]
    if cached is not None and time.time() - cached["computed_at"] < interval:
        # Newer events exist: say so, so a page can ask again once the interval has passed.
        return {**cached["results"], "stale": True}
    results = compute_results(load_vote_data(workshop))
    results["event_id"] = event_id
    results["stale"] = False
    cache.set(key, {"event_id": event_id, "computed_at": time.time(), "results": results}, CACHE_SECONDS)
    return results


def results_for_export(workshop: Workshop) -> dict:
    """The results as exported with the map: the same figures, with participants anonymised (the
    opinion map keeps each dot's position and group, not who it is)."""
    results = compute_results(load_vote_data(workshop))
    results["event_id"] = last_event_id(workshop)
    results["groups"]["points"] = [
        {k: v for k, v in point.items() if k != "participant"} for point in results["groups"]["points"]
    ]
    return results
