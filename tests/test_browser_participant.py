"""The participant's flow in Debian Chromium: join by code, add a counterargument, vote and see the
tally change without a reload; on a desktop and on a 390×844 phone; hostile text stays text."""

import pytest
from playwright.sync_api import expect

from deliberation.domain import add_statement
from deliberation.models import Participant, Relation, Statement, Vote

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def join(page, live_server_url, workshop, name):
    page.goto(live_server_url + "/")
    page.fill("#join-code", workshop.display_join_code)
    page.fill("#join-name", name)
    page.click("#join-form button[type=submit]")
    page.wait_for_url(f"**/w/{workshop.slug}/")


def run_the_flow(page, live_server_url, workshop, name):
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Share all research data openly")
    join(page, live_server_url, workshop, name)
    assert "Share all research data openly" in page.inner_text("#outline")
    page.evaluate("window.__noReload = true")

    # Open the position in the detail panel (htmx, no page load).
    page.click(f"#outline-{position.pk} a.node-open")
    page.wait_for_selector(f"#detail .detail[data-statement-id='{position.pk}']")
    assert page.url.endswith(f"/w/{workshop.slug}/s/{position.pk}/")  # the address names what is shown

    # Add a counterargument inline.
    page.click("#reply-box > summary")
    page.check("#reply-form input[name=relation][value=opposes]")
    page.fill("#reply-text", "Rivals would copy our results")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#detail >> text=Added to the map.")
    objection = Statement.objects.get(text="Rivals would copy our results")
    assert Relation.objects.get(source=objection).kind == "opposes"
    assert page.url.endswith(f"/w/{workshop.slug}/s/{objection.pk}/")  # the panel moved to it, so did the address
    item = page.locator(f"#outline-{objection.pk}")
    item.wait_for()
    assert item.locator(".stance-con").inner_text().lower() == "con"  # marked by text, not only by colour

    # Vote on it: the tally in the panel and in the outline change without a reload.
    tally = page.locator(f"#statement-{objection.pk}-tally")
    assert "▲ 0" in tally.inner_text()
    widget = page.locator(f"#statement-{objection.pk}-votes")
    widget.locator("button.agree-2").click()
    # The widget shows the vote pressed, whether the vote's own answer ("Your vote is counted.") or
    # the live refresh its event asks for (the panel showed no tally to set in place) lands last.
    expect(widget.locator("button.agree-2")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        f"() => document.querySelector('#statement-{objection.pk}-tally').textContent.includes('▲ 1')"
    )
    # A second vote from the widget now shown (its forms carry no CSRF field, either way:
    # htmx sends the page's token as a header).
    widget.locator("button.agree--1").click()
    page.wait_for_function(
        f"() => document.querySelector('#statement-{objection.pk}-tally').textContent.includes('▼ 1')"
    )
    # The outline's tally follows the live event; the widget's pressed button follows the vote's own
    # answer, a separate response that may land later.
    expect(widget.locator("button.agree--1")).to_have_attribute("aria-pressed", "true")
    expect(widget.locator("button.agree-2")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__noReload") is True
    participant = Participant.objects.get(display_name=name)
    assert Vote.objects.get(participant=participant, statement=objection).value == -1


def test_a_participant_joins_contributes_and_votes_on_a_desktop(workshop, live_server_url, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    run_the_flow(page, live_server_url, workshop, "Desk Person")


def test_the_same_flow_works_on_a_phone(workshop, live_server_url, page):
    page.set_viewport_size(PHONE)
    run_the_flow(page, live_server_url, workshop, "Phone Person")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_invite_shows_a_qr_code_that_displays(workshop, live_server_url, page):
    join(page, live_server_url, workshop, "Inviter")
    page.click("details.invite > summary")
    decodes = "() => document.querySelector('details.invite img').decode().then(() => true, () => false)"
    assert page.evaluate(decodes) is True  # a broken image (an SVG without its namespace) would fail
    assert page.evaluate("document.querySelector('details.invite img').naturalWidth") > 0


def test_hostile_statement_text_shows_as_text_and_runs_nothing(workshop, live_server_url, page):
    owner = workshop.participants.get()
    hostile = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"
    statement = add_statement(owner, workshop.root(), Statement.Kind.POSITION, hostile)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    join(page, live_server_url, workshop, "Careful Reader")
    assert hostile in page.inner_text(f"#outline-{statement.pk}")
    page.click(f"#outline-{statement.pk} a.node-open")
    page.wait_for_selector("#detail .statement-text")
    assert hostile in page.inner_text("#detail .statement-text")
    assert page.locator("#main img[src=x]").count() == 0
    assert dialogs == []


def test_the_outline_is_a_keyboard_tree(workshop, live_server_url, page):
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Keyboard position")
    add_statement(owner, position, Statement.Kind.CLAIM, "Keyboard reason", relation="supports")
    join(page, live_server_url, workshop, "Key Person")
    page.focus("#outline [role=treeitem][tabindex='0']")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"outline-{position.pk}"
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute(f"#outline-{position.pk}", "aria-expanded") == "false"
    assert not page.is_visible("text=Keyboard reason")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute(f"#outline-{position.pk}", "aria-expanded") == "true"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#detail .detail[data-statement-id='{position.pk}']")


def test_the_graph_view_opens_the_same_detail_panel(workshop, live_server_url, page):
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Graph position")
    join(page, live_server_url, workshop, "Graph Person")
    page.click(".view-switch [data-view=graph]")
    page.wait_for_selector("#graph[data-ready='1']")
    page.evaluate(f"() => {{ window.deliberationGraph.getElementById('{position.pk}').emit('tap'); }}")
    page.wait_for_selector(f"#detail .detail[data-statement-id='{position.pk}']")


def test_a_selected_passage_becomes_an_anchored_highlight(workshop, live_server_url, page):
    from deliberation.models import Annotation, SourceDocument

    text = "Open data helps. Closed labs protect. Open data helps again, later."
    document = SourceDocument.objects.create(workshop=workshop, title="Reading", text=text)
    join(page, live_server_url, workshop, "Reader")
    page.goto(f"{live_server_url}/w/{workshop.slug}/documents/{document.pk}/")
    # Select the second "Open data helps" with the mouse-free Selection API, as a drag would.
    page.evaluate(
        """() => {
        const node = document.getElementById('document-text').firstChild;
        const start = node.textContent.indexOf('Open data helps again');
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + 'Open data helps'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }"""
    )
    assert page.input_value("#quote-exact") == "Open data helps"
    page.click("#highlight-form button[type=submit]")
    page.wait_for_selector("text=Highlight saved.")
    highlight = Annotation.objects.get(kind="highlight")
    assert highlight.quote_prefix.endswith("Closed labs protect. ") and highlight.quote_suffix.startswith(" again")
    marked = page.locator("#document-text mark")
    assert marked.count() == 1 and marked.inner_text() == "Open data helps"
    assert page.evaluate("document.getElementById('document-text').textContent.indexOf('Open data helps again')") == (
        text.index("Open data helps again")
    )
    before = page.evaluate("document.querySelector('#document-text mark').previousSibling.textContent")
    assert before.endswith("protect. ")


def test_the_moderators_timer_counts_down_in_the_banner(workshop, live_server_url, page):
    from datetime import timedelta

    from django.utils import timezone

    workshop.timer_ends_at = timezone.now() + timedelta(seconds=90)
    workshop.save()
    join(page, live_server_url, workshop, "Timer Person")
    countdown = page.locator("#banners .countdown")
    first = countdown.inner_text()
    page.wait_for_function(
        f"() => document.querySelector('#banners .countdown').textContent !== '{first}'", timeout=5000
    )
    minutes, seconds = countdown.inner_text().split(":")
    assert int(minutes) * 60 + int(seconds) <= 90


def test_typing_in_the_search_box_filters_the_map_in_place(workshop, live_server_url, page):
    owner = workshop.participants.get()
    add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Fund joint laboratories")
    add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Restrict sensitive exports")
    join(page, live_server_url, workshop, "Searcher")
    page.evaluate("window.__noReload = true")
    page.fill("#filter-q", "laboratories")
    page.wait_for_selector("#outline .results-count")
    assert "1 statement matches." in page.inner_text("#outline .results-count")
    assert "Fund joint laboratories" in page.inner_text("#outline")
    assert "Restrict sensitive exports" not in page.inner_text("#outline")
    page.check("input[name=mine]")
    page.wait_for_selector("#outline >> text=Nothing matches")
    assert page.evaluate("window.__noReload") is True


FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_a_long_unbroken_word_wraps_in_the_outline_and_my_activity(workshop, live_server_url, page):
    """A 500-character URL wraps inside its outline card, on a phone and on a desktop, and in the
    list on the participant's own page; the page never widens."""
    long_url = "https://example.org/" + "a" * 480
    join(page, live_server_url, workshop, "Long Writer")
    writer = Participant.objects.get(display_name="Long Writer")
    position = add_statement(writer, workshop.root(), Statement.Kind.POSITION, long_url)
    add_statement(writer, position, Statement.Kind.CLAIM, "b" * 500, relation="supports")
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server_url}/w/{workshop.slug}/")
        assert page.evaluate(FITS), viewport
        card = page.locator(f"#outline-{position.pk}").bounding_box()
        text = page.locator(f"#outline-{position.pk} > .node-line .node-open").bounding_box()
        assert text["x"] + text["width"] <= card["x"] + card["width"], viewport
        page.goto(f"{live_server_url}/w/{workshop.slug}/?q=bbbb")  # the filter's flat result list
        assert page.evaluate(FITS), viewport
        page.goto(f"{live_server_url}/w/{workshop.slug}/me/")
        assert page.evaluate(FITS), viewport


def test_the_outlines_expand_buttons_are_big_enough_to_tap(workshop, live_server_url, page):
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "A position with a reason")
    add_statement(owner, position, Statement.Kind.CLAIM, "The reason", relation="supports")
    page.set_viewport_size(PHONE)
    join(page, live_server_url, workshop, "Tapper")
    toggle = page.locator(f"#outline-{position.pk} > .node-line > .toggle")
    toggle.wait_for()
    box = toggle.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.5.8's minimum target


def test_the_graph_starts_with_labels_big_enough_to_read(workshop, live_server_url, page):
    owner = workshop.participants.get()
    for n in range(30):
        add_statement(owner, workshop.root(), Statement.Kind.POSITION, f"Position number {n} of a crowded map")
    join(page, live_server_url, workshop, "Graph Reader")
    page.click(".view-switch [data-view=graph]")
    page.wait_for_selector("#graph[data-ready='1']")
    on_screen = page.evaluate(
        "() => { const cy = window.deliberationGraph;"
        " return cy.zoom() * parseFloat(cy.nodes('[kind = \"position\"]')[0].style('font-size')); }"
    )
    assert on_screen >= 12
    question = page.evaluate("() => window.deliberationGraph.nodes('[kind = \"question\"]')[0].renderedPosition('y')")
    assert 0 < question < 200  # the question at the top, in view
