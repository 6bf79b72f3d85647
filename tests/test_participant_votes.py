"""Voting in one click: agreement and lens ratings on statements, strength on links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import Event, Relation, Vote

HX = {"HTTP_HX_REQUEST": "true"}


def vote_url(workshop, statement):
    return f"/w/{workshop.slug}/s/{statement.pk}/vote/"


def test_it_casts_an_agreement_vote_and_redirects(as_bob, workshop, bob, position):
    response = as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "2"})
    assert response.status_code == 302 and f"#statement-{position.pk}-votes" in response["Location"]
    assert Vote.objects.get(participant=bob, statement=position).value == 2


def test_it_answers_htmx_with_the_vote_widget_and_the_outline_tally(as_bob, workshop, bob, position):
    response = as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "1"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="statement-{position.pk}-votes"' in body and "Your vote is counted." in body
    assert 'aria-pressed="true">Agree<' in body
    assert f'<span id="statement-{position.pk}-tally" class="tally" hx-swap-oob="true">' in body
    assert "▲ 1" in body


def test_it_changes_and_retracts_a_vote(as_bob, workshop, bob, position):
    as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "2"})
    as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "-2"})
    assert list(Vote.objects.filter(participant=bob).values_list("value", flat=True)) == [-2]
    response = as_bob.post(vote_url(workshop, position), {"kind": "agreement", "retract": "1"}, **HX)
    assert "Your vote is taken back." in response.content.decode()
    assert not Vote.objects.filter(participant=bob).exists()


def test_it_records_lens_ratings_on_the_dilemma_poles(as_bob, workshop, bob, position):
    as_bob.post(vote_url(workshop, position), {"kind": "lens_a", "value": "4"}, **HX)
    as_bob.post(vote_url(workshop, position), {"kind": "lens_b", "value": "1"}, **HX)
    assert dict(Vote.objects.filter(participant=bob).values_list("kind", "value")) == {"lens_a": 4, "lens_b": 1}


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"kind": "agreement", "value": "3"}, 400, "between -2 and 2"),
        ({"kind": "agreement", "value": "yes"}, 400, "whole number"),
        ({"kind": "lens_a", "value": "5"}, 400, "between 0 and 4"),
        ({"kind": "strength", "value": "2"}, 400, "Unknown kind of vote"),
    ],
)
def test_it_refuses_a_vote_out_of_range_and_stores_nothing(as_bob, workshop, position, data, status, message):
    for headers in ({}, HX):
        response = as_bob.post(vote_url(workshop, position), data, **headers)
        body = response.content.decode()
        assert response.status_code == status and message in body and f'id="statement-{position.pk}-votes"' in body
    assert not Vote.objects.exists()


def test_it_refuses_votes_in_a_closed_workshop(as_bob, workshop, position):
    workshop.phase = "closed"
    workshop.save()
    response = as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "1"}, **HX)
    assert response.status_code == 403 and "closed" in response.content.decode()
    assert not Vote.objects.exists()


def test_it_answers_404_for_an_unknown_statement(as_bob, workshop):
    response = as_bob.post(f"/w/{workshop.slug}/s/999999/vote/", {"kind": "agreement", "value": "1"})
    assert response.status_code == 404


def test_it_rates_the_strength_of_a_link(as_bob, workshop, bob, claim):
    relation = Relation.objects.get(source=claim)
    url = f"/w/{workshop.slug}/r/{relation.pk}/vote/"
    response = as_bob.post(url, {"value": "3"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and f'id="relation-{relation.pk}-strength"' in body
    assert "average 3.0 of 4, 1 rating" in body
    assert Vote.objects.get(participant=bob, relation=relation).value == 3
    assert as_bob.post(url, {"value": "9"}).status_code == 400
    assert as_bob.post(url, {"retract": "1"}).status_code == 302
    assert not Vote.objects.filter(relation=relation).exists()


def test_it_records_one_event_per_vote(as_bob, workshop, position):
    before = Event.objects.filter(verb="vote.cast").count()
    as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "0"}, **HX)
    assert Event.objects.filter(verb="vote.cast").count() == before + 1


def test_it_limits_vote_storms(as_bob, workshop, position, settings):
    settings.RATE_LIMITS = {"vote": (2, 60)}
    for value in ("1", "2"):
        as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": value})
    response = as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "-2"}, **HX)
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert Vote.objects.get().value == 2


def test_it_answers_a_vote_in_one_query(as_bob, workshop, position):
    as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "1"}, **HX)
    # the seat, the statement, the rules, the upsert with its event and the fresh tally with my own
    # votes, all in one statement (`cast_vote_by_seat`); no session is read
    with CaptureQueriesContext(connection) as queries:
        response = as_bob.post(vote_url(workshop, position), {"kind": "agreement", "value": "2"}, **HX)
    assert len(queries) == 1, [query["sql"] for query in queries]
    assert not any("django_session" in query["sql"] for query in queries)
    body = response.content.decode()
    assert response.status_code == 200 and "▲ 1" in body
    assert 'aria-pressed="true"' in body  # my own vote comes back marked in the widget
