"""Source documents: highlights anchored by text-quote selectors, and passages used as evidence."""

from html.parser import HTMLParser

import pytest

from deliberation.models import Annotation, SourceDocument, Statement
from deliberation.views.documents import anchor, segments

HX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Open science helps. Closed science protects. Open science helps again, later."


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


# Citing a passage that was pasted into the form, not selected with the mouse: the page's forms are
# submitted as a browser without JavaScript would submit them.


class Forms(HTMLParser):
    """The page's forms with their controls, in document order, as a browser sees them."""

    def __init__(self):
        super().__init__()
        self.forms, self.controls, self._form, self._textarea, self._button = [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {**attrs, "controls": [], "buttons": []}
            self.forms.append(self._form)
        elif tag in ("input", "textarea") and attrs.get("name"):
            control = {"tag": tag, **attrs, "value": attrs.get("value") or ""}
            self.controls.append(control)
            if self._form is not None:
                self._form["controls"].append(control)
            self._textarea = control if tag == "textarea" else None
        elif tag == "button" and self._form is not None:
            self._button = {**attrs, "label": ""}
            self._form["buttons"].append(self._button)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._button is not None:
            self._button["label"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button":
            self._button = None

    def fill(self, element_id: str, value: str) -> None:
        (control,) = [c for c in self.controls if c.get("id") == element_id]
        control["value"] = value

    def choose(self, name: str, value: str) -> None:
        for control in self.controls:
            if control.get("type") == "radio" and control["name"] == name:
                control.pop("checked", None)
                if control["value"] == value:
                    control["checked"] = "checked"

    def submit(self, label: str) -> tuple[str, dict]:
        """The URL and body a click on the button labelled `label` sends (no JavaScript)."""
        for form in self.forms:
            for button in form["buttons"]:
                if button["label"].strip() == label:
                    data = {}
                    for c in form["controls"]:
                        if c.get("type") in ("radio", "checkbox") and "checked" not in c:
                            continue
                        data[c["name"]] = c["value"]
                    return button.get("formaction") or form["action"], data
        raise AssertionError(f"no button {label!r}")


def page_forms(client, workshop, document) -> Forms:
    forms = Forms()
    forms.feed(client.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode())
    return forms


def test_it_keeps_a_pasted_passage_as_the_quote_of_the_evidence(as_bob, workshop, document, position):
    forms = page_forms(as_bob, workshop, document)
    forms.fill("quote-exact", "Closed science protects.")
    forms.fill("quote-parent", str(position.pk))
    forms.choose("relation", "supports")
    forms.fill("quote-text", "The essay says so.")
    url, data = forms.submit("Add to the map")

    response = as_bob.post(url, data)

    assert response.status_code == 302
    evidence = Statement.objects.get(text="The essay says so.")
    assert (evidence.kind, evidence.source_document, evidence.source_quote) == (
        Statement.Kind.EVIDENCE,
        document,
        "Closed science protects.",
    )
    # Anchored in the text like a selected passage.
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    assert '<mark class="mark-evidence " title="Evidence #' in body and ">Closed science protects.</mark>" in body


def test_it_keeps_a_pasted_passage_that_is_not_in_the_text_as_a_plain_quote(as_bob, workshop, document, position):
    forms = page_forms(as_bob, workshop, document)
    forms.fill("quote-exact", "  Words from another edition.\n")
    forms.fill("quote-parent", f"#{position.pk}")
    forms.choose("relation", "opposes")
    forms.fill("quote-text", "Another edition disagrees.")

    response = as_bob.post(*forms.submit("Add to the map"))

    assert response.status_code == 302
    evidence = Statement.objects.get(text="Another edition disagrees.")
    assert evidence.source_quote == "Words from another edition." and evidence.source_document == document
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    assert "mark-evidence" not in body and f"#{evidence.pk} " in body  # listed, but not marked


def test_the_same_pasted_passage_can_be_highlighted_without_javascript(as_bob, workshop, document, position):
    forms = page_forms(as_bob, workshop, document)
    forms.fill("quote-exact", "Open science helps again")
    forms.fill("highlight-note", "Worth reading")
    url, data = forms.submit("Highlight")

    response = as_bob.post(url, data)

    assert url.endswith("/highlight/") and response.status_code == 302
    highlight = Annotation.objects.get(kind="highlight")
    assert (highlight.quote_exact, highlight.text) == ("Open science helps again", "Worth reading")
    assert not Statement.objects.filter(kind=Statement.Kind.EVIDENCE).exists()


def test_a_refused_highlight_keeps_the_pasted_passage_in_the_form(as_bob, workshop, document):
    forms = page_forms(as_bob, workshop, document)
    forms.fill("quote-exact", "Invented words")
    response = as_bob.post(*forms.submit("Highlight"))
    assert response.status_code == 400 and ">Invented words</textarea>" in response.content.decode()


@pytest.mark.browser
def test_a_pasted_passage_becomes_the_quote_in_the_browser(workshop, position, live_server_url, page):
    from tests.test_browser_participant import join

    document = SourceDocument.objects.create(workshop=workshop, title="Reading", citation="An essay", text=TEXT)
    join(page, live_server_url, workshop, "Paster")
    page.goto(f"{live_server_url}/w/{workshop.slug}/documents/{document.pk}/")
    page.fill("#quote-exact", "Closed science protects.")  # typed or pasted: no selection in the text
    page.fill("#quote-parent", str(position.pk))
    page.check("input[name=relation][value=supports]")
    page.fill("#quote-text", "The essay says so.")
    page.click("text=Add to the map")
    page.wait_for_selector("text=Added to the map.")

    evidence = Statement.objects.get(text="The essay says so.")
    assert (evidence.source_document_id, evidence.source_quote) == (document.pk, "Closed science protects.")
