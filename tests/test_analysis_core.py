"""The analysis formulas on constructed vote matrices with known answers (no database)."""

import numpy as np
import pytest

from deliberation.analysis import core

NAN = np.nan


def two_camps(per_camp: int = 10, seed: int = 1) -> np.ndarray:
    """Two camps of `per_camp` people over 10 statements: column 0 everyone accepts, columns 1–5
    camp one accepts and camp two rejects, columns 6–9 are noise; rows 0…n-1 are camp one."""
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(2 * per_camp):
        first = person < per_camp
        row = [2.0] + [2.0 if first else -2.0] * 5 + list(rng.choice([-1.0, 0.0, 1.0], size=4))
        rows.append(row)
    return np.array(rows)


def test_it_finds_two_clearly_separated_camps_as_two_groups_with_the_right_members():
    groups = core.opinion_groups(two_camps())

    assert groups.k == 2
    assert {frozenset(groups.members(g).tolist()) for g in range(2)} == {
        frozenset(range(10)),
        frozenset(range(10, 20)),
    }
    assert groups.silhouette > 0.7
    assert groups.left_out == 0


def test_it_finds_three_camps_when_there_are_three():
    rng = np.random.default_rng(4)
    rows = []
    for camp in range(3):
        for _ in range(8):
            pattern = [2.0 if column % 3 == camp else -2.0 for column in range(9)]
            rows.append([v if rng.random() > 0.1 else 0.0 for v in pattern])
    groups = core.opinion_groups(np.array(rows))

    assert groups.k == 3
    assert {frozenset(groups.members(g).tolist()) for g in range(3)} == {
        frozenset(range(0, 8)),
        frozenset(range(8, 16)),
        frozenset(range(16, 24)),
    }


def test_it_calls_a_statement_everyone_accepts_bridging():
    matrix = two_camps()
    groups = core.opinion_groups(matrix)
    accept, _reject, _counts = core.group_acceptance(matrix, groups)

    bridging = core.bridging(accept)

    assert [column for column, _lowest in bridging] == [0]
    assert bridging[0][1] == 1.0


def test_it_ranks_a_statement_the_camps_split_on_as_the_top_crux():
    matrix = two_camps()
    matrix[:10, 3] = 1.0  # camp one accepts it a little less strongly: still a full split
    matrix[10:, 4] = NAN  # camp two never voted on column 4: it cannot be a crux
    groups = core.opinion_groups(matrix)
    accept, _reject, _counts = core.group_acceptance(matrix, groups)

    cruxes = core.cruxes(accept)

    column, spread, high, low = cruxes[0]
    assert column in {1, 2, 3, 5}
    assert spread == 1.0
    assert 0 in groups.members(high).tolist() and 10 in groups.members(low).tolist()
    assert 4 not in [c for c, *_ in cruxes]
    assert 0 not in [c for c, *_ in cruxes]  # everyone accepts it: no split


def test_it_names_what_sets_each_group_apart():
    matrix = two_camps()
    groups = core.opinion_groups(matrix)

    distinctive = core.distinctive(matrix, groups)

    for group in range(2):
        columns = [column for column, _mine, _rest in distinctive[group]]
        assert set(columns) <= {1, 2, 3, 4, 5} and columns
        assert 0 not in columns


def test_it_leaves_out_and_counts_participants_with_too_few_votes():
    matrix = two_camps()
    sparse = np.full((3, matrix.shape[1]), NAN)
    sparse[:, :2] = 2.0  # two votes each: below the minimum
    silent = np.full((1, matrix.shape[1]), NAN)  # no vote at all: not counted as left out

    groups = core.opinion_groups(np.vstack([matrix, sparse, silent]))

    assert groups.left_out == 3
    assert len(groups.grouped) == 20
    assert not set(groups.grouped.tolist()) & {20, 21, 22, 23}


def test_it_gives_the_same_groups_every_time_for_the_same_votes():
    matrix = two_camps(per_camp=15, seed=9)
    first = core.opinion_groups(matrix)
    second = core.opinion_groups(matrix.copy())

    assert first.k == second.k
    assert np.array_equal(first.labels, second.labels)
    assert np.allclose(first.coordinates, second.coordinates)


def test_it_numbers_groups_largest_first():
    matrix = np.vstack([two_camps(per_camp=12)[:12], two_camps(per_camp=12)[12:18]])  # 12 and 6

    groups = core.opinion_groups(matrix)

    assert (groups.labels == 0).sum() == 12 and (groups.labels == 1).sum() == 6


