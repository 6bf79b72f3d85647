"""The invariants the database itself holds, even against code that skips the domain layer."""

import pytest
from django.db import IntegrityError, transaction

from deliberation.models import Participant, Relation, Statement, Vote


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_the_database_refuses_a_self_link(workshop, claim):
    _violates(lambda: Relation.objects.create(workshop=workshop, source=claim, target=claim, kind="supports"))


def test_the_database_refuses_a_second_relation_for_a_pair(workshop, claim, position):
    _violates(lambda: Relation.objects.create(workshop=workshop, source=claim, target=position, kind="opposes"))


def test_the_database_refuses_unknown_kinds_and_statuses(workshop):
    _violates(lambda: Statement.objects.create(workshop=workshop, kind="rumour", title="a", text="a"))
    _violates(lambda: Statement.objects.create(workshop=workshop, kind="claim", status="lost", title="b", text="b"))
    _violates(lambda: Statement.objects.create(workshop=workshop, kind="claim", status="merged", title="c", text="c"))


@pytest.mark.parametrize(("kind", "value"), [("agreement", 3), ("agreement", -3), ("lens_a", 5), ("lens_b", -1)])
def test_the_database_refuses_votes_out_of_range(workshop, claim, alice, kind, value):
    _violates(
        lambda: Vote.objects.create(workshop=workshop, participant=alice, kind=kind, statement=claim, value=value)
    )


def test_the_database_keeps_one_vote_per_participant_target_and_kind(workshop, claim, alice):
    Vote.objects.create(workshop=workshop, participant=alice, kind="agreement", statement=claim, value=1)
    _violates(
        lambda: Vote.objects.create(workshop=workshop, participant=alice, kind="agreement", statement=claim, value=2)
    )


def test_the_database_refuses_a_strength_vote_on_a_statement(workshop, claim, alice):
    _violates(
        lambda: Vote.objects.create(workshop=workshop, participant=alice, kind="strength", statement=claim, value=2)
    )


def test_the_database_keeps_names_unique_regardless_of_case(workshop, alice):
    _violates(lambda: Participant.objects.create(workshop=workshop, display_name="aLiCe"))


def test_the_database_keeps_one_question_per_workshop(workshop):
    _violates(lambda: Statement.objects.create(workshop=workshop, kind="question", title="Q2", text="Another?"))
