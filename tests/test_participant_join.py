"""Joining a workshop: by code or link, errors a person understands, rejoining, resume links, QR."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from deliberation.domain import InvalidInput, ban_participant, moderator_seat, rename_participant, unban_participant
from deliberation.models import Participant, Phase
from deliberation.qr import qr_svg
from deliberation.views.seats import SEAT_SALT, _verified_seats
from tests.seating import hold_seat

HX = {"HTTP_HX_REQUEST": "true"}


def test_it_shows_the_join_form_on_the_landing_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_it_joins_by_code_and_redirects_to_the_map(client, workshop, position):
    response = client.post("/join/", {"code": workshop.display_join_code.lower(), "display_name": "Nia"})
    assert response.status_code == 302 and response["Location"] == f"/w/{workshop.slug}/"
    assert Participant.objects.filter(workshop=workshop, display_name="Nia").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Welcome, Nia." in page and position.text in page


def test_it_joins_with_htmx_and_tells_htmx_to_navigate(client, workshop):
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"}, **HX)
    assert response.status_code == 200 and response["HX-Redirect"] == f"/w/{workshop.slug}/"
    assert Participant.objects.filter(display_name="Nia").exists()


def test_it_answers_a_wrong_code_with_the_form_and_stores_nothing(client, workshop):
    response = client.post("/join/", {"code": "WRONG-CODE1", "display_name": "Nia"})
    assert response.status_code == 404
    body = response.content.decode()
    assert "No workshop has the code" in body and 'id="join-form"' in body and "<html" in body
    assert not Participant.objects.filter(display_name="Nia").exists()


def test_it_answers_a_wrong_code_with_only_the_form_for_htmx(client, workshop):
    response = client.post("/join/", {"code": "WRONG-CODE1", "display_name": "Nia"}, **HX)
    assert response.status_code == 404
    body = response.content.decode()
    assert body.lstrip().startswith("<form") and "No workshop has the code" in body
    assert response["Vary"].count("HX-Request") == 1


def test_it_refuses_an_expired_code(client, workshop):
    workshop.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    workshop.save()
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    assert response.status_code == 403
    assert "expired" in response.content.decode()
    assert not Participant.objects.filter(display_name="Nia").exists()


def test_it_refuses_a_name_already_taken_whatever_the_case(client, workshop, alice):
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "ALICE"})
    assert response.status_code == 409
    assert "already called" in response.content.decode()
    assert Participant.objects.filter(workshop=workshop, display_name__iexact="alice").count() == 1


def test_it_refuses_a_closed_workshop(client, make_workshop):
    closed = make_workshop(phase=Phase.CLOSED)
    response = client.post("/join/", {"code": closed.join_code, "display_name": "Nia"})
    assert response.status_code == 403
    assert "closed" in response.content.decode()


def test_it_continues_as_the_same_participant_when_rejoining_from_the_same_browser(client, workshop):
    client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Someone else"})
    assert response.status_code == 302
    assert list(
        Participant.objects.filter(workshop=workshop, role="participant").values_list("display_name", flat=True)
    ) == ["Nia"]
    assert "You are <strong>Nia</strong>" in client.get(f"/w/{workshop.slug}/").content.decode()


def test_it_skips_the_form_when_a_seated_browser_opens_the_join_link(client, workshop):
    client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    response = client.get(f"/join/{workshop.join_code}")
    assert response.status_code == 302 and response["Location"] == f"/w/{workshop.slug}/"


def test_the_seat_lives_in_a_signed_http_only_cookie_not_in_a_session(client, workshop):
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    cookie = response.cookies["seats"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"]
    nia = Participant.objects.get(display_name="Nia")
    assert signing.loads(cookie.value, salt=SEAT_SALT) == {workshop.slug: nia.resume_token}
    assert not Session.objects.exists()  # a participant needs no server-side session


def test_a_tampered_seat_cookie_holds_no_seat(client, workshop, alice, bob):
    hold_seat(client, alice)
    assert client.get(f"/w/{workshop.slug}/").status_code == 200
    payload, _, signature = client.cookies["seats"].value.partition(":")
    forged = signing.dumps({workshop.slug: bob.resume_token}, salt="another salt")
    for value in (forged, payload + ":" + signature[::-1], "not even signed"):
        client.cookies["seats"] = value
        response = client.get(f"/w/{workshop.slug}/")
        assert response.status_code == 302 and response["Location"].startswith("/join/")


def test_a_seat_cookie_is_verified_once_and_again_after_the_secret_key_changes(client, workshop, alice, settings):
    hold_seat(client, alice)
    _verified_seats.cache_clear()
    for _ in range(3):
        assert client.get(f"/w/{workshop.slug}/").status_code == 200
    assert _verified_seats.cache_info().misses == 1 and _verified_seats.cache_info().hits == 2
    settings.SECRET_KEY = "a new secret key that signed none of the cookies out there"
    response = client.get(f"/w/{workshop.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/join/")


def test_a_signed_seat_cookie_that_holds_no_mapping_holds_no_seat(client, workshop, alice):
    client.cookies["seats"] = signing.dumps([workshop.slug, alice.resume_token], salt=SEAT_SALT)
    response = client.get(f"/w/{workshop.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/join/")


def test_one_browser_keeps_its_seats_in_several_workshops(client, workshop, make_workshop):
    other = make_workshop()
    client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    client.post("/join/", {"code": other.join_code, "display_name": "Nia in the other room"})
    assert "You are <strong>Nia</strong>" in client.get(f"/w/{workshop.slug}/").content.decode()
    assert "You are <strong>Nia in the other room</strong>" in client.get(f"/w/{other.slug}/").content.decode()


def test_it_prefills_the_code_from_a_join_link(client, workshop):
    response = client.get(f"/join/{workshop.join_code}")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{workshop.display_join_code}"' in body and workshop.title in body


def test_it_continues_on_another_device_with_the_resume_link(client, django_client_factory, workshop, alice):
    other = django_client_factory()
    response = other.get(f"/resume/{alice.resume_token}")
    assert response.status_code == 302
    assert "You are <strong>Alice</strong>" in other.get(f"/w/{workshop.slug}/").content.decode()


def test_a_browser_seated_as_someone_else_is_asked_before_a_resume_link_switches_it(client, workshop, alice):
    client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    page = client.get(f"/resume/{alice.resume_token}")
    body = page.content.decode()
    assert page.status_code == 200 and "this browser is Nia" in body and "Continue as Alice" in body
    assert "You are <strong>Nia</strong>" in client.get(f"/w/{workshop.slug}/").content.decode()  # nothing changed yet

    response = client.post(f"/resume/{alice.resume_token}")
    assert response.status_code == 302
    assert "You are <strong>Alice</strong>" in client.get(f"/w/{workshop.slug}/").content.decode()
    assert client.get(f"/resume/{alice.resume_token}").status_code == 302  # already Alice: no question


def test_it_rejects_an_unknown_resume_link(client, db):
    response = client.get("/resume/not-a-token")
    body = response.content.decode()
    assert response.status_code == 404
    assert "This resume link is not valid." in body and 'href="/"' in body and "Join a workshop" in body


def test_a_missing_page_escapes_what_it_names_and_answers_htmx_with_a_fragment(client, workshop):
    body = client.get("/resume/%3Cb%3Ex").content.decode()
    assert "<b>x" not in body
    fragment = client.get("/resume/not-a-token", **HX).content.decode()
    assert fragment.startswith('<p class="form-error" role="alert">') and "<html" not in fragment


def test_it_gives_a_random_alias_in_anonymous_mode(client, workshop):
    client.post("/join/", {"code": workshop.join_code, "display_name": "", "anonymous": "1"})
    participant = Participant.objects.get(workshop=workshop, role="participant")
    assert participant.display_name and " " in participant.display_name


def test_it_draws_a_qr_code_of_the_join_link(client, workshop, alice):
    client.get(f"/resume/{alice.resume_token}")
    response = client.get(f"/w/{workshop.slug}/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    # A standalone document in the SVG namespace: without it a browser shows a broken image.
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    join_link = "http://testserver" + reverse("join_by_link", args=[workshop.join_code])
    assert response.content == qr_svg(join_link)  # it encodes this workshop's join link


def test_a_join_link_says_what_stops_joining_before_a_name_is_typed(client, make_workshop):
    expired = make_workshop()
    expired.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    expired.save()
    draft = make_workshop(phase=Phase.DRAFT)
    for code, message in [
        (expired.join_code, "This join code has expired. Ask the moderator for the current one."),
        (draft.join_code, "This workshop has not opened yet."),
        ("WRONGCODE1", "No workshop has the code “WRONGCODE1”."),
    ]:
        body = client.get(f"/join/{code}").content.decode()
        assert message in body, code


def test_wrong_join_links_count_against_their_address(client, workshop, settings):
    """Opening links with made-up codes is guessing too: it meets the address's ceiling, and
    then even a right link says to wait (a browser opening a link may hold no cookie yet, so only
    the loose per-address limit applies)."""
    settings.RATE_LIMITS = {"join_code_guess_ip": (3, 600)}
    for attempt in range(3):
        assert "No workshop has the code" in client.get(f"/join/WRONG{attempt}").content.decode()
    body = client.get(f"/join/{workshop.join_code}").content.decode()
    assert "Too many attempts" in body and workshop.title not in body


def test_it_limits_join_code_guesses_per_browser(client, workshop, settings):
    settings.RATE_LIMITS = {"join_code_guess": (3, 600)}
    client.get("/")  # the join form: its CSRF cookie is what names this browser
    for attempt in range(3):
        assert client.post("/join/", {"code": f"WRONG{attempt}", "display_name": "Nia"}).status_code == 404
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Participant.objects.filter(display_name="Nia").exists()


def test_it_sends_a_visitor_without_a_seat_to_the_join_form(client, workshop):
    response = client.get(f"/w/{workshop.slug}/")
    assert response.status_code == 302 and response["Location"] == f"/join/{workshop.join_code}"


def test_a_removed_participant_cannot_come_back_under_a_new_name_from_the_same_browser(client, workshop):
    client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    nia = Participant.objects.get(display_name="Nia")
    ban_participant(moderator_seat(workshop, workshop.owner), nia)

    # The map sends them to the join page, which says why before they type a name.
    page = client.get(client.get(f"/w/{workshop.slug}/")["Location"]).content.decode()
    assert "A moderator has removed you from this workshop" in page

    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia again"}, **HX)
    assert response.status_code == 403
    assert "A moderator has removed you from this workshop" in response.content.decode()
    assert not Participant.objects.filter(display_name="Nia again").exists()

    # Let back in, they continue as themselves.
    unban_participant(moderator_seat(workshop, workshop.owner), nia)
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia again"})
    assert response.status_code == 302 and not Participant.objects.filter(display_name="Nia again").exists()
    assert "You are <strong>Nia</strong>" in client.get(f"/w/{workshop.slug}/").content.decode()


def test_another_browser_without_the_removed_seat_joins_as_a_newcomer(client, django_client_factory, workshop):
    client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
    ban_participant(moderator_seat(workshop, workshop.owner), Participant.objects.get(display_name="Nia"))
    other = django_client_factory()
    response = other.post("/join/", {"code": workshop.join_code, "display_name": "Ola"})
    assert response.status_code == 302 and Participant.objects.filter(display_name="Ola", is_banned=False).exists()


def test_it_refuses_a_name_that_mixes_look_alike_alphabets(client, workshop, alice, moderator_user):
    response = client.post("/join/", {"code": workshop.join_code, "display_name": "\u0410lice"})  # Cyrillic А
    assert response.status_code == 400 and "mixes letters of different alphabets" in response.content.decode()
    assert not Participant.objects.filter(display_name="\u0410lice").exists()
    for name in ("Мария", "José", "李雷"):  # one alphabet each: welcome
        assert client.post("/join/", {"code": workshop.join_code, "display_name": name}).status_code == 302
        client.cookies.clear()
    with pytest.raises(InvalidInput):
        rename_participant(moderator_seat(workshop, moderator_user), alice, "\u0410lice")
