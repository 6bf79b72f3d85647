"""My activity: my statements with their status, my votes, my comments, and my resume link."""

from deliberation.domain import add_statement, annotate, cast_vote
from deliberation.models import Statement

HX = {"HTTP_HX_REQUEST": "true"}


def test_it_lists_my_statements_votes_and_comments(client, workshop, alice, position, claim):
    cast_vote(alice, "agreement", 2, statement=claim)
    annotate(alice, "comment", "Good point", statement=claim)
    rejected = add_statement(alice, workshop.root(), Statement.Kind.POSITION, "Something off topic.")
    rejected.status, rejected.moderation_reason = Statement.Status.REJECTED, "Not about the question"
    rejected.save()
    client.get(f"/resume/{alice.resume_token}")
    body = client.get(f"/w/{workshop.slug}/me/").content.decode()
    assert position.title in body and "Visible" in body
    assert "Something off topic." in body and "Reason: Not about the question" in body
    assert claim.title in body and "Good point" in body
    assert f"/resume/{alice.resume_token}" in body
    assert claim.title not in body.split("My statements")[1].split("My votes")[0]


def test_it_answers_htmx_with_the_activity_fragment(client, workshop, alice):
    client.get(f"/resume/{alice.resume_token}")
    body = client.get(f"/w/{workshop.slug}/me/", **HX).content.decode()
    assert body.lstrip().startswith('<section id="activity"') and "You have not added anything yet." in body
