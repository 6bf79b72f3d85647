"""A live room under load: N simulated participants join, read the map, vote and comment.

Starts the production serving setup of `docs/deploy.md` (one uvicorn process per core, each on its
own loopback port, DEBUG off, PostgreSQL; the clients are spread over the ports as the proxy would
spread them), then measures in one run:

1. the framework floor: the most `/healthz` answers per second (one trivial query) that C
   closed-loop clients get through the same server and database settings;
2. the vote ceiling: the most votes per second the same C clients get (each a joined participant);
   1 and 2 in alternating rounds (`--rounds`, 3 by default), averaged, so that a machine whose
   speed drifts during the run weighs on both;
3. the room: N participants join over a ramp, then for a fixed time each votes about every 2 s,
   reads the map about every 15 s and comments about every 60 s; latency per action and errors.
   With `--follow` each also keeps the workshop's event stream open and does what a page's
   `static/js/live.js` does: sets the tally figures a vote event carries in place, in the outline
   and in the open panel's vote widget (the statement it last voted on), and asks for those it
   does not carry (outline tallies in one request per 500 ms burst, the widget at most every 1.5 s),
   and re-fetches the open panel's comments when someone comments on its statement;
4. the check: every statement's tally as the app shows it equals the count of the vote rows.

The client is aiohttp on one event loop: on a small machine the load generator shares the CPUs with
the server, so it must cost as little per request as it can. Only loopback traffic, every loop
bounded in time. Run against a scratch database:

    createdb deliberation_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliberation_bench \
        .venv/bin/python -m benchmarks.load --participants 300 --duration 60
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
TALLY = re.compile(r"▲ (\d+).*?▼ (\d+)", re.S)
SEAT = re.compile(r"seats=([^;]+)")
SEATS_PER_CLIENT = 4
LAST_EVENT = re.compile(r"last_event_id=(\d+)")
# A numbered message of the stream (deliberation/live/messages.py): its name, statement and the rest.
EVENT_MESSAGE = re.compile(rb'event: (\w+)\ndata: \{"id":\d+,"verb":"[^"]*","statement":(\d+|null),([^\n]*)')
FOLLOW_DELAYS = {
    "tallies": 0.5,
    "detail": 0.5,
    "widget": 1.5,
    "comments": 0.3,
}  # as in live.js: a burst is one re-fetch


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.finished: dict[str, list[float]] = defaultdict(list)  # seconds since `started`
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)  # events without a latency, e.g. messages received
        self.started = time.monotonic()

    def add(self, action: str, seconds: float) -> None:
        self.latency[action].append(seconds)
        self.finished[action].append(time.monotonic() - self.started)

    def timeline(self, action: str, step: float = 10) -> str:
        """p99 latency of `action` per `step` seconds of the run: where the slow answers were."""
        windows = defaultdict(list)
        for finished, seconds in zip(self.finished[action], self.latency[action], strict=True):
            windows[int(finished // step)].append(seconds)
        return " · ".join(
            f"{n * step:.0f}–{(n + 1) * step:.0f} s: {percentile(values, 0.99) * 1000:.0f} ms ({len(values)})"
            for n, values in sorted(windows.items())
        )

    def error(self, action: str, what: str) -> None:
        self.errors[action].append(what)

    def table(self, elapsed: float) -> list[str]:
        lines = [
            "| action | requests | per second | p50 ms | p95 ms | p99 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for action in sorted(set(self.latency) | set(self.errors)):
            values = self.latency[action]
            lines.append(
                f"| {action} | {len(values)} | {len(values) / elapsed:.1f} | {percentile(values, 0.5) * 1000:.0f} "
                f"| {percentile(values, 0.95) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f} | {len(self.errors[action])} |"
            )
        return lines


class Person:
    """One simulated participant: their own cookies, their own address (behind the trusted proxy)."""

    def __init__(self, client: aiohttp.ClientSession, number: int):
        self.client = client
        self.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.csrf = secrets.token_hex(16)
        self.seat = ""
        self.open_statement = None  # the detail panel a page shows: the statement last voted on

    def headers(self, htmx: bool = True) -> dict:
        cookie = f"csrftoken={self.csrf}" + (f"; seats={self.seat}" if self.seat else "")
        headers = {"Cookie": cookie, "X-CSRFToken": self.csrf, "X-Forwarded-For": self.address}
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    async def request(self, stats: Stats, action: str, method: str, url: str, ok=(200,), htmx=True, data=None):
        """`data`, a form, is sent urlencoded as a browser sends it (aiohttp's own form encoding
        costs the load generator more than the rest of a request)."""
        headers = self.headers(htmx)
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = urlencode(data).encode()
        started = time.monotonic()
        try:
            async with self.client.request(method, url, headers=headers, allow_redirects=False, data=data) as response:
                response.text_body = await response.text()
        except (TimeoutError, aiohttp.ClientError) as error:
            stats.error(action, type(error).__name__)
            return None
        stats.add(action, time.monotonic() - started)
        if response.status not in ok:
            stats.error(action, str(response.status))
        return response

    async def join(self, stats: Stats, code: str, name: str) -> bool:
        response = await self.request(
            stats, "join", "POST", "/join/", ok=(200, 302), data={"code": code, "display_name": name}
        )
        if response is None:
            return False
        match = SEAT.search(" ".join(response.headers.getall("set-cookie", [])))
        if match:
            self.seat = match.group(1)
        return bool(self.seat)


async def follow(person: Person, stats: Stats, slug: str, position: int, deadline: float) -> None:
    """What a page's live.js does with the stream until `deadline`: tally figures that come with
    an event are set in place; a burst of tally events without them becomes one request for those
    tallies; about the statement whose panel is open, others' votes without figures re-fetch its
    vote widget, comments its comments, and other events the panel (each at most once per its
    FOLLOW_DELAYS)."""
    changed: set[str] = set()
    pending: dict[str, asyncio.Task] = {}

    async def later(key: str, job) -> None:
        await asyncio.sleep(FOLLOW_DELAYS[key])
        del pending[key]
        if time.monotonic() < deadline:
            await job()

    async def tallies() -> None:
        ids = ",".join(sorted(changed))
        changed.clear()
        await person.request(stats, "follow: tallies", "GET", f"/w/{slug}/tallies/?ids={ids}")

    async def detail(statement: int) -> None:
        await person.request(stats, "follow: detail panel", "GET", f"/w/{slug}/s/{statement}/")

    async def comments(statement: int) -> None:
        await person.request(stats, "follow: comments", "GET", f"/w/{slug}/s/{statement}/annotations/")

    async def widget(statement: int) -> None:
        await person.request(stats, "follow: vote widget", "GET", f"/w/{slug}/s/{statement}/votes/")

    def schedule(key: str, job) -> None:
        if key not in pending:
            pending[key] = asyncio.create_task(later(key, job))

    try:
        async with person.client.get(
            f"/w/{slug}/events?last_event_id={position}",
            headers=person.headers(htmx=False),
            timeout=aiohttp.ClientTimeout(total=None, sock_read=None),
        ) as response:
            if response.status != 200:
                stats.error("follow: stream", str(response.status))
                return
            unread = b""
            while time.monotonic() < deadline:
                try:
                    chunk = await asyncio.wait_for(response.content.readany(), deadline - time.monotonic())
                except TimeoutError:
                    break
                if not chunk:
                    stats.error("follow: stream", "closed")
                    break
                # Whole messages only; one regular expression over each chunk keeps the reading of
                # 300 streams from taking the CPU the servers need (a browser reads on its own).
                complete, _, unread = (unread + chunk).rpartition(b"\n\n")
                stats.counts["stream messages received"] += complete.count(b"data: ")
                for name, about, rest in EVENT_MESSAGE.findall(complete):
                    statement = int(about) if about != b"null" else None
                    figures = b'"tally":{' in rest
                    if name == b"tally" and statement:
                        if figures:
                            stats.counts["tallies set in place"] += 1
                        else:
                            changed.add(str(statement))
                            schedule("tallies", tallies)
                    if statement and statement == person.open_statement:
                        if name == b"tally" and figures and b'"kind":"agreement"' in rest:
                            stats.counts["vote widgets set in place"] += 1
                        elif name == b"tally":
                            schedule("widget", lambda statement=statement: widget(statement))
                        elif name == b"annotations":
                            schedule("comments", lambda statement=statement: comments(statement))
                        else:
                            schedule("detail", lambda statement=statement: detail(statement))
    except (TimeoutError, aiohttp.ClientError) as error:
        stats.error("follow: stream", type(error).__name__)
    finally:
        for task in pending.values():
            task.cancel()


def start_servers(
    ports: list[int], shared_socket_workers: int, database_url: str, settings: str = "deliberation.settings"
) -> list[subprocess.Popen]:
    """One uvicorn process per port, as `docs/deploy.md` advises behind a proxy (the clients are
    spread over the ports as the proxy would spread them). With `shared_socket_workers`, instead one
    uvicorn with that many `--workers` on the first port, sharing one listening socket."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # loopback HTTP; production terminates TLS at the proxy
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    # Production static files: hashed names from a manifest, as `collectstatic` writes them.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    processes = []
    for port in ports:
        command = [sys.executable, "-m", "uvicorn", "deliberation.asgi:application", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--proxy-headers", "--log-level", "warning"]
        if shared_socket_workers:
            command += ["--workers", str(shared_socket_workers)]
        command += ["--timeout-keep-alive", "75"]  # as docs/deploy.md advises
        command += ["--timeout-graceful-shutdown", "5", "--no-access-log"]
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))
    deadline = time.monotonic() + 60
    for port in ports:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                stop_servers(processes)
                raise SystemExit("the server did not answer /healthz within 60 s")
            time.sleep(0.2)
    return processes


