"""Keyboard focus is kept when htmx replaces the focused control: after a vote from the keyboard
the pressed button keeps the focus, and a live refresh of the outline keeps the focused statement
focused and where it was on screen."""

import pytest

from deliberation.domain import add_statement, join_workshop
from deliberation.models import Statement
from tests.browser_helpers import join

pytestmark = pytest.mark.browser

ACTIVE = "() => { const a = document.activeElement; return a === document.body ? 'body' : (a.id || a.className); }"


def test_a_vote_by_keyboard_keeps_the_focus_on_its_button(workshop, position, live_server_url, page):
    join(page, live_server_url, workshop, "Kay")
    page.goto(f"{live_server_url}/w/{workshop.slug}/s/{position.pk}/")
    widget = f"#statement-{position.pk}-votes"
    page.focus(f"{widget} button.agree-1")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{widget} >> text=Your vote is counted.")
    assert page.evaluate(ACTIVE) == "agree-button agree-1"
    page.keyboard.press("Tab")  # and Tab goes on from there, not from the top of the page
    assert page.evaluate(ACTIVE) == "agree-button agree-2"


def test_a_live_outline_refresh_keeps_the_focused_statement_in_place(workshop, live_server_url, page):
    owner = workshop.participants.get()
    root = workshop.root()
    statements = [
        add_statement(owner, root, Statement.Kind.POSITION, f"Position number {n} on sharing research data")
        for n in range(40)
    ]
    page.set_viewport_size({"width": 1280, "height": 700})
    join(page, live_server_url, workshop, "Kay")
    target = statements[20]
    item = f"#outline-{target.pk}"
    page.evaluate(f"document.querySelector('{item}').scrollIntoView({{block: 'center'}})")
    page.evaluate(f"(() => {{ const el = document.querySelector('{item}'); el.tabIndex = 0; el.focus(); }})()")
    before = page.evaluate(f"document.querySelector('{item}').getBoundingClientRect().top")

    add_statement(join_workshop(workshop, "Someone else"), root, Statement.Kind.POSITION, "A late position")
    page.wait_for_function("() => document.querySelector('#outline').textContent.includes('A late position')")

    assert page.evaluate(ACTIVE) == f"outline-{target.pk}"
    after = page.evaluate(f"document.querySelector('{item}').getBoundingClientRect().top")
    assert abs(after - before) < 2
