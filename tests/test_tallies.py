"""A statement's tally is computed three ways: annotated by the ORM (`tally_expressions`, the
reference), after a vote by one hand-written query (`statement_tally`), and for a whole map by one
grouped pass over the votes (`workshop_tallies`). All must say the same thing."""

import random

from deliberation.argument_map import load_argument_map
from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import TALLY_NAMES, Relation, Statement, Vote, statement_tally, tally_expressions


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


def test_the_tally_names_are_those_of_the_expressions():
    assert tuple(tally_expressions()) == TALLY_NAMES


def test_the_map_tallies_agree_with_the_orm_on_random_votes(workshop, make_workshop, position, claim):
    rng = random.Random(11)
    quiet = add_statement(join_workshop(workshop, "Quiet"), workshop.root(), Statement.Kind.POSITION, "No votes here")
    elsewhere = make_workshop()  # votes of another workshop must not count here
    other = add_statement(join_workshop(elsewhere, "Other"), elsewhere.root(), Statement.Kind.POSITION, "Elsewhere")
    link = claim.outgoing.get()
    for n in range(30):
        person = join_workshop(workshop, f"Voter {n}")
        outsider = join_workshop(elsewhere, f"Outsider {n}")
        cast_vote(outsider, Vote.Kind.AGREEMENT, rng.randint(-2, 2), statement=other)
        for statement in (position, claim):
            if rng.random() < 0.7:
                cast_vote(person, Vote.Kind.AGREEMENT, rng.randint(-2, 2), statement=statement)
            if rng.random() < 0.4:
                cast_vote(person, Vote.Kind.LENS_A, rng.randint(0, 4), statement=statement)
        if rng.random() < 0.6:
            cast_vote(person, Vote.Kind.STRENGTH, rng.randint(0, 4), relation=link)
    argument_map = load_argument_map(workshop)
    for statement in (position, claim, quiet):
        reference = Statement.objects.with_tallies().get(pk=statement.pk)
        shown = argument_map.statements[statement.pk]
        assert {name: getattr(shown, name) for name in TALLY_NAMES} == {
            name: getattr(reference, name) for name in TALLY_NAMES
        }
    reference = Relation.objects.with_strength().get(pk=link.pk)
    (shown,) = [relation for relation in argument_map.relations if relation.pk == link.pk]
    assert (shown.strength_count, shown.strength_mean) == (reference.strength_count, reference.strength_mean)
    assert shown.strength_count > 0 and argument_map.statements[quiet.pk].agreement_count == 0