def stop_servers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)


def prepare(statements: int):
    """A fresh open workshop with `statements` positions; returns (workshop, statements)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from deliberation.domain import add_statement, create_workshop, join_workshop
    from deliberation.models import Phase, Statement

    call_command("migrate", verbosity=0)
    owner, _ = get_user_model().objects.get_or_create(username="load-benchmark")
    workshop = create_workshop(owner, "Load benchmark", "What should the room decide?")
    workshop.phase = Phase.CONTRIBUTE
    workshop.save(update_fields=["phase"])
    author = join_workshop(workshop, "Seed author")
    rows = [
        add_statement(author, workshop.root(), Statement.Kind.POSITION, f"Position {n}: one way to answer.")
        for n in range(statements)
    ]
    return workshop, rows


async def closed_loop(clients, stats, action, seconds, make_request):
    """Each client sends its next request as soon as the previous one is answered. A client speaks
    for a few seats in turn, so no seat goes past the per-participant vote limit (5 a second)."""
    deadline = time.monotonic() + seconds

    async def loop(seats, rng):
        turn = 0
        while time.monotonic() < deadline:
            await make_request(seats[turn % len(seats)], rng)
            turn += 1

    before, started = len(stats.latency[action]), time.monotonic()
    await asyncio.gather(*(loop(seats, random.Random(n)) for n, seats in enumerate(clients)))
    return (len(stats.latency[action]) - before) / (time.monotonic() - started)


async def run(args, workshop, statement_ids, base_urls) -> dict:
    clients = [
        aiohttp.ClientSession(
            base_url=base_url,
            connector=aiohttp.TCPConnector(limit=2 * args.participants + args.concurrency + 10, keepalive_timeout=60),
            cookie_jar=aiohttp.DummyCookieJar(),  # each Person sends its own cookies
            timeout=aiohttp.ClientTimeout(total=30),
        )
        for base_url in base_urls
    ]
    slug, code = workshop.slug, workshop.join_code
    vote_urls = [f"/w/{slug}/s/{pk}/vote/" for pk in statement_ids]
    result = {}

    async def vote(person, rng, stats, action="vote"):
        data = {"kind": "agreement", "value": str(rng.randint(-2, 2))}
        n = rng.randrange(len(vote_urls))
        person.open_statement = statement_ids[n]
        await person.request(stats, action, "POST", vote_urls[n], data=data)

    # 1 and 2: the floor and the vote ceiling, with the same number of closed-loop clients.
    capacity = Stats()
    # The n-th closed-loop client (and the n-th participant) talks to server n mod N, as a proxy
    # balancing connections over the processes would have it.
    probes = [
        Person(clients[n % args.concurrency % len(clients)], 200_000 + n)
        for n in range(args.concurrency * SEATS_PER_CLIENT)
    ]
    for n, person in enumerate(probes):
        assert await person.join(capacity, code, f"Probe {n}"), capacity.errors
    loops = [probes[n :: args.concurrency] for n in range(args.concurrency)]
    # In alternating rounds: a machine that drifts during the run weighs on both alike.
    rounds = []
    for _ in range(args.rounds):
        floor = await closed_loop(
            loops,
            capacity,
            "healthz",
            args.probe_seconds,
            lambda p, rng: p.request(capacity, "healthz", "GET", "/healthz"),
        )
        ceiling = await closed_loop(
            loops,
            capacity,
            "vote (closed loop)",
            args.probe_seconds,
            lambda p, rng: vote(p, rng, capacity, "vote (closed loop)"),
        )
        rounds.append((floor, ceiling))
    result["floor"] = sum(floor for floor, _ in rounds) / len(rounds)
    result["vote_ceiling"] = sum(ceiling for _, ceiling in rounds) / len(rounds)
    result["rounds"] = rounds
    result["capacity"] = capacity

    # 3: the room. First the statistics autovacuum would have gathered by now on a server that runs
    # it (this machine's PostgreSQL does not): without them the planner takes the map's vote tallies
    # for a few dozen rows and sorts them instead of hashing.
    if args.analyze:
        await asyncio.to_thread(_analyze)
    room = Stats()
    people = [Person(clients[n % len(clients)], n) for n in range(args.participants)]
    ramp = args.ramp / max(1, len(people))

    async def participant(number, person):
        rng = random.Random(number)
        await asyncio.sleep(number * ramp)
        if not await person.join(room, code, f"Person {number}"):
            return
        page = await person.request(room, "read map", "GET", f"/w/{slug}/", htmx=False)
        deadline = room_started + args.ramp + args.duration
        if args.follow and page is not None:
            match = LAST_EVENT.search(page.text_body)
            position = int(match.group(1)) if match else 0
            followers.append(asyncio.create_task(follow(person, room, slug, position, deadline)))
        next_read = time.monotonic() + rng.uniform(5, 15)
        next_comment = time.monotonic() + rng.uniform(10, 60)
        while time.monotonic() < deadline:
            await asyncio.sleep(max(0.0, rng.uniform(1.5, 2.5)))
            if time.monotonic() >= deadline:
                break
            await vote(person, rng, room)
            now = time.monotonic()
            if now >= next_read:
                await person.request(room, "read map", "GET", f"/w/{slug}/", htmx=False)
                next_read = now + 15
            if now >= next_comment:
                url = f"/w/{slug}/s/{rng.choice(statement_ids)}/annotate/"
                await person.request(
                    room,
                    "comment",
                    "POST",
                    url,
                    ok=(200, 201),
                    data={"kind": "comment", "text": f"A thought from {number}."},
                )
                next_comment = now + 60

    room_started = time.monotonic()
    followers: list[asyncio.Task] = []
    await asyncio.gather(*(participant(n, person) for n, person in enumerate(people)))
    await asyncio.gather(*followers)
    result["room"] = room
    result["room_seconds"] = time.monotonic() - room_started

    # 4: tallies as shown, against the vote rows.
    shown = {}
    for pk in statement_ids:
        response = await people[0].request(room, "tally", "GET", f"/w/{slug}/s/{pk}/tally/")
        match = TALLY.search(response.text_body) if response is not None else None
        shown[pk] = (int(match.group(1)), int(match.group(2))) if match else None
    result["shown"] = shown
    for client in clients:
        await client.close()
    return result


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ground_truth(statement_ids):
    from deliberation.models import Vote

    truth = {}
    for pk in statement_ids:
        votes = Vote.objects.filter(statement_id=pk, kind=Vote.Kind.AGREEMENT)
        truth[pk] = (votes.filter(value__gt=0).count(), votes.filter(value__lt=0).count())
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60, help="seconds of voting after the ramp")
    parser.add_argument("--ramp", type=float, default=20, help="seconds over which people join")
    parser.add_argument("--statements", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes, one per port (docs/deploy.md)")
    parser.add_argument(
        "--shared-socket", action="store_true", help="one uvicorn with --workers instead, on one shared socket"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop clients for floor and ceiling")
    parser.add_argument("--probe-seconds", type=float, default=10)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of the floor and the vote ceiling, probe-seconds each"
    )
    parser.add_argument("--follow", action="store_true", help="each participant follows the live stream as a page does")
    parser.add_argument(
        "--no-analyze", dest="analyze", action="store_false", help="leave the tables without planner statistics"
    )
    args = parser.parse_args()
    database_url = scratch_database_url()

    workshop, rows = prepare(args.statements)
    statement_ids = [row.pk for row in rows]
    ports = free_ports(1 if args.shared_socket else args.workers)
    # collectstatic writes staticfiles/; in a development checkout, WhiteNoise would then serve those
    # copies instead of the files being edited, so a folder this run creates is removed afterwards.
    collected = ROOT / "staticfiles"
    collected_before = collected.exists()
    servers = start_servers(ports, args.workers if args.shared_socket else 0, database_url)
    try:
        result = run_loop(run(args, workshop, statement_ids, [f"http://127.0.0.1:{port}" for port in ports]))
    finally:
        stop_servers(servers)
        if not collected_before:
            shutil.rmtree(collected, ignore_errors=True)
    truth = ground_truth(statement_ids)

    room, capacity = result["room"], result["capacity"]
    votes = room.latency["vote"]
    errors = sum(len(v) for v in room.errors.values())
    print(
        f"\n{args.participants} participants, {args.duration:.0f} s of voting after a {args.ramp:.0f} s ramp, "
        f"{args.workers} uvicorn {'workers on one socket' if args.shared_socket else 'processes on their own ports'}, "
        f"PAGE_THREADS={os.environ.get('PAGE_THREADS', 'default')}, {os.cpu_count()} CPUs, "
        f"vote limits in PostgreSQL, other rate limits {'in Redis' if os.environ.get('REDIS_URL') else 'in each process'}"
        f"{', following the live stream' if args.follow else ''}\n"
    )
    print(
        f"Capacity (closed loop, {args.concurrency} clients, {args.rounds} alternating rounds of "
        f"{args.probe_seconds:.0f} s each):\n"
    )
    print("\n".join(capacity.table(args.probe_seconds * args.rounds)))
    if any(capacity.errors.values()):
        print(f"\nerrors: { {k: sorted(set(v))[:5] for k, v in capacity.errors.items() if v} }")
    print(
        f"\nframework floor /healthz: {result['floor']:.1f}/s; vote ceiling: {result['vote_ceiling']:.1f}/s; "
        f"ratio {result['vote_ceiling'] / result['floor']:.0%} "
        f"(rounds: {', '.join(f'{ceiling / floor:.0%}' for floor, ceiling in result['rounds'])})\n"
    )
    print("Room:\n")
    print("\n".join(room.table(result["room_seconds"])))
    if room.counts:
        print("\n" + " · ".join(f"{name}: {count}" for name, count in sorted(room.counts.items())))
    print(f"\nvote p99 per 10 s (votes answered): {room.timeline('vote')}")
    print(
        f"\nvote p99 {percentile(votes, 0.99) * 1000:.0f} ms; errors {errors}: "
        f"{ {k: sorted(set(v))[:5] for k, v in room.errors.items() if v} }"
    )
    exact = all(result["shown"][pk] == truth[pk] for pk in statement_ids)
    print(f"tallies exact: {exact} ({sum(a + d for a, d in truth.values())} agree/disagree votes stored)")


def run_loop(coroutine):
    """uvloop when installed (as uvicorn uses it): the client's own overhead is then smallest."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def scratch_database_url() -> str:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a scratch PostgreSQL database.")
    return database_url


def free_ports(count: int) -> list[int]:
    import socket

    ports = []
    while len(ports) < count:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in ports:
            ports.append(port)
    return ports


if __name__ == "__main__":
    main()
