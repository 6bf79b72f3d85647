"""The one-statement vote (`cast_vote_by_seat`) against the full way a page's vote goes (the
remembered seat, `statement_in`, `cast_vote`, `statement_tally`): for every state of a workshop,
a seat and a statement, the one writes exactly when the other does, the same rows, and answers
with the tally the other reads afterwards."""

import re

import pytest
from django.db import connection, transaction
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.domain import DomainError, add_statement, cast_vote, create_workshop, join_workshop
from deliberation.domain.votes import cast_vote_by_seat
from deliberation.models import Event, Participant, Phase, Role, Statement, Vote, statement_tally
from deliberation.views import votes as votes_view
from deliberation.views.helpers import statement_in
from tests.seating import hold_seat

HX = {"HTTP_HX_REQUEST": "true"}
KINDS = (Vote.Kind.AGREEMENT, Vote.Kind.LENS_A, Vote.Kind.LENS_B)
LIMIT = (300, 60)  # votes per seat, seconds


class Undo(Exception):
    """Raised to roll a savepoint back after reading what a way of voting wrote."""


def full_way(token: str, slug: str, statement_id: int, kind: str, value):
    """What `views.votes.vote_statement` does without the one-statement vote; None if refused."""
    participant = (
        Participant.objects.select_related("workshop")
        .filter(resume_token=token, workshop__slug=slug, is_banned=False)
        .first()
    )
    if participant is None or kind not in KINDS:
        return None
    try:
        statement = statement_in(participant.workshop, participant, statement_id)
        cast_vote(participant, kind, value, statement=statement)
    except (Http404, DomainError):
        return None
    figures = statement_tally(statement.pk, participant.pk)
    mine = {kind: figures.pop(f"my_{kind}") for kind in KINDS}
    return participant.pk, figures, {kind: value for kind, value in mine.items() if value is not None}


def quick_way(token: str, slug: str, statement_id: int, kind: str, value):
    cast = cast_vote_by_seat(token, slug, statement_id, kind, value, LIMIT)
    if cast is None:
        return None
    participant, statement, mine = cast
    assert statement.pk == statement_id and statement.workshop.slug == slug
    figures = {name: getattr(statement, name) for name in ("agreement_count", "agreement_mean", "agree_count")}
    figures |= {name: getattr(statement, name) for name in ("disagree_count", "unsure_count")}
    figures |= {name: getattr(statement, name) for name in ("lens_a_mean", "lens_b_mean")}
    return participant.pk, figures, mine


def written() -> tuple:
    votes = sorted(Vote.objects.values_list("participant_id", "kind", "statement_id", "relation_id", "value"))
    events = list(
        Event.objects.order_by("id").values_list(
            "workshop_id", "verb", "actor_id", "actor_user_id", "statement_id", "payload"
        )
    )
    return votes, events


def attempt(way, *args):
    """What `way` answers and writes, rolled back afterwards."""
    try:
        with transaction.atomic():
            answer = way(*args)
            rows = written()
            raise Undo
    except Undo:
        pass
    return answer, rows


@pytest.fixture
def room(workshop, alice, bob, position, claim, moderator_user):
    """A workshop with votes already cast, a second workshop, and a moderator's seat."""
    cast_vote(alice, Vote.Kind.AGREEMENT, 2, statement=position)
    cast_vote(alice, Vote.Kind.LENS_A, 3, statement=position)
    cast_vote(bob, Vote.Kind.AGREEMENT, -1, statement=position)
    cast_vote(bob, Vote.Kind.AGREEMENT, 0, statement=claim)
    other = create_workshop(moderator_user, "Elsewhere", "What else?")
    other.phase = Phase.CONTRIBUTE
    other.save()
    stranger = join_workshop(other, "Stranger")
    elsewhere = add_statement(stranger, other.root(), Statement.Kind.POSITION, "Somewhere else entirely.")
    return {"position": position, "claim": claim, "elsewhere": elsewhere, "stranger": stranger}


