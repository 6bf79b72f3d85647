"""What a participant's page tells them by itself: that time is up when the room's countdown reaches
zero (not 0:00 until a reload), that an action which never reached the server was not saved, and
the source fields evidence needs as soon as evidence is chosen."""

import pytest

from deliberation.domain import moderator_seat, set_timer
from tests.browser_helpers import join, write_reply

pytestmark = pytest.mark.browser


def test_the_banner_says_time_is_up_at_zero(workshop, moderator_user, live_server_url, page):
    join(page, live_server_url, workshop, "Sam")
    set_timer(moderator_seat(workshop, moderator_user), workshop, 3)
    page.wait_for_selector("#banners .banner-timer")  # the live update brings the countdown
    page.wait_for_function("() => document.querySelector('#banners .banner-timer').textContent === 'Time is up.'")


def test_an_action_that_cannot_reach_the_server_says_so(workshop, position, live_server_url, page):
    """A vote sent while the network is down is not silently lost: the page says it was not saved,
    and the next vote that gets through clears the notice."""
    join(page, live_server_url, workshop, "Sam")
    page.goto(f"{live_server_url}/w/{workshop.slug}/s/{position.pk}/")
    widget = f"#statement-{position.pk}-votes"
    assert page.locator("#request-failed").is_hidden()

    page.route("**/vote/**", lambda route: route.abort("internetdisconnected"))
    page.click(f"{widget} button.agree-2")
    page.wait_for_selector("#request-failed", state="visible")
    assert "your last action was not saved" in page.inner_text("#request-failed")

    page.unroute("**/vote/**")
    page.click(f"{widget} button.agree-2")
    page.wait_for_selector(f"{widget} >> text=Your vote is counted.")
    page.wait_for_selector("#request-failed", state="hidden")


def test_choosing_evidence_opens_its_source_fields(workshop, position, live_server_url, page):
    join(page, live_server_url, workshop, "Sam")
    page.goto(f"{live_server_url}/w/{workshop.slug}/s/{position.pk}/")
    write_reply(page, "A survey says so")
    assert not page.is_visible("#reply-citation")
    page.check("#reply-form input[name=kind][value=evidence]")
    page.wait_for_selector("#reply-citation", state="visible")
