"""A statement that left the map while someone had it open (hidden by a moderator, withdrawn by its
author) says so, page and htmx panel alike, instead of "no such statement"; its words stay hidden."""

import pytest
from django.test import Client

from deliberation import domain
from deliberation.domain import moderator_seat

pytestmark = pytest.mark.django_db


def visit(client, workshop, statement, htmx=False):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(f"/w/{workshop.slug}/s/{statement.pk}/", **extra)


def test_a_hidden_statement_says_a_moderator_hid_it_and_tells_its_author_why(
    client, workshop, moderator_user, alice, bob, claim
):
    domain.hide_statement(moderator_seat(workshop, moderator_user), claim, reason="Off topic here")
    client.get(f"/resume/{alice.resume_token}")
    for htmx in (False, True):
        answer = visit(client, workshop, claim, htmx)
        body = answer.content.decode()
        assert answer.status_code == 404 and "A moderator has hidden this statement." in body
        assert claim.text not in body and "Off topic here" not in body
    author = Client()
    author.get(f"/resume/{bob.resume_token}")
    body = visit(author, workshop, claim, htmx=True).content.decode()
    assert "A moderator has hidden your statement: Off topic here" in body


def test_a_withdrawn_statement_says_so(client, workshop, alice, bob, claim):
    domain.withdraw_statement(bob, claim)
    client.get(f"/resume/{alice.resume_token}")
    answer = visit(client, workshop, claim, htmx=True)
    assert answer.status_code == 404 and "Its author has withdrawn this statement." in answer.content.decode()


def test_a_number_that_never_was_is_simply_not_found(client, workshop, alice):
    client.get(f"/resume/{alice.resume_token}")
    answer = client.get(f"/w/{workshop.slug}/s/999999/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 404 and "No such statement in this workshop." in answer.content.decode()