def test_it_finds_no_groups_when_everybody_votes_alike_or_too_few_voted():
    alike = np.full((8, 6), 2.0)
    assert core.opinion_groups(alike).k == 0
    assert core.opinion_groups(two_camps()[:3]).k == 0
    assert core.bridging(np.zeros((1, 6))) == []
    assert core.cruxes(np.zeros((1, 6))) == []


def test_it_computes_per_statement_distribution_consensus_and_controversy():
    matrix = np.array([[2.0, 2.0, NAN], [1.0, -2.0, NAN], [-1.0, 0.0, NAN], [2.0, -1.0, NAN]])

    first, second, unvoted = core.statement_stats(matrix)

    assert first["count"] == 4 and first["distribution"] == [0, 1, 0, 1, 2]
    assert first["mean"] == pytest.approx(1.0)
    assert first["accept"] == 0.75 and first["consensus"] == 0.75
    assert first["controversy"] == pytest.approx(4 * 0.75 * 0.25)
    assert second["accept"] == 0.25 and second["reject"] == 0.5 and second["unsure"] == 0.25
    assert second["consensus"] == 0.5
    assert unvoted["count"] == 0 and unvoted["mean"] is None


def test_it_averages_link_strength_per_relation():
    means, counts = core.mean_strengths(np.array([0, 0, 2]), np.array([4.0, 2.0, 1.0]), 3)

    assert means[0] == 3.0 and np.isnan(means[1]) and means[2] == 1.0
    assert counts.tolist() == [2, 0, 1]


def test_it_computes_the_support_balance_worked_example_of_the_docs():
    # docs/analysis.md, "Support balance": two supporting reasons and one objection.
    children = [
        ("supports", 0.8, 3.0),  # 8 of 10 accept it; its link is rated 3 of 4 on average
        ("supports", 0.5, 2.0),  # half accept it; link strength 2
        ("opposes", 0.6, 4.0),  # 6 of 10 accept the objection; link strength 4
    ]

    balance = core.support_balance(children)

    # (0.8·0.75 + 0.5·0.5 − 0.6·1) / (0.75 + 0.5 + 1) = 0.25 / 2.25
    assert balance == pytest.approx(1 / 9)
    assert round(balance, 2) == 0.11


def test_it_weighs_unrated_links_at_half_and_ignores_answers():
    assert core.support_balance([("supports", 1.0, None)]) == 1.0
    assert core.support_balance([("opposes", 1.0, None), ("supports", None, 4.0)]) == pytest.approx(-0.5 / 1.5)
    assert core.support_balance([("answers", 1.0, 4.0)]) is None
    assert core.support_balance([]) is None


def test_it_names_the_dilemma_quadrants_and_ranks_serves_both_by_the_weaker_pole():
    assert core.quadrant(3.0, 3.5) == "both"
    assert core.quadrant(3.0, 2.0) == "a_only"  # the middle (2) counts as low
    assert core.quadrant(1.0, 2.5) == "b_only"
    assert core.quadrant(2.0, 2.0) == "neither"

    points = [(0, 4.0, 2.1), (1, 3.0, 3.0), (2, 3.5, 3.2), (3, 4.0, 1.0)]
    assert core.serves_both(points) == [2, 1, 0]


def test_it_takes_group_majorities_with_ties_and_missing_votes():
    matrix = two_camps()
    matrix[:10, 7] = [1, 1, -1, -1, 0, 0, 1, -1, NAN, NAN]  # camp one: 3 accept, 3 reject, 2 unsure
    matrix[10:, 7] = NAN
    matrix[10, 7] = 2.0  # one vote from camp two: too few to speak for the group
    groups = core.opinion_groups(matrix)
    first = groups.labels[groups.grouped.tolist().index(0)]

    majorities = core.group_majorities(matrix, groups)

    assert majorities[first][0] == "accept"
    assert majorities[first][7] == "split"
    assert majorities[1 - first][7] == ""
    assert majorities[1 - first][1] == "reject"


def test_it_never_makes_a_group_of_one_outlier():
    matrix = two_camps()
    outlier = np.full((1, matrix.shape[1]), NAN)
    outlier[0, :6] = [-2.0, 1.0, -2.0, 1.0, -2.0, 1.0]  # unlike anyone, and voted on little

    groups = core.opinion_groups(np.vstack([matrix, outlier]))

    sizes = [len(groups.members(g)) for g in range(groups.k)]
    assert groups.k == 2 and min(sizes) >= 10
