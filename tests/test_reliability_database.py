"""PostgreSQL restarted in the middle of a session: the app recovers without a restart of its own.

The test never touches the shared database server: it creates a throwaway cluster of its own in a
temporary directory on a free port (initdb + pg_ctl), migrates it and points an app server at it.
"""

import asyncio
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.reliability import AppServer, csrf_cookie_and_header, run_async, shown_tally
from tests.servers import ROOT, free_port

PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent


def _as_postgres(*command: str) -> list[str]:
    """initdb refuses to run as root: as root, run the cluster as the `postgres` system user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Cluster:
    def __init__(self):
        self.home = Path(tempfile.mkdtemp(prefix="pg-restart-"))
        self.data = self.home / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/app"
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres")

    def _run(self, *command: str) -> None:
        subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=60)

    def create(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                "CREATE DATABASE app",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def _options(self) -> str:
        return f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        log = str(self.home / "log")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", self._options(), "-w", "start")

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        subprocess.run(
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.home, ignore_errors=True)


SETUP = """
import json
from django.contrib.auth import get_user_model
from deliberation.domain import add_statement, create_workshop, join_workshop
from deliberation.models import Phase
owner = get_user_model().objects.create_user("owner", password="a-long-test-password")
workshop = create_workshop(owner, "Restart", "Does it survive?")
workshop.phase = Phase.CONTRIBUTE
workshop.save(update_fields=["phase"])
people = [join_workshop(workshop, f"Person {n}") for n in range(5)]
statement = add_statement(people[0], workshop.root(), "position", "It should survive a restart.")
print(json.dumps({"slug": workshop.slug, "statement": statement.pk, "tokens": [p.resume_token for p in people]}))
"""


def _manage(database_url: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="1", DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def cluster():
    own = Cluster()
    try:
        own.create()
        _manage(own.url, "migrate", "-v0")
        yield own
    finally:
        own.destroy()


def event_ids(database_url: str, slug: str) -> list[int]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as db:
        rows = db.execute(
            "SELECT e.id FROM deliberation_event e JOIN deliberation_workshop w ON w.id = e.workshop_id"
            " WHERE w.slug = %s ORDER BY e.id",
            [slug],
        ).fetchall()
    return [row[0] for row in rows]


async def _eventually(request, deadline_seconds: float = 20):
    """Retry `request` until it answers 200 or the deadline passes; return (response, failures)."""
    failures = []
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            response = await request()
            if response.status_code == 200:
                return response, failures
            failures.append(response.status_code)
        except httpx.TransportError as error:
            failures.append(type(error).__name__)
        assert time.monotonic() < deadline, f"no recovery within {deadline_seconds} s: {failures}"
        await asyncio.sleep(0.2)


def test_it_recovers_by_itself_when_postgresql_restarts_mid_session(cluster):
    room = json.loads(_manage(cluster.url, "shell", "-c", SETUP).strip().splitlines()[-1])
    vote_url = f"/w/{room['slug']}/s/{room['statement']}/vote/"

    async def session(base_url):
        clients = []
        for token in room["tokens"]:
            cookies, headers = csrf_cookie_and_header()
            client = httpx.AsyncClient(
                base_url=base_url, cookies=cookies, headers={**headers, "HX-Request": "true"}, timeout=20
            )
            assert (await client.get(f"/resume/{token}")).status_code == 302
            clients.append(client)
        received: list[int] = []

        async def follow():
            """The live stream, reconnecting with Last-Event-ID whenever it drops, as a browser does."""
            last = 0
            while True:
                try:
                    headers = {"Last-Event-ID": str(last)}
                    async with clients[4].stream("GET", f"/w/{room['slug']}/events", headers=headers) as stream:
                        async for line in stream.aiter_lines():
                            if line.startswith("id: "):
                                last = int(line[4:])
                                received.append(last)
                except (httpx.TransportError, httpx.RemoteProtocolError):
                    pass
                await asyncio.sleep(1)

        following = asyncio.create_task(follow())
        try:
            for client in clients[:3]:  # votes before the restart
                response = await client.post(vote_url, data={"kind": "agreement", "value": "2"})
                assert response.status_code == 200

            await asyncio.to_thread(cluster.stop)
            down = await clients[0].get("/healthz")
            assert down.status_code == 503 and b"database unavailable" in down.content
            await asyncio.to_thread(cluster.start)

            # The same processes and the same sessions: after a short while everything works again.
            await _eventually(lambda: clients[0].get("/healthz"))
            for client in clients:  # every person votes once more, each through the old pool
                _response, failed = await _eventually(
                    lambda c=client: c.post(vote_url, data={"kind": "agreement", "value": "-1"})
                )
                assert failed == [], failed  # once the database answers, no one sees an error
            tally = await clients[0].get(f"/w/{room['slug']}/s/{room['statement']}/tally/")
            assert tally.status_code == 200
            # and nothing is failing any more: ten reads in a row all succeed
            statuses = [(await clients[1].get(f"/w/{room['slug']}/")).status_code for _ in range(10)]
            assert statuses == [200] * 10
            # The stream resumes too: every event of the workshop arrives once, in order.
            logged = await asyncio.to_thread(event_ids, cluster.url, room["slug"])
            deadline = time.monotonic() + 20
            while received != logged and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert received == logged
            return shown_tally(tally.text)
        finally:
            following.cancel()
            for client in clients:
                await client.aclose()

    with AppServer(database_url=cluster.url) as server:
        assert run_async(session(server.url)) == (0, 5)
