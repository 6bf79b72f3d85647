"""Rate limits seen from outside: joins and join-code guesses per browser (per address for a
client without cookies), votes and statements per participant, and moderator sign-ins all end in
a 429 with a message a person understands."""

from datetime import timedelta

import pytest
from django.test import Client

from deliberation.models import Participant, Statement, Vote, VoteWindow
from tests.seating import hold_seat

WAIT = "Too many attempts in a short time. Please wait"


def seated(participant) -> Client:
    client = Client()
    hold_seat(client, participant)
    return client


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {
        "join": (3, 600),
        "join_code_guess": (3, 600),
        "vote": (4, 60),
        "statement": (2, 300),
        "login": (3, 900),
    }


def test_it_limits_joins_per_address(client, workshop, tight):
    for n in range(3):
        assert Client().post("/join/", {"code": workshop.join_code, "display_name": f"P{n}"}).status_code == 302
    refused = Client().post("/join/", {"code": workshop.join_code, "display_name": "Too many"})
    assert refused.status_code == 429
    assert WAIT in refused.content.decode()
    assert not Participant.objects.filter(display_name="Too many").exists()


def test_it_limits_join_code_guesses_even_for_a_right_code_afterwards(client, workshop, tight):
    client.get("/")  # the join form: its CSRF cookie is what names this browser
    for _ in range(3):
        assert client.post("/join/", {"code": "WRONG-GUESS", "display_name": "Mallory"}).status_code == 404
    refused = client.post("/join/", {"code": workshop.join_code, "display_name": "Mallory"})
    assert refused.status_code == 429 and WAIT in refused.content.decode()
    assert not Participant.objects.filter(display_name="Mallory").exists()


def test_it_limits_votes_per_participant_and_counts_none_past_the_limit(workshop, alice, position, tight):
    client = seated(alice)
    url = f"/w/{workshop.slug}/s/{position.pk}/vote/"
    for value in (1, 2, -1, 0):
        assert client.post(url, {"kind": "agreement", "value": value}, HTTP_HX_REQUEST="true").status_code == 200
    refused = client.post(url, {"kind": "agreement", "value": 2}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and WAIT in refused.content.decode()
    assert Vote.objects.get(participant=alice, statement=position).value == 0
    # another participant is not slowed down by Alice's clicks
    assert seated(bob_of(workshop)).post(url, {"kind": "agreement", "value": 1}).status_code == 302


def test_the_vote_limit_holds_for_every_process_and_reopens_when_its_window_closes(workshop, alice, position, tight):
    """The vote limit is counted in the database (`VoteWindow`), not in a process's cache: an
    emptied cache (another process, a restart) changes nothing."""
    from django.core.cache import cache

    client = seated(alice)
    url = f"/w/{workshop.slug}/s/{position.pk}/vote/"
    for value in (1, 2, -1, 0):
        assert client.post(url, {"kind": "agreement", "value": value}, HTTP_HX_REQUEST="true").status_code == 200
    cache.clear()
    refused = seated(alice).post(url, {"kind": "agreement", "value": 2}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and WAIT in refused.content.decode()
    window = VoteWindow.objects.get(participant=alice)
    assert window.hits == 5
    VoteWindow.objects.filter(pk=window.pk).update(opened_at=window.opened_at - timedelta(seconds=50))
    refused = client.post(url, {"kind": "lens_a", "value": 2}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and "Please wait 10 seconds" in refused.content.decode()
    VoteWindow.objects.filter(pk=window.pk).update(opened_at=window.opened_at - timedelta(seconds=61))
    assert client.post(url, {"kind": "agreement", "value": 2}, HTTP_HX_REQUEST="true").status_code == 200
    assert Vote.objects.get(participant=alice, statement=position, kind="agreement").value == 2
    assert not Vote.objects.filter(participant=alice, kind="lens_a").exists()
    assert VoteWindow.objects.get(participant=alice).hits == 1  # a new window opened with that vote


def bob_of(workshop):
    from deliberation.domain import join_workshop

    return join_workshop(workshop, "Bob")


def test_it_limits_statements_per_participant(workshop, alice, position, tight):
    client = seated(alice)
    data = {"kind": "claim", "relation": "supports", "parent": position.pk}
    for n in range(2):
        response = client.post(f"/w/{workshop.slug}/add/", {**data, "text": f"Reason number {n} is good."})
        assert response.status_code == 302
    refused = client.post(f"/w/{workshop.slug}/add/", {**data, "text": "One reason too many."})
    assert refused.status_code == 429 and WAIT in refused.content.decode()
    assert not Statement.objects.filter(text="One reason too many.").exists()


def test_it_limits_failed_moderator_sign_ins_with_a_clear_message(client, moderator_user, tight):
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "mod", "password": "wrong"})
        assert response.status_code == 200
        assert "do not match" in response.content.decode()
    # even the right password is refused until the window passes: guessing cannot continue
    refused = client.post("/accounts/login/", {"username": "mod", "password": "a-long-test-password"})
    assert refused.status_code == 429
    assert WAIT in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_counts_sign_in_failures_per_username_across_addresses(moderator_user, tight):
    for n in range(3):
        Client(REMOTE_ADDR=f"10.0.0.{n}").post("/accounts/login/", {"username": "MOD", "password": "wrong"})
    refused = Client(REMOTE_ADDR="10.0.0.99").post("/accounts/login/", {"username": "mod", "password": "x"})
    assert refused.status_code == 429


def test_it_signs_in_normally_below_the_limit(client, moderator_user, tight):
    client.post("/accounts/login/", {"username": "mod", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "mod", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator_user.pk)
    assert client.get("/accounts/login/").status_code == 200


def test_the_admin_sign_in_goes_through_the_limited_form(client, moderator_user, tight):
    response = client.post("/admin/login/?next=/admin/", {"username": "mod", "password": "wrong"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    # the admin's pages send visitors there too, and the counted form guards them
    assert client.get("/admin/").url.startswith("/admin/login/")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "mod", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "mod", "password": "a-long-test-password"}).status_code == 429
