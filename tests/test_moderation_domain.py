"""Moderation domain functions: each checks the actor, writes once and logs before, after and reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation import domain
from deliberation.domain import (
    Conflict,
    InvalidInput,
    NotAllowed,
    add_statement,
    annotate,
    join_workshop,
    moderator_seat,
)
from deliberation.models import Event, Participant, Phase, Relation, Role, Statement, Workshop

pytestmark = pytest.mark.django_db
Status = Statement.Status


def last_event(verb):
    return Event.objects.filter(verb=verb).latest("id")


def test_it_moves_phases_freely_and_logs_each(workshop, mod):
    for phase in (Phase.VOTE, Phase.CLOSED, Phase.CONTRIBUTE, Phase.DRAFT):
        domain.set_phase(mod, workshop, phase, reason="agenda")
        assert Workshop.objects.get(pk=workshop.pk).phase == phase == workshop.phase
    event = last_event("workshop.phase_changed")
    assert (event.payload["before"], event.payload["after"], event.payload["reason"]) == (
        "contribute",
        "draft",
        "agenda",
    )
    assert Event.objects.filter(verb="workshop.phase_changed").count() == 4


def test_it_enforces_the_phase_it_sets(workshop, mod, position, alice):
    domain.set_phase(mod, workshop, Phase.VOTE)
    alice.workshop.refresh_from_db()
    with pytest.raises(domain.PhaseError):
        add_statement(alice, Statement.objects.get(pk=position.pk), "claim", "Too late.", relation="supports")
    domain.cast_vote(alice, "agreement", 1, statement=Statement.objects.get(pk=position.pk))


def test_it_refuses_participants_everything(workshop, alice, position):
    calls = [
        lambda: domain.set_phase(alice, workshop, Phase.CLOSED),
        lambda: domain.focus_statement(alice, workshop, position),
        lambda: domain.set_timer(alice, workshop, 60),
        lambda: domain.rotate_join_code(alice, workshop),
        lambda: domain.set_moderation_note(alice, workshop, "hi"),
        lambda: domain.update_workshop(alice, workshop, title="Mine"),
        lambda: domain.hide_statement(alice, position),
        lambda: domain.lock_statement(alice, position),
        lambda: domain.rename_participant(alice, alice, "Queen"),
    ]
    before = Event.objects.count()
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    assert Event.objects.count() == before
    assert Workshop.objects.get(pk=workshop.pk).phase == Phase.CONTRIBUTE


def test_it_refuses_a_moderator_of_another_workshop(workshop, make_workshop, django_user_model, position):
    other_user = django_user_model.objects.create_user("other")
    other = make_workshop(owner=other_user)
    stranger = moderator_seat(other, other_user)
    with pytest.raises(NotAllowed):
        domain.hide_statement(stranger, position)
    with pytest.raises(NotAllowed):
        domain.set_phase(stranger, workshop, Phase.CLOSED)


def test_it_focuses_only_visible_statements_and_clears_focus_on_hide(workshop, mod, position):
    domain.focus_statement(mod, workshop, position)
    assert last_event("workshop.focus_changed").payload["after"] == position.pk
    domain.hide_statement(mod, position, reason="off topic")
    workshop.refresh_from_db()
    assert workshop.focus_statement_id is None
    with pytest.raises(InvalidInput):
        domain.focus_statement(mod, workshop, Statement.objects.get(pk=position.pk))


def test_it_runs_and_stops_a_timer(workshop, mod):
    domain.set_timer(mod, workshop, 300)
    left = (workshop.timer_ends_at - timezone.now()).total_seconds()
    assert 295 < left <= 300
    domain.set_timer(mod, workshop, None)
    assert Workshop.objects.get(pk=workshop.pk).timer_ends_at is None
    with pytest.raises(InvalidInput):
        domain.set_timer(mod, workshop, -5)


def test_it_rotates_and_expires_the_join_code_without_logging_it(workshop, mod, alice):
    old = workshop.join_code
    domain.rotate_join_code(mod, workshop, expires_at=timezone.now() + timedelta(hours=1))
    assert workshop.join_code != old and workshop.join_code_is_valid()
    with pytest.raises(domain.NotFound):
        domain.find_workshop_by_code(old)
    assert old not in str(last_event("workshop.join_code_rotated").payload)
    assert workshop.join_code not in str(last_event("workshop.join_code_rotated").payload)
    with pytest.raises(InvalidInput):
        domain.rotate_join_code(mod, workshop, rotate=False, expires_at=timezone.now() - timedelta(minutes=1))
    Workshop.objects.filter(pk=workshop.pk).update(join_code_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(domain.PhaseError):
        domain.find_workshop_by_code(workshop.join_code)


def test_it_updates_settings_and_the_question(workshop, mod):
    domain.update_workshop(mod, workshop, question="A better question?", premoderation=True, reason="clearer")
    assert workshop.root().text == "A better question?"
    event = last_event("workshop.updated")
    assert event.payload["after"] == {"question": "A better question?", "premoderation": True}
    assert event.payload["before"]["premoderation"] is False
    with pytest.raises(InvalidInput):
        domain.update_workshop(mod, workshop, pole_a="")
    with pytest.raises(InvalidInput):
        domain.update_workshop(mod, workshop, owner=None)


def test_it_approves_rejects_hides_and_restores(make_workshop, moderator_user):
    room = make_workshop(premoderation=True)
    mod = moderator_seat(room, moderator_user)
    dan = join_workshop(room, "Dan")
    first = add_statement(dan, room.root(), "position", "Open it all.")
    second = add_statement(dan, room.root(), "position", "Close it all.")
    assert first.status == second.status == Status.PENDING
    domain.approve_statement(mod, first)
    with pytest.raises(InvalidInput):
        domain.reject_statement(mod, second, reason="  ")
    domain.reject_statement(mod, second, reason="Please rephrase")
    second.refresh_from_db()
    assert (second.status, second.moderation_reason) == (Status.REJECTED, "Please rephrase")
    with pytest.raises(Conflict):
        domain.reject_statement(mod, second, reason="again")
    domain.hide_statement(mod, first, reason="spam")
    domain.restore_statement(mod, first)
    assert Statement.objects.get(pk=first.pk).status == Status.VISIBLE
    verbs = list(Event.objects.filter(statement=first).values_list("verb", flat=True))
    assert verbs == ["statement.added", "statement.approved", "statement.hidden", "statement.restored"]
    with pytest.raises(InvalidInput):
        domain.hide_statement(mod, room.root())


def test_it_locks_a_statement_against_participants(workshop, mod, position, alice, bob):
    domain.lock_statement(mod, position, reason="heated")
    with pytest.raises(NotAllowed):
        add_statement(bob, Statement.objects.get(pk=position.pk), "claim", "One more.", relation="supports")
    with pytest.raises(NotAllowed):
        domain.edit_statement(alice, Statement.objects.get(pk=position.pk), "Changed", 2)
    domain.unlock_statement(mod, position)
    assert [e.payload["after"] for e in Event.objects.filter(verb__in=["statement.locked", "statement.unlocked"])] == [
        True,
        False,
    ]


def test_it_moves_a_statement_and_refuses_circles(workshop, mod, position, claim, alice):
    other = add_statement(alice, workshop.root(), "position", "Another answer.")
    domain.move_statement(mod, claim, other, "opposes", reason="belongs there")
    assert list(Relation.objects.filter(source=claim).values_list("target_id", "kind")) == [(other.pk, "opposes")]
    event = last_event("statement.moved")
    assert event.payload["before"] == [{"parent": position.pk, "relation": "supports"}]
    below = add_statement(alice, claim, "evidence", "A study.", relation="supports", source_citation="Study 2020")
    with pytest.raises(InvalidInput):
        domain.move_statement(mod, claim, below, "supports")
    with pytest.raises(InvalidInput):
        domain.move_statement(mod, claim, workshop.root(), "supports")


def test_it_resolves_flags_and_hides_comments(workshop, mod, claim, alice):
    flag = annotate(alice, "flag", "Rude", statement=claim)
    comment = annotate(alice, "comment", "Off topic rant", statement=claim)
    domain.resolve_flag(mod, flag, reason="talked to them")
    domain.hide_annotation(mod, comment, reason="rant")
    flag.refresh_from_db(), comment.refresh_from_db()
    assert flag.resolved_at is not None and comment.is_hidden
    with pytest.raises(InvalidInput):
        domain.resolve_flag(mod, comment)


def test_it_renames_changes_roles_and_bans(workshop, mod, alice, bob, position):
    domain.rename_participant(mod, alice, "Alicia", reason="asked")
    with pytest.raises(Conflict):
        domain.rename_participant(mod, alice, "BOB")
    domain.set_participant_role(mod, bob, Role.OBSERVER)
    with pytest.raises(NotAllowed):
        domain.cast_vote(Participant.objects.get(pk=bob.pk), "agreement", 1, statement=position)
    domain.ban_participant(mod, Participant.objects.get(pk=alice.pk), hide_content=False, reason="trolling")
    assert Statement.objects.get(pk=position.pk).status == Status.VISIBLE  # content stays
    with pytest.raises(NotAllowed):
        domain.cast_vote(Participant.objects.get(pk=alice.pk), "agreement", 1, statement=position)
    domain.unban_participant(mod, alice)
    domain.ban_participant(mod, Participant.objects.get(pk=alice.pk), hide_content=True)
    assert Statement.objects.get(pk=position.pk).status == Status.HIDDEN
    assert last_event("participant.banned").payload["hidden_statements"] == [position.pk]


def test_it_keeps_moderators_and_owner_out_of_each_others_reach(workshop, mod, django_user_model, alice):
    helper = django_user_model.objects.create_user("helper")
    seat = domain.add_co_moderator(mod, workshop, "helper")
    assert seat.role == Role.MODERATOR and workshop.is_moderator(helper)
    with pytest.raises(NotAllowed):
        domain.ban_participant(seat, mod)
    with pytest.raises(NotAllowed):
        domain.set_participant_role(seat, alice, Role.MODERATOR)
    with pytest.raises(NotAllowed):
        domain.add_co_moderator(seat, workshop, "someone")
    domain.remove_co_moderator(mod, workshop, helper)
    assert not workshop.is_moderator(helper)
    assert Participant.objects.get(pk=seat.pk).role == Role.PARTICIPANT


def test_it_makes_a_participant_with_an_account_a_co_moderator(workshop, mod, django_user_model):
    user = django_user_model.objects.create_user("erin")
    seat = Participant.objects.create(workshop=workshop, display_name="Erin", user=user)
    domain.set_participant_role(mod, seat, Role.MODERATOR)
    assert workshop.is_moderator(user)


def test_it_copies_a_workshop_as_a_template(workshop, mod, position, claim, alice):
    domain.hide_statement(mod, claim)
    domain.cast_vote(alice, "agreement", 2, statement=position)
    bare = domain.duplicate_workshop(mod, workshop)
    assert bare.statements.count() == 1 and bare.phase == Phase.DRAFT and bare.owner == workshop.owner
    full = domain.duplicate_workshop(mod, workshop, with_statements=True)
    texts = set(full.statements.values_list("text", flat=True))
    assert position.text in texts and claim.text not in texts
    assert full.votes.count() == 0 and full.participants.count() == 1
    assert Relation.objects.filter(workshop=full, source__text=position.text, target__kind="question").exists()


def test_it_writes_the_note_everyone_sees(workshop, mod):
    domain.set_moderation_note(mod, workshop, "  Lunch at 12  ")
    assert Workshop.objects.get(pk=workshop.pk).moderation_note == "Lunch at 12"
    event = last_event("workshop.note_changed")
    assert (event.payload["before"], event.payload["after"], event.actor) == ("", "Lunch at 12", mod)
