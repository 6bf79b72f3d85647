"""The domain functions: every invariant refused with a clear error, every write one Event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.domain import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    PhaseError,
    add_statement,
    annotate,
    cast_vote,
    create_workshop,
    edit_statement,
    find_workshop_by_code,
    join_workshop,
    link_statements,
    retract_vote,
    withdraw_statement,
)
from deliberation.domain import votes as votes_module
from deliberation.models import Annotation, Event, Participant, Phase, Relation, Role, SourceDocument, Statement, Vote

Kind = Statement.Kind


def test_it_creates_a_workshop_with_its_question_and_owner_seat(moderator_user):
    workshop = create_workshop(moderator_user, "Title", "Which way?")
    root = workshop.root()
    assert (root.kind, root.text) == (Kind.QUESTION, "Which way?")
    assert workshop.participants.get().role == Role.OWNER
    assert workshop.phase == Phase.DRAFT
    assert len(workshop.join_code) == 10
    assert list(Event.objects.filter(workshop=workshop).values_list("verb", flat=True)) == ["workshop.created"]


def test_it_refuses_a_workshop_with_one_dilemma_pole(moderator_user):
    with pytest.raises(InvalidInput, match="both poles"):
        create_workshop(moderator_user, "Title", "Which way?", pole_a="Only one")


class TestJoin:
    def test_it_seats_a_participant_and_finds_the_workshop_by_a_typed_code(self, workshop):
        typed = workshop.display_join_code.lower().replace("-", " ")
        assert find_workshop_by_code(typed) == workshop
        person = join_workshop(workshop, "  Chidi   Anagonye ")
        assert person.display_name == "Chidi Anagonye"
        assert person.role == Role.PARTICIPANT and len(person.resume_token) >= 40

    def test_it_refuses_a_name_taken_in_another_case(self, workshop, alice):
        with pytest.raises(Conflict, match="already called"):
            join_workshop(workshop, "ALICE")
        assert Participant.objects.filter(workshop=workshop, display_name__iexact="alice").count() == 1

    def test_it_refuses_a_wrong_code(self, workshop):
        with pytest.raises(NotFound, match="No workshop has the code"):
            find_workshop_by_code("NOPE-NOPE")

    def test_it_refuses_an_expired_code(self, workshop):
        workshop.join_code_expires_at = timezone.now() - timedelta(minutes=1)
        workshop.save()
        with pytest.raises(PhaseError, match="expired"):
            find_workshop_by_code(workshop.join_code)
        with pytest.raises(PhaseError, match="expired"):
            join_workshop(workshop, "Late")

    @pytest.mark.parametrize(("phase", "message"), [(Phase.CLOSED, "closed"), (Phase.DRAFT, "not opened yet")])
    def test_it_refuses_joining_outside_open_phases(self, make_workshop, phase, message):
        with pytest.raises(PhaseError, match=message):
            join_workshop(make_workshop(phase=phase), "Someone")

    def test_it_gives_an_alias_in_anonymous_mode(self, make_workshop):
        person = join_workshop(make_workshop(anonymous_aliases=True), "Real Name")
        assert person.display_name != "Real Name" and " " in person.display_name

    @pytest.mark.parametrize("name", ["", "   ", "x" * 41])
    def test_it_refuses_empty_or_long_names(self, workshop, name):
        with pytest.raises(InvalidInput):
            join_workshop(workshop, name)


class TestAddStatement:
    def test_it_adds_a_claim_with_its_relation(self, position, bob):
        claim = add_statement(bob, position, Kind.CLAIM, "Because.", relation="opposes")
        relation = Relation.objects.get(source=claim)
        assert (relation.target, relation.kind) == (position, "opposes")
        assert claim.status == Statement.Status.VISIBLE and claim.title == "Because."

    def test_it_refuses_an_over_long_text(self, position, bob):
        with pytest.raises(InvalidInput, match="at most 500") as error:
            add_statement(bob, position, Kind.CLAIM, "x" * 501, relation="supports")
        assert error.value.field == "text"
        assert not Statement.objects.filter(text="x" * 501).exists()

    def test_it_refuses_an_empty_text(self, position, bob):
        with pytest.raises(InvalidInput, match="cannot be empty"):
            add_statement(bob, position, Kind.CLAIM, "   ", relation="supports")

    def test_it_refuses_new_statements_in_the_vote_phase(self, workshop, position, bob):
        workshop.phase = Phase.VOTE
        workshop.save()
        position.refresh_from_db()
        with pytest.raises(PhaseError, match="not open in the vote phase"):
            add_statement(bob, position, Kind.CLAIM, "Late idea", relation="supports")

    def test_it_lets_moderators_prepare_in_draft(self, make_workshop, moderator_user):
        workshop = make_workshop(phase=Phase.DRAFT)
        seat = workshop.participants.get(user=moderator_user)
        statement = add_statement(seat, workshop.root(), Kind.POSITION, "Seed position")
        assert statement.status == Statement.Status.VISIBLE

    def test_it_refuses_observers(self, workshop, position):
        observer = join_workshop(workshop, "Watcher")
        observer.role = Role.OBSERVER
        observer.save()
        with pytest.raises(NotAllowed, match="Observers"):
            add_statement(observer, position, Kind.CLAIM, "Hi", relation="supports")

    def test_it_holds_contributions_for_premoderation(self, make_workshop):
        workshop = make_workshop(premoderation=True)
        person = join_workshop(workshop, "Dana")
        statement = add_statement(person, workshop.root(), Kind.POSITION, "Wait for me")
        assert statement.status == Statement.Status.PENDING

    def test_it_requires_evidence_to_have_a_source(self, position, bob):
        with pytest.raises(InvalidInput, match="needs a source"):
            add_statement(bob, position, Kind.EVIDENCE, "A study shows it.", relation="supports")
        evidence = add_statement(
            bob,
            position,
            Kind.EVIDENCE,
            "A study shows it.",
            relation="supports",
            source_citation="Doe 2020",
            source_url="https://example.org/study",
            source_kind="study",
        )
        assert evidence.source_citation == "Doe 2020"

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/a", "nope"])
    def test_it_refuses_source_links_that_are_not_web_addresses(self, position, bob, url):
        before = Statement.objects.count()
        with pytest.raises(InvalidInput, match="http:// or https://"):
            add_statement(bob, position, Kind.EVIDENCE, "A study.", relation="supports", source_url=url)
        assert Statement.objects.count() == before

    def test_it_makes_positions_answer_the_question(self, workshop, position, bob):
        with pytest.raises(InvalidInput, match="answers the workshop's question"):
            add_statement(bob, position, Kind.POSITION, "Nested position", relation="supports")
        with pytest.raises(InvalidInput, match="not to the question"):
            add_statement(bob, workshop.root(), Kind.CLAIM, "Direct claim", relation="supports")

    def test_it_keeps_titles_unique(self, position, bob):
        first = add_statement(bob, position, Kind.CLAIM, "Same words", relation="supports")
        second = add_statement(bob, position, Kind.CLAIM, "Same words", relation="opposes")
        assert (first.title, second.title) == ("Same words", "Same words (2)")


class TestLink:
    def test_it_adds_a_second_parent(self, workshop, position, claim, alice):
        other = add_statement(alice, workshop.root(), Kind.POSITION, "Another answer")
        link = link_statements(alice, claim, other, "opposes")
        assert set(claim.outgoing.values_list("target_id", flat=True)) == {position.pk, other.pk}
        assert link.kind == "opposes"

    def test_it_refuses_a_self_link(self, claim, alice):
        with pytest.raises(InvalidInput, match="cannot support or oppose itself"):
            link_statements(alice, claim, claim, "supports")

    def test_it_refuses_a_link_across_workshops(self, make_workshop, claim, alice):
        other_workshop = make_workshop()
        other_seat = other_workshop.participants.get()
        foreign = add_statement(other_seat, other_workshop.root(), Kind.POSITION, "Elsewhere")
        with pytest.raises(InvalidInput, match="another workshop"):
            link_statements(alice, claim, foreign, "supports")
        assert not Relation.objects.filter(source=claim, target=foreign).exists()

    def test_it_refuses_a_duplicate_link(self, position, claim, alice):
        with pytest.raises(Conflict, match="already linked"):
            link_statements(alice, claim, position, "opposes")

    def test_it_refuses_a_cycle(self, claim, alice, bob):
        grandchild = add_statement(bob, claim, Kind.CLAIM, "Deeper", relation="supports")
        with pytest.raises(InvalidInput, match="circle"):
            link_statements(alice, claim, grandchild, "supports")


class TestVotes:
    def test_a_second_vote_updates_the_first(self, claim, alice):
        cast_vote(alice, Vote.Kind.AGREEMENT, 1, statement=claim)
        cast_vote(alice, Vote.Kind.AGREEMENT, -2, statement=claim)
        assert list(Vote.objects.filter(participant=alice).values_list("value", flat=True)) == [-2]

    @pytest.mark.parametrize(("kind", "value"), [("agreement", 3), ("agreement", -3), ("lens_a", 5), ("lens_b", -1)])
    def test_it_refuses_values_out_of_range(self, claim, alice, kind, value):
        with pytest.raises(InvalidInput, match="must be between"):
            cast_vote(alice, kind, value, statement=claim)
        assert not Vote.objects.exists()

    def test_it_takes_strength_on_links_and_retracts(self, claim, alice):
        link = claim.outgoing.get()
        cast_vote(alice, Vote.Kind.STRENGTH, 4, relation=link)
        assert Vote.objects.get(relation=link).value == 4
        retract_vote(alice, Vote.Kind.STRENGTH, relation=link)
        assert not Vote.objects.exists()
        with pytest.raises(NotFound):
            retract_vote(alice, Vote.Kind.STRENGTH, relation=link)

    @pytest.mark.parametrize("path", ["postgresql", "portable"])
    def test_each_vote_writes_its_row_and_one_event(self, claim, alice, path, monkeypatch):
        """PostgreSQL writes a vote and its event in one statement; other databases through the ORM
        in a transaction. Both must leave the same rows."""
        if path == "portable":
            monkeypatch.setattr(votes_module.connection, "vendor", "portable")
        link = claim.outgoing.get()
        first = cast_vote(alice, Vote.Kind.AGREEMENT, 1, statement=claim)
        again = cast_vote(alice, Vote.Kind.AGREEMENT, -2, statement=claim)
        strength = cast_vote(alice, Vote.Kind.STRENGTH, 3, relation=link)
        assert first.pk == again.pk != strength.pk
        rows = Vote.objects.filter(participant=alice).order_by("id")
        assert [(v.pk, v.kind, v.statement_id, v.relation_id, v.value) for v in rows] == [
            (first.pk, "agreement", claim.pk, None, -2),
            (strength.pk, "strength", None, link.pk, 3),
        ]
        assert all(v.created_at <= v.updated_at for v in rows)
        events = Event.objects.filter(verb="vote.cast").order_by("id")
        assert [(e.workshop_id, e.actor_id, e.actor_user_id, e.statement_id, e.payload) for e in events] == [
            (
                claim.workshop_id,
                alice.pk,
                None,
                claim.pk,
                {"kind": "agreement", "value": 1, "statement_id": claim.pk, "relation_id": None},
            ),
            (
                claim.workshop_id,
                alice.pk,
                None,
                claim.pk,
                {"kind": "agreement", "value": -2, "statement_id": claim.pk, "relation_id": None},
            ),
            (
                claim.workshop_id,
                alice.pk,
                None,
                claim.pk,
                {"kind": "strength", "value": 3, "statement_id": None, "relation_id": link.pk},
            ),
        ]

    def test_it_refuses_lens_votes_without_a_dilemma(self, make_workshop):
        workshop = make_workshop(pole_a="", pole_b="")
        person = join_workshop(workshop, "Eve")
        statement = add_statement(person, workshop.root(), Kind.POSITION, "Something")
        with pytest.raises(NotAllowed, match="does not take"):
            cast_vote(person, Vote.Kind.LENS_A, 2, statement=statement)

    def test_it_refuses_votes_when_closed(self, workshop, claim, alice):
        workshop.phase = Phase.CLOSED
        workshop.save()
        claim.refresh_from_db()
        with pytest.raises(PhaseError, match="closed"):
            cast_vote(alice, Vote.Kind.AGREEMENT, 1, statement=claim)


class TestEditAndWithdraw:
    def test_a_stale_edit_is_refused(self, claim, bob):
        edit_statement(bob, claim, "First edit", expected_version=1)
        with pytest.raises(Conflict, match="changed this statement while you were editing"):
            edit_statement(bob, claim, "Second edit from an old page", expected_version=1)
        claim.refresh_from_db()
        assert (claim.text, claim.version) == ("First edit", 2)

    def test_only_the_author_edits(self, claim, alice):
        with pytest.raises(NotAllowed, match="your own"):
            edit_statement(alice, claim, "Hijack", expected_version=1)

    def test_the_author_withdraws(self, claim, bob):
        withdraw_statement(bob, claim)
        claim.refresh_from_db()
        assert claim.status == Statement.Status.WITHDRAWN


class TestAnnotate:
    def test_replies_go_one_level_deep(self, claim, alice, bob):
        first = annotate(alice, Annotation.Kind.COMMENT, "Why?", statement=claim)
        reply = annotate(bob, Annotation.Kind.COMMENT, "Because.", statement=claim, parent=first)
        with pytest.raises(InvalidInput, match="one level deep"):
            annotate(alice, Annotation.Kind.COMMENT, "And then?", statement=claim, parent=reply)

    def test_a_highlight_must_quote_the_document(self, workshop, alice):
        document = SourceDocument.objects.create(workshop=workshop, title="Doc", text="Science is a shared good.")
        highlight = annotate(
            alice, Annotation.Kind.HIGHLIGHT, document=document, quote_exact="a shared good", quote_prefix="is "
        )
        assert highlight.quote_exact == "a shared good"
        with pytest.raises(InvalidInput, match="not found in the document"):
            annotate(alice, Annotation.Kind.HIGHLIGHT, document=document, quote_exact="not there")

    def test_a_flag_needs_a_reason(self, claim, alice):
        with pytest.raises(InvalidInput, match="reason cannot be empty"):
            annotate(alice, Annotation.Kind.FLAG, "", statement=claim)


def _events(workshop):
    return Event.objects.filter(workshop=workshop).count()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda w, a, s, other: join_workshop(w, "Zed"), id="join"),
        pytest.param(
            lambda w, a, s, other: add_statement(a, s, Kind.CLAIM, "New", relation="supports"), id="add_statement"
        ),
        pytest.param(lambda w, a, s, other: link_statements(a, s, other, "opposes"), id="link"),
        pytest.param(lambda w, a, s, other: cast_vote(a, Vote.Kind.AGREEMENT, 2, statement=s), id="cast_vote"),
        pytest.param(lambda w, a, s, other: annotate(a, Annotation.Kind.COMMENT, "Note", statement=s), id="annotate"),
        pytest.param(
            lambda w, a, s, other: edit_statement(s.author, s, "Edited", expected_version=s.version), id="edit"
        ),
    ],
)
def test_every_core_write_appends_exactly_one_event(workshop, alice, claim, write):
    other = add_statement(alice, workshop.root(), Kind.POSITION, "A second answer")
    before = _events(workshop)
    write(workshop, alice, claim, other)
    assert _events(workshop) - before == 1


def test_create_and_retract_each_append_one_event(moderator_user, workshop, alice, claim):
    cast_vote(alice, Vote.Kind.AGREEMENT, 1, statement=claim)
    before = _events(workshop)
    retract_vote(alice, Vote.Kind.AGREEMENT, statement=claim)
    assert _events(workshop) - before == 1
    assert Event.objects.filter(workshop=workshop).last().verb == "vote.retracted"


def test_a_failed_write_appends_no_event(workshop, claim, alice):
    before = _events(workshop)
    with pytest.raises(InvalidInput):
        add_statement(alice, claim, Kind.CLAIM, "", relation="supports")
    assert _events(workshop) == before
