"""The API's half of the authorization matrix: every moderation endpoint × every role (anonymous,
participant, observer, moderator of another workshop, co-moderator, owner) gets exactly the allowed
answer; a refused request changes nothing, an allowed one appends its Event."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from deliberation.domain import (
    add_statement,
    annotate,
    ban_participant,
    hide_statement,
    join_workshop,
    lock_statement,
    merge_statements,
    moderator_seat,
)
from deliberation.models import Annotation, Event, Participant, Relation, Role, Statement, Vote, Workshop
from tests.test_api_moderation import participant_client, user_client

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "participant", "observer", "other_moderator", "moderator", "owner"]
MODERATORS = {"moderator", "owner"}


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name in the API's namespace
    path: str  # under /api/v1/workshops/<slug>/, with {ids} filled from the room
    body: dict
    allowed: frozenset = frozenset(MODERATORS)
    hidden_from_participants: bool = False  # the target is invisible to them: 404, not 403


ENDPOINTS = [
    Endpoint("phase", "phase/", {"phase": "vote", "reason": "time"}),
    Endpoint("focus", "focus/", {"statement": "{claim}"}),
    Endpoint("timer", "timer/", {"seconds": 300, "reason": "break"}),
    Endpoint("join_code", "join-code/", {"rotate": True, "reason": "leaked"}),
    Endpoint("note", "note/", {"note": "Five minutes left."}),
    Endpoint("co_moderators", "co-moderators/", {"username": "newbie"}, frozenset({"owner"})),
    Endpoint("co_moderator_remove", "co-moderators/co/remove/", {"reason": "done"}, frozenset({"owner"})),
    Endpoint("statement_approve", "statements/{pending}/approve/", {"reason": "fine"}, hidden_from_participants=True),
    Endpoint("statement_reject", "statements/{pending}/reject/", {"reason": "dupe"}, hidden_from_participants=True),
    Endpoint("statement_hide", "statements/{claim}/hide/", {"reason": "off topic"}),
    Endpoint("statement_restore", "statements/{hidden}/restore/", {"reason": "ok"}, hidden_from_participants=True),
    Endpoint("statement_lock", "statements/{claim}/lock/", {"reason": "heated"}),
    Endpoint("statement_unlock", "statements/{locked}/unlock/", {"reason": "calm"}),
    Endpoint("statement_move", "statements/{claim}/move/", {"parent": "{other}", "relation": "opposes", "reason": "x"}),
    Endpoint("statement_merge", "statements/{twin}/merge/", {"into": "{position}", "reason": "same"}),
    Endpoint(
        "statement_unmerge", "statements/{merged}/unmerge/", {"reason": "not the same"}, hidden_from_participants=True
    ),
    Endpoint("annotation_hide", "annotations/{flag}/hide/", {"reason": "rude"}),
    Endpoint("annotation_show", "annotations/{hidden_note}/show/", {"reason": "fine"}),
    Endpoint("annotation_resolve", "annotations/{flag}/resolve/", {"reason": "handled"}),
    Endpoint("participant_rename", "participants/{bob}/rename/", {"display_name": "Robert", "reason": "typo"}),
    Endpoint("participant_role", "participants/{bob}/role/", {"role": "observer", "reason": "asked"}),
    Endpoint("participant_ban", "participants/{bob}/ban/", {"reason": "spam"}),
    Endpoint("participant_unban", "participants/{banned}/unban/", {"reason": "sorry"}),
]


def test_the_matrix_names_every_moderation_endpoint_of_the_api():
    """A new moderation endpoint must join the matrix: compare with the routes themselves."""
    from deliberation.api.urls import v1

    routed = {
        pattern.name
        for pattern in v1
        if getattr(getattr(pattern.callback, "view_class", None), "__module__", "")
        == "deliberation.api.views.moderation"
    }
    assert routed == {endpoint.name for endpoint in ENDPOINTS}


@pytest.fixture
def room(workshop, moderator_user, make_workshop):
    users = get_user_model().objects
    co = users.create_user("co")
    workshop.co_moderators.add(co)
    users.create_user("newbie")
    elsewhere = users.create_user("elsewhere")
    make_workshop(owner=elsewhere)
    mod = moderator_seat(workshop, moderator_user)
    moderator_seat(workshop, co)
    alice = join_workshop(workshop, "Alice")
    bob = join_workshop(workshop, "Bob")
    banned = join_workshop(workshop, "Zed")
    ban_participant(mod, banned)
    observer = join_workshop(workshop, "Olga")
    Participant.objects.filter(pk=observer.pk).update(role=Role.OBSERVER)
    root = workshop.root()
    position = add_statement(mod, root, "position", "Cooperate openly with every partner.")
    twin = add_statement(mod, root, "position", "Cooperate openly with all partners.")
    other = add_statement(mod, root, "position", "Keep research at home.")
    claim = add_statement(bob, position, "claim", "Shared labs cost less.", relation="supports")
    locked = add_statement(bob, position, "claim", "Joint funds stretch further.", relation="supports")
    lock_statement(mod, locked)
    hidden = add_statement(bob, position, "claim", "An off-topic remark.", relation="supports")
    hide_statement(mod, hidden)
    workshop.premoderation = True
    workshop.save(update_fields=["premoderation"])
    pending = add_statement(bob, position, "claim", "Wait for the moderators.", relation="supports")
    merged = add_statement(mod, position, "claim", "Labs shared cost less.", relation="supports")
    merge_statements(mod, merged, claim)
    flag = annotate(alice, "flag", "This is rude.", statement=claim)
    hidden_note = annotate(alice, "comment", "A comment to hide.", statement=claim)
    from deliberation.domain import hide_annotation

    hide_annotation(mod, hidden_note, True, "test")
    ids = {
        "claim": claim.pk,
        "pending": pending.pk,
        "hidden": hidden.pk,
        "locked": locked.pk,
        "other": other.pk,
        "twin": twin.pk,
        "position": position.pk,
        "flag": flag.pk,
        "hidden_note": hidden_note.pk,
        "merged": merged.pk,
        "bob": bob.pk,
        "banned": banned.pk,
    }
    clients = {
        "anonymous": None,
        "participant": participant_client(alice),
        "observer": participant_client(Participant.objects.get(pk=observer.pk)),
        "other_moderator": user_client(elsewhere),
        "moderator": user_client(co),
        "owner": user_client(moderator_user),
    }
    return workshop, ids, clients


def fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def snapshot(workshop: Workshop) -> tuple:
    """Everything a moderation action could change, as plain values."""
    workshop = Workshop.objects.get(pk=workshop.pk)
    return (
        Event.objects.count(),
        (workshop.phase, workshop.focus_statement_id, workshop.timer_ends_at, workshop.join_code),
        (workshop.moderation_note, sorted(workshop.co_moderators.values_list("username", flat=True))),
        sorted(Statement.objects.values_list("id", "status", "is_locked", "merged_into_id")),
        sorted(Relation.objects.values_list("source_id", "target_id", "kind")),
        sorted(Annotation.objects.values_list("id", "is_hidden", "resolved_at")),
        sorted(Participant.objects.values_list("id", "display_name", "role", "is_banned")),
        Vote.objects.count(),
    )


def expected_status(endpoint: Endpoint, role: str) -> int:
    if role in endpoint.allowed:
        return 200
    if role == "anonymous":
        return 401
    if role in {"participant", "observer"} and endpoint.hidden_from_participants:
        return 404
    return 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_it_gives_each_role_exactly_the_allowed_answer(room, endpoint, role):
    from rest_framework.test import APIClient

    workshop, ids, clients = room
    client = clients[role] or APIClient()
    path = "/api/v1/workshops/" + workshop.slug + "/" + endpoint.path.format(**ids)
    body = {key: fill(value, ids) for key, value in endpoint.body.items()}
    before = snapshot(workshop)
    response = client.post(path, body, format="json")
    assert response.status_code == expected_status(endpoint, role), response.content
    if response.status_code == 200:
        assert Event.objects.count() > before[0]  # the action is in the audit log
        assert snapshot(workshop) != before
    else:
        assert snapshot(workshop) == before  # a refusal changes nothing at all
        assert response.json()["message"]
