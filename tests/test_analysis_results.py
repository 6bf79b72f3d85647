"""A workshop's results from the database: loading, computing, caching, exporting, the demo."""

import json

import pytest

from deliberation.analysis import load_vote_data, results_for_export, workshop_results
from deliberation.analysis.results import compute_results
from deliberation.demo import load_demo
from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import Relation, Statement, Vote
from tests.analysis_helpers import build_two_camp_workshop


@pytest.fixture
def camps(workshop):
    return build_two_camp_workshop(workshop)


def test_it_loads_votes_into_matrices_in_three_queries(workshop, camps, django_assert_num_queries):
    people, shared, split = camps

    with django_assert_num_queries(3):
        data = load_vote_data(workshop)

    assert [s["id"] for s in data.statements] == [shared.pk] + [s.pk for s in split]
    assert len(data.participant_ids) == 8
    row = data.participant_ids.index(people["two"][0].pk)
    assert data.agreement[row].tolist() == [2.0, -2.0, -2.0, -2.0, -2.0]
    assert data.lens_a[row, 0] == 3.0 and data.lens_b[row, 0] == 4.0


def test_it_finds_the_camps_bridging_statement_and_crux_in_a_real_workshop(workshop, camps):
    people, shared, split = camps

    results = compute_results(load_vote_data(workshop))

    groups = results["groups"]
    assert groups["k"] == 2 and groups["grouped"] == 8 and groups["left_out"] == 0
    by_person = {point["participant"]: point["group"] for point in groups["points"]}
    assert len({by_person[p.pk] for p in people["one"]}) == 1
    assert len({by_person[p.pk] for p in people["two"]}) == 1
    assert by_person[people["one"][0].pk] != by_person[people["two"][0].pk]
    assert [b["statement"] for b in results["bridging"]] == [shared.pk]
    assert results["cruxes"][0]["statement"] in {s.pk for s in split}
    assert results["cruxes"][0]["spread"] == 1.0
    shared_row = next(s for s in results["statements"] if s["id"] == shared.pk)
    assert shared_row["quadrant"] == "both" and shared_row["consensus"] == 1.0
    assert results["dilemma"]["serves_both"] == [shared.pk]
    assert results["dilemma"]["quadrant_counts"]["a_only"] == 4


def test_it_computes_support_balance_and_link_strength_from_the_map(workshop, alice, bob, position):
    carol = join_workshop(workshop, "Carol")
    reason = add_statement(bob, position, Statement.Kind.CLAIM, "A reason for it.", relation="supports")
    objection = add_statement(bob, position, Statement.Kind.CLAIM, "A reason against it.", relation="opposes")
    link = Relation.objects.get(source=reason, target=position)
    for person in (alice, bob, carol):
        cast_vote(person, Vote.Kind.AGREEMENT, 2, statement=reason)
        cast_vote(person, Vote.Kind.STRENGTH, 4, relation=link)
    cast_vote(alice, Vote.Kind.AGREEMENT, -1, statement=objection)
    cast_vote(bob, Vote.Kind.AGREEMENT, 1, statement=objection)

    results = compute_results(load_vote_data(workshop))

    row = next(s for s in results["statements"] if s["id"] == position.pk)
    # reason: accepted by all, weight 4/4; objection: accepted by half, unrated link weighs 0.5
    assert row["support_balance"] == pytest.approx((1.0 * 1.0 - 0.5 * 0.5) / 1.5, abs=1e-4)
    relation = next(r for r in results["relations"] if r["id"] == link.pk)
    assert relation["strength_mean"] == 4.0 and relation["strength_count"] == 3


def test_it_leaves_hidden_statements_and_banned_participants_out(workshop, camps):
    people, shared, split = camps
    split[0].status = Statement.Status.HIDDEN
    split[0].save(update_fields=["status"])
    banned = people["two"][0]
    banned.is_banned = True
    banned.save(update_fields=["is_banned"])

    data = load_vote_data(workshop)

    assert split[0].pk not in [s["id"] for s in data.statements]
    assert banned.pk not in data.participant_ids


def test_it_recomputes_only_when_a_new_event_arrives(workshop, camps, settings, django_assert_num_queries):
    settings.ANALYSIS_MIN_INTERVAL = 0
    people, shared, split = camps
    first = workshop_results(workshop)

    with django_assert_num_queries(1):  # only the last event id: the figures come from the cache
        again = workshop_results(workshop)
    assert again == first

    cast_vote(people["two"][1], Vote.Kind.AGREEMENT, -2, statement=shared)
    with django_assert_num_queries(4):
        changed = workshop_results(workshop)
    assert changed["event_id"] > first["event_id"]
    row = next(s for s in changed["statements"] if s["id"] == shared.pk)
    assert row["distribution"] == [1, 0, 0, 0, 7]


def test_it_answers_a_vote_storm_from_the_cache_for_a_few_seconds(workshop, camps, settings):
    settings.ANALYSIS_MIN_INTERVAL = 60
    people, shared, split = camps
    first = workshop_results(workshop)

    cast_vote(people["two"][1], Vote.Kind.AGREEMENT, -2, statement=shared)

    stale = workshop_results(workshop)
    assert stale["event_id"] == first["event_id"] and stale["stale"] is True
    assert first["stale"] is False


def test_it_gives_the_same_groups_on_every_recomputation(workshop, camps):
    first = compute_results(load_vote_data(workshop))
    second = compute_results(load_vote_data(workshop))

    assert first["groups"] == second["groups"]


def test_it_exports_results_as_json_without_saying_who_is_who(workshop, camps):
    exported = results_for_export(workshop)

    json.dumps(exported)  # plain JSON values all the way down
    assert exported["groups"]["k"] == 2
    assert all(set(point) == {"x", "y", "group"} for point in exported["groups"]["points"])
    assert exported["bridging"] and exported["cruxes"] and exported["dilemma"]["points"]
    assert exported["formulas_version"] == 1


def test_the_demo_workshop_shows_groups_bridging_statements_cruxes_and_the_dilemma(db):
    workshop = load_demo("a-long-demo-password").workshop

    results = compute_results(load_vote_data(workshop))

    assert results["groups"]["k"] >= 2
    assert all(group["size"] >= 2 for group in results["groups"]["groups"])
    assert len(results["bridging"]) >= 3
    assert len(results["cruxes"]) >= 3
    assert len(results["dilemma"]["points"]) >= 10
    assert results["dilemma"]["serves_both"]
    assert {"both", "a_only", "b_only"} <= {q for q, n in results["dilemma"]["quadrant_counts"].items() if n}
