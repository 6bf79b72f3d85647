"""The tally after a vote comes from one hand-written query (`statement_tally`); the map's tallies
from the ORM (`tally_expressions`). Both must say the same thing."""

import random

from deliberation.domain import cast_vote, join_workshop
from deliberation.models import Statement, Vote, statement_tally, tally_expressions


def orm_tally(statement, viewer):
    row = Statement.objects.with_tallies().get(pk=statement.pk)
    figures = {name: getattr(row, name) for name in tally_expressions()}
    for kind in (Vote.Kind.AGREEMENT, Vote.Kind.LENS_A, Vote.Kind.LENS_B):
        own = Vote.objects.filter(statement=statement, participant=viewer, kind=kind).first()
        figures[f"my_{kind}"] = own.value if own else None
    return figures


def test_the_tally_query_agrees_with_the_orm_on_random_votes(workshop, position, claim):
    rng = random.Random(7)
    people = [join_workshop(workshop, f"Voter {n}") for n in range(25)]
    for person in people:
        for statement in (position, claim):
            if rng.random() < 0.8:
                cast_vote(person, Vote.Kind.AGREEMENT, rng.randint(-2, 2), statement=statement)
            for lens in (Vote.Kind.LENS_A, Vote.Kind.LENS_B):
                if rng.random() < 0.5:
                    cast_vote(person, lens, rng.randint(0, 4), statement=statement)
    for statement in (position, claim):
        for viewer in (people[0], people[3], people[17]):
            assert statement_tally(statement.pk, viewer.pk) == orm_tally(statement, viewer)
    counts = statement_tally(position.pk, None)
    assert counts["agreement_count"] == counts["agree_count"] + counts["disagree_count"] + counts["unsure_count"]
    assert counts["agreement_count"] == Vote.objects.filter(statement=position, kind=Vote.Kind.AGREEMENT).count()


def test_a_statement_without_votes_has_zero_counts_and_no_means(position, alice):
    assert statement_tally(position.pk, alice.pk) == {
        "agreement_count": 0,
        "agreement_mean": None,
        "agree_count": 0,
        "disagree_count": 0,
        "unsure_count": 0,
        "lens_a_mean": None,
        "lens_b_mean": None,
        "my_agreement": None,
        "my_lens_a": None,
        "my_lens_b": None,
    }
