"""The results page: where the room agrees, where it splits, and what serves both poles.

The figures come from `deliberation.analysis` (cached by the workshop's last event); this module
only turns them into chart geometry for the SVG templates, which escape every user string.
"""

import math
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deliberation.analysis import workshop_results
from deliberation.analysis.results import min_interval
from deliberation.models import Participant, Phase, Vote, Workshop

from .helpers import seat
from .workshop import join_redirect

TEMPLATE = "results/page.html"
FRAGMENTS = {"results", "summary", "distributions", "opinion_map", "dilemma", "bridging", "cruxes", "standing"}
CONSENSUS_HIGH, CONSENSUS_LOW = 0.75, 0.55  # map colours: "most of the room on one side" / "no clear side"
CONTESTED, DISPUTED = 0.75, 0.4  # controversy from which a statement is contested / disputed
TABLE_ROWS = 8  # bridging statements and cruxes shown before "and n more"
LONG_TABLES = ("bridging", "cruxes")  # shown whole with ?all=<name>
GROUP_CLASSES = 5

# The opinion map's plot: coordinates −1…1 drawn into a 240-unit square with a margin.
MAP_HALF = 110
# The dilemma chart's plot area inside a 460 × 510 viewBox.
DILEMMA_LEFT, DILEMMA_TOP, DILEMMA_SIZE = 50, 34, 380
# Dots closer than DOT_GAP units (a dot is at most 17 units in radius, on a phone) would cover one
# another: such a cluster is drawn on a small ring around its centre, so every number shows.
DOT_GAP = 36


def _percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def _side(value: int | None) -> str:
    if value is None:
        return ""
    return "accept" if value > 0 else "reject" if value < 0 else "unsure"


def side_labels() -> dict:
    return {
        "accept": _("accept"),
        "reject": _("reject"),
        "unsure": _("unsure"),
        "split": _("split evenly"),
        "": _("too few votes"),
    }


def restricted_to_my_votes(workshop: Workshop, participant: Participant) -> bool:
    """With "hide results until voted", a participant sees a statement's results once they voted
    on it (as in the outline's tallies); moderators and a closed workshop see everything."""
    return workshop.hide_results_until_voted and workshop.phase != Phase.CLOSED and not participant.is_moderator


def distribution_rows(statements: list[dict], url_prefix: str) -> list[dict]:
    rows = []
    for s in statements:
        if not s["count"]:
            continue
        segments, x = [], 0.0
        for value, n in zip((-2, -1, 0, 1, 2), s["distribution"], strict=True):
            width = 100 * n / s["count"]
            if n:
                segments.append({"value": value, "count": n, "x": round(x, 3), "width": round(width, 3)})
            x += width
        rows.append(
            {
                "id": s["id"],
                "title": s["title"],
                "url": f"{url_prefix}{s['id']}/",
                "count": s["count"],
                "segments": segments,
                "accept": _percent(s["accept"]),
                "reject": _percent(s["reject"]),
                "consensus": _percent(s["consensus"]),
                "controversy": _percent(s["controversy"]),
                "mean": s["mean"],
                "contested": (s["controversy"] or 0) >= 0.75,
            }
        )
    return rows


def opinion_map(results: dict, me: Participant) -> dict:
    groups = results["groups"]
    dots = [
        {
            "x": round(point["x"] * MAP_HALF, 2),
            "y": round(-point["y"] * MAP_HALF, 2),
            "group": point["group"] % GROUP_CLASSES,
            "me": point["participant"] == me.pk,
        }
        for point in groups["points"]
    ]
    dots.sort(key=lambda dot: dot["me"])  # my dot last, drawn on top
    return {"dots": dots, "me": next((dot for dot in dots if dot["me"]), None), "half": MAP_HALF}


def dilemma_chart(results: dict, by_id: dict, shown) -> dict:
    scale = DILEMMA_SIZE / 4
    dots = []
    for number, point in enumerate((p for p in results["dilemma"]["points"] if shown(p["statement"])), start=1):
        statement = by_id[point["statement"]]
        dots.append(
            {
                "number": number,
                "id": point["statement"],
                "title": statement["title"],
                "a": point["a"],
                "b": point["b"],
                "quadrant": point["quadrant"],
                "cx": round(DILEMMA_LEFT + point["a"] * scale, 2),
                "cy": round(DILEMMA_TOP + DILEMMA_SIZE - point["b"] * scale, 2),
            }
        )
    spread = spread_clusters(dots)
    return {
        "spread": spread,
        "dots": dots,
        "left": DILEMMA_LEFT,
        "top": DILEMMA_TOP,
        "size": DILEMMA_SIZE,
        "half": DILEMMA_SIZE / 2,
        # Quadrant names sit outside the frame, so no dot ever hides them: the upper two above it,
        # the lower two under the tick labels.
        "q_above": DILEMMA_TOP - 10,
        "q_below": DILEMMA_TOP + DILEMMA_SIZE + 40,
        "axis_y": DILEMMA_TOP + DILEMMA_SIZE + 66,
        "mid_x": DILEMMA_LEFT + DILEMMA_SIZE / 2,
        "mid_y": DILEMMA_TOP + DILEMMA_SIZE / 2,
        "right": DILEMMA_LEFT + DILEMMA_SIZE,
        "bottom": DILEMMA_TOP + DILEMMA_SIZE,
        "ticks": [
            {"value": v, "x": DILEMMA_LEFT + v * scale, "y": DILEMMA_TOP + DILEMMA_SIZE - v * scale} for v in range(5)
        ],
        "counts": {q: sum(1 for dot in dots if dot["quadrant"] == q) for q in ("both", "a_only", "b_only", "neither")},
        "serves_both": [
            {**by_id[pk], "accept": _percent(by_id[pk]["accept"])}
            for pk in results["dilemma"]["serves_both"]
            if shown(pk)
        ],
    }


