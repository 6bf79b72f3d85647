"""API: workshops, joining, participants, tokens, the error shape and authentication."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from deliberation.api.tokens import create_token, hash_key
from deliberation.domain import join_workshop
from deliberation.models import ApiToken, Event, Participant, Phase, Workshop

API = "/api/v1"


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def mod_client(moderator_user):
    _token, key = create_token(moderator_user, "script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def as_participant(participant) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=participant.resume_token)
    return client


def assert_error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    if field:
        assert field in body["fields"], body
    return body


# --- Workshops ------------------------------------------------------------------------------------


def test_it_creates_a_workshop_in_draft_with_one_event(mod_client, moderator_user):
    response = mod_client.post(
        f"{API}/workshops/", {"title": "Water", "question": "Who owns the river?", "premoderation": True}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    workshop = Workshop.objects.get(slug=body["slug"])
    assert workshop.owner == moderator_user and workshop.phase == Phase.DRAFT and workshop.premoderation
    assert body["join_code"] == workshop.display_join_code
    assert list(Event.objects.filter(workshop=workshop).values_list("verb", flat=True)) == ["workshop.created"]


def test_it_refuses_a_workshop_without_a_question_and_stores_nothing(mod_client):
    response = mod_client.post(f"{API}/workshops/", {"title": "Water", "question": "  "}, format="json")
    assert_error(response, 400, "invalid", "question")
    assert not Workshop.objects.exists()


def test_it_asks_for_credentials_to_create_a_workshop(client, db):
    response = client.post(f"{API}/workshops/", {"title": "T", "question": "Q"}, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Workshop.objects.exists()


def test_it_lists_only_the_workshops_a_user_moderates(mod_client, make_workshop, db):
    mine = make_workshop()
    other_user = get_user_model().objects.create_user("other", password="x-long-password-1")
    make_workshop(owner=other_user)
    response = mod_client.get(f"{API}/workshops/")
    assert response.status_code == 200
    assert [w["slug"] for w in response.json()["results"]] == [mine.slug]


def test_it_shows_the_join_code_to_moderators_only(mod_client, workshop, alice):
    assert mod_client.get(f"{API}/workshops/{workshop.slug}/").json()["join_code"] == workshop.display_join_code
    body = as_participant(alice).get(f"{API}/workshops/{workshop.slug}/").json()
    assert body["join_code"] is None and body["join_code_expires_at"] is None
    assert body["my_participant"] == alice.pk
    assert workshop.join_code not in str(body)


def test_it_hides_a_workshop_from_a_participant_of_another_one(workshop, make_workshop, moderator_user):
    other = make_workshop()
    stranger = join_workshop(other, "Stranger")
    response = as_participant(stranger).get(f"{API}/workshops/{workshop.slug}/")
    assert_error(response, 403, "not_allowed")


def test_it_answers_404_in_json_for_unknown_workshops_and_addresses(mod_client):
    assert_error(mod_client.get(f"{API}/workshops/nope/"), 404, "not_found")
    assert_error(mod_client.get(f"{API}/no/such/thing/"), 404, "not_found")
    assert_error(mod_client.get(f"{API}/workshops/nope/statements/-1/"), 404, "not_found")


def test_it_updates_settings_through_the_domain_with_a_reason(mod_client, workshop):
    response = mod_client.patch(
        f"{API}/workshops/{workshop.slug}/", {"title": "Renamed", "reason": "clearer"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"
    event = Event.objects.filter(workshop=workshop, verb="workshop.updated").get()
    assert event.payload["after"] == {"title": "Renamed"} and event.payload["reason"] == "clearer"


def test_it_refuses_settings_changes_from_a_participant(workshop, alice):
    response = as_participant(alice).patch(f"{API}/workshops/{workshop.slug}/", {"title": "Mine"}, format="json")
    assert_error(response, 403, "not_allowed")
    workshop.refresh_from_db()
    assert workshop.title == "Test workshop"


def test_it_rejects_malformed_json_with_the_error_shape(mod_client, workshop):
    response = mod_client.generic(
        "PATCH", f"{API}/workshops/{workshop.slug}/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "invalid")


def test_it_answers_413_for_a_body_over_the_limit(mod_client, workshop, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = mod_client.patch(f"{API}/workshops/{workshop.slug}/", {"description": "x" * 5000}, format="json")
    assert_error(response, 413, "too_large")


# --- Joining --------------------------------------------------------------------------------------


def test_it_joins_with_a_code_and_returns_the_resume_token_once(client, workshop):
    response = client.post(
        f"{API}/join/", {"code": workshop.display_join_code.lower(), "display_name": "Carla"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    participant = Participant.objects.get(workshop=workshop, display_name="Carla")
    assert body["resume_token"] == participant.resume_token and body["workshop"] == workshop.slug
    me = as_participant(participant).get(f"{API}/workshops/{workshop.slug}/participants/me/").json()
    assert me["id"] == participant.pk


def test_it_refuses_a_taken_name_with_409(client, workshop, alice):
    response = client.post(f"{API}/join/", {"code": workshop.join_code, "display_name": "ALICE"}, format="json")
    assert_error(response, 409, "conflict", "display_name")
    assert Participant.objects.filter(workshop=workshop, display_name__iexact="alice").count() == 1


def test_it_refuses_joining_a_draft_workshop(client, make_workshop):
    workshop = make_workshop(phase=Phase.DRAFT)
    response = client.post(f"{API}/join/", {"code": workshop.join_code, "display_name": "Early"}, format="json")
    assert_error(response, 403, "wrong_phase")
    assert not Participant.objects.filter(display_name="Early").exists()


def test_it_rate_limits_join_code_guessing_with_429(client, workshop, settings):
    settings.RATE_LIMITS = {"join_code_guess": (3, 600)}
    for _attempt in range(3):
        assert_error(client.post(f"{API}/join/", {"code": "WRONGWRONG"}, format="json"), 404, "not_found", "code")
    response = client.post(f"{API}/join/", {"code": workshop.join_code, "display_name": "Late"}, format="json")
    assert_error(response, 429, "rate_limited")
    assert 590 <= int(response["Retry-After"]) <= 600  # when the window closes, not a fixed minute
    assert not Participant.objects.filter(display_name="Late").exists()


def test_it_lists_participants_without_their_tokens(workshop, alice, bob):
    response = as_participant(alice).get(f"{API}/workshops/{workshop.slug}/participants/")
    assert response.status_code == 200
    names = [p["display_name"] for p in response.json()["results"]]
    assert {"Alice", "Bob"} <= set(names)
    assert bob.resume_token not in response.content.decode()


def test_it_pages_participants_with_a_cursor(workshop, alice):
    for n in range(5):
        join_workshop(workshop, f"Person {n}")
    client = as_participant(alice)
    page = client.get(f"{API}/workshops/{workshop.slug}/participants/?limit=3").json()
    assert len(page["results"]) == 3 and page["next"]
    ids = [p["id"] for p in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [p["id"] for p in page["results"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == Participant.objects.filter(workshop=workshop).count()


# --- Authentication and tokens --------------------------------------------------------------------


def test_it_accepts_token_as_well_as_bearer_and_records_last_use(moderator_user, workshop):
    token, key = create_token(moderator_user, "cron")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/workshops/{workshop.slug}/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_stores_only_the_hash_of_a_token_and_shows_the_key_once(mod_client, moderator_user):
    response = mod_client.post(f"{API}/tokens/", {"name": "export job"}, format="json")
    assert response.status_code == 201
    key = response.json()["key"]
    token = ApiToken.objects.get(name="export job")
    assert token.key_hash == hash_key(key) and key not in token.key_hash and token.prefix == key[:8]
    listing = mod_client.get(f"{API}/tokens/").content.decode()
    assert "export job" in listing and key not in listing


def test_it_revokes_a_token_so_it_stops_working(moderator_user, workshop):
    token, key = create_token(moderator_user, "old")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.delete(f"{API}/tokens/{token.pk}/").status_code == 204
    assert_error(client.get(f"{API}/workshops/"), 401, "not_authenticated")


def test_it_cannot_revoke_another_users_token(mod_client, db):
    other = get_user_model().objects.create_user("other", password="x-long-password-1")
    token, _key = create_token(other, "theirs")
    assert_error(mod_client.delete(f"{API}/tokens/{token.pk}/"), 404, "not_found")
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_refuses_an_unknown_token_or_participant_token(workshop):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer nope")
    assert_error(client.get(f"{API}/workshops/{workshop.slug}/"), 401, "not_authenticated")
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN="nope")
    assert_error(client.get(f"{API}/workshops/{workshop.slug}/"), 401, "not_authenticated")


def test_it_keeps_participant_tokens_out_of_account_operations(workshop, alice):
    assert_error(as_participant(alice).get(f"{API}/tokens/"), 403, "not_allowed")


def test_it_refuses_a_banned_participant(workshop, alice):
    Participant.objects.filter(pk=alice.pk).update(is_banned=True)
    assert_error(as_participant(alice).get(f"{API}/workshops/{workshop.slug}/statements/"), 403, "not_allowed")


def test_it_checks_csrf_for_a_signed_in_browser_session(moderator_user, workshop):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(moderator_user)
    assert client.get(f"{API}/workshops/{workshop.slug}/").status_code == 200
    response = client.post(f"{API}/workshops/{workshop.slug}/note/", {"note": "Hi"}, format="json")
    assert_error(response, 403, "not_allowed")
    workshop.refresh_from_db()
    assert workshop.moderation_note == ""


def test_it_checks_csrf_for_a_participant_seat_held_in_the_session(workshop):
    browser = APIClient(enforce_csrf_checks=True)
    page = browser.get(f"/join/{workshop.join_code}")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    response = browser.post(
        "/join/", {"code": workshop.join_code, "display_name": "Dora", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    root = workshop.root()
    url = f"{API}/workshops/{workshop.slug}/statements/"
    body = {"kind": "position", "parent": root.pk, "text": "A position from the browser."}
    assert_error(browser.post(url, body, format="json"), 403, "not_allowed")
    assert (
        browser.post(url, body, format="json", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value).status_code == 201
    )