# A vote the rules allow, and every other value each part of it can take. The cases below start
# from the allowed vote and change one part, or a few at once: a random state of every part would
# almost never be allowed, and would compare refusals only.
ALLOWED = {
    "phase": Phase.CONTRIBUTE,
    "role": Role.PARTICIPANT,
    "banned": False,
    "status": Statement.Status.VISIBLE,
    "authored": False,
    "allow_agreement": True,
    "allow_lens": True,
    "dilemma": True,
    "target": "position",
    "seat": "bob",
    "kind": Vote.Kind.AGREEMENT,
    "value": 1,
}
CHOICES = {
    "phase": Phase.values,
    "role": Role.values,
    "banned": [True, False],
    "status": Statement.Status.values,
    "authored": [True, False],
    "allow_agreement": [True, False],
    "allow_lens": [True, False],
    "dilemma": [True, False],
    "target": ["position", "claim", "elsewhere", "missing"],
    "seat": ["bob", "stranger", "unknown"],
    "kind": [*KINDS, Vote.Kind.STRENGTH, "bogus"],
    "value": [-3, -2, 0, 2, 4, 5, "2", " 1", "x", "", None, "1.5"],
}
ONE_CHANGE = [(name, choice) for name, choices in CHOICES.items() for choice in choices if choice != ALLOWED[name]]
LENS_VOTE = {**ALLOWED, "kind": Vote.Kind.LENS_B}
LENS_CHANGE = [
    (name, choice)
    for name in ("allow_agreement", "allow_lens", "dilemma", "value")
    for choice in CHOICES[name]
    if choice != LENS_VOTE[name]
]
changes = st.lists(st.sampled_from(list(CHOICES)), min_size=2, max_size=4, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({name: st.sampled_from(CHOICES[name]) for name in names})
)


def compare(room, workshop, bob, state: dict) -> bool:
    """Both ways in `state`, rolled back; whether the vote was allowed."""
    with transaction.atomic():
        workshop.phase = state["phase"]
        workshop.allow_agreement_votes = state["allow_agreement"]
        workshop.allow_lens_votes = state["allow_lens"]
        workshop.pole_b = "Global public good" if state["dilemma"] else ""
        workshop.save()
        Participant.objects.filter(pk=bob.pk).update(role=state["role"], is_banned=state["banned"])
        target = room.get(state["target"])
        if target is not None:
            Statement.objects.filter(pk=target.pk).update(
                status=state["status"],
                merged_into=room["claim"] if state["status"] == Statement.Status.MERGED else None,
                author=bob if state["authored"] else target.author,
            )
        token = {"bob": bob.resume_token, "stranger": room["stranger"].resume_token}.get(state["seat"], "no-such-seat")
        args = (token, workshop.slug, target.pk if target else 10**9, state["kind"], state["value"])

        full, full_rows = attempt(full_way, *args)
        quick, quick_rows = attempt(quick_way, *args)

        assert (quick is None) == (full is None), (state, full, quick)
        assert quick == full, state
        assert quick_rows == full_rows, state
        transaction.set_rollback(True)
    return full is not None


def test_the_allowed_votes_are_allowed_both_ways(room, workshop, bob):
    assert compare(room, workshop, bob, ALLOWED)
    assert compare(room, workshop, bob, LENS_VOTE)


def test_both_ways_agree_when_one_part_of_a_vote_changes(room, workshop, bob):
    """Every single change of the allowed agreement vote, and of the allowed lens vote in what
    opens lens votes; each state is rolled back before the next."""
    allowed = [(ALLOWED, name, choice) for name, choice in ONE_CHANGE]
    allowed += [(LENS_VOTE, name, choice) for name, choice in LENS_CHANGE]
    outcomes = {compare(room, workshop, bob, {**base, name: choice}) for base, name, choice in allowed}
    assert outcomes == {True, False}  # some changes keep the vote allowed, most refuse it


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(change=changes)
def test_both_ways_agree_when_several_parts_change(room, workshop, bob, change):
    compare(room, workshop, bob, {**ALLOWED, **change})


def test_a_moderator_votes_in_the_draft_phase_and_nobody_in_a_closed_one(room, workshop, bob):
    Participant.objects.filter(pk=bob.pk).update(role=Role.MODERATOR)
    workshop.phase = Phase.DRAFT
    workshop.save()
    assert cast_vote_by_seat(bob.resume_token, workshop.slug, room["position"].pk, Vote.Kind.AGREEMENT, 1, LIMIT)
    workshop.phase = Phase.CLOSED
    workshop.save()
    assert (
        cast_vote_by_seat(bob.resume_token, workshop.slug, room["position"].pk, Vote.Kind.AGREEMENT, -1, LIMIT) is None
    )
    assert Vote.objects.get(participant=bob, statement=room["position"]).value == 1


