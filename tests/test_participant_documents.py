"""Source documents: highlights anchored by text-quote selectors, and passages used as evidence."""

import pytest

from deliberation.models import Annotation, SourceDocument, Statement
from deliberation.views.documents import anchor, segments

HX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Open science helps. Closed science protects. Open science helps again, later."


@pytest.fixture
def document(workshop):
    return SourceDocument.objects.create(workshop=workshop, title="Reading", citation="An essay", text=TEXT)


@pytest.fixture
def as_bob(client, bob):
    client.get(f"/resume/{bob.resume_token}")
    return client


def test_it_anchors_a_quote_by_its_surroundings():
    first = anchor(TEXT, "Open science helps")
    second = anchor(TEXT, "Open science helps", prefix="protects. ", suffix=" again")
    assert TEXT[slice(*first)] == TEXT[slice(*second)] == "Open science helps"
    assert first[0] == 0 and second[0] == TEXT.index("Open science helps again")
    assert anchor(TEXT, "not in the text") is None


def test_it_cuts_the_text_at_overlapping_marks():
    parts = segments("abcdef", [(1, 4, "x"), (3, 5, "y")])
    assert [(p.text, p.marks) for p in parts] == [
        ("a", []),
        ("bc", ["x"]),
        ("d", ["x", "y"]),
        ("e", ["y"]),
        ("f", []),
    ]


def test_it_lists_documents_and_renders_one_with_its_highlights(as_bob, workshop, bob, document):
    Annotation.objects.create(
        workshop=workshop,
        kind="highlight",
        author=bob,
        document=document,
        quote_exact="Closed science protects.",
        text="<b>key</b>",
    )
    assert "Reading" in as_bob.get(f"/w/{workshop.slug}/documents/").content.decode()
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    assert '<mark class="mark-highlight ' in body and ">Closed science protects.</mark>" in body
    assert "&lt;b&gt;key&lt;/b&gt;" in body


def test_it_saves_a_highlight_with_its_selector(as_bob, workshop, document):
    response = as_bob.post(
        f"/w/{workshop.slug}/documents/{document.pk}/highlight/",
        {"quote_exact": "Open science helps", "quote_prefix": "protects. ", "quote_suffix": " again", "text": "Note"},
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Highlight saved." in body and "<html" not in body
    highlight = Annotation.objects.get(kind="highlight")
    assert (highlight.quote_exact, highlight.quote_prefix, highlight.quote_suffix) == (
        "Open science helps",
        "protects. ",
        " again",
    )
    # Anchored to the second occurrence, as the selector says.
    assert "protects. <mark" in body


def test_it_saves_a_highlight_without_javascript(as_bob, workshop, document):
    response = as_bob.post(f"/w/{workshop.slug}/documents/{document.pk}/highlight/", {"quote_exact": "Closed science"})
    assert response.status_code == 302 and Annotation.objects.filter(kind="highlight").count() == 1


def test_it_refuses_a_passage_that_is_not_in_the_document(as_bob, workshop, document):
    for headers in ({}, HX):
        response = as_bob.post(
            f"/w/{workshop.slug}/documents/{document.pk}/highlight/", {"quote_exact": "Invented words"}, **headers
        )
        assert response.status_code == 400 and "not found in the document" in response.content.decode()
    assert not Annotation.objects.exists()


def test_it_turns_a_passage_into_evidence_for_a_statement(as_bob, workshop, document, position):
    response = as_bob.post(
        f"/w/{workshop.slug}/add/",
        {
            "parent": position.pk,
            "kind": "evidence",
            "relation": "supports",
            "text": "The essay says so.",
            "source_document": document.pk,
            "source_citation": "An essay",
            "source_quote": "Open science helps.",
        },
    )
    assert response.status_code == 302
    evidence = Statement.objects.get(text="The essay says so.")
    assert evidence.source_document == document and evidence.source_quote == "Open science helps."
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    assert 'class="mark-evidence ' in body and f"#{evidence.pk}" in body


def test_it_answers_404_for_another_workshops_document(as_bob, workshop, make_workshop):
    other = make_workshop()
    foreign = SourceDocument.objects.create(workshop=other, title="Elsewhere", text="Text")
    assert as_bob.get(f"/w/{workshop.slug}/documents/{foreign.pk}/").status_code == 404
    assert (
        as_bob.post(f"/w/{workshop.slug}/documents/{foreign.pk}/highlight/", {"quote_exact": "Text"}).status_code == 404
    )


def test_it_answers_htmx_with_the_document_fragments(as_bob, workshop, document):
    listing = as_bob.get(f"/w/{workshop.slug}/documents/", **HX)
    assert (
        listing.content.decode().lstrip().startswith('<section id="documents">')
        and "Reading" in listing.content.decode()
    )
    text = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/", **HX).content.decode()
    assert text.lstrip().startswith(f'<div id="document-{document.pk}-text"') and "<html" not in text
    assert "Closed science protects." in text
