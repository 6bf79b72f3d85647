"""The authorization matrix: every moderator page and action × every role gets exactly the allowed
answer, and a refused request changes nothing at all."""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from deliberation.domain import (
    add_statement,
    annotate,
    ban_participant,
    create_workshop,
    hide_statement,
    join_workshop,
    lock_statement,
    merge_statements,
    moderator_seat,
)
from deliberation.models import Annotation, Event, Participant, Phase, Relation, Role, Statement, Vote, Workshop
from tests.seating import hold_seat

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "participant", "observer", "other_moderator", "moderator", "owner"]


@dataclass
class Room:
    workshop: Workshop
    ids: dict = field(default_factory=dict)


@pytest.fixture
def room(make_workshop, moderator_user):
    users = get_user_model().objects
    workshop = make_workshop(premoderation=True)
    co = users.create_user("comod")  # no passwords: hashing would slow the matrix down
    users.create_user("helper")
    other = users.create_user("othermod")
    create_workshop(other, "Another room", "Another question?")
    workshop.co_moderators.add(co)
    mod = moderator_seat(workshop, moderator_user)
    moderator_seat(workshop, co)  # seated on first use; seated here so refusals can be compared exactly
    alice = join_workshop(workshop, "Alice")
    olga = join_workshop(workshop, "Olga")
    Participant.objects.filter(pk=olga.pk).update(role=Role.OBSERVER)
    zed = join_workshop(workshop, "Zed")
    ban_participant(mod, zed)
    position = add_statement(mod, workshop.root(), "position", "Cooperate openly with every partner.")
    twin = add_statement(mod, workshop.root(), "position", "Cooperate openly with all partners.")
    pending = add_statement(alice, workshop.root(), "position", "Keep research national.")
    claim = add_statement(mod, position, "claim", "Shared labs cost less.", relation="supports")
    hidden = add_statement(mod, position, "claim", "An off-topic remark.", relation="supports")
    hide_statement(mod, hidden)
    lock_statement(mod, hidden)
    flag = annotate(alice, "flag", "Please check this", statement=claim)
    merged = add_statement(mod, workshop.root(), "position", "Cooperate openly with each partner.")
    merge_statements(mod, merged, twin)
    return Room(
        workshop,
        {
            "alice": alice.pk,
            "olga": olga.pk,
            "zed": zed.pk,
            "position": position.pk,
            "twin": twin.pk,
            "pending": pending.pk,
            "claim": claim.pk,
            "hidden": hidden.pk,
            "flag": flag.pk,
            "merged": merged.pk,
            "co": co.pk,
        },
    )


def seat_in_session(client, participant):
    hold_seat(client, participant)


@pytest.fixture
def as_role(client, room, moderator_user):
    def login(role):
        users = get_user_model().objects
        if role == "participant":
            seat_in_session(client, Participant.objects.get(pk=room.ids["alice"]))
        elif role == "observer":
            seat_in_session(client, Participant.objects.get(pk=room.ids["olga"]))
        elif role == "other_moderator":
            client.force_login(users.get(username="othermod"))
        elif role == "moderator":
            client.force_login(users.get(username="comod"))
        elif role == "owner":
            client.force_login(moderator_user)
        return client

    return login