def spread_clusters(dots: list[dict]) -> bool:
    """Move dots that would sit on one another (same or nearly the same ratings) onto a ring around
    their cluster's centre, one DOT_GAP apart, kept inside the frame. Their exact ratings stay in
    their titles and in the numbered list; only the drawing moves. True when any dot moved."""
    clusters: list[list[dict]] = []
    for dot in dots:
        home = next(
            (c for c in clusters if math.dist((c[0]["cx"], c[0]["cy"]), (dot["cx"], dot["cy"])) < DOT_GAP), None
        )
        home.append(dot) if home else clusters.append([dot])
    crowded = [cluster for cluster in clusters if len(cluster) > 1]
    for cluster in crowded:
        cx = sum(dot["cx"] for dot in cluster) / len(cluster)
        cy = sum(dot["cy"] for dot in cluster) / len(cluster)
        ring = DOT_GAP / (2 * math.sin(math.pi / len(cluster)))
        # Keep the whole ring inside the frame by moving its centre in from the edges.
        low, high = DILEMMA_LEFT + ring, DILEMMA_LEFT + DILEMMA_SIZE - ring
        cx = min(max(cx, low), high) if low <= high else DILEMMA_LEFT + DILEMMA_SIZE / 2
        low, high = DILEMMA_TOP + ring, DILEMMA_TOP + DILEMMA_SIZE - ring
        cy = min(max(cy, low), high) if low <= high else DILEMMA_TOP + DILEMMA_SIZE / 2
        for index, dot in enumerate(cluster):
            angle = -math.pi / 2 + 2 * math.pi * index / len(cluster)
            dot["cx"] = round(cx + ring * math.cos(angle), 2)
            dot["cy"] = round(cy + ring * math.sin(angle), 2)
    return bool(crowded)


def group_cards(results: dict, by_id: dict, shown) -> list[dict]:
    cards = []
    for group in results["groups"]["groups"]:
        items = [
            {
                "title": by_id[d["statement"]]["title"],
                "id": d["statement"],
                "accept": _percent(d["accept"]),
                "others": _percent(d["others_accept"]),
                "more": d["accept"] > d["others_accept"],
            }
            for d in group["distinctive"]
            if shown(d["statement"])
        ]
        cards.append({**group, "css": group["index"] % GROUP_CLASSES, "distinctive": items})
    return cards


def standing(results: dict, by_id: dict, me: Participant, my_votes: dict[int, int]) -> dict:
    """Where do I stand: my group, and my votes next to each group's majority."""
    groups = results["groups"]["groups"]
    mine = next((p["group"] for p in results["groups"]["points"] if p["participant"] == me.pk), None)
    labels = side_labels()
    rows, same = [], [0] * len(groups)
    for statement_id, value in sorted(my_votes.items()):
        statement = by_id.get(statement_id)
        if statement is None:
            continue
        my_side = _side(value)
        cells = []
        for g, majority in enumerate(statement["group_majority"]):
            agrees = majority == my_side
            same[g] += agrees
            cells.append({"label": labels[majority], "agrees": agrees, "side": majority or "none"})
        rows.append(
            {"title": statement["title"], "id": statement_id, "mine": labels[my_side], "side": my_side, "cells": cells}
        )
    return {
        "group": groups[mine] if mine is not None else None,
        "rows": rows,
        "same": [{"name": g["name"], "css": g["index"] % GROUP_CLASSES, "count": same[g["index"]]} for g in groups],
    }


def table_addresses(workshop: Workshop, expanded: set[str]) -> dict:
    """The page's address as it is now (for live refreshes, so they keep the tables as shown), and
    for each long table the address that shows it whole, or again cut short, the others unchanged."""
    base = reverse("workshop_results", args=[workshop.slug])

    def address(names: set[str]) -> str:
        query = urlencode([("all", name) for name in LONG_TABLES if name in names])
        return f"{base}?{query}" if query else base

    return {"current": address(expanded), **{name: address(expanded ^ {name}) for name in LONG_TABLES}}


