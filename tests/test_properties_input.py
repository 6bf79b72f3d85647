"""Random and malformed input to the domain functions and to every importer: the only failure is a
readable error (a DomainError, a FormatError), and a refused call leaves no partial write."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.domain import (
    DomainError,
    add_statement,
    annotate,
    cast_vote,
    edit_annotation,
    join_workshop,
    link_statements,
)
from deliberation.formats import FORMATS, FormatError, import_file
from deliberation.models import Annotation, Event, Participant, Relation, Statement, Vote, Workshop

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "a" * 5000, "<script>alert(1)</script>", "\u202e\u200b", "🙂" * 50]),
)
words = st.one_of(
    st.sampled_from(["position", "claim", "evidence", "question", "supports", "opposes", "answers"]),
    st.text(max_size=20),
)
numbers = st.one_of(st.integers(-10, 10), st.text(max_size=5), st.none(), st.floats(allow_nan=True))


def counts() -> tuple:
    return tuple(
        model.objects.count() for model in (Workshop, Participant, Statement, Relation, Vote, Annotation, Event)
    )


def attempt(call) -> bool:
    """Run `call`; if it is refused, it must be with a DomainError and leave every table as it was."""
    before = counts()
    try:
        call()
    except DomainError as error:
        assert error.message and error.status in (400, 403, 404, 409, 429)
        assert counts() == before, "a refused call left rows behind"
        return False
    return True


@FAST
@given(kind=words, text=texts, relation=st.one_of(st.none(), words))
def test_it_adds_a_statement_or_refuses_cleanly(workshop, alice, position, kind, text, relation):
    attempt(lambda: add_statement(alice, position, kind, text, relation=relation))


@FAST
@given(kind=words, value=numbers)
def test_it_casts_a_vote_or_refuses_cleanly(workshop, alice, position, kind, value):
    attempt(lambda: cast_vote(alice, kind, value, statement=position))


@FAST
@given(relation=words)
def test_it_links_or_refuses_cleanly(workshop, alice, position, claim, relation):
    attempt(lambda: link_statements(alice, position, claim, relation))
    attempt(lambda: link_statements(alice, claim, position, relation))


@FAST
@given(kind=words | st.sampled_from(["comment", "question", "tag", "flag", "highlight"]), text=texts)
def test_it_annotates_or_refuses_cleanly(workshop, alice, position, kind, text):
    attempt(lambda: annotate(alice, kind, text, statement=position))


@FAST
@given(text=texts)
def test_it_changes_a_comment_or_refuses_cleanly(workshop, alice, position, text):
    comment = Annotation.objects.filter(author=alice, kind="comment").first()
    comment = comment or annotate(alice, "comment", "A first wording.", statement=position)
    before = Annotation.objects.get(pk=comment.pk).text
    if not attempt(lambda: edit_annotation(alice, comment, text)):
        assert Annotation.objects.get(pk=comment.pk).text == before


@FAST
@given(name=texts, anonymous=st.booleans())
def test_it_seats_a_participant_or_refuses_cleanly(workshop, name, anonymous):
    if attempt(lambda: join_workshop(workshop, name, anonymous=anonymous)):
        assert 0 < len(Participant.objects.order_by("-pk").first().display_name) <= 40


IMPORTABLE = sorted(key for key, chosen in FORMATS.items() if chosen.can_import)
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def malformed(key: str):
    """Bytes that look a little like the format (its own keys and markers) and bytes that do not."""
    import json

    shaped = json_like.map(lambda value: json.dumps(value).encode())
    markers = st.lists(
        st.sampled_from(["[", "]", "{", "}", "#", "<", ">", "+", "-", ":", "\n", "1.", "Pro:", "Con:", "===", ","]),
        max_size=30,
    ).map(lambda parts: "".join(parts).encode())
    return st.one_of(st.binary(max_size=400), st.text(max_size=200).map(str.encode), shaped, markers)


def test_it_has_importers_to_test():
    assert IMPORTABLE


@pytest.mark.parametrize("key", IMPORTABLE)
def test_it_imports_or_refuses_malformed_files_cleanly(key, moderator_user):
    @settings(
        max_examples=5 if key == "argdown" else 25,  # argdown parses in a node process
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(raw=malformed(key))
    def check(raw):
        before = counts()
        try:
            import_file(raw, key, moderator_user)
        except FormatError as error:
            assert str(error).strip()
            assert counts() == before, f"{key}: a refused import left rows behind"

    check()


def test_a_nul_character_is_refused_with_where_it_is_and_leaves_nothing(moderator_user):
    """PostgreSQL's text cannot hold NUL: a statement's is named; any other field's is still refused."""
    before = counts()
    with pytest.raises(FormatError, match=r"statement 1 \(.*\): the text holds a NUL character"):
        import_file(b"\x00", "argdown", moderator_user)  # the case the random search once found
    document = {
        "format": "deliberation",
        "version": 1,
        "workshop": {"title": "Map", "question": "Why?"},
        "participants": [{"ref": "P1", "name": "Ann\u0000", "role": "participant"}],
        "statements": [],
        "relations": [],
    }
    with pytest.raises(FormatError, match="cannot store, and nothing was imported"):
        import_file(json.dumps(document).encode(), "json", moderator_user)
    assert counts() == before
