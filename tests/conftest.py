"""Shared fixtures: a moderator account, an open workshop, and people seated in it."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from deliberation.domain import add_statement, create_workshop, join_workshop, moderator_seat
from deliberation.models import Phase, SourceDocument, Statement


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache, and the last announcement of each workshop's votes in the
    process: every test starts with none used."""
    from django.core.cache import cache

    from deliberation.domain import events

    cache.clear()
    events._announced.clear()
    yield


@pytest.fixture
def moderator_user(db):
    return get_user_model().objects.create_user("mod", password="a-long-test-password")


@pytest.fixture
def make_workshop(moderator_user):
    def make(phase=Phase.CONTRIBUTE, owner=None, **settings):
        settings.setdefault("pole_a", "National interest")
        settings.setdefault("pole_b", "Global public good")
        workshop = create_workshop(owner or moderator_user, "Test workshop", "What should we do?", **settings)
        workshop.phase = phase
        workshop.save(update_fields=["phase"])
        return workshop

    return make


@pytest.fixture
def workshop(make_workshop):
    return make_workshop()


@pytest.fixture
def alice(workshop):
    return join_workshop(workshop, "Alice")


@pytest.fixture
def bob(workshop):
    return join_workshop(workshop, "Bob")


@pytest.fixture
def mod_client(client, moderator_user):
    """The test client, signed in as the workshop's moderator."""
    client.force_login(moderator_user)
    return client


@pytest.fixture
def as_bob(client, bob):
    """The test client, seated as Bob."""
    client.get(f"/resume/{bob.resume_token}")
    return client


@pytest.fixture
def mod(workshop):
    """The workshop owner's moderator seat."""
    return moderator_seat(workshop, workshop.owner)


@pytest.fixture
def twin(workshop, bob):
    """A second position, worded almost as the `position` fixture's: a duplicate to merge."""
    return add_statement(bob, workshop.root(), "position", "We ought to cooperate openly.")


@pytest.fixture
def document(workshop):
    """A short source document whose phrases repeat, for anchoring highlights and evidence."""
    text = "Open science helps. Closed science protects. Open science helps again, later."
    return SourceDocument.objects.create(workshop=workshop, title="Reading", citation="An essay", text=text)


@pytest.fixture
def position(workshop, alice):
    return add_statement(alice, workshop.root(), Statement.Kind.POSITION, "We should cooperate openly.")


@pytest.fixture
def claim(position, bob):
    return add_statement(bob, position, Statement.Kind.CLAIM, "Open science speeds up progress.", relation="supports")


@pytest.fixture
def live_server_url(transactional_db):
    """A real uvicorn server on a free loopback port, seeing what the test commits."""
    from tests.servers import uvicorn_server

    with uvicorn_server() as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the session, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from tests.servers import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # around it are still plain synchronous calls, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While that loop runs, Django keeps this thread's connections per context (asgiref's
        # Local), apart from the plain thread-local ones pytest-django closes after the session:
        # close them now, or the test database cannot be dropped ("being accessed by other users").
        connections.close_all()


@pytest.fixture
def page(chromium):
    """A fresh browser context (its own cookies) and page; fails the test on any page error."""
    context = chromium.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def django_client_factory():
    """Another browser: a fresh test client with its own cookies."""
    from django.test import Client

    return Client


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway Redis server on a free loopback port, keeping nothing on disk: its URL."""
    import shutil
    import subprocess
    import time

    import redis

    from tests.servers import free_port

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_cache(redis_server, settings):
    """Django's cache on that Redis server, as `REDIS_URL` sets it up, emptied for the test."""
    import redis

    redis.Redis.from_url(redis_server).flushdb()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server}}
    yield redis_server


@pytest.fixture(params=["memory", "redis"])
def any_cache(request):
    """Each of the caches the rate limits run on: per-process memory, and Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param
