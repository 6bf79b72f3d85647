"""A room behind one address: a venue's Wi-Fi puts hundreds of phones behind one public address
(NAT). Joining is limited per browser tightly and per address loosely, so a whole room gets in,
nobody's typos lock out a newcomer with the right code, and one browser, or a script that sheds
its cookies, is still stopped. The address is the client's behind a proxy and cannot be chosen
without one."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client, RequestFactory
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from deliberation.asgi import Pages
from deliberation.domain import RateLimited
from deliberation.models import Participant, Statement, Vote
from deliberation.ratelimit import client_ip, limit_for
from tests.seating import hold_seat

VENUE = "203.0.113.7"  # the room's one public address
ELSEWHERE = "198.51.100.23"
WAIT = "Too many attempts in a short time. Please wait"


def phone(address: str = VENUE) -> Client:
    """A browser in the room: its own cookies, and the CSRF cookie the join page gives it."""
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    browser.get("/")
    return browser


def join(browser: Client, code: str, name: str):
    token = browser.cookies["csrftoken"].value
    return browser.post("/join/", {"code": code, "display_name": name, "csrfmiddlewaretoken": token})


def test_two_hundred_browsers_behind_one_address_join_one_workshop(any_cache, workshop):
    for n in range(200):
        response = join(phone(), workshop.display_join_code, f"Person {n}")
        assert response.status_code == 302, (n, response.content.decode()[:300])
    assert Participant.objects.filter(workshop=workshop, display_name__startswith="Person ").count() == 200


def test_the_default_limits_hold_a_room_of_a_thousand_behind_one_address():
    seats, seats_window = limit_for("join_ip")
    guesses, guesses_window = limit_for("join_code_guess_ip")
    assert seats >= 1000 and seats_window <= 600
    assert guesses >= 1000 and guesses_window <= 600


def test_a_right_code_joins_after_other_browsers_at_the_same_address_mistyped_theirs(any_cache, workshop):
    for n in range(15):
        browser = phone()
        for typo in ("ABCDE-FGHJK", "ZZZZZ-ZZZZZ"):
            assert join(browser, typo, f"Typo {n}").status_code == 404
    response = join(phone(), workshop.display_join_code, "Newcomer")
    assert response.status_code == 302
    assert Participant.objects.filter(workshop=workshop, display_name="Newcomer").exists()


def test_one_browser_guessing_codes_is_stopped_even_at_the_right_code(any_cache, workshop):
    mallory = phone()
    for n in range(limit_for("join_code_guess")[0]):
        assert join(mallory, f"WRONG-GUES{n % 10}", "Mallory").status_code == 404
    refused = join(mallory, workshop.display_join_code, "Mallory")
    assert refused.status_code == 429
    assert f"{WAIT} about 10 minutes and try again." in refused.content.decode()
    assert not Participant.objects.filter(display_name="Mallory").exists()
    # the rest of the room is not held up by Mallory
    assert join(phone(), workshop.display_join_code, "Nia").status_code == 302


def test_a_script_that_sheds_its_cookies_meets_the_ceiling_of_its_address(any_cache, workshop, settings):
    settings.RATE_LIMITS = {"join_code_guess_ip": (20, 600)}
    for n in range(20):
        assert join(phone(), f"WRONG-GUES{n % 10}", "Script").status_code == 404
    # past the ceiling the code is not even looked up: a right one is refused like a wrong one
    refused = join(phone(), workshop.display_join_code, "Script")
    assert refused.status_code == 429 and WAIT in refused.content.decode()
    assert not Participant.objects.filter(display_name="Script").exists()
    assert join(phone(ELSEWHERE), workshop.display_join_code, "Elsewhere").status_code == 302


def test_seats_are_limited_per_browser_and_per_address_in_each_workshop(any_cache, make_workshop, settings):
    settings.RATE_LIMITS = {"join": (2, 600), "join_ip": (5, 600)}
    workshop, other_room = make_workshop(), make_workshop()
    one_browser = phone()
    assert join(one_browser, workshop.join_code, "First").status_code == 302
    assert join(one_browser, other_room.join_code, "Second").status_code == 302
    assert join(one_browser, make_workshop().join_code, "Third").status_code == 429
    for n in range(4):
        assert join(phone(), workshop.join_code, f"P{n}").status_code == 302
    refused = join(phone(), workshop.join_code, "Sixth")
    assert refused.status_code == 429 and WAIT in refused.content.decode()
    assert not Participant.objects.filter(display_name="Sixth").exists()
    # the same address still gets into another room at the venue, and anyone elsewhere into this one
    assert join(phone(), other_room.join_code, "Parallel session").status_code == 302
    assert join(phone(ELSEWHERE), workshop.join_code, "Elsewhere").status_code == 302


def test_an_api_script_without_cookies_counts_as_its_address(any_cache, workshop, settings):
    settings.RATE_LIMITS = {"join_code_guess": (3, 600)}
    script = Client(REMOTE_ADDR=VENUE)
    for _ in range(3):
        assert script.post("/api/v1/join/", {"code": "WRONGWRONG"}, content_type="application/json").status_code == 404
    late = script.post("/api/v1/join/", {"code": workshop.join_code, "display_name": "Late"}, "application/json")
    assert late.status_code == 429
    # browsers in the same room keep their own count
    assert join(phone(), workshop.display_join_code, "Browser").status_code == 302


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.2, "1 second"),
        (45, "45 seconds"),
        (90, "90 seconds"),
        (91, "about 2 minutes"),
        (563, "about 10 minutes"),
        (594, "about 10 minutes"),
        (900, "about 15 minutes"),
        (7000, "about 2 hours"),
    ],
)
def test_the_wait_is_said_in_human_terms(seconds, said):
    assert RateLimited.wait(seconds).message == f"{WAIT} {said} and try again."


def request_from(remote: str, forwarded: str = "") -> WSGIRequest:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings):
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1", "10.0.0.0/8"]
    # nginx's $proxy_add_x_forwarded_for keeps what the client sent and appends what it saw
    assert client_ip(request_from("127.0.0.1", f"6.6.6.6, {VENUE}")) == VENUE
    assert client_ip(request_from("::1", VENUE)) == VENUE
    assert client_ip(request_from("10.0.0.2", f"6.6.6.6, {VENUE}, 10.0.0.3")) == VENUE  # two proxies
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"  # a local request without the header


def test_without_a_proxy_the_header_is_ignored(settings):
    assert client_ip(request_from(VENUE, "6.6.6.6")) == VENUE
    settings.FORWARDED_ALLOW_IPS = []
    assert client_ip(request_from("127.0.0.1", f"6.6.6.6, {VENUE}")) == "127.0.0.1"


def test_a_client_cannot_pick_fresh_addresses_with_a_forged_header(any_cache, workshop):
    script = Client(REMOTE_ADDR=VENUE)  # no proxy in front
    for n in range(limit_for("join_code_guess")[0]):
        script.cookies.clear()  # no cookies either: it counts as its address
        response = script.post("/join/", {"code": "WRONG-GUESS"}, HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
        assert response.status_code == 404
    script.cookies.clear()
    refused = script.post("/join/", {"code": workshop.join_code, "display_name": "S"}, HTTP_X_FORWARDED_FOR="10.9.1.1")
    assert refused.status_code == 429


def test_under_uvicorn_behind_the_proxy_the_page_sees_the_client_address():
    """The deploy's chain: nginx appends the client's address, uvicorn's --proxy-headers trusts
    the loopback proxy and sets the client, a2wsgi hands it to Django as REMOTE_ADDR."""
    seen = []

    def page(environ, start_response):
        seen.append(client_ip(WSGIRequest(environ)))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    app = ProxyHeadersMiddleware(Pages(page, workers=1), trusted_hosts="127.0.0.1,::1")
    for client, forwarded in ((("127.0.0.1", 50000), f"6.6.6.6, {VENUE}"), ((VENUE, 50001), "6.6.6.6")):
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "path": "/",
            "query_string": b"",
            "client": client,
            "headers": [(b"x-forwarded-for", forwarded.encode())],
        }
        _run(app, scope)
    assert seen == [VENUE, VENUE]


def _run(app, scope) -> None:
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    # On a thread of its own: the browser tests keep an event loop running on this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()


def test_statement_and_vote_limits_are_per_participant_not_per_address(workshop, alice, bob, position, settings):
    settings.RATE_LIMITS = {"statement": (2, 300), "vote": (2, 60)}
    as_alice = hold_seat(Client(REMOTE_ADDR=VENUE), alice)
    as_bob = hold_seat(Client(REMOTE_ADDR=VENUE), bob)
    add = f"/w/{workshop.slug}/add/"
    data = {"parent": position.pk, "kind": "claim", "relation": "supports"}
    for n in range(2):
        assert as_alice.post(add, {**data, "text": f"Alice's reason {n}."}).status_code == 302
    assert as_alice.post(add, {**data, "text": "Alice's third."}).status_code == 429
    assert as_bob.post(add, {**data, "text": "Bob's reason."}).status_code == 302
    assert Statement.objects.filter(text="Bob's reason.").exists()

    vote = f"/w/{workshop.slug}/s/{position.pk}/vote/"
    for value in (1, 2):
        assert as_alice.post(vote, {"kind": "agreement", "value": value}).status_code == 302
    assert as_alice.post(vote, {"kind": "agreement", "value": -1}).status_code == 429
    assert as_bob.post(vote, {"kind": "agreement", "value": -2}).status_code == 302
    assert Vote.objects.get(participant=bob, statement=position, kind="agreement").value == -2