# (url name, url args from the room's ids, POST data or None for GET, owner only)
ENDPOINTS = [
    ("moderate_console", [], None, False),
    ("moderate_edit", [], None, False),
    ("moderate_queue", [], None, False),
    ("moderate_merge", [], None, False),
    ("moderate_statement", ["claim"], None, False),
    ("moderate_participants", [], None, False),
    ("moderate_log", [], None, False),
    ("moderate_log_csv", [], None, False),
    ("projector", [], None, False),
    ("projector_live", [], None, False),
    ("moderate_edit", [], {"title": "New title", "question": "New question?", "max_text_length": "300"}, False),
    ("moderate_co_moderator", [], {"username": "helper"}, True),
    ("moderate_copy", [], {"with_statements": "1"}, False),
    ("moderate_phase", [], {"phase": "vote"}, False),
    ("moderate_timer", [], {"minutes": "3"}, False),
    ("moderate_focus", [], {"statement": "@position"}, False),
    ("moderate_join_code", [], {"rotate": "1"}, False),
    ("moderate_note", [], {"note": "Coffee at 11"}, False),
    ("moderate_bulk", [], {"action": "lock", "selected": "@claim"}, False),
    ("moderate_statement_action", ["pending", "approve"], {}, False),
    ("moderate_statement_action", ["pending", "reject"], {"reason": "Off topic"}, False),
    ("moderate_statement_action", ["claim", "hide"], {"reason": "x"}, False),
    ("moderate_statement_action", ["hidden", "restore"], {}, False),
    ("moderate_statement_action", ["claim", "lock"], {}, False),
    ("moderate_statement_action", ["hidden", "unlock"], {}, False),
    ("moderate_statement_action", ["claim", "move"], {"parent": "@twin", "relation": "opposes"}, False),
    ("moderate_statement_action", ["claim", "focus"], {}, False),
    ("moderate_statement_action", ["merged", "unmerge"], {"reason": "not the same"}, False),
    ("moderate_edit_statement", ["claim"], {"text": "Shared labs cost much less.", "version": "1"}, False),
    ("moderate_merge_do", [], {"duplicate": "@twin", "survivor": "@position"}, False),
    ("moderate_annotation_action", ["flag", "resolve"], {}, False),
    ("moderate_annotation_action", ["flag", "hide"], {}, False),
    ("moderate_participant_action", ["alice", "rename"], {"display_name": "Alicia"}, False),
    ("moderate_participant_action", ["alice", "role"], {"role": "observer"}, False),
    ("moderate_participant_action", ["alice", "role"], {"role": "moderator"}, True),
    ("moderate_participant_action", ["alice", "ban"], {"hide_content": "1"}, False),
    ("moderate_participant_action", ["zed", "unban"], {}, False),
]


def endpoint_id(spec):
    name, args, data, _owner = spec
    return "-".join([name, *[a for a in args if a.isalpha()], "GET" if data is None else "POST"])


def resolve(room, value):
    if isinstance(value, str) and value.startswith("@"):
        return room.ids[value[1:]]
    return value


def snapshot(workshop):
    """Everything a moderation action could change, as plain values."""
    return {
        "workshops": list(Workshop.objects.order_by("pk").values()),
        "co_moderators": list(workshop.co_moderators.values_list("pk", flat=True)),
        "participants": list(Participant.objects.order_by("pk").values()),
        "statements": list(Statement.objects.order_by("pk").values()),
        "relations": list(Relation.objects.order_by("pk").values()),
        "votes": list(Vote.objects.order_by("pk").values()),
        "annotations": list(Annotation.objects.order_by("pk").values()),
        "events": Event.objects.count(),
    }


def expected(role: str, owner_only: bool, get: bool) -> int:
    if role == "anonymous":
        return 302  # to the sign-in page
    if role in ("participant", "observer", "other_moderator"):
        return 403
    if owner_only and role != "owner":
        return 403
    return 200 if get else 302


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", ENDPOINTS, ids=[endpoint_id(s) for s in ENDPOINTS])
def test_it_allows_exactly_the_moderators(room, as_role, role, spec):
    name, args, data, owner_only = spec
    workshop = room.workshop
    url = reverse(name, args=[workshop.slug, *[room.ids.get(a, a) for a in args]])
    client = as_role(role)
    before = snapshot(workshop)
    if data is None:
        response = client.get(url)
    else:
        response = client.post(url, {key: resolve(room, value) for key, value in data.items()})
    want = expected(role, owner_only, data is None)
    assert response.status_code == want, response.content.decode()[:500]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    refused = role not in ("moderator", "owner") or want == 403
    if refused:
        assert snapshot(workshop) == before
    if want == 403:
        assert "form-error" in response.content.decode()
    if data is not None and not refused:
        assert Event.objects.count() > before["events"]  # the action happened and was logged


@pytest.mark.parametrize("name", ["moderate_home", "moderate_new"])
def test_it_sends_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_lists_only_the_workshops_a_user_moderates(room, as_role):
    page = as_role("other_moderator").get(reverse("moderate_home")).content.decode()
    assert "Another room" in page and room.workshop.title not in page


def test_it_refuses_a_banned_co_moderator(room, client):
    co = get_user_model().objects.get(username="comod")
    Participant.objects.filter(workshop=room.workshop, user=co).update(is_banned=True)
    moderator_seat(room.workshop, co)
    client.force_login(co)
    before = snapshot(room.workshop)
    response = client.post(reverse("moderate_phase", args=[room.workshop.slug]), {"phase": Phase.CLOSED})
    assert response.status_code == 403 and snapshot(room.workshop) == before
