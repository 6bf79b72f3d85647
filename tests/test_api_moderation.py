"""API: moderation actions, exports, imports and results, with the role matrix — anonymous,
participant, observer, moderator of another workshop, co-moderator, owner — each getting exactly
the allowed answer, and nothing changing on a refusal."""

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from deliberation.api.tokens import create_token
from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import Event, Phase, Role, Statement, Workshop

API = "/api/v1"


def participant_client(participant) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=participant.resume_token)
    return client


def user_client(user) -> APIClient:
    _token, key = create_token(user, "test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def roles(workshop, moderator_user, make_workshop, alice):
    User = get_user_model()
    co = User.objects.create_user("co", password="a-long-test-password")
    workshop.co_moderators.add(co)
    elsewhere = User.objects.create_user("elsewhere", password="a-long-test-password")
    make_workshop(owner=elsewhere)
    observer = join_workshop(workshop, "Olga")
    observer.role = Role.OBSERVER
    observer.save(update_fields=["role"])
    return {
        "anonymous": APIClient(),
        "participant": participant_client(alice),
        "observer": participant_client(observer),
        "other_moderator": user_client(elsewhere),
        "moderator": user_client(co),
        "owner": user_client(moderator_user),
    }


ALL_ROLES = ["anonymous", "participant", "observer", "other_moderator", "moderator", "owner"]
REFUSED = {"anonymous": 401, "participant": 403, "observer": 403, "other_moderator": 403}


def expected(role: str, allowed: set[str], success: int = 200) -> int:
    return success if role in allowed else REFUSED.get(role, 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lets_only_moderators_change_the_phase(roles, role, workshop):
    events = Event.objects.count()
    response = roles[role].post(
        f"{API}/workshops/{workshop.slug}/phase/", {"phase": "vote", "reason": "time"}, format="json"
    )
    assert response.status_code == expected(role, {"moderator", "owner"}), response.content
    workshop.refresh_from_db()
    if response.status_code == 200:
        assert workshop.phase == Phase.VOTE and response.json()["phase"] == "vote"
        event = Event.objects.filter(verb="workshop.phase_changed").get()
        assert event.payload == {"before": "contribute", "after": "vote", "reason": "time"}
    else:
        assert workshop.phase == Phase.CONTRIBUTE and Event.objects.count() == events
        assert response.json()["message"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lets_only_moderators_hide_a_statement(roles, role, workshop, claim):
    response = roles[role].post(
        f"{API}/workshops/{workshop.slug}/statements/{claim.pk}/hide/", {"reason": "off topic"}, format="json"
    )
    assert response.status_code == expected(role, {"moderator", "owner"}), response.content
    claim.refresh_from_db()
    assert claim.status == ("hidden" if response.status_code == 200 else "visible")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lets_only_the_owner_add_a_co_moderator(roles, role, workshop):
    get_user_model().objects.create_user("newbie", password="a-long-test-password")
    response = roles[role].post(
        f"{API}/workshops/{workshop.slug}/co-moderators/", {"username": "newbie"}, format="json"
    )
    assert response.status_code == expected(role, {"owner"}), response.content
    assert workshop.co_moderators.filter(username="newbie").exists() == (response.status_code == 200)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lets_only_moderators_ban_someone(roles, role, workshop, bob):
    response = roles[role].post(
        f"{API}/workshops/{workshop.slug}/participants/{bob.pk}/ban/", {"reason": "spam"}, format="json"
    )
    assert response.status_code == expected(role, {"moderator", "owner"}), response.content
    bob.refresh_from_db()
    assert bob.is_banned == (response.status_code == 200)


def test_it_approves_and_rejects_pending_statements(make_workshop, moderator_user):
    workshop = make_workshop(premoderation=True)
    dana = join_workshop(workshop, "Dana")
    first = add_statement(dana, workshop.root(), Statement.Kind.POSITION, "First idea.")
    second = add_statement(dana, workshop.root(), Statement.Kind.POSITION, "Second idea.")
    owner = user_client(moderator_user)
    base = f"{API}/workshops/{workshop.slug}/statements/"
    assert owner.post(f"{base}{first.pk}/approve/", {}, format="json").json()["status"] == "visible"
    no_reason = owner.post(f"{base}{second.pk}/reject/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    rejected = owner.post(f"{base}{second.pk}/reject/", {"reason": "Duplicate."}, format="json")
    assert rejected.json()["status"] == "rejected"
    assert participant_client(dana).get(f"{base}{second.pk}/").json()["moderation_reason"] == "Duplicate."


def test_it_merges_a_duplicate_and_answers_409_for_an_action_that_no_longer_applies(
    workshop, moderator_user, alice, position
):
    duplicate = add_statement(alice, workshop.root(), Statement.Kind.POSITION, "Cooperate openly, we should.")
    owner = user_client(moderator_user)
    base = f"{API}/workshops/{workshop.slug}/statements/"
    response = owner.post(f"{base}{duplicate.pk}/merge/", {"into": position.pk, "reason": "same"}, format="json")
    assert response.status_code == 200, response.content
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.merged_into_id == position.pk
    hide = owner.post(f"{base}{position.pk}/hide/", {}, format="json")
    assert hide.status_code == 200
    again = owner.post(f"{base}{position.pk}/hide/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_it_rotates_the_join_code_and_shows_it_to_moderators(workshop, moderator_user):
    old = workshop.join_code
    response = user_client(moderator_user).post(f"{API}/workshops/{workshop.slug}/join-code/", {}, format="json")
    workshop.refresh_from_db()
    assert workshop.join_code != old and response.json()["join_code"] == workshop.display_join_code
    assert old not in json.dumps(list(Event.objects.values_list("payload", flat=True)))


def test_it_focuses_a_statement_and_clears_the_focus(workshop, moderator_user, claim):
    owner = user_client(moderator_user)
    url = f"{API}/workshops/{workshop.slug}/focus/"
    assert owner.post(url, {"statement": claim.pk}, format="json").json()["focus_statement"] == claim.pk
    assert owner.post(url, {"statement": None}, format="json").json()["focus_statement"] is None


# --- Exports, imports, results --------------------------------------------------------------------


def test_it_lists_the_registered_formats(db):
    keys = [f["key"] for f in APIClient().get(f"{API}/formats/").json()]
    assert "json" in keys or keys  # every registered format is listed
    from deliberation.formats import FORMATS

    assert keys == list(FORMATS)


@pytest.mark.parametrize("key", ["aif", "argdown", "graphml", "dot", "report"])
def test_it_exports_the_map_in_a_registered_format(workshop, alice, claim, key):
    from deliberation.formats import FORMATS

    response = participant_client(alice).get(f"{API}/workshops/{workshop.slug}/exports/{key}/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(FORMATS[key].media_type)
    assert claim.title.encode() in response.content or b"Open science" in response.content


def test_it_exports_hidden_items_for_moderators_only(workshop, alice, moderator_user):
    url = f"{API}/workshops/{workshop.slug}/exports/aif/?hidden=true"
    refused = participant_client(alice).get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert user_client(moderator_user).get(url).status_code == 200


def test_it_answers_404_for_an_unknown_export_format(workshop, alice):
    response = participant_client(alice).get(f"{API}/workshops/{workshop.slug}/exports/nope/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_it_round_trips_an_export_through_an_import(workshop, alice, claim, moderator_user):
    from deliberation.formats import FORMATS

    key = next(k for k, f in FORMATS.items() if f.can_import and f.media_type == "application/json")
    owner = user_client(moderator_user)
    exported = owner.get(f"{API}/workshops/{workshop.slug}/exports/{key}/").content
    count = Workshop.objects.count()
    response = owner.generic("POST", f"{API}/imports/{key}/", exported, content_type="application/octet-stream")
    assert response.status_code == 201, response.content
    assert Workshop.objects.count() == count + 1
    copy = Workshop.objects.get(slug=response.json()["workshop"]["slug"])
    assert copy.owner == moderator_user
    assert Statement.objects.filter(workshop=copy, text=claim.text).exists()


def test_it_refuses_an_unreadable_import_and_stores_nothing(moderator_user, workshop):
    count = Workshop.objects.count()
    response = user_client(moderator_user).generic(
        "POST", f"{API}/imports/aif/", b"{not json", content_type="application/octet-stream"
    )
    assert response.status_code == 400 and "file" in response.json()["fields"]
    assert Workshop.objects.count() == count


def test_it_refuses_imports_from_participants_and_anonymous_callers(workshop, alice):
    assert participant_client(alice).generic("POST", f"{API}/imports/aif/", b"{}").status_code == 403
    assert APIClient().generic("POST", f"{API}/imports/aif/", b"{}").status_code == 401


def test_it_answers_413_for_an_import_over_the_limit(moderator_user, monkeypatch):
    monkeypatch.setattr("deliberation.api.views.data.MAX_IMPORT_BYTES", 10)
    response = user_client(moderator_user).generic(
        "POST", f"{API}/imports/aif/", b"x" * 100, content_type="application/octet-stream"
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_it_gives_results_without_naming_anyone(workshop, alice, bob, claim):
    cast_vote(alice, "agreement", 2, statement=claim)
    cast_vote(bob, "agreement", -1, statement=claim)
    response = participant_client(alice).get(f"{API}/workshops/{workshop.slug}/results/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert isinstance(body, dict) and body
    for point in (body.get("groups") or {}).get("points", []):
        assert "participant" not in point


def test_it_holds_results_back_until_close_when_the_workshop_says_so(make_workshop, moderator_user):
    workshop = make_workshop(hide_results_until_voted=True)
    dana = join_workshop(workshop, "Dana")
    response = participant_client(dana).get(f"{API}/workshops/{workshop.slug}/results/")
    assert response.status_code == 403 and response.json()["code"] == "wrong_phase"
    assert user_client(moderator_user).get(f"{API}/workshops/{workshop.slug}/results/").status_code == 200
