"""Pure functions over vote arrays: no database, no HTTP.

Everything here takes numpy arrays (participants × statements, with NaN where nobody voted) and
returns plain Python values, so the results can be cached, exported as JSON, and tested on
constructed matrices with known answers. `docs/analysis.md` explains every formula in plain words.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import pairwise_distances, silhouette_score
from threadpoolctl import threadpool_limits

AGREEMENT_VALUES = (-2, -1, 0, 1, 2)
LENS_MAX = 4
STRENGTH_MAX = 4
DEFAULT_WEIGHT = 0.5  # a link nobody rated counts as "matters somewhat" (2 on the 0…4 scale)

MIN_VOTES_TO_GROUP = 5  # a participant with fewer agreement votes is left out of the groups
MIN_PARTICIPANTS_TO_GROUP = 4  # fewer grouped participants than this: no groups at all
K_RANGE = (2, 5)
RANDOM_STATE = 0
MIN_GROUP_SIZE = 2  # and at least MIN_GROUP_SHARE of those grouped: no "group" of one outlier
MIN_GROUP_SHARE = 0.05
MIN_GROUP_VOTES = 2  # a group speaks on a statement once this many of its members voted on it
CRUX_MIN_SPREAD = 0.3
DISTINCTIVE_MIN_DIFFERENCE = 0.2
DISTINCTIVE_PER_GROUP = 5
GROUP_NAMES = "ABCDEFGHIJ"
SILHOUETTE_SAMPLE = 3000  # above this many grouped participants, score k on a fixed-seed sample


# --- per statement ------------------------------------------------------------------------------


def statement_stats(agreement: np.ndarray) -> list[dict]:
    """For each column of a participants × statements agreement matrix (−2…+2, NaN = no vote):
    count, distribution over −2…+2, mean, acceptance, consensus and controversy.

    consensus   = share of the votes on the larger of the two sides (accept or reject);
    controversy = 4 · p_accept · p_reject: 1 when the room splits half and half, 0 when one side is empty.
    Unsure votes (0) count in the total, so they lower both.
    """
    voted = ~np.isnan(agreement)
    counts = voted.sum(axis=0)
    distribution = np.stack([(agreement == value).sum(axis=0) for value in AGREEMENT_VALUES], axis=1)
    sums = np.where(voted, agreement, 0).sum(axis=0)
    out = []
    for column, count in enumerate(counts.tolist()):
        dist = distribution[column].tolist()
        if count == 0:
            out.append({"count": 0, "distribution": dist, "mean": None, "accept": None, "reject": None,
                        "unsure": None, "consensus": None, "controversy": None})  # fmt: skip
            continue
        accept = (dist[3] + dist[4]) / count
        reject = (dist[0] + dist[1]) / count
        out.append(
            {
                "count": count,
                "distribution": dist,
                "mean": float(sums[column] / count),
                "accept": accept,
                "reject": reject,
                "unsure": dist[2] / count,
                "consensus": max(accept, reject),
                "controversy": 4 * accept * reject,
            }
        )
    return out


def lens_means(lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean rating and vote count per statement of a participants × statements lens matrix."""
    voted = ~np.isnan(lens)
    counts = voted.sum(axis=0)
    sums = np.where(voted, lens, 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts


def mean_strengths(relation_index: np.ndarray, values: np.ndarray, relations: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean strength (0…4) and count per relation from parallel arrays of (relation index, value)."""
    counts = np.bincount(relation_index, minlength=relations)
    sums = np.bincount(relation_index, weights=values, minlength=relations)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts


# --- support balance ----------------------------------------------------------------------------


def support_balance(children: list[tuple[str, float | None, float | None]]) -> float | None:
    """How strongly a statement's accepted reasons lean for it (+1) or against it (−1).

        balance = Σ sign(c) · acceptance(c) · weight(c)  /  Σ weight(c)

    over the statement's children c, where sign is +1 for "supports" and −1 for "opposes",
    acceptance(c) is the share of c's agreement votes that accept it (0…1; a child nobody voted on
    counts 0), and weight(c) = mean strength of the link / 4 (a link nobody rated weighs 0.5).
    Each child is (relation kind, acceptance or None, mean strength or None). No children: None.
    """
    numerator = denominator = 0.0
    for kind, acceptance, strength in children:
        if kind not in ("supports", "opposes"):
            continue
        weight = DEFAULT_WEIGHT if strength is None else strength / STRENGTH_MAX
        sign = 1.0 if kind == "supports" else -1.0
        numerator += sign * (acceptance or 0.0) * weight
        denominator += weight
    if denominator == 0:
        return None
    return numerator / denominator


# --- opinion groups -----------------------------------------------------------------------------


@dataclass
class Groups:
    """Who is in which opinion group. Rows refer to the agreement matrix's participants."""

    grouped: np.ndarray  # indices of the participants that were grouped
    labels: np.ndarray  # group number per grouped participant (0 = largest group)
    coordinates: np.ndarray  # 2-D position per grouped participant, in −1…1
    left_out: int  # participants with some but too few votes
    silhouette: float | None
    k: int

    def members(self, group: int) -> np.ndarray:
        return self.grouped[self.labels == group]


def opinion_groups(
    agreement: np.ndarray, min_votes: int = MIN_VOTES_TO_GROUP, random_state: int = RANDOM_STATE
) -> Groups:
    """Polis-style groups: agreement matrix → PCA to 2-D → k-means for k = 2…5, best silhouette.

    Votes are scaled to −1…+1 and a missing vote is filled with the statement's mean among the
    grouped participants. A participant's position is stretched by √(statements / their votes) so
    that people who voted on little are not all pulled to the centre. Groups are numbered by size
    (largest first), ties by their first member, so the same data always gives the same groups.
    """
    # One thread: on a small, shared app server the BLAS/OpenMP thread pools fight each other and
    # the request threads; single-threaded, the same work measured about ten times faster.
    with threadpool_limits(limits=1):
        return _opinion_groups(agreement, min_votes, random_state)


def _opinion_groups(agreement: np.ndarray, min_votes: int, random_state: int) -> Groups:
    voted = ~np.isnan(agreement)
    votes_each = voted.sum(axis=1)
    grouped = np.flatnonzero(votes_each >= min_votes)
    left_out = int(((votes_each > 0) & (votes_each < min_votes)).sum())
    empty = Groups(grouped[:0], np.zeros(0, dtype=int), np.zeros((0, 2)), left_out, None, 0)
    if len(grouped) < MIN_PARTICIPANTS_TO_GROUP:
        return empty
    matrix = agreement[grouped] / 2.0
    columns = ~np.all(np.isnan(matrix), axis=0)
    matrix = matrix[:, columns]
    column_means = np.nanmean(matrix, axis=0)
    matrix = np.where(np.isnan(matrix), column_means, matrix)
    centred = matrix - column_means
    if not np.any(np.abs(centred) > 1e-9):  # everybody voted alike: one room, no groups
        return empty
    components = min(2, *centred.shape)
    # The covariance route: one statements × statements matrix and its eigenvectors, much faster
    # than a full SVD when there are many more participants than statements, and deterministic.
    solver = "covariance_eigh" if centred.shape[0] >= centred.shape[1] else "full"
    projected = PCA(n_components=components, svd_solver=solver, random_state=random_state).fit_transform(centred)
    if components < 2:
        projected = np.column_stack([projected, np.zeros(len(projected))])
    projected = projected * np.sqrt(matrix.shape[1] / votes_each[grouped])[:, None]
    scale = np.abs(projected).max()
    coordinates = projected / scale if scale > 0 else projected

    # The distances between people are the same for every k: compute them once (on a fixed sample
    # in a very large room, so memory stays bounded), then score each k from them.
    sample = np.arange(len(coordinates))
    if len(sample) > SILHOUETTE_SAMPLE:
        sample = np.sort(np.random.default_rng(random_state).choice(len(sample), SILHOUETTE_SAMPLE, replace=False))
    distances = pairwise_distances(coordinates[sample])
    best = None
    distinct = len(np.unique(np.round(coordinates, 9), axis=0))
    for k in range(K_RANGE[0], min(K_RANGE[1], len(grouped) - 1, distinct) + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # k-means warns on duplicate points; the silhouette decides
            labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(coordinates)
        sizes = np.bincount(labels, minlength=k)
        if sizes.min() < max(MIN_GROUP_SIZE, MIN_GROUP_SHARE * len(grouped)):
            continue
        if len(np.unique(labels[sample])) < 2:
            continue
        score = float(silhouette_score(distances, labels[sample], metric="precomputed"))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, labels)
    if best is None:
        return empty
    score, k, labels = best
    labels = _renumber(labels)
    return Groups(grouped, labels, coordinates, left_out, score, k)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Largest group first; equal sizes by their first member (k-means numbers are arbitrary)."""
    order = sorted(np.unique(labels).tolist(), key=lambda g: (-int((labels == g).sum()), int(np.argmax(labels == g))))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[g] for g in labels.tolist()], dtype=int)


def group_acceptance(agreement: np.ndarray, groups: Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group × statement: acceptance share, rejection share and vote count (NaN shares where
    the group cast fewer than MIN_GROUP_VOTES votes, or fewer than its size if it is tiny)."""
    k = groups.k
    statements = agreement.shape[1]
    accept = np.full((k, statements), np.nan)
    reject = np.full((k, statements), np.nan)
    counts = np.zeros((k, statements), dtype=int)
    for group in range(k):
        rows = agreement[groups.members(group)]
        voted = ~np.isnan(rows)
        n = voted.sum(axis=0)
        counts[group] = n
        enough = n >= min(MIN_GROUP_VOTES, len(rows))
        with np.errstate(invalid="ignore", divide="ignore"):
            accept[group] = np.where(enough & (n > 0), (rows > 0).sum(axis=0) / n, np.nan)
            reject[group] = np.where(enough & (n > 0), (rows < 0).sum(axis=0) / n, np.nan)
    return accept, reject, counts


def group_majorities(agreement: np.ndarray, groups: Groups) -> list[list[str]]:
    """Per group and statement, the side most of its voters took: "accept", "reject", "unsure",
    "split" (a tie) or "" (too few votes)."""
    accept, reject, counts = group_acceptance(agreement, groups)
    out = []
    for group in range(groups.k):
        row = []
        for column in range(agreement.shape[1]):
            if np.isnan(accept[group, column]):
                row.append("")
                continue
            sides = {"accept": accept[group, column], "reject": reject[group, column]}
            sides["unsure"] = 1 - sides["accept"] - sides["reject"]
            top = max(sides.values())
            winners = [name for name, share in sides.items() if abs(share - top) < 1e-9]
            row.append(winners[0] if len(winners) == 1 else "split")
        out.append(row)
    return out


def bridging(accept: np.ndarray) -> list[tuple[int, float]]:
    """Statements accepted by a majority (> ½) of every group, strongest first: (column, the
    lowest acceptance among the groups). Needs at least two groups that all voted on it."""
    if accept.shape[0] < 2:
        return []
    with np.errstate(invalid="ignore"):
        lowest = np.min(accept, axis=0)  # NaN if any group has too few votes
    columns = np.flatnonzero(~np.isnan(lowest) & (lowest > 0.5))
    return sorted(((int(c), float(lowest[c])) for c in columns), key=lambda item: (-item[1], item[0]))


def cruxes(accept: np.ndarray, min_spread: float = CRUX_MIN_SPREAD) -> list[tuple[int, float, int, int]]:
    """Statements whose acceptance differs most between groups, largest difference first:
    (column, spread, the most accepting group, the least accepting group)."""
    if accept.shape[0] < 2:
        return []
    out = []
    for column in range(accept.shape[1]):
        shares = accept[:, column]
        known = np.flatnonzero(~np.isnan(shares))
        if len(known) < 2:
            continue
        high = int(known[np.argmax(shares[known])])
        low = int(known[np.argmin(shares[known])])
        spread = float(shares[high] - shares[low])
        if spread >= min_spread:
            out.append((column, spread, high, low))
    return sorted(out, key=lambda item: (-item[1], item[0]))


def distinctive(
    agreement: np.ndarray, groups: Groups, per_group: int = DISTINCTIVE_PER_GROUP
) -> list[list[tuple[int, float, float]]]:
    """For each group, the statements it judges most differently from everyone else grouped:
    (column, the group's acceptance, the others' acceptance), largest difference first."""
    accept, _reject, _counts = group_acceptance(agreement, groups)
    out = []
    for group in range(groups.k):
        others = groups.grouped[groups.labels != group]
        rows = agreement[others]
        n = (~np.isnan(rows)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rest = np.where(n >= MIN_GROUP_VOTES, (rows > 0).sum(axis=0) / np.maximum(n, 1), np.nan)
        difference = np.abs(accept[group] - rest)
        columns = [c for c in np.flatnonzero(~np.isnan(difference)) if difference[c] >= DISTINCTIVE_MIN_DIFFERENCE]
        columns.sort(key=lambda c: (-difference[c], c))
        out.append([(int(c), float(accept[group, c]), float(rest[c])) for c in columns[:per_group]])
    return out


# --- the dilemma chart --------------------------------------------------------------------------

QUADRANTS = ("both", "a_only", "b_only", "neither")


def quadrant(mean_a: float, mean_b: float) -> str:
    """Which corner of the dilemma chart a statement sits in; the middle of the 0…4 scale (2)
    counts as low, so "serves both" means rated above the middle for both poles."""
    high_a, high_b = mean_a > LENS_MAX / 2, mean_b > LENS_MAX / 2
    if high_a and high_b:
        return "both"
    if high_a:
        return "a_only"
    if high_b:
        return "b_only"
    return "neither"


def serves_both(points: list[tuple[int, float, float]], limit: int = 5) -> list[int]:
    """The strongest "serves both" statements: in that quadrant, ranked by their weaker pole, then
    by the sum of both. Points are (column, mean_a, mean_b)."""
    both = [p for p in points if quadrant(p[1], p[2]) == "both"]
    both.sort(key=lambda p: (-min(p[1], p[2]), -(p[1] + p[2]), p[0]))
    return [p[0] for p in both[:limit]]
