"""Merging duplicates: votes, links, annotations and states move to the survivor, in one transaction."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from deliberation.domain import (
    InvalidInput,
    add_statement,
    annotate,
    cast_vote,
    focus_statement,
    hide_statement,
    join_workshop,
    link_statements,
    merge_statements,
    moderator_seat,
)
from deliberation.domain import merge as merge_module
from deliberation.models import Annotation, Event, Relation, Statement, Vote
from tests.seating import hold_seat

pytestmark = pytest.mark.django_db
Status = Statement.Status


def age(vote, minutes):
    Vote.objects.filter(pk=vote.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def test_it_keeps_one_vote_per_participant_the_latest(workshop, mod, position, twin, alice, bob):
    carol = join_workshop(workshop, "Carol")
    age(cast_vote(alice, "agreement", 2, statement=position), 10)
    cast_vote(alice, "agreement", -1, statement=twin)  # later: wins
    cast_vote(bob, "agreement", 1, statement=position)
    age(cast_vote(bob, "agreement", -2, statement=twin), 10)  # older: loses
    cast_vote(carol, "agreement", 0, statement=twin)  # only on the duplicate: moves
    cast_vote(carol, "lens_a", 3, statement=twin)

    merge_statements(mod, twin, position, reason="same idea")

    votes = {(v.participant_id, v.kind): v.value for v in Vote.objects.filter(statement=position)}
    assert votes == {
        (alice.pk, "agreement"): -1,
        (bob.pk, "agreement"): 1,
        (carol.pk, "agreement"): 0,
        (carol.pk, "lens_a"): 3,
    }
    assert not Vote.objects.filter(statement=twin).exists()
    tally = Statement.objects.with_tallies().get(pk=position.pk)
    assert (tally.agreement_count, tally.agree_count, tally.disagree_count, tally.unsure_count) == (3, 1, 1, 1)


def test_it_moves_links_without_duplicates_or_self_links(workshop, mod, position, twin, alice, bob):
    shared = add_statement(alice, position, "claim", "Shared labs are cheaper.", relation="supports")
    link_statements(bob, shared, twin, "supports")  # becomes a duplicate of shared→position
    own = add_statement(bob, twin, "claim", "Secrecy slows research.", relation="supports")  # moves
    back = add_statement(alice, position, "claim", "It depends on trust.", relation="opposes")
    strength_old = cast_vote(alice, "strength", 1, relation=Relation.objects.get(source=shared, target=twin))
    age(cast_vote(alice, "strength", 3, relation=Relation.objects.get(source=shared, target=position)), 10)

    merge_statements(mod, twin, position)

    pairs = list(Relation.objects.filter(workshop=workshop).values_list("source_id", "target_id"))
    assert len(pairs) == len(set(pairs))
    assert all(source != target for source, target in pairs)
    assert not Relation.objects.filter(source=twin).exists() and not Relation.objects.filter(target=twin).exists()
    assert Relation.objects.filter(source=own, target=position).exists()
    assert Relation.objects.filter(source=back, target=position).exists()
    kept = Relation.objects.get(source=shared, target=position)
    assert list(Vote.objects.filter(relation=kept).values_list("participant_id", "value")) == [(alice.pk, 1)]
    assert not Vote.objects.filter(pk=strength_old.pk, relation__source=shared, relation__target=twin).exists()
    event = Event.objects.get(verb="statement.merged")
    whys = sorted(d["why"] for d in event.payload["dropped_links"])
    assert whys == ["duplicate", "duplicate"]  # shared→twin, and twin→question (position already answers it)


def test_it_drops_a_link_that_would_make_a_circle(workshop, mod, position, alice, bob):
    claim = add_statement(alice, position, "claim", "Cooperation pays off.", relation="supports")
    twin = add_statement(bob, claim, "claim", "Cooperation pays off in the end.", relation="supports")
    merge_statements(mod, twin, claim)  # twin→claim would be a self-link
    assert not Relation.objects.filter(source=claim, target=claim).exists()

    dup = add_statement(alice, position, "claim", "A chain of reasons.", relation="supports")
    child = add_statement(bob, dup, "claim", "A reason for the chain.", relation="supports")
    link_statements(alice, claim, child, "supports")  # claim → child → dup → position
    merge_statements(mod, dup, claim)  # child→dup becomes child→claim, but claim already rests on child
    pairs = set(Relation.objects.filter(workshop=workshop).values_list("source_id", "target_id"))
    assert not ((child.pk, claim.pk) in pairs and (claim.pk, child.pk) in pairs)
    event = Event.objects.filter(verb="statement.merged").last()
    assert "circle" in [d["why"] for d in event.payload["dropped_links"]]


def test_it_moves_annotations(workshop, mod, position, twin, alice):
    comment = annotate(alice, "comment", "Good point", statement=twin)
    flag = annotate(alice, "flag", "Duplicate of the first", statement=twin)
    merge_statements(mod, twin, position)
    assert set(Annotation.objects.filter(statement=position).values_list("pk", flat=True)) == {comment.pk, flag.pk}


def test_it_makes_the_duplicate_point_at_the_survivor(workshop, mod, position, twin):
    focus_statement(mod, workshop, twin)
    merge_statements(mod, twin, position, reason="same")
    twin.refresh_from_db()
    workshop.refresh_from_db()
    assert (twin.status, twin.merged_into_id, twin.moderation_reason) == (Status.MERGED, position.pk, "same")
    assert workshop.focus_statement_id == position.pk
    event = Event.objects.get(verb="statement.merged")
    assert event.actor == mod and event.statement_id == position.pk and event.payload["reason"] == "same"
    assert event.payload["before"]["duplicate"]["status"] == "visible"


def test_it_flattens_earlier_merges(workshop, mod, position, twin, alice):
    third = add_statement(alice, workshop.root(), "position", "Openly cooperate, we should.")
    merge_statements(mod, third, twin)
    merge_statements(mod, twin, position)
    assert Statement.objects.get(pk=third.pk).merged_into_id == position.pk


def test_it_shows_a_pending_survivor_when_the_duplicate_was_visible(make_workshop, moderator_user):
    room = make_workshop(premoderation=True)
    mod = moderator_seat(room, moderator_user)
    dan = join_workshop(room, "Dan")
    visible = add_statement(mod, room.root(), "position", "Share everything.")
    pending = add_statement(dan, room.root(), "position", "Share everything, always.")
    assert pending.status == Status.PENDING
    merge_statements(mod, visible, pending)
    pending.refresh_from_db()
    assert pending.status == Status.VISIBLE


def test_it_keeps_a_pending_survivor_pending_for_a_pending_duplicate(make_workshop, moderator_user):
    room = make_workshop(premoderation=True)
    mod = moderator_seat(room, moderator_user)
    dan = join_workshop(room, "Dan")
    first = add_statement(dan, room.root(), "position", "Share everything.")
    second = add_statement(dan, room.root(), "position", "Share it all.")
    merge_statements(mod, second, first)
    first.refresh_from_db()
    assert first.status == Status.PENDING


def test_it_merges_a_hidden_duplicate_but_refuses_a_hidden_survivor(workshop, mod, position, twin):
    hide_statement(mod, twin, reason="spam")
    merge_statements(mod, twin, position)
    assert Statement.objects.get(pk=twin.pk).status == Status.MERGED

    third = add_statement(mod, workshop.root(), "position", "A third view.")
    hide_statement(mod, position)
    before = Event.objects.count()
    with pytest.raises(InvalidInput):
        merge_statements(mod, third, position)
    assert Statement.objects.get(pk=third.pk).status == Status.VISIBLE and Event.objects.count() == before


def test_it_refuses_mismatched_kinds_and_the_question(workshop, mod, position, claim):
    with pytest.raises(InvalidInput):
        merge_statements(mod, claim, position)
    with pytest.raises(InvalidInput):
        merge_statements(mod, position, workshop.root())
    with pytest.raises(InvalidInput):
        merge_statements(mod, position, position)


def test_it_refuses_participants(workshop, position, twin, alice):
    from deliberation.domain import NotAllowed

    with pytest.raises(NotAllowed):
        merge_statements(alice, twin, position)
    assert Statement.objects.get(pk=twin.pk).status == Status.VISIBLE


def test_it_rolls_everything_back_when_a_step_fails(workshop, mod, position, twin, alice, monkeypatch):
    """One transaction: a failure after votes and links have moved leaves nothing changed."""
    cast_vote(alice, "agreement", 2, statement=twin)
    annotate(alice, "comment", "Hm", statement=twin)
    child = add_statement(alice, twin, "claim", "A reason.", relation="supports")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge_module, "record", explode)
    with pytest.raises(RuntimeError):
        merge_statements(mod, twin, position)
    assert Vote.objects.get(participant=alice, kind="agreement").statement_id == twin.pk
    assert Annotation.objects.get(text="Hm").statement_id == twin.pk
    assert Relation.objects.filter(source=child, target=twin).exists()
    assert Statement.objects.get(pk=twin.pk).status == Status.VISIBLE
    assert not Event.objects.filter(verb="statement.merged").exists()


def test_a_link_to_the_merged_duplicate_leads_to_the_survivor(workshop, mod, position, twin, alice):
    merge_statements(mod, twin, position, reason="same")
    client = Client()
    hold_seat(client, alice)
    response = client.get(f"/w/{workshop.slug}/s/{twin.pk}/", follow=True)
    assert response.redirect_chain == [(f"/w/{workshop.slug}/s/{position.pk}/", 302)]
    body = response.content.decode()
    assert "We should cooperate openly." in body
    assert f"A moderator merged #{twin.pk} into this statement, #{position.pk}" in body  # not a silent move
    assert client.get(f"/w/{workshop.slug}/s/999999/").status_code == 404


def test_the_author_sees_where_their_merged_statement_went(workshop, mod, position, twin, bob):
    merge_statements(mod, twin, position)
    client = Client()
    hold_seat(client, bob)
    mine = client.get(f"/w/{workshop.slug}/me/").content.decode()
    assert f'<a href="/w/{workshop.slug}/s/{position.pk}/">into #{position.pk}</a>' in mine
