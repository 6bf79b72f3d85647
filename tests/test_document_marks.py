"""The marks in a source document: a highlight and an evidence passage differ by more than their
background colour (WCAG 1.4.1), in words for screen readers, in line style and a statement number
for the eye, and a legend says which is which."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.domain import add_statement, annotate
from deliberation.models import Statement

HX = {"HTTP_HX_REQUEST": "true"}


def cite(author, parent, document, passage: str, text: str = "The essay says so.") -> Statement:
    return add_statement(
        author,
        parent,
        Statement.Kind.EVIDENCE,
        text,
        relation="supports",
        source_document=document,
        source_quote=passage,
    )


@pytest.fixture
def marked(workshop, bob, position, document):
    """One highlight and one evidence passage, apart from each other."""
    annotate(bob, "highlight", "Worth it", document=document, quote_exact="Closed science protects.")
    return cite(bob, position, document, "Open science helps.")


class Marks(HTMLParser):
    """The marks and links inside the document text, with their attributes and text."""

    def __init__(self):
        super().__init__()
        self.marks, self.links, self._depth, self._open = [], [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "document-text":
            self._depth = 1
        elif self._depth and tag in ("mark", "a"):
            self._open = {**attrs, "text": ""}
            (self.marks if tag == "mark" else self.links).append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag in ("mark", "a"):
            self._open = None
        elif tag == "div" and self._depth:
            self._depth = 0

    @classmethod
    def of(cls, html: str) -> "Marks":
        parser = cls()
        parser.feed(html)
        return parser


def test_it_names_a_highlight_and_an_evidence_mark_in_words(as_bob, workshop, bob, document, marked):
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    found = Marks.of(body)
    (evidence, highlight) = found.marks  # in the order of the text

    assert (highlight["class"].split(), highlight["text"]) == (["mark-highlight"], "Closed science protects.")
    assert highlight["title"] == "Highlight by Bob: Worth it"
    assert highlight["data-mark-start"] == "(Highlight by Bob: Worth it) "
    assert highlight["data-mark-end"] == " (end of highlight)"

    assert (evidence["class"].split(), evidence["text"]) == (["mark-evidence"], "Open science helps.")
    assert evidence["title"] == f"Evidence #{marked.pk}: {marked.title}"
    assert evidence["data-mark-start"] == f"(Evidence #{marked.pk}: {marked.title}) "
    assert evidence["data-mark-end"] == f" (end of evidence #{marked.pk})"


def test_it_links_an_evidence_mark_to_its_statement_with_a_visible_number(as_bob, workshop, document, marked):
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    (link,) = Marks.of(body).links  # the highlight has none
    assert link["href"] == f"/w/{workshop.slug}/s/{marked.pk}/" and link["text"] == f"#{marked.pk}"
    assert link["aria-label"] == f"Evidence #{marked.pk}: {marked.title}" and "data-mark-label" in link
    # Right after the passage, like a footnote's number.
    assert f'>Open science helps.</mark><a class="mark-ref" href="/w/{workshop.slug}/s/{marked.pk}/"' in body


def test_it_explains_both_marks_in_a_legend(as_bob, workshop, document, marked):
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    legend = body[body.index('<div class="marks-legend">') : body.index('id="document-text"')]
    assert "Marks in the text" in legend
    assert "<strong>Highlight</strong>: dashed underline. A participant marked this passage." in legend
    assert "<strong>Evidence</strong>: double underline, then a statement number." in legend


def test_it_shows_no_legend_without_marks(as_bob, workshop, document):
    assert "marks-legend" not in as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()


def test_the_htmx_fragment_brings_the_legend_with_the_first_highlight(as_bob, workshop, document):
    response = as_bob.post(
        f"/w/{workshop.slug}/documents/{document.pk}/highlight/", {"quote_exact": "Closed science"}, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert '<div class="marks-legend">' in body and 'data-mark-start="(Highlight by Bob) "' in body


def test_a_passage_both_highlighted_and_cited_carries_both_cues(as_bob, workshop, bob, position, document):
    annotate(bob, "highlight", "", document=document, quote_exact="Closed science protects.")
    evidence = cite(bob, position, document, "Closed science protects.")
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    (mark,) = Marks.of(body).marks
    assert mark["class"].split() == ["mark-highlight", "mark-evidence"]
    assert mark["data-mark-start"] == f"(Highlight by Bob) (Evidence #{evidence.pk}: {evidence.title}) "
    assert mark["data-mark-end"] == f" (end of highlight) (end of evidence #{evidence.pk})"


def test_the_words_of_a_mark_stay_escaped(as_bob, workshop, bob, document):
    annotate(bob, "highlight", '"><img src=x onerror=alert(1)>', document=document, quote_exact="Closed science")
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    assert "<img src=x" not in body
    assert 'data-mark-start="(Highlight by Bob: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;) "' in body


def test_it_reads_the_marks_in_as_many_queries_however_many_there_are(as_bob, workshop, bob, position, document):
    url = f"/w/{workshop.slug}/documents/{document.pk}/"
    annotate(bob, "highlight", "", document=document, quote_exact="Closed science")
    cite(bob, position, document, "Open science helps.")
    as_bob.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        as_bob.get(url)
    annotate(bob, "highlight", "", document=document, quote_exact="again, later")
    cite(bob, position, document, "Open science helps again", text="The essay says so twice.")
    with CaptureQueriesContext(connection) as more:
        as_bob.get(url)
    assert len(more.captured_queries) == len(few.captured_queries)


# In the browser: the two marks look different without their colours, and the evidence number is
# reached with the keyboard.

STYLES = """() => [...document.querySelectorAll('#document-text mark')].map(mark => {
    const style = getComputedStyle(mark);
    return {
        text: mark.textContent,
        line: style.textDecorationLine + ' ' + style.textDecorationStyle,
        border: style.borderBottomStyle,
        before: getComputedStyle(mark, '::before').content,
        after: getComputedStyle(mark, '::after').content,
        width: mark.getBoundingClientRect().width,
    };
})"""


def open_document(page, live_server_url, workshop, document):
    from tests.test_browser_participant import join

    join(page, live_server_url, workshop, "Reader")
    page.goto(f"{live_server_url}/w/{workshop.slug}/documents/{document.pk}/")


@pytest.mark.browser
@pytest.mark.parametrize("forced_colors", ["none", "active"])
def test_the_marks_differ_in_line_style_not_only_in_colour(
    workshop, bob, position, document, live_server_url, page, forced_colors
):
    annotate(bob, "highlight", "Worth it", document=document, quote_exact="Closed science protects.")
    evidence = cite(bob, position, document, "Open science helps.")
    page.emulate_media(forced_colors=forced_colors)
    open_document(page, live_server_url, workshop, document)

    cited, highlighted = page.evaluate(STYLES)
    assert (cited["text"], highlighted["text"]) == ("Open science helps.", "Closed science protects.")
    assert highlighted["line"] == "underline dashed" and highlighted["border"] == "none"
    assert cited["line"] == "none solid" and cited["border"] == "double"
    # Read out, not seen: the words come from CSS generated content, which takes no room.
    assert highlighted["before"] == '"(Highlight by Bob: Worth it) "'
    assert cited["after"] == f'" (end of evidence #{evidence.pk})"'
    natural = page.evaluate(
        """() => { const probe = document.createElement('span');
        probe.textContent = 'Closed science protects.';
        document.getElementById('document-text').append(probe);
        const width = probe.getBoundingClientRect().width; probe.remove(); return width; }"""
    )
    assert abs(highlighted["width"] - natural) < 1
    assert page.locator(".marks-legend").is_visible()


@pytest.mark.browser
def test_the_evidence_number_is_reached_with_the_keyboard(workshop, bob, position, document, live_server_url, page):
    evidence = cite(bob, position, document, "Closed science protects.")
    open_document(page, live_server_url, workshop, document)

    # Tab on from the title, as a keyboard reader would.
    page.evaluate("document.querySelector('h1').setAttribute('tabindex', '-1')")
    page.focus("h1")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('mark-ref')"):
            break
    assert page.evaluate("document.activeElement.textContent") == f"#{evidence.pk}"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/w/{workshop.slug}/s/{evidence.pk}/")


@pytest.mark.browser
def test_a_selection_across_an_evidence_number_quotes_only_the_document(
    workshop, bob, position, document, live_server_url, page
):
    cite(bob, position, document, "Open science helps.")
    open_document(page, live_server_url, workshop, document)
    # From inside the cited passage to past its number, as a drag would select it.
    page.evaluate(
        """() => {
        const text = document.getElementById('document-text');
        const range = document.createRange();
        range.setStart(text.querySelector('mark').firstChild, 'Open science '.length);
        const after = text.querySelector('.mark-ref').nextSibling;
        range.setEnd(after, ' Closed science'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }"""
    )
    assert page.input_value("#quote-exact") == "helps. Closed science"
    assert page.input_value("input[name=quote_prefix]") == "Open science "
    assert page.input_value("input[name=quote_suffix]").startswith(" protects. Open science")


def test_each_highlight_is_listed_with_its_author_and_note_for_touch_screens(as_bob, workshop, bob, document, marked):
    """A mark's title shows only on hover; the list under the text says the same to everyone."""
    annotate(bob, "highlight", "<i>why</i>", document=document, quote_exact="helps again")
    annotate(bob, "highlight", "<b>gone</b>", document=document, quote_exact="Closed science protects.")
    document.text = document.text.replace("Closed science protects.", "Closed science shields.")
    document.save(update_fields=["text"])  # the last highlight no longer matches: counted, not listed
    body = as_bob.get(f"/w/{workshop.slug}/documents/{document.pk}/").content.decode()
    listed = body.split('<ul class="highlight-list">', 1)[1].split("</ul>", 1)[0]
    items = [" ".join(item.split()) for item in listed.split("<li>")[1:]]
    assert items == ['<q>helps again</q> <span class="muted">— Bob</span>: &lt;i&gt;why&lt;/i&gt;</li>']
    assert "gone" not in listed and "2 highlights no longer match the text." in body
