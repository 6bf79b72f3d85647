"""Loading a map: the outline's shape, and a query count that does not grow with the map."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.argument_map import load_argument_map
from deliberation.domain import add_statement, cast_vote, link_statements
from deliberation.models import Relation, Statement, Vote, Workshop


def _grow(workshop: Workshop, author, count: int) -> None:
    """Add `count` statements in bulk (positions, then claims under them) with some votes."""
    root = workshop.root()
    statements = [
        Statement(
            workshop=workshop,
            kind="position" if i < 5 else "claim",
            title=f"S{i}",
            text=f"Statement {i}",
            author=author,
        )
        for i in range(count)
    ]
    Statement.objects.bulk_create(statements)
    relations = []
    for i, statement in enumerate(statements):
        parent = root if i < 5 else statements[(i - 5) % 5 if i < 25 else i // 5]
        kind = "answers" if i < 5 else ("supports" if i % 2 else "opposes")
        relations.append(Relation(workshop=workshop, source=statement, target=parent, kind=kind))
    Relation.objects.bulk_create(relations)
    Vote.objects.bulk_create(
        Vote(workshop=workshop, participant=author, kind="agreement", statement=s, value=(i % 5) - 2)
        for i, s in enumerate(statements)
    )


def _queries_to_render(workshop, viewer) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        argument_map = load_argument_map(workshop, viewer)
        nodes = list(argument_map.walk())
    return len(captured.captured_queries), len(nodes)


def test_the_query_count_is_the_same_for_10_and_500_statements(make_workshop, django_assert_max_num_queries):
    small, large = make_workshop(), make_workshop()
    for workshop, size in ((small, 10), (large, 500)):
        _grow(workshop, workshop.participants.get(), size)
    small_queries, small_nodes = _queries_to_render(small, small.participants.get())
    large_queries, large_nodes = _queries_to_render(large, large.participants.get())
    assert (small_nodes, large_nodes) == (11, 501)
    assert small_queries == large_queries
    viewer = large.participants.get()
    with django_assert_max_num_queries(4):
        list(load_argument_map(large, viewer).walk())


def test_the_outline_puts_positions_first_and_supports_before_objections(workshop, position, claim, alice, bob):
    objection = add_statement(alice, position, Statement.Kind.CLAIM, "But it is risky.", relation="opposes")
    support = add_statement(alice, position, Statement.Kind.CLAIM, "And cheaper.", relation="supports")
    outline = load_argument_map(workshop, alice).outline()
    assert [child.statement for child in outline.children] == [position]
    assert [c.statement for c in outline.children[0].children] == [claim, support, objection]
    assert [c.stance for c in outline.children[0].children] == ["supports", "supports", "opposes"]


def test_a_statement_with_two_parents_is_shown_once_in_full(workshop, position, claim, alice):
    second = add_statement(alice, workshop.root(), Statement.Kind.POSITION, "Another answer")
    link_statements(alice, claim, second, "opposes")
    nodes = [node for node in load_argument_map(workshop, alice).walk() if node.statement == claim]
    assert sorted(node.repeated for node in nodes) == [False, True]


def test_tallies_and_my_votes_come_with_the_map(workshop, claim, alice, bob):
    cast_vote(alice, Vote.Kind.AGREEMENT, 2, statement=claim)
    cast_vote(bob, Vote.Kind.AGREEMENT, -1, statement=claim)
    argument_map = load_argument_map(workshop, alice)
    loaded = argument_map.statements[claim.pk]
    assert (loaded.agree_count, loaded.disagree_count, loaded.agreement_count) == (1, 1, 2)
    assert loaded.agreement_mean == pytest.approx(0.5)
    assert argument_map.my_vote("agreement", statement_id=claim.pk) == 2


def test_pending_statements_are_shown_only_to_their_author_and_moderators(make_workshop, moderator_user):
    from deliberation.domain import join_workshop

    workshop = make_workshop(premoderation=True)
    author, other = join_workshop(workshop, "Author"), join_workshop(workshop, "Other")
    pending = add_statement(author, workshop.root(), Statement.Kind.POSITION, "Held back")
    assert pending.pk in load_argument_map(workshop, author).statements
    assert pending.pk not in load_argument_map(workshop, other).statements
    assert pending.pk in load_argument_map(workshop, workshop.participants.get(user=moderator_user)).statements