def test_it_answers_with_the_tally_after_this_vote(room, workshop, bob):
    participant, statement, mine = cast_vote_by_seat(
        bob.resume_token, workshop.slug, room["position"].pk, Vote.Kind.AGREEMENT, "2", LIMIT
    )
    # Alice's 2 and Bob's 2 (his -1 replaced), and Alice's lens vote untouched
    assert (statement.agreement_count, statement.agree_count, statement.disagree_count) == (2, 2, 0)
    assert statement.agreement_mean == 2.0 and statement.lens_a_mean == 3.0
    assert participant.pk == bob.pk and mine == {Vote.Kind.AGREEMENT: 2}
    event = Event.objects.latest("id")
    assert (event.verb, event.actor_id, event.payload["value"]) == ("vote.cast", bob.pk, 2)


def test_a_page_vote_goes_the_full_way_when_refused_and_says_why(client, room, workshop, bob):
    hold_seat(client, bob)
    workshop.phase = Phase.DRAFT
    workshop.save()
    url = f"/w/{workshop.slug}/s/{room['position'].pk}/vote/"
    response = client.post(url, {"kind": "agreement", "value": "1"}, **HX)
    assert response.status_code == 403 and "not open in the draft phase" in response.content.decode()
    assert Vote.objects.get(participant=bob, statement=room["position"]).value == -1


def test_a_refused_page_vote_counts_once_against_the_limit(client, room, workshop, bob, settings):
    settings.RATE_LIMITS = {"vote": (2, 60)}
    hold_seat(client, bob)
    url = f"/w/{workshop.slug}/s/{room['position'].pk}/vote/"
    assert client.post(url, {"kind": "agreement", "value": "9"}, **HX).status_code == 400  # refused, counted once
    assert client.post(url, {"kind": "agreement", "value": "1"}, **HX).status_code == 200
    assert client.post(url, {"kind": "agreement", "value": "2"}, **HX).status_code == 429
    assert Vote.objects.get(participant=bob, statement=room["position"]).value == 1


def test_the_page_and_the_api_share_one_vote_limit_per_seat(client, room, workshop, bob, settings):
    from rest_framework.test import APIClient

    settings.RATE_LIMITS = {"vote": (1, 60)}
    hold_seat(client, bob)
    assert client.post(f"/w/{workshop.slug}/s/{room['position'].pk}/vote/", {"value": "1"}, **HX).status_code == 200
    api = APIClient()
    api.credentials(HTTP_X_PARTICIPANT_TOKEN=bob.resume_token)
    body = {"kind": "agreement", "statement": room["position"].pk, "value": 2}
    response = api.post(f"/api/v1/workshops/{workshop.slug}/votes/", body, format="json")
    assert response.status_code == 429, response.content
    assert Vote.objects.get(participant=bob, statement=room["position"]).value == 1


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MODERATOR])
@pytest.mark.parametrize(("kind", "value"), [("agreement", "-2"), ("lens_b", "3")])
def test_a_vote_answers_with_the_widget_the_full_way_renders(
    client, room, workshop, bob, monkeypatch, role, kind, value
):
    workshop.hide_results_until_voted = True
    workshop.save()
    Participant.objects.filter(pk=bob.pk).update(role=role)
    hold_seat(client, bob)
    url = f"/w/{workshop.slug}/s/{room['position'].pk}/vote/"
    with CaptureQueriesContext(connection) as queries:
        quick = client.post(url, {"kind": kind, "value": value}, **HX)
    assert len(queries) == 1
    monkeypatch.setattr(votes_view, "cast_vote_by_seat", lambda *args: None)
    with CaptureQueriesContext(connection) as queries:
        full = client.post(url, {"kind": kind, "value": value}, **HX)
    assert len(queries) > 1
    assert quick.status_code == full.status_code == 200
    assert quick.content.decode() == full.content.decode()
    assert "Your vote is counted." in quick.content.decode()


def test_a_vote_answer_carries_no_csrf_field_and_the_next_vote_sends_the_pages_token(room, workshop, bob):
    client = Client(enforce_csrf_checks=True)
    hold_seat(client, bob)
    page = client.get(f"/w/{workshop.slug}/").content.decode()
    token = re.search(r'hx-headers:inherited=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    url = f"/w/{workshop.slug}/s/{room['position'].pk}/vote/"
    answer = client.post(url, {"kind": "agreement", "value": "1"}, HTTP_X_CSRFTOKEN=token, **HX)
    assert answer.status_code == 200 and "csrfmiddlewaretoken" not in answer.content.decode()
    assert 'aria-pressed="true">Agree<' in answer.content.decode()
    assert client.post(url, {"kind": "agreement", "value": "2"}, **HX).status_code == 403  # no token, no vote
    assert Vote.objects.get(participant=bob, statement=room["position"]).value == 1
