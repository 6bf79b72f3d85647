"""How fast is the participant's map page of a large workshop?

Builds a workshop of N statements (default 2,000) with votes, then measures
1. the server: time and SQL queries to render the full map page (Django test client), and
2. the browser: time until the graph view of that map is interactive in Chromium
   (page load + Cytoscape loaded + data fetched + layered layout drawn).

Run against a scratch PostgreSQL database (it creates and drops its own tables):

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliberation_bench \
        .venv/bin/python -m benchmarks.map_page --statements 2000
"""

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
os.environ.setdefault("DEBUG", "1")


def build_large_workshop(owner, statements: int = 2000, voters: int = 30, seed: int = 7):
    """A contribute-phase workshop with `statements` statements in a realistic shape: ~40 positions,
    claims and evidence below them up to five levels deep, some second parents, and votes."""
    from deliberation.domain import create_workshop, join_workshop
    from deliberation.models import Phase, Relation, Statement, Vote

    rng = random.Random(seed)
    workshop = create_workshop(owner, "Large workshop", "How should we share research?", pole_a="Us", pole_b="All")
    workshop.phase = Phase.CONTRIBUTE
    workshop.save(update_fields=["phase"])
    people = [join_workshop(workshop, f"Voter {n}") for n in range(voters)]
    root = workshop.root()
    positions = min(40, statements)
    rows = []
    for n in range(statements):
        kind = (
            Statement.Kind.POSITION
            if n < positions
            else rng.choice([Statement.Kind.CLAIM] * 3 + [Statement.Kind.EVIDENCE])
        )
        extra = {"source_citation": f"Report {n}"} if kind == Statement.Kind.EVIDENCE else {}
        rows.append(
            Statement(
                workshop=workshop,
                kind=kind,
                title=f"Statement {n}",
                text=f"Statement number {n}: a reason about sharing research openly or keeping it close. " * 2,
                author=rng.choice(people),
                **extra,
            )
        )
    created = Statement.objects.bulk_create(rows)
    relations = []
    for n, statement in enumerate(created):
        if n < positions:
            relations.append(Relation(workshop=workshop, source=statement, target=root, kind=Relation.Kind.ANSWERS))
        else:
            parent = created[rng.randrange(0, n)]
            kind = rng.choice([Relation.Kind.SUPPORTS, Relation.Kind.OPPOSES])
            relations.append(Relation(workshop=workshop, source=statement, target=parent, kind=kind))
    for n in range(positions + 1, statements, 25):  # some statements speak to a second parent
        child, parent = created[n], created[rng.randrange(positions, n)]
        if parent.pk != relations[n].target_id:
            relations.append(Relation(workshop=workshop, source=child, target=parent, kind=Relation.Kind.SUPPORTS))
    Relation.objects.bulk_create(relations)
    votes = []
    for person in people:
        for statement in rng.sample(created, min(len(created), 150)):
            votes.append(
                Vote(
                    workshop=workshop,
                    participant=person,
                    kind=Vote.Kind.AGREEMENT,
                    statement=statement,
                    value=rng.randint(-2, 2),
                )
            )
    Vote.objects.bulk_create(votes)
    return workshop, people


def measure_server(workshop, participant, runs: int = 7):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(f"/resume/{participant.resume_token}")
    url = f"/w/{workshop.slug}/"
    client.get(url)  # warm up templates
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        queries = len(captured)
    return statistics.median(timings), queries, len(response.content)


def measure_browser(base_url: str, workshop, participant, runs: int = 3):
    from playwright.sync_api import sync_playwright

    from tests.servers import CHROMIUM, CHROMIUM_ARGS

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base_url}/resume/{participant.resume_token}")
            started = time.perf_counter()
            page.goto(f"{base_url}/w/{workshop.slug}/?view=graph")
            page.wait_for_selector("#graph[data-ready='1']", timeout=30000)
            drawn = time.perf_counter() - started
            # Interactive: tapping a node opens its detail panel.
            page.evaluate("() => { window.deliberationGraph.nodes()[1].emit('tap'); }")
            page.wait_for_selector("#detail .detail", timeout=30000)
            elapsed = time.perf_counter() - started
            timings = page.evaluate("window.__graphTimings")
            print(f"  graph: drawn after {drawn:.2f} s, a tap answered after {elapsed:.2f} s; {timings}")
            results.append(elapsed)
            context.close()
        browser.close()
    return statistics.median(results)


def measure_outline_load(base_url: str, workshop, participant, runs: int = 3):
    """Seconds until the outline page's DOMContentLoaded (scripts run, tree keyboard-ready)."""
    from playwright.sync_api import sync_playwright

    from tests.servers import CHROMIUM, CHROMIUM_ARGS

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base_url}/resume/{participant.resume_token}")
            started = time.perf_counter()
            page.goto(f"{base_url}/w/{workshop.slug}/", wait_until="domcontentloaded")
            page.wait_for_selector(".tree[data-ready='1']", timeout=30000)
            results.append(time.perf_counter() - started)
            context.close()
        browser.close()
    return statistics.median(results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from tests.servers import uvicorn_server

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username=f"bench-{int(time.time())}")
    workshop, people = build_large_workshop(user, args.statements)
    try:
        seconds, queries, size = measure_server(workshop, people[0])
        print(
            f"server: {args.statements} statements, median {seconds * 1000:.0f} ms, {queries} queries, {size // 1024} KiB"
        )
        if not args.no_browser:
            with uvicorn_server() as base_url:
                graph = measure_browser(base_url, workshop, people[0])
                outline = measure_outline_load(base_url, workshop, people[0])
            print(f"browser: graph view interactive after {graph:.2f} s (median of 3, Chromium headless)")
            print(f"browser: outline page ready after {outline:.2f} s (median of 3)")
    finally:
        workshop.delete()
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
