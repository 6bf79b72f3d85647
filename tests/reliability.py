"""Helpers for the reliability tests: app servers we can kill, and participants as HTTP clients.

The servers here are plain uvicorn processes (optionally with several workers) that the tests
start, SIGKILL and restart themselves; `tests.servers.uvicorn_server` stays the simple one.
"""

import asyncio
import os
import pathlib
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from django.db import connection

from tests.servers import ROOT, current_database_url, free_port

TALLY = re.compile(r"▲ (\d+).*?▼ (\d+)", re.S)


def run_async(coroutine):
    """Run a coroutine on a loop of its own, in a thread of its own, and return its result.

    Once a browser test has run, Playwright's sync API keeps an event loop on the main thread for
    the rest of the session, and `asyncio.run` refuses to start beside it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def in_thread(function, *args, **kwargs):
    """`function(*args, **kwargs)` (a database read) in a worker thread, whose connection is closed
    afterwards: left open, it would keep the test database from being dropped at the end."""

    def call():
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return await asyncio.to_thread(call)


class AppServer:
    """One uvicorn process on a free loopback port; `kill()` is a SIGKILL, `start()` starts it again."""

    def __init__(self, database_url: str | None = None, workers: int = 1, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "1",
            "DATABASE_URL": database_url or current_database_url(),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="uvicorn-", suffix=".log")  # noqa: SIM115

    def output(self) -> str:
        """What the server printed (tracebacks of 5xx answers show up here)."""
        return pathlib.Path(self.log.name).read_text(errors="replace")

    def start(self, timeout: float = 30) -> "AppServer":
        command = [sys.executable, "-m", "uvicorn", "deliberation.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        # As docs/deploy.md advises: idle connections outlive the client's, so a client never sends a
        # request on a connection the server is closing at that instant (a reset, not an answer).
        command += ["--timeout-keep-alive", "75"]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so kill() reaches the workers too
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited early with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not answer /healthz within {timeout} s")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, requests in flight are cut."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def csrf_cookie_and_header() -> tuple[dict, dict]:
    """Django accepts a client-chosen CSRF secret as long as cookie and header carry the same one."""
    token = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(32))
    return {"csrftoken": token}, {"X-CSRFToken": token}


async def seated_client(base_url: str, participant, **kwargs) -> httpx.AsyncClient:
    """An HTTP client holding `participant`'s seat: its own seat cookie, as on its own phone.

    Seats are taken through the personal resume link, which is quicker than the join form and
    keeps the join limits (per browser and per address) out of what these tests measure."""
    cookies, headers = csrf_cookie_and_header()
    client = httpx.AsyncClient(
        base_url=base_url,
        cookies=cookies,
        headers={**headers, "HX-Request": "true"},
        timeout=kwargs.pop("timeout", 60),
        **kwargs,
    )
    response = await client.get(f"/resume/{participant.resume_token}")
    assert response.status_code == 302, response.status_code
    assert "seats" in client.cookies
    return client


def shown_tally(html: str) -> tuple[int, int]:
    """(agree, disagree) as the tally fragment shows them."""
    match = TALLY.search(html)
    assert match, html[:500]
    return int(match.group(1)), int(match.group(2))
