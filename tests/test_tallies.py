"""A statement's tally is computed from its votes by the ORM (`tally_expressions`, the reference)
and kept as a running row (`StatementTally`) by triggers on the Vote table, which the vote's answer
(`statement_tally`) and the map (`workshop_tallies`) read. All must say the same thing, whatever
happens to the votes."""

import importlib
import random
import sqlite3

from django.db import connection

from deliberation.argument_map import load_argument_map
from deliberation.domain import add_statement, cast_vote, join_workshop, retract_vote
from deliberation.domain.merge import merge_statements
from deliberation.models import (
    TALLY_NAMES,
    TALLY_PARTS,
    Relation,
    Role,
    Statement,
    StatementTally,
    Vote,
    statement_tally,
    tally_expressions,
)

tally_migration = importlib.import_module("deliberation.migrations.0004_statement_tally")


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


def _assert_rows_match_votes(*statements):
    for statement in statements:
        reference = Statement.objects.with_tallies().get(pk=statement.pk)
        shown = statement_tally(statement.pk, None)
        assert {name: shown[name] for name in TALLY_NAMES} == {name: getattr(reference, name) for name in TALLY_NAMES}


def test_the_rows_follow_votes_cast_changed_retracted_moved_and_deleted(workshop, position, claim):
    rng = random.Random(5)
    owner = workshop.participants.get(role=Role.OWNER)
    other = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "A second way to answer")
    statements = [position, claim, other]
    people = [join_workshop(workshop, f"Voter {n}") for n in range(12)]
    kinds = [Vote.Kind.AGREEMENT, Vote.Kind.LENS_A, Vote.Kind.LENS_B]
    for _step in range(150):
        person, statement, kind = rng.choice(people), rng.choice(statements), rng.choice(kinds)
        low, high = Vote.RANGES[kind]
        if rng.random() < 0.2 and Vote.objects.filter(participant=person, statement=statement, kind=kind).exists():
            retract_vote(person, kind, statement=statement)
        else:
            cast_vote(person, kind, rng.randint(low, high), statement=statement)
    _assert_rows_match_votes(*statements)

    Vote.objects.filter(statement=claim, kind=Vote.Kind.AGREEMENT).update(value=2)  # a bulk change
    Vote.objects.filter(statement=other, kind=Vote.Kind.LENS_A).delete()  # a bulk delete
    _assert_rows_match_votes(*statements)

    merge_statements(owner, other, position)  # the votes move (or give way) to the survivor
    _assert_rows_match_votes(position, claim, other)
    assert not Vote.objects.filter(statement=other).exists()

    claim_id = claim.pk
    claim.delete()
    assert not StatementTally.objects.filter(statement_id=claim_id).exists()
    _assert_rows_match_votes(position, other)


def test_the_migration_fills_the_rows_of_votes_cast_before_it(workshop, position, claim):
    rng = random.Random(9)
    for n in range(20):
        person = join_workshop(workshop, f"Voter {n}")
        cast_vote(person, Vote.Kind.AGREEMENT, rng.randint(-2, 2), statement=rng.choice([position, claim]))
        cast_vote(person, Vote.Kind.LENS_B, rng.randint(0, 4), statement=position)
    before = {pk: statement_tally(pk, None) for pk in (position.pk, claim.pk)}
    StatementTally.objects.all().delete()
    assert statement_tally(position.pk, None)["agreement_count"] == 0
    with connection.cursor() as cursor:
        cursor.execute(tally_migration.BACKFILL)
    assert {pk: statement_tally(pk, None) for pk in (position.pk, claim.pk)} == before


def test_the_vote_adds_the_parts_the_triggers_add():
    """The vote's answer computes the row after the vote with `TALLY_PARTS`; the triggers write it
    with the migration's copy. A change to one without the other needs a migration."""
    assert TALLY_PARTS == tally_migration.PARTS
    assert tuple(TALLY_PARTS) == tuple(field.name for field in StatementTally._meta.fields[1:])


def test_the_sqlite_triggers_keep_the_same_rows():
    """The default embedded database gets the triggers in its own dialect: the same random changes
    leave the same rows as a recount of the votes."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE deliberation_vote (id INTEGER PRIMARY KEY, statement_id INTEGER, kind TEXT, value INTEGER)"
    )
    columns = ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in tally_migration.PARTS)
    db.execute(f"CREATE TABLE deliberation_statementtally (statement_id INTEGER PRIMARY KEY, {columns})")
    for statement in tally_migration.SQLITE:
        db.execute(statement)
    rng = random.Random(3)
    kinds = {"agreement": (-2, 2), "lens_a": (0, 4), "lens_b": (0, 4), "strength": (0, 4)}
    for _step in range(400):
        ids = [row[0] for row in db.execute("SELECT id FROM deliberation_vote")]
        choice = rng.random()
        if ids and choice < 0.2:
            db.execute("DELETE FROM deliberation_vote WHERE id = ?", (rng.choice(ids),))
        elif ids and choice < 0.5:
            kind = rng.choice(list(kinds))
            statement = None if kind == "strength" else rng.randint(1, 3)
            db.execute(
                "UPDATE deliberation_vote SET statement_id = ?, kind = ?, value = ? WHERE id = ?",
                (statement, kind, rng.randint(*kinds[kind]), rng.choice(ids)),
            )
        else:
            kind = rng.choice(list(kinds))
            statement = None if kind == "strength" else rng.randint(1, 3)
            db.execute(
                "INSERT INTO deliberation_vote (statement_id, kind, value) VALUES (?, ?, ?)",
                (statement, kind, rng.randint(*kinds[kind])),
            )
    sums = ", ".join(f"SUM({part.format(v='v')})" for part in tally_migration.PARTS.values())
    recount = db.execute(
        f"SELECT v.statement_id, {sums} FROM deliberation_vote v WHERE v.statement_id IS NOT NULL GROUP BY 1"  # noqa: S608
    ).fetchall()
    columns = ", ".join(tally_migration.PARTS)
    kept = db.execute(f"SELECT statement_id, {columns} FROM deliberation_statementtally")  # noqa: S608
    nonzero = [row for row in kept.fetchall() if any(row[1:])]
    assert sorted(nonzero) == sorted(row for row in recount if any(row[1:]))
    assert recount  # the random changes left votes to count
