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


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_the_map_loads_what_the_orm_would_for_every_viewer_and_status(make_workshop, moderator_user):
    """`load_argument_map` reads with hand-written queries; the ORM's `shown_to` is the reference
    for who sees which statement, and its rows (with authors and documents) for what is loaded."""
    from deliberation.domain import join_workshop
    from deliberation.models import SourceDocument

    workshop = make_workshop()
    author, other = join_workshop(workshop, "Author"), join_workshop(workshop, "Other")
    moderator = workshop.participants.get(user=moderator_user)
    document = SourceDocument.objects.create(workshop=workshop, title="Report", text="Trust grows with openness.")
    root = workshop.root()
    by_status = {}
    for status in Statement.Status.values:
        statement = add_statement(author, root, Statement.Kind.POSITION, f"A {status} position")
        merged_into = by_status["visible"] if status == "merged" else None
        Statement.objects.filter(pk=statement.pk).update(
            status=status, source_document=document, merged_into=merged_into
        )
        by_status[status] = statement
    orphan = add_statement(other, root, Statement.Kind.POSITION, "Its author left")
    Statement.objects.filter(pk=orphan.pk).update(author=None)
    claim = add_statement(other, by_status["visible"], Statement.Kind.CLAIM, "A reason", relation="supports")
    cast_vote(other, "agreement", 1, statement=claim)
    cast_vote(other, "strength", 3, relation=claim.outgoing.get())
    make_workshop().root()  # another workshop's statements never appear

    cases = [(None, False), (author, False), (other, False), (moderator, False), (None, True), (other, True)]
    for viewer, include_hidden in cases:
        argument_map = load_argument_map(workshop, viewer, include_hidden=include_hidden)
        reference = Statement.objects.in_workshop(workshop).select_related("author", "source_document")
        reference = reference.exclude(status="merged") if include_hidden else reference.shown_to(viewer)
        expected = {statement.pk: statement for statement in reference}
        assert set(argument_map.statements) == set(expected), (viewer, include_hidden)
        for pk, statement in argument_map.statements.items():
            assert _fields(statement) == _fields(expected[pk])
            assert (statement.author and _fields(statement.author)) == (
                expected[pk].author and _fields(expected[pk].author)
            )
            assert (statement.source_document and _fields(statement.source_document)) == (
                expected[pk].source_document and _fields(expected[pk].source_document)
            )
        links = Relation.objects.in_workshop(workshop).order_by("id")
        assert [_fields(r) for r in argument_map.relations] == [
            _fields(r) for r in links if r.source_id in expected and r.target_id in expected
        ]
    seen = {viewer: set(load_argument_map(workshop, viewer).statements) for viewer in (None, author, other, moderator)}
    assert by_status["pending"].pk in seen[author] and by_status["rejected"].pk in seen[author]
    assert by_status["pending"].pk not in seen[other] and by_status["hidden"].pk not in seen[author]
    assert by_status["merged"].pk not in seen[moderator] and by_status["hidden"].pk in seen[moderator]
    assert orphan.pk in seen[None] and load_argument_map(workshop).statements[orphan.pk].author is None
    assert load_argument_map(workshop, other).my_votes == {
        ("agreement", "statement", claim.pk): 1,
        ("strength", "relation", claim.outgoing.get().pk): 3,
    }
