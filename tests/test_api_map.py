"""API: statements, relations, votes, annotations, documents and events, with the same rules as
the pages (phases, roles, pre-moderation, stale edits, rate limits) and nothing stored on refusal."""

import pytest
from rest_framework.test import APIClient

from deliberation.domain import add_statement, annotate, join_workshop
from deliberation.models import Annotation, Event, Phase, Relation, Role, SourceDocument, Statement, Vote

API = "/api/v1"


def as_participant(participant) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=participant.resume_token)
    return client


def assert_error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"]
    if field:
        assert field in body["fields"], body
    return body


def url(workshop, rest: str) -> str:
    return f"{API}/workshops/{workshop.slug}/{rest}"


def set_phase(workshop, phase):
    workshop.phase = phase
    workshop.save(update_fields=["phase"])


# --- Statements -----------------------------------------------------------------------------------


def test_it_adds_a_position_under_the_question_with_one_event(workshop, alice):
    before = Event.objects.count()
    response = as_participant(alice).post(
        url(workshop, "statements/"), {"kind": "position", "text": "Publish everything."}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    statement = Statement.objects.get(pk=body["id"])
    assert statement.author == alice and statement.status == "visible" and body["author_name"] == "Alice"
    assert Relation.objects.get(source=statement).target == workshop.root()
    assert list(Event.objects.filter(id__gt=0).values_list("verb", flat=True))[before:] == ["statement.added"]


def test_it_adds_evidence_with_its_source(workshop, alice, position):
    response = as_participant(alice).post(
        url(workshop, "statements/"),
        {
            "kind": "evidence",
            "parent": position.pk,
            "relation": "supports",
            "text": "Shared data doubled citations.",
            "source_citation": "A study, 2020",
            "source_url": "https://example.org/study",
            "source_kind": "study",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    evidence = Statement.objects.get(pk=response.json()["id"])
    assert (evidence.source_kind, evidence.source_url) == ("study", "https://example.org/study")


def test_it_refuses_evidence_without_a_source_and_stores_nothing(workshop, alice, position):
    count = Statement.objects.count()
    response = as_participant(alice).post(
        url(workshop, "statements/"),
        {"kind": "evidence", "parent": position.pk, "relation": "supports", "text": "Trust me."},
        format="json",
    )
    assert_error(response, 400, "invalid", "source_citation")
    assert Statement.objects.count() == count


def test_it_reports_serializer_field_errors(workshop, alice):
    response = as_participant(alice).post(url(workshop, "statements/"), {"kind": "poem"}, format="json")
    body = assert_error(response, 400, "invalid", "kind")
    assert "text" in body["fields"]


def test_it_refuses_text_over_the_workshops_limit(workshop, alice):
    response = as_participant(alice).post(
        url(workshop, "statements/"), {"kind": "position", "text": "x" * 600}, format="json"
    )
    assert_error(response, 400, "invalid", "text")


def test_it_refuses_new_statements_in_the_vote_phase(workshop, alice):
    set_phase(workshop, Phase.VOTE)
    count = Statement.objects.count()
    response = as_participant(alice).post(
        url(workshop, "statements/"), {"kind": "position", "text": "Too late."}, format="json"
    )
    assert_error(response, 403, "wrong_phase")
    assert Statement.objects.count() == count


def test_it_refuses_statements_from_an_observer(workshop):
    observer = join_workshop(workshop, "Olga")
    observer.role = Role.OBSERVER
    observer.save(update_fields=["role"])
    response = as_participant(observer).post(
        url(workshop, "statements/"), {"kind": "position", "text": "Just watching."}, format="json"
    )
    assert_error(response, 403, "not_allowed")


def test_it_holds_statements_as_pending_under_premoderation_and_hides_them_from_others(make_workshop):
    workshop = make_workshop(premoderation=True)
    alice, bob = join_workshop(workshop, "Alice"), join_workshop(workshop, "Bob")
    response = as_participant(alice).post(
        url(workshop, "statements/"), {"kind": "position", "text": "Wait for approval."}, format="json"
    )
    assert response.json()["status"] == "pending"
    statement_id = response.json()["id"]
    assert as_participant(alice).get(url(workshop, f"statements/{statement_id}/")).status_code == 200
    assert_error(as_participant(bob).get(url(workshop, f"statements/{statement_id}/")), 404, "not_found")
    listed = [s["id"] for s in as_participant(bob).get(url(workshop, "statements/")).json()["results"]]
    assert statement_id not in listed


def test_it_edits_with_the_expected_version_and_refuses_a_stale_one_with_409(workshop, alice, position):
    client = as_participant(alice)
    response = client.patch(
        url(workshop, f"statements/{position.pk}/"),
        {"text": "Cooperate, openly.", "expected_version": 1},
        format="json",
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client.patch(
        url(workshop, f"statements/{position.pk}/"), {"text": "Overwrite.", "expected_version": 1}, format="json"
    )
    assert_error(stale, 409, "conflict", "text")
    position.refresh_from_db()
    assert position.text == "Cooperate, openly."


def test_it_refuses_editing_someone_elses_statement(workshop, bob, position):
    response = as_participant(bob).patch(
        url(workshop, f"statements/{position.pk}/"), {"text": "Mine now.", "expected_version": 1}, format="json"
    )
    assert_error(response, 403, "not_allowed")


def test_it_withdraws_ones_own_statement(workshop, alice, position):
    response = as_participant(alice).post(url(workshop, f"statements/{position.pk}/withdraw/"))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_it_does_not_find_statements_of_another_workshop(workshop, alice, make_workshop):
    other = make_workshop()
    carol = join_workshop(other, "Carol")
    foreign = add_statement(carol, other.root(), Statement.Kind.POSITION, "Elsewhere.")
    assert_error(as_participant(alice).get(url(workshop, f"statements/{foreign.pk}/")), 404, "not_found")
    response = as_participant(alice).post(
        url(workshop, "statements/"),
        {"kind": "claim", "parent": foreign.pk, "relation": "supports", "text": "Across."},
        format="json",
    )
    assert_error(response, 404, "not_found")


def test_it_pages_statements_in_id_order(workshop, alice):
    root = workshop.root()
    for n in range(7):
        add_statement(alice, root, Statement.Kind.POSITION, f"Position number {n}.")
    client = as_participant(alice)
    page = client.get(url(workshop, "statements/") + "?limit=3").json()
    ids = [s["id"] for s in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [s["id"] for s in page["results"]]
    assert ids == sorted(ids) == list(Statement.objects.filter(workshop=workshop).values_list("id", flat=True))
    assert_error(client.get(url(workshop, "statements/") + "?cursor=garbage"), 404, "not_found")


def test_it_rate_limits_statements_with_429_and_stores_nothing(workshop, alice, settings):
    settings.RATE_LIMITS = {"statement": (2, 300)}
    client = as_participant(alice)
    for n in range(2):
        body = {"kind": "position", "text": f"Quick thought {n}."}
        assert client.post(url(workshop, "statements/"), body, format="json").status_code == 201
    count = Statement.objects.count()
    response = client.post(url(workshop, "statements/"), {"kind": "position", "text": "One more."}, format="json")
    assert_error(response, 429, "rate_limited")
    assert Statement.objects.count() == count


# --- Relations ------------------------------------------------------------------------------------


def test_it_links_a_second_parent_and_refuses_duplicates(workshop, alice, bob, position, claim):
    other = add_statement(bob, workshop.root(), Statement.Kind.POSITION, "Keep it national.")
    client = as_participant(alice)
    body = {"source": claim.pk, "target": other.pk, "kind": "opposes"}
    response = client.post(url(workshop, "relations/"), body, format="json")
    assert response.status_code == 201, response.content
    assert Relation.objects.filter(source=claim, target=other, kind="opposes").exists()
    assert_error(client.post(url(workshop, "relations/"), body, format="json"), 409, "conflict")
    listed = {(r["source"], r["target"]) for r in client.get(url(workshop, "relations/")).json()["results"]}
    assert (claim.pk, other.pk) in listed and (claim.pk, position.pk) in listed


def test_it_refuses_a_self_link(workshop, alice, claim):
    response = as_participant(alice).post(
        url(workshop, "relations/"), {"source": claim.pk, "target": claim.pk, "kind": "supports"}, format="json"
    )
    assert_error(response, 400, "invalid", "parent")


# --- Votes ----------------------------------------------------------------------------------------


def test_it_casts_changes_and_retracts_a_vote(workshop, alice, claim):
    client = as_participant(alice)
    body = {"kind": "agreement", "statement": claim.pk, "value": 2}
    assert client.post(url(workshop, "votes/"), body, format="json").json()["value"] == 2
    assert client.post(url(workshop, "votes/"), {**body, "value": -1}, format="json").status_code == 200
    assert Vote.objects.get(participant=alice, statement=claim).value == -1
    assert [v["value"] for v in client.get(url(workshop, "votes/")).json()["results"]] == [-1]
    response = client.post(url(workshop, "votes/retract/"), {"kind": "agreement", "statement": claim.pk}, format="json")
    assert response.status_code == 204
    assert not Vote.objects.filter(participant=alice).exists()
    verbs = list(Event.objects.filter(workshop=workshop, actor=alice).values_list("verb", flat=True))
    assert verbs[-3:] == ["vote.cast", "vote.cast", "vote.retracted"]


def test_it_casts_a_strength_vote_on_a_relation(workshop, alice, claim):
    relation = Relation.objects.get(source=claim)
    response = as_participant(alice).post(
        url(workshop, "votes/"), {"kind": "strength", "relation": relation.pk, "value": 4}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Vote.objects.get(relation=relation).value == 4


def test_it_refuses_votes_out_of_range_or_when_closed(workshop, alice, claim):
    client = as_participant(alice)
    body = {"kind": "agreement", "statement": claim.pk, "value": 3}
    assert_error(client.post(url(workshop, "votes/"), body, format="json"), 400, "invalid", "value")
    set_phase(workshop, Phase.CLOSED)
    body["value"] = 1
    assert_error(client.post(url(workshop, "votes/"), body, format="json"), 403, "wrong_phase")
    assert not Vote.objects.exists()


def test_it_refuses_retracting_a_vote_that_does_not_exist(workshop, alice, claim):
    response = as_participant(alice).post(
        url(workshop, "votes/retract/"), {"kind": "agreement", "statement": claim.pk}, format="json"
    )
    assert_error(response, 404, "not_found")


# --- Annotations and documents --------------------------------------------------------------------


def test_it_comments_and_replies_on_a_statement(workshop, alice, bob, claim):
    response = as_participant(alice).post(
        url(workshop, "annotations/"), {"kind": "comment", "statement": claim.pk, "text": "Source?"}, format="json"
    )
    assert response.status_code == 201, response.content
    first = response.json()["id"]
    reply = as_participant(bob).post(
        url(workshop, "annotations/"),
        {"kind": "comment", "statement": claim.pk, "text": "See the report.", "parent": first},
        format="json",
    )
    assert reply.status_code == 201 and reply.json()["parent"] == first
    listed = as_participant(bob).get(url(workshop, "annotations/") + f"?statement={claim.pk}").json()["results"]
    assert [a["text"] for a in listed] == ["Source?", "See the report."]


def test_an_author_withdraws_their_own_comment_and_no_one_elses(workshop, alice, bob, claim):
    mine = annotate(alice, "comment", "Second thoughts.", statement=claim)
    assert_error(as_participant(bob).delete(url(workshop, f"annotations/{mine.pk}/")), 403, "not_allowed")
    assert as_participant(alice).delete(url(workshop, f"annotations/{mine.pk}/")).status_code == 204
    assert Annotation.objects.get(pk=mine.pk).is_hidden
    seen = {a["id"] for a in as_participant(bob).get(url(workshop, "annotations/")).json()["results"]}
    assert mine.pk not in seen


def test_an_author_changes_their_own_comment_and_no_one_elses(workshop, alice, bob, claim):
    mine = annotate(alice, "comment", "Second thoughts.", statement=claim)
    path = url(workshop, f"annotations/{mine.pk}/")
    assert_error(as_participant(bob).patch(path, {"text": "Bob's words"}, format="json"), 403, "not_allowed")
    assert_error(as_participant(alice).patch(path, {"text": "  "}, format="json"), 400, "invalid", "text")
    changed = as_participant(alice).patch(path, {"text": "Third thoughts."}, format="json")
    assert changed.status_code == 200
    assert changed.json()["text"] == "Third thoughts." and changed.json()["edited_at"]
    seen = as_participant(bob).get(path).json()
    assert (seen["text"], seen["edited_at"]) == ("Third thoughts.", changed.json()["edited_at"])
    assert Event.objects.filter(verb="annotation.edited").count() == 1


def test_it_keeps_other_peoples_flags_and_hidden_comments_from_participants(workshop, alice, bob, claim):
    flag = annotate(alice, "flag", "Off topic.", statement=claim)
    hidden = annotate(alice, "comment", "Rude words.", statement=claim)
    Annotation.objects.filter(pk=hidden.pk).update(is_hidden=True)
    seen = {a["id"] for a in as_participant(bob).get(url(workshop, "annotations/")).json()["results"]}
    assert flag.pk not in seen and hidden.pk not in seen
    assert_error(as_participant(bob).get(url(workshop, f"annotations/{flag.pk}/")), 404, "not_found")
    mine = {a["id"] for a in as_participant(alice).get(url(workshop, "annotations/")).json()["results"]}
    assert {flag.pk, hidden.pk} <= mine


def test_it_highlights_a_passage_of_a_document_and_refuses_a_missing_quote(workshop, alice):
    document = SourceDocument.objects.create(workshop=workshop, title="Report", text="Trust grows with openness.")
    client = as_participant(alice)
    documents = client.get(url(workshop, "documents/")).json()["results"]
    assert [d["title"] for d in documents] == ["Report"]
    assert client.get(url(workshop, f"documents/{document.pk}/")).json()["text"] == document.text
    body = {"kind": "highlight", "document": document.pk, "quote_exact": "grows with"}
    assert client.post(url(workshop, "annotations/"), body, format="json").status_code == 201
    body["quote_exact"] = "not in the text"
    assert_error(client.post(url(workshop, "annotations/"), body, format="json"), 400, "invalid", "quote_exact")
    assert Annotation.objects.filter(document=document).count() == 1


# --- Events ---------------------------------------------------------------------------------------


def test_it_pages_events_since_an_id_without_gaps_or_duplicates(workshop, alice, claim):
    client = as_participant(alice)
    seen, since = [], 0
    while True:
        page = client.get(url(workshop, "events/") + f"?since={since}&limit=2").json()
        seen += [e["id"] for e in page["results"]]
        since = page["last_id"]
        if not page["has_more"]:
            break
    assert seen == list(Event.objects.filter(workshop=workshop).values_list("id", flat=True))
    empty = client.get(url(workshop, "events/") + f"?since={since}").json()
    assert empty == {"results": [], "last_id": since, "has_more": False}


def test_it_shows_event_payloads_to_moderators_only(workshop, alice, claim, moderator_user):
    event = client_events = as_participant(alice).get(url(workshop, "events/")).json()["results"][-1]
    assert event["verb"] == "statement.added" and event["payload"] is None and event["actor"] is None
    assert event["statement"] == claim.pk
    moderator = APIClient()
    moderator.force_authenticate(moderator_user)
    full = moderator.get(url(workshop, "events/")).json()["results"]
    added = [e for e in full if e["verb"] == "statement.added"][-1]
    assert added["payload"]["kind"] == "claim" and added["actor"] is not None
    assert client_events


def test_it_refuses_a_bad_since(workshop, alice):
    assert_error(as_participant(alice).get(url(workshop, "events/") + "?since=-4"), 400, "invalid", "since")


@pytest.mark.parametrize("path", ["statements/", "relations/", "votes/", "annotations/", "documents/", "events/"])
def test_it_asks_anonymous_readers_to_authenticate(workshop, path):
    assert_error(APIClient().get(url(workshop, path)), 401, "not_authenticated")


@pytest.mark.parametrize("path", ["statements/", "relations/", "annotations/", "events/", "participants/"])
def test_it_reads_lists_in_a_constant_number_of_queries(workshop, alice, bob, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_participant(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(workshop, path)).status_code == 200
        return len(queries)

    small = count()
    root = workshop.root()
    for n in range(15):
        statement = add_statement(bob if n % 2 else alice, root, Statement.Kind.POSITION, f"Position {n}.")
        annotate(alice, "comment", f"Comment {n}.", statement=statement)
        join_workshop(workshop, f"Guest {n}")
    assert count() == small
