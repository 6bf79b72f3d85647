"""How long do a large workshop's results take, and how much memory?

Builds 2,000 participants × 500 statements with realistic sparsity (most people vote on a few dozen
statements, a few on hundreds; three camps plus noise; lens ratings on a fraction; strength votes on
the links), then measures `compute_results` — every figure of the results page — and the peak
memory of the process.

Arrays only (no database):

    .venv/bin/python -m benchmarks.analysis

From a real workshop in PostgreSQL (builds it, measures loading + computing, deletes it again;
the database must exist):

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliberation_bench \
        .venv/bin/python -m benchmarks.analysis --database
"""

import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
os.environ.setdefault("DEBUG", "1")


def synthetic_votes(participants: int, statements: int, seed: int = 11) -> dict:
    """Sparse votes with structure: returns parallel arrays per kind, and relations."""
    rng = np.random.default_rng(seed)
    camps = rng.integers(0, 3, size=participants)
    leaning = rng.normal(0, 1.2, size=(3, statements))  # how each camp tends to judge each statement
    leaning[:, : statements // 10] = 1.5  # some common ground
    # Votes per person: long-tailed, 5…statements, median about 60.
    per_person = np.clip(rng.lognormal(np.log(60), 0.8, size=participants).astype(int), 5, statements)
    who, where, value = [], [], []
    popularity = rng.dirichlet(np.full(statements, 0.7))  # some statements are seen far more often
    for person, count in enumerate(per_person):
        columns = rng.choice(statements, size=count, replace=False, p=popularity)
        raw = leaning[camps[person], columns] + rng.normal(0, 0.8, size=count)
        who.append(np.full(count, person))
        where.append(columns)
        value.append(np.clip(np.rint(raw), -2, 2))
    who, where, value = np.concatenate(who), np.concatenate(where), np.concatenate(value)
    lens_mask = rng.random(len(who)) < 0.3  # a third of the votes come with lens ratings
    lens_a = np.clip(rng.integers(0, 5, size=statements)[where[lens_mask]] + rng.integers(-1, 2, lens_mask.sum()), 0, 4)
    lens_b = np.clip(rng.integers(0, 5, size=statements)[where[lens_mask]] + rng.integers(-1, 2, lens_mask.sum()), 0, 4)
    parents = [int(rng.integers(0, max(1, n))) for n in range(1, statements)]
    relations = [
        {"id": n, "source": n + 1, "target": parent, "kind": "supports" if rng.random() < 0.6 else "opposes"}
        for n, parent in enumerate(parents)
    ]
    strength_relation = rng.integers(0, len(relations), size=participants * 10)
    strength_value = rng.integers(0, 5, size=len(strength_relation)).astype(float)
    return {
        "agreement": (who, where, value),
        "lens": (who[lens_mask], where[lens_mask], lens_a, lens_b),
        "relations": relations,
        "strength": (strength_relation, strength_value),
    }


def vote_data_from(votes: dict, participants: int, statements: int):
    from deliberation.analysis.results import VoteData

    def matrix(who, where, value):
        out = np.full((participants, statements), np.nan)
        out[who, where] = value
        return out

    who, where, lens_a, lens_b = votes["lens"]
    return VoteData(
        statements=[{"id": n, "title": f"Statement {n}", "kind": "claim"} for n in range(statements)],
        participant_ids=list(range(participants)),
        agreement=matrix(*votes["agreement"]),
        lens_a=matrix(who, where, lens_a),
        lens_b=matrix(who, where, lens_b),
        relations=votes["relations"],
        strength_relation=votes["strength"][0],
        strength_value=votes["strength"][1],
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def bench_arrays(participants: int, statements: int, repeat: int) -> None:
    import django

    django.setup()
    from deliberation.analysis.results import compute_results

    votes = synthetic_votes(participants, statements)
    data = vote_data_from(votes, participants, statements)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        results = compute_results(data)
        timings.append(time.perf_counter() - started)
    report(votes, results, timings, "compute_results (arrays in memory)")


def bench_database(participants: int, statements: int, repeat: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from deliberation.analysis.results import compute_results, load_vote_data
    from deliberation.domain import create_workshop
    from deliberation.models import Participant, Relation, Statement, Vote

    call_command("migrate", verbosity=0)
    votes = synthetic_votes(participants, statements)
    owner, _ = get_user_model().objects.get_or_create(username="analysis-benchmark")
    workshop = create_workshop(owner, "Analysis benchmark", "What now?", pole_a="Us", pole_b="All")
    try:
        started = time.perf_counter()
        people = Participant.objects.bulk_create(
            [Participant(workshop=workshop, display_name=f"Person {n}") for n in range(participants)]
        )
        rows = Statement.objects.bulk_create(
            [
                Statement(workshop=workshop, kind="claim", title=f"Statement {n}", text=f"Statement {n}.")
                for n in range(statements)
            ]
        )
        links = Relation.objects.bulk_create(
            [
                Relation(workshop=workshop, source=rows[r["source"]], target=rows[r["target"]], kind=r["kind"])
                for r in votes["relations"]
            ]
        )
        batch = []
        for who, where, value in zip(*votes["agreement"], strict=True):
            batch.append(Vote(workshop=workshop, participant=people[who], kind="agreement", statement=rows[where], value=int(value)))  # fmt: skip
        who, where, lens_a, lens_b = votes["lens"]
        for w, s, a, b in zip(who, where, lens_a, lens_b, strict=True):
            batch.append(Vote(workshop=workshop, participant=people[w], kind="lens_a", statement=rows[s], value=int(a)))
            batch.append(Vote(workshop=workshop, participant=people[w], kind="lens_b", statement=rows[s], value=int(b)))
        seen = set()
        for n, (r, v) in enumerate(zip(*votes["strength"], strict=True)):
            person = n % participants
            if (person, r) not in seen:
                seen.add((person, r))
                batch.append(Vote(workshop=workshop, participant=people[person], kind="strength", relation=links[r], value=int(v)))  # fmt: skip
        Vote.objects.bulk_create(batch, batch_size=5000)
        print(f"built the workshop in {time.perf_counter() - started:.1f} s ({len(batch):,} votes)")
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            results = compute_results(load_vote_data(workshop))
            timings.append(time.perf_counter() - started)
        report(votes, results, timings, "load_vote_data + compute_results (PostgreSQL)")
    finally:
        workshop.delete()


def report(votes: dict, results: dict, timings: list[float], what: str) -> None:
    agreement = len(votes["agreement"][0])
    groups = results["groups"]
    print(f"{what}: median {statistics.median(timings):.2f} s, max {max(timings):.2f} s over {len(timings)} runs")
    print(f"peak memory of the process: {peak_rss_mib():.0f} MiB")
    print(
        f"{agreement:,} agreement votes, {len(votes['lens'][0]):,} lens pairs, "
        f"{len(votes['strength'][0]):,} strength votes; "
        f"{groups['k']} groups ({groups['grouped']} grouped, {groups['left_out']} left out, "
        f"silhouette {groups['silhouette']}), {len(results['bridging'])} bridging, {len(results['cruxes'])} cruxes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", action="store_true", help="build and read a real workshop")
    args = parser.parse_args()
    if args.database:
        bench_database(args.participants, args.statements, args.repeat)
    else:
        bench_arrays(args.participants, args.statements, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
