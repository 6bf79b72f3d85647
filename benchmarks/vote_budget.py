"""Where a vote's cost goes: the framework floor, then requests doing more and more of a vote's
work, each as fast as the same closed-loop clients can get it through the same servers (the
serving setup and the vote ceiling of `benchmarks/load.py`).

1. `floor`: `GET /healthz`, one trivial query;
2. `post`: a trivial POST with a form body, through the CSRF check, one trivial query;
3. `write`: the vote's one write statement (the vote and its event) for a seat named in the form,
   nothing checked and nothing rendered: no vote that checks who votes can cost less;
4. `checked`: the full way's checks and write (the seat, the statement, the rate limit and the
   domain's rules, each read apart, then the write), answered with 204 instead of the vote widget;
5. `vote`: the real vote, the page's endpoint: the seat, the statement, the rules, the write and
   the new tally in one statement (`domain.votes.cast_vote_by_seat`), answered with the widget and
   the outline's tally.

The probes of 2–4 are served only here (`benchmarks/budget_site.py`). Each round measures the five
in turn; the ratios are to the floor of the same round. Run against a scratch database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliberation_bench \\
        .venv/bin/python -m benchmarks.vote_budget
"""

import argparse
import os
import shutil

import aiohttp

from benchmarks.load import (
    ROOT,
    SEATS_PER_CLIENT,
    Person,
    Stats,
    closed_loop,
    free_ports,
    prepare,
    run_loop,
    scratch_database_url,
    start_servers,
    stop_servers,
)

STEPS = ("floor", "post", "write", "checked", "vote")


async def measure(args, workshop, statement_ids, base_urls) -> tuple[list[dict], Stats]:
    from asgiref.sync import sync_to_async

    from deliberation.models import Participant

    clients = [
        aiohttp.ClientSession(
            base_url=base_url,
            connector=aiohttp.TCPConnector(limit=args.concurrency + 10, keepalive_timeout=60),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        for base_url in base_urls
    ]
    stats = Stats()
    probes = [Person(clients[n % len(clients)], 300_000 + n) for n in range(args.concurrency * SEATS_PER_CLIENT)]
    for n, person in enumerate(probes):
        assert await person.join(stats, workshop.join_code, f"Probe {n}"), stats.errors
    ids = await sync_to_async(
        lambda: dict(Participant.objects.filter(workshop=workshop).values_list("display_name", "pk"))
    )()
    for n, person in enumerate(probes):
        person.participant_id = ids[f"Probe {n}"]
    loops = [probes[n :: args.concurrency] for n in range(args.concurrency)]
    slug = workshop.slug

    def form(rng, **extra):
        return {"kind": "agreement", "value": str(rng.randint(-2, 2)), **extra}

    requests = {
        "floor": lambda p, rng: p.request(stats, "floor", "GET", "/healthz"),
        "post": lambda p, rng: p.request(stats, "post", "POST", "/budget/post", data=form(rng)),
        "write": lambda p, rng: p.request(
            stats,
            "write",
            "POST",
            f"/budget/{workshop.pk}/{rng.choice(statement_ids)}/write",
            data=form(rng, participant=str(p.participant_id)),
        ),
        "checked": lambda p, rng: p.request(
            stats,
            "checked",
            "POST",
            f"/budget/w/{slug}/s/{rng.choice(statement_ids)}/checked",
            ok=(204,),
            data=form(rng),
        ),
        "vote": lambda p, rng: p.request(
            stats, "vote", "POST", f"/w/{slug}/s/{rng.choice(statement_ids)}/vote/", data=form(rng)
        ),
    }
    rounds = []
    for _ in range(args.rounds):
        rounds.append({step: await closed_loop(loops, stats, step, args.seconds, requests[step]) for step in STEPS})
    for client in clients:
        await client.close()
    return rounds, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes, one per port (docs/deploy.md)")
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop clients")
    parser.add_argument("--seconds", type=float, default=10, help="per step and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--statements", type=int, default=12)
    args = parser.parse_args()
    database_url = scratch_database_url()

    workshop, rows = prepare(args.statements)
    statement_ids = [row.pk for row in rows]
    ports = free_ports(args.workers)
    collected = ROOT / "staticfiles"
    collected_before = collected.exists()
    servers = start_servers(ports, 0, database_url, settings="benchmarks.budget_settings")
    try:
        base_urls = [f"http://127.0.0.1:{port}" for port in ports]
        rounds, stats = run_loop(measure(args, workshop, statement_ids, base_urls))
    finally:
        stop_servers(servers)
        if not collected_before:
            shutil.rmtree(collected, ignore_errors=True)

    print(
        f"\n{args.workers} uvicorn processes, {args.concurrency} closed-loop clients, "
        f"{args.seconds:.0f} s per step, {os.cpu_count()} CPUs\n"
    )
    print("| step | " + " | ".join(f"round {n + 1}" for n in range(len(rounds))) + " | share of the floor |")
    print("| --- |" + " ---: |" * (len(rounds) + 1))
    for step in STEPS:
        shares = [r[step] / r["floor"] for r in rounds]
        answers = " | ".join(f"{r[step]:.0f}/s" for r in rounds)
        print(f"| {step} | {answers} | {min(shares):.0%}–{max(shares):.0%} |")
    errors = {step: sorted(set(v))[:5] for step, v in stats.errors.items() if v}
    print(f"\nerrors: {sum(len(v) for v in stats.errors.values())} {errors if errors else ''}")


if __name__ == "__main__":
    main()
