"""Undoing a merge: the statement stands again with its own links, votes and comments (and the
replies added since), taken back from the one it went into; what the merge had to fold stays folded."""

import pytest

from deliberation.domain import (
    InvalidInput,
    NotAllowed,
    add_statement,
    annotate,
    cast_vote,
    join_workshop,
    link_statements,
    merge_statements,
    move_statement,
    unmerge_statement,
)
from deliberation.models import Annotation, Event, Relation, Statement, Vote
from tests.test_api_moderation import participant_client, user_client
from tests.test_moderation_merge import age

pytestmark = pytest.mark.django_db
Status = Statement.Status


def pairs(workshop) -> set:
    return set(Relation.objects.filter(workshop=workshop).values_list("source_id", "target_id", "kind"))


def test_it_gives_the_duplicate_back_what_was_its_own(workshop, mod, position, twin, alice, bob):
    carol = join_workshop(workshop, "Carol")
    own = add_statement(bob, twin, "claim", "Secrecy slows research.", relation="supports")
    age(cast_vote(alice, "agreement", 2, statement=position), 10)
    cast_vote(alice, "agreement", -1, statement=twin)  # on both: folded into one vote by the merge
    cast_vote(carol, "agreement", 1, statement=twin)  # only on the duplicate
    comment = annotate(alice, "comment", "Open to whom?", statement=twin)
    before = pairs(workshop)
    Statement.objects.filter(pk=twin.pk).update(moderation_reason="")

    merge_statements(mod, twin, position, reason="same idea")
    reply = annotate(
        bob, "comment", "To every partner.", statement=position, parent=Annotation.objects.get(pk=comment.pk)
    )
    unmerge_statement(mod, Statement.objects.get(pk=twin.pk), reason="not the same after all")

    twin.refresh_from_db()
    assert (twin.status, twin.merged_into_id, twin.moderation_reason) == (Status.VISIBLE, None, "")
    assert pairs(workshop) == before  # its answer to the question and its reason are back
    assert Relation.objects.filter(source=own, target=twin).exists()
    assert list(Vote.objects.filter(statement=twin).values_list("participant_id", "value")) == [(carol.pk, 1)]
    assert dict(Vote.objects.filter(statement=position).values_list("participant_id", "value")) == {alice.pk: -1}
    assert set(Annotation.objects.filter(statement=twin).values_list("pk", flat=True)) == {comment.pk, reply.pk}
    event = Event.objects.get(verb="statement.unmerged")
    assert (event.statement_id, event.payload["survivor_id"], event.payload["reason"]) == (
        twin.pk,
        position.pk,
        "not the same after all",
    )
    assert (event.payload["restored_votes"], event.payload["restored_annotations"]) == (1, 2)
    assert event.payload["restored_links"] == 2 and event.payload["links_left_out"] == []
    assert (event.payload["before"], event.payload["after"]) == (Status.MERGED, Status.VISIBLE)


def test_it_restores_a_chain_the_merge_had_cut_to_avoid_a_circle(workshop, mod, position, alice, bob):
    claim = add_statement(alice, position, "claim", "Cooperation pays off.", relation="supports")
    dup = add_statement(alice, position, "claim", "A chain of reasons.", relation="supports")
    child = add_statement(bob, dup, "claim", "A reason for the chain.", relation="supports")
    link_statements(alice, claim, child, "supports")  # claim → child → dup → position
    before = pairs(workshop)
    merge_statements(mod, dup, claim)
    assert pairs(workshop) != before
    unmerge_statement(mod, Statement.objects.get(pk=dup.pk))
    assert pairs(workshop) == before


def test_a_link_a_moderator_moved_since_stays_where_they_put_it(workshop, mod, position, twin, bob, alice):
    own = add_statement(bob, twin, "claim", "Secrecy slows research.", relation="supports")
    elsewhere = add_statement(alice, workshop.root(), "position", "Keep research at home.")
    merge_statements(mod, twin, position)
    move_statement(mod, Statement.objects.get(pk=own.pk), elsewhere, "opposes")
    unmerge_statement(mod, Statement.objects.get(pk=twin.pk))
    assert list(Relation.objects.filter(source=own).values_list("target_id", "kind")) == [(elsewhere.pk, "opposes")]


def test_a_link_to_a_statement_merged_since_goes_to_what_it_became(workshop, mod, position, alice, bob):
    dup = add_statement(alice, position, "claim", "Shared labs cost less.", relation="supports")
    kept = add_statement(bob, position, "claim", "Labs shared cost less.", relation="supports")
    merge_statements(mod, dup, kept)  # dup → position is dropped: kept → position already says it
    larger = add_statement(bob, workshop.root(), "position", "We should cooperate openly, and widely.")
    merge_statements(mod, Statement.objects.get(pk=position.pk), larger)
    unmerge_statement(mod, Statement.objects.get(pk=dup.pk))
    assert list(Relation.objects.filter(source=dup).values_list("target_id", flat=True)) == [larger.pk]


def test_it_refuses_what_it_cannot_undo_and_changes_nothing(workshop, mod, position, twin, alice):
    with pytest.raises(InvalidInput, match="not merged"):
        unmerge_statement(mod, twin)
    merge_statements(mod, twin, position)
    merged = Statement.objects.get(pk=twin.pk)
    with pytest.raises(NotAllowed):
        unmerge_statement(alice, merged)
    event = Event.objects.get(verb="statement.merged")
    del event.payload["restorable"]  # a merge recorded before undoing was possible
    event.save(update_fields=["payload"])
    with pytest.raises(InvalidInput, match="before merges could be undone"):
        unmerge_statement(mod, merged)
    assert Statement.objects.get(pk=twin.pk).status == Status.MERGED
    assert not Event.objects.filter(verb="statement.unmerged").exists()


def test_the_merged_statements_page_undoes_it_and_the_merge_page_points_there(workshop, mod, position, twin, client):
    client.force_login(workshop.owner)
    base = f"/moderate/w/{workshop.slug}"
    answer = client.post(f"{base}/merge/do", {"duplicate": twin.pk, "survivor": position.pk}, HTTP_HX_REQUEST="true")
    assert f'href="{base}/s/{twin.pk}/">Undo it on its page</a>' in answer.content.decode()
    page = client.get(f"{base}/s/{twin.pk}/").content.decode()
    assert f'hx-post="{base}/s/{twin.pk}/unmerge"' in page and "Undo the merge of #" in page
    assert 'data-verb="statement.merged"' in page  # its history shows the merge, logged on the other
    answer = client.post(f"{base}/s/{twin.pk}/unmerge", {"back": "statement", "reason": "x"}, HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert answer.status_code == 200 and "Undo the merge" not in body and "Merge undone" in body
    assert Statement.objects.get(pk=twin.pk).status == Status.VISIBLE
    again = client.post(f"{base}/s/{twin.pk}/unmerge", {"back": "statement"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 400 and "not merged into another" in again.content.decode()


def test_the_api_undoes_a_merge_for_moderators_only(workshop, mod, position, twin, alice):
    merge_statements(mod, twin, position)
    path = f"/api/v1/workshops/{workshop.slug}/statements/{twin.pk}/unmerge/"
    participant = participant_client(alice)
    assert participant.post(path, {"reason": "x"}, format="json").status_code == 404  # merged: not theirs to see
    answer = user_client(workshop.owner).post(path, {"reason": "x"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "visible"
    assert Statement.objects.get(pk=twin.pk).merged_into_id is None
