"""Forms that htmx swaps back with an error break no Content-Security-Policy rule in Chromium.

A control often carries a `style` attribute by the time its form is sent: Chromium writes one when
a person resizes a textarea, and password managers, extensions and test tools write one through
the CSSOM (which the CSP allows). htmx's settling step copied the old element's `style` attribute
onto its replacement with setAttribute, which `style-src 'self'` blocks: one console error per
control. The tests leave such attributes on the controls, as a browser does, before submitting."""

import pytest

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.sample} ${event.blockedURI}`);
});
"""
# What a resize handle or a highlighting tool leaves behind: a style attribute set through the CSSOM.
TOUCH_CONTROLS = """(selector) => {
  for (const control of document.querySelectorAll(selector)) {
    control.style.outline = "2px solid orange";
    control.style.outline = "";
  }
}"""


@pytest.fixture
def watched_page(page):
    """The page, recording CSP violations from its first script on, and its console errors."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return page


def assert_no_violations(page, form_selector: str) -> None:
    page.wait_for_timeout(100)  # violation events are dispatched a moment after the swap
    violations = page.evaluate("window.__cspViolations")
    policy_errors = [text for text in page.console_errors if "Content Security Policy" in text]
    assert violations == [] and policy_errors == [], (violations, policy_errors)
    styled = page.evaluate(f"[...document.querySelectorAll('{form_selector} [style]')].map((e) => e.outerHTML)")
    assert styled == []


def join(page, live_server_url, code: str) -> None:
    page.goto(live_server_url + "/")
    page.fill("#join-code", code)
    page.fill("#join-name", "Nia")
    page.evaluate(TOUCH_CONTROLS, "#join-form [id]")
    page.click("#join-form button[type=submit]")


def test_it_shows_a_wrong_join_code_without_a_csp_violation(workshop, live_server_url, watched_page):
    join(watched_page, live_server_url, "WRONG-CODE")
    watched_page.wait_for_selector("#join-form .form-error")
    assert_no_violations(watched_page, "#join-form")


def test_it_shows_an_invalid_reply_without_a_csp_violation(workshop, position, live_server_url, watched_page):
    page = watched_page
    join(page, live_server_url, workshop.display_join_code)
    page.wait_for_url(f"**/w/{workshop.slug}/")
    page.click(f"#outline-{position.pk} a.node-open")
    page.wait_for_selector(f"#detail .detail[data-statement-id='{position.pk}']")
    page.click("#reply-box > summary")
    page.check("#reply-form input[name=relation][value=opposes]")
    page.fill("#reply-text", "   ")  # only blanks: the browser sends it, the server refuses it
    page.evaluate(TOUCH_CONTROLS, "#reply-box [id]")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#reply-form .form-error")
    assert_no_violations(page, "#reply-box")
