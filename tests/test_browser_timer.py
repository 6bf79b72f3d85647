"""The room's countdown on a participant's page: it ticks down by itself and, at zero, says that
time is up instead of showing 0:00 until a reload."""

import pytest

from deliberation.domain import moderator_seat, set_timer

pytestmark = pytest.mark.browser


def test_the_banner_says_time_is_up_at_zero(workshop, moderator_user, live_server_url, page):
    page.goto(live_server_url + "/")
    page.fill("#join-code", workshop.display_join_code)
    page.fill("#join-name", "Sam")
    page.click("#join-form button[type=submit]")
    page.wait_for_url(f"**/w/{workshop.slug}/")
    set_timer(moderator_seat(workshop, moderator_user), workshop, 3)
    page.wait_for_selector("#banners .banner-timer")  # the live update brings the countdown
    page.wait_for_function("() => document.querySelector('#banners .banner-timer').textContent === 'Time is up.'")
