"""How do the live event streams hold up under a vote storm?

Opens N event streams (default 1,000) on ONE uvicorn process, then casts votes through the real
vote endpoint of the same process at a fixed rate (default 100 per second for 30 s, open loop: a
slow answer does not slow the generator down). It reports
- delivery latency: from the Event row's `created_at` (written in the vote's transaction) to the
  moment a stream's bytes arrive at the client, over every (stream, event) pair;
- vote latency: the HTTP round trip of each vote (`POST /w/<slug>/s/<id>/vote/` as htmx sends it);
- lost, duplicated and out-of-order events per stream, checked against the Event table.

One asyncio client process reads every stream over raw sockets (no per-stream thread), so the
client costs little CPU on a small machine. Run against a scratch PostgreSQL database (it migrates
it and leaves its workshop behind for inspection; `--cleanup` deletes it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliberation_bench \\
        .venv/bin/python -m benchmarks.live_streams --streams 1000 --rate 100 --seconds 30
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from array import array
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
os.environ.setdefault("DEBUG", "1")

ROOT = Path(__file__).resolve().parent.parent
ID_LINE = re.compile(rb"\nid: (\d+)\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_workshop(streams: int, positions: int = 20):
    """A contribute-phase workshop with `positions` statements, `streams` participants and a
    seat cookie for each of them."""
    from django.contrib.auth import get_user_model

    from deliberation.domain import add_statement, create_workshop, join_workshop
    from deliberation.models import Phase, Statement
    from deliberation.views.seats import seat_cookie_value

    owner, _ = get_user_model().objects.get_or_create(username="live-bench")
    workshop = create_workshop(owner, "Live benchmark", "How should we share research?", pole_a="Us", pole_b="All")
    workshop.phase = Phase.CONTRIBUTE
    workshop.save(update_fields=["phase"])
    people = [join_workshop(workshop, f"Person {n}") for n in range(streams)]
    statements = [
        add_statement(people[n % len(people)], workshop.root(), Statement.Kind.POSITION, f"Position number {n}")
        for n in range(positions)
    ]
    seats = [seat_cookie_value({workshop.slug: person.resume_token}) for person in people]
    return workshop, statements, people, seats


def start_server(port: int) -> subprocess.Popen:
    import httpx

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "deliberation.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "3",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:  # the first request loads the application: not part of the measurement
            httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                raise RuntimeError("uvicorn exited early") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("uvicorn did not start within 30 s")


class StreamReader:
    """One open event stream over a raw socket: records (event id, arrival time) pairs."""

    def __init__(self, port: int, path: str, seat: str):
        self.port, self.path, self.seat = port, path, seat
        self.ids = array("q")
        self.times = array("d")
        self.opened = asyncio.Event()
        self.error = ""

    async def run(self, stop: asyncio.Event) -> None:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), 10)
        except (OSError, TimeoutError) as error:
            self.error = f"connect: {error}"
            self.opened.set()
            return
        writer.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                f"Cookie: seats={self.seat}\r\n\r\n"
            ).encode()
        )
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                self.error = head.split(b"\r\n", 1)[0].decode()
                return
            self.opened.set()
            carry = b"\n"
            stopping = asyncio.ensure_future(stop.wait())
            while not stop.is_set():
                reading = asyncio.ensure_future(reader.read(65536))
                await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not reading.done():
                    reading.cancel()
                    break
                data = reading.result()
                if not data:
                    self.error = "closed by the server"
                    break
                now = time.time()
                carry += data
                cut = carry.rfind(b"\n\n")
                if cut < 0:
                    continue
                for match in ID_LINE.finditer(carry, 0, cut + 1):
                    self.ids.append(int(match.group(1)))
                    self.times.append(now)
                carry = carry[cut + 1 :]
            stopping.cancel()
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            self.error = repr(error)
        finally:
            self.opened.set()
            writer.close()


async def cast_votes(args, port, slug, statements, voters, people):
    """Open-loop generator: vote n is sent at start + n / rate, whatever happened to the others.

    `--via http` posts to the vote endpoint as the page does (htmx request, CSRF token); `--via
    domain` calls `cast_vote` directly from worker threads of this process (no HTTP)."""
    import logging
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from django.db import connection

    from deliberation.domain import cast_vote
    from deliberation.models import Vote

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rng = random.Random(11)
    csrf = secrets.token_hex(16)  # an unmasked 32-character secret is a valid token for its own cookie
    latencies, failures = [], []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    by_id = {statement.pk: statement for statement in statements}
    workers = ThreadPoolExecutor(max_workers=8)
    loop = asyncio.get_running_loop()

    def vote_in_thread(voter, statement_id, value):
        try:
            cast_vote(voter, Vote.Kind.AGREEMENT, value, statement=by_id[statement_id])
        finally:
            connection.close()

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:

        async def one(n, statement_id, value):
            began = time.perf_counter()
            try:
                if args.via == "domain":
                    await loop.run_in_executor(workers, vote_in_thread, people[n % len(voters)], statement_id, value)
                else:
                    response = await client.post(
                        f"/w/{slug}/s/{statement_id}/vote/",
                        data={"kind": "agreement", "value": value},
                        headers={"HX-Request": "true", "X-CSRFToken": csrf},
                        cookies={"seats": voters[n % len(voters)], "csrftoken": csrf},
                    )
                    if response.status_code != 200:
                        failures.append(response.status_code)
                        return
                latencies.append(time.perf_counter() - began)
            except (httpx.HTTPError, Exception) as error:  # counted, not fatal: the run goes on
                failures.append(type(error).__name__)

        tasks = []
        start = time.perf_counter()
        for n in range(int(args.rate * args.seconds)):
            delay = start + n / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n, rng.choice(list(by_id)), rng.randint(-2, 2))))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    workers.shutdown()
    return latencies, failures, elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), to compare runs on a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def run(args, workshop, statements, people, sessions, port, server_pid):
    from asgiref.sync import sync_to_async

    from deliberation.models import Event

    def latest_id():
        return Event.objects.filter(workshop=workshop).order_by("-id").values_list("id", flat=True).first() or 0

    start_id = await sync_to_async(latest_id)()
    path = f"/w/{workshop.slug}/events?last_event_id={start_id}"
    stop = asyncio.Event()
    readers = [StreamReader(port, path, key) for key in sessions]
    tasks = []
    opened_at = time.perf_counter()
    for batch in range(0, len(readers), 100):  # open in batches, like a room arriving
        for reader in readers[batch : batch + 100]:
            tasks.append(asyncio.create_task(reader.run(stop)))
        await asyncio.gather(*(reader.opened.wait() for reader in readers[batch : batch + 100]))
    open_seconds = time.perf_counter() - opened_at
    refused = [reader.error for reader in readers if reader.error]
    print(f"{len(readers) - len(refused)} streams open in {open_seconds:.1f} s ({len(refused)} failed)", flush=True)
    await asyncio.sleep(3)  # presence settles

    voters = sessions[: max(1, min(len(sessions), args.voters))]
    vote_port = port
    if args.via == "other":
        vote_port = free_port()
        vote_server = await asyncio.to_thread(start_server, vote_port)
    server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    other_cpu = cpu_seconds(vote_server.pid) if args.via == "other" else 0.0
    try:
        latencies, failures, elapsed = await cast_votes(args, vote_port, workshop.slug, statements, voters, people)
    finally:
        if args.via == "other":
            other_cpu = cpu_seconds(vote_server.pid) - other_cpu
            vote_server.terminate()
            await asyncio.to_thread(vote_server.wait, 15)
    server_cpu, client_cpu = cpu_seconds(server_pid) - server_cpu, time.process_time() - client_cpu
    print(f"{len(latencies)} votes in {elapsed:.1f} s ({len(failures)} failed)", flush=True)

    def expected_events():
        return list(
            Event.objects.filter(workshop=workshop, id__gt=start_id).order_by("id").values_list("id", "created_at")
        )

    expected = await sync_to_async(expected_events)()
    expected_ids = [event_id for event_id, _ in expected]
    deadline = time.monotonic() + args.drain
    while time.monotonic() < deadline:  # let the last events reach every stream
        if all(len(r.ids) >= len(expected_ids) or r.error for r in readers):
            break
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.wait(tasks, timeout=10)

    created = {event_id: when.timestamp() for event_id, when in expected}
    delivery = array("d")
    lost = duplicated = disordered = 0
    missing = {}
    for reader in readers:
        ids = list(reader.ids)
        unique = set(ids)
        duplicated += len(ids) - len(unique)
        lost += len(set(expected_ids) - unique)
        for event_id in set(expected_ids) - unique:
            missing[event_id] = missing.get(event_id, 0) + 1
        disordered += sum(1 for a, b in zip(ids, ids[1:], strict=False) if b <= a)
        delivery.extend(reader.times[i] - created[event_id] for i, event_id in enumerate(ids) if event_id in created)
    return {
        "streams": len(readers) - len(refused),
        "stream_errors": sorted({r.error for r in readers if r.error and r.error != "closed by the server"}),
        "open_seconds": open_seconds,
        "votes": len(latencies),
        "vote_failures": failures,
        "vote_seconds": elapsed,
        "events": len(expected_ids),
        "deliveries": len(delivery),
        "delivery_p50": percentile(delivery, 0.50),
        "delivery_p99": percentile(delivery, 0.99),
        "delivery_max": max(delivery) if delivery else float("nan"),
        "vote_p50": percentile(latencies, 0.50),
        "vote_p99": percentile(latencies, 0.99),
        "vote_mean": statistics.fmean(latencies) if latencies else float("nan"),
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
        "vote_server_cpu": other_cpu,
        "load": os.getloadavg()[0],
        "lost": lost,
        "missing": sorted(missing.items())[:10],
        "last_event": expected_ids[-1] if expected_ids else None,
        "duplicated": duplicated,
        "disordered": disordered,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100, help="votes per second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--voters", type=int, default=200, help="how many of the participants vote")
    parser.add_argument(
        "--via",
        choices=["same", "other", "domain"],
        default="same",
        help="votes through the streaming process (same), a second uvicorn process (other), or domain calls",
    )
    parser.add_argument("--drain", type=float, default=10, help="seconds to wait for the last events")
    parser.add_argument("--cleanup", action="store_true", help="delete the workshop afterwards")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database: the streams are fed by LISTEN/NOTIFY.")
        return 2
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    workshop, statements, people, sessions = build_workshop(args.streams)
    print(f"workshop with {len(sessions)} participants built in {time.perf_counter() - began:.1f} s", flush=True)
    connection.close()

    port = free_port()
    server = start_server(port)
    try:
        result = asyncio.run(run(args, workshop, statements, people, sessions, port, server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.cleanup:
            workshop.delete()

    ms = 1000
    print(
        f"\nstreams {result['streams']} · events {result['events']} · deliveries {result['deliveries']}\n"
        f"delivery latency p50 {result['delivery_p50'] * ms:.0f} ms · p99 {result['delivery_p99'] * ms:.0f} ms"
        f" · max {result['delivery_max'] * ms:.0f} ms\n"
        f"vote latency p50 {result['vote_p50'] * ms:.0f} ms · p99 {result['vote_p99'] * ms:.0f} ms"
        f" · mean {result['vote_mean'] * ms:.0f} ms ({result['votes']} votes in {result['vote_seconds']:.1f} s,"
        f" {len(result['vote_failures'])} failed)\n"
        f"lost {result['lost']} · duplicated {result['duplicated']} · out of order {result['disordered']}\n"
        f"CPU while voting: streaming server {result['server_cpu']:.1f} s,"
        f" vote server {result['vote_server_cpu']:.1f} s, client {result['client_cpu']:.1f} s"
        f" over {result['vote_seconds']:.1f} s · load average {result['load']:.1f} on {os.cpu_count()} cores"
    )
    if result["missing"]:
        print("missing (event id, streams):", result["missing"], "last event:", result["last_event"])
    if result["stream_errors"]:
        print("stream errors:", result["stream_errors"][:5])
    return 0 if not (result["lost"] or result["duplicated"] or result["disordered"]) else 1


if __name__ == "__main__":
    sys.exit(main())