def results_context(workshop: Workshop, participant: Participant, expanded: set[str] = frozenset()) -> dict:
    """Everything the page shows, in a constant number of queries (the analysis is cached). The
    long tables are cut after TABLE_ROWS rows unless `expanded` names them."""
    results = workshop_results(workshop)
    my_votes = dict(Vote.objects.by(participant).filter(kind=Vote.Kind.AGREEMENT).values_list("statement_id", "value"))
    restricted = restricted_to_my_votes(workshop, participant)

    def shown(statement_id: int) -> bool:
        return not restricted or statement_id in my_votes

    by_id = {s["id"]: s for s in results["statements"]}
    prefix = reverse("statement", args=[workshop.slug, 0])[:-2]
    statements = [s for s in results["statements"] if shown(s["id"])]
    cruxes = [
        {**c, "title": by_id[c["statement"]]["title"], "high_accept": _percent(c["high_accept"]),
         "low_accept": _percent(c["low_accept"]), "spread": _percent(c["spread"]),
         "high_name": results["groups"]["groups"][c["high_group"]]["name"],
         "low_name": results["groups"]["groups"][c["low_group"]]["name"]}
        for c in results["cruxes"] if shown(c["statement"])
    ]  # fmt: skip
    bridging = [
        {**b, "title": by_id[b["statement"]]["title"], "lowest_accept": _percent(b["lowest_accept"]),
         "group_accept": [_percent(a) for a in by_id[b["statement"]]["group_accept"]]}
        for b in results["bridging"] if shown(b["statement"])
    ]  # fmt: skip
    return {
        "workshop": workshop,
        "participant": participant,
        "restricted": restricted,
        "nothing_yet": restricted and not my_votes,
        "voters": results["voters"],
        "groups": results["groups"],
        "group_cards": group_cards(results, by_id, shown),
        "distributions": distribution_rows(statements, prefix),
        "opinion_map": opinion_map(results, participant),
        "dilemma": dilemma_chart(results, by_id, shown),
        "bridging": bridging if "bridging" in expanded else bridging[:TABLE_ROWS],
        "bridging_more": 0 if "bridging" in expanded else max(0, len(bridging) - TABLE_ROWS),
        "cruxes": cruxes if "cruxes" in expanded else cruxes[:TABLE_ROWS],
        "cruxes_more": 0 if "cruxes" in expanded else max(0, len(cruxes) - TABLE_ROWS),
        "table_rows": TABLE_ROWS,
        "addresses": table_addresses(workshop, expanded),
        "standing": standing(results, by_id, participant, my_votes),
        "statement_prefix": prefix,
        "value_labels": [
            (-2, _("strongly disagree")),
            (-1, _("disagree")),
            (0, _("unsure")),
            (1, _("agree")),
            (2, _("strongly agree")),
        ],
        "event_id": results.get("event_id", 0),
        "stale": results.get("stale", False),
        "refresh_after": max(1, round(min_interval())),
    }


@require_GET
def results_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole page, or for htmx the `#results` region (or one section, with ?fragment=).
    ?all=bridging and ?all=cruxes show those tables whole instead of their first rows."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    context = results_context(workshop, participant, set(request.GET.getlist("all")) & set(LONG_TABLES))
    name = TEMPLATE
    if request.htmx:
        fragment = request.GET.get("fragment", "results")
        name = f"{TEMPLATE}#{fragment if fragment in FRAGMENTS else 'results'}"
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def statement_colours(results: dict, shown) -> dict:
    """How the map colours each statement, per mode: consensus (high, mid, low), controversy
    (contested, disputed, calm) and group (the group that accepts it far more than another, or
    "all" for a bridging statement)."""
    bridging = {b["statement"] for b in results["bridging"]}
    crux_group = {c["statement"]: c["high_group"] for c in results["cruxes"]}
    names = [g["name"] for g in results["groups"]["groups"]]
    colours = {}
    for s in results["statements"]:
        if not s["count"] or not shown(s["id"]):
            continue
        consensus, controversy = s["consensus"], s["controversy"]
        group = (
            "all" if s["id"] in bridging else str(crux_group[s["id"]] % GROUP_CLASSES) if s["id"] in crux_group else ""
        )
        colours[str(s["id"])] = {
            "consensus": "high" if consensus >= CONSENSUS_HIGH else "low" if consensus < CONSENSUS_LOW else "mid",
            "controversy": "contested"
            if controversy >= CONTESTED
            else "disputed"
            if controversy >= DISPUTED
            else "calm",
            "group": group,
            "group_name": "" if group in ("", "all") else _("group %(name)s") % {"name": names[crux_group[s["id"]]]},
        }
    return colours


@require_GET
def results_colours(request: HttpRequest, slug: str) -> HttpResponse:
    """The map's colouring by results, as JSON for the participant page's "colour the map" switch."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return JsonResponse({"error": _("Join this workshop first.")}, status=403)
    results = workshop_results(workshop)
    mine = None
    if restricted_to_my_votes(workshop, participant):
        mine = set(Vote.objects.by(participant).filter(kind=Vote.Kind.AGREEMENT).values_list("statement_id", flat=True))
    groups = [{"name": g["name"], "css": g["index"] % GROUP_CLASSES} for g in results["groups"]["groups"]]
    colours = statement_colours(results, lambda statement_id: mine is None or statement_id in mine)
    return JsonResponse({"statements": colours, "groups": groups})
