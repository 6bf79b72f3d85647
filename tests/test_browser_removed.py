"""Someone a moderator removes while their page is open: the next live refresh takes the whole
page to the join page, which says why, instead of dropping that page into a region of the map."""

import pytest

from deliberation.domain import ban_participant, moderator_seat
from deliberation.models import Participant
from tests.browser_helpers import join


@pytest.mark.django_db
def test_an_htmx_request_without_a_seat_is_sent_to_joining_as_a_whole_page(client, workshop, alice, moderator_user):
    client.get(f"/resume/{alice.resume_token}")
    ban_participant(moderator_seat(workshop, moderator_user), alice)
    join_url = f"/join/{workshop.join_code}"
    for path in ("", "participants/count/", "banners/", "outline/", "results/"):
        answer = client.get(f"/w/{workshop.slug}/{path}", HTTP_HX_REQUEST="true")
        assert (answer.status_code, answer["HX-Redirect"], answer.content) == (204, join_url, b""), path
    assert client.get(f"/w/{workshop.slug}/").url == join_url  # a plain visit is redirected as usual


@pytest.mark.django_db
def test_a_moderators_page_refreshed_after_signing_out_goes_to_sign_in_and_back(client, workshop):
    page = f"/moderate/w/{workshop.slug}/"
    answer = client.get(
        f"/moderate/w/{workshop.slug}/console/timer",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    assert (answer.status_code, answer["HX-Redirect"], answer.content) == (204, f"/accounts/login/?next={page}", b"")
    assert client.get(page).url == f"/accounts/login/?next={page}"  # a plain visit is redirected as usual


@pytest.mark.browser
def test_a_removed_participant_is_taken_to_the_join_page_which_says_why(
    workshop, moderator_user, live_server_url, page
):
    join(page, live_server_url, workshop, "Rowan")

    rowan = Participant.objects.get(workshop=workshop, display_name="Rowan")
    ban_participant(moderator_seat(workshop, moderator_user), rowan, reason="spam")

    page.wait_for_url(lambda url: f"/w/{workshop.slug}/" not in url, timeout=8000)
    assert "A moderator has removed you from this workshop" in page.inner_text("main")
    assert page.locator("#whoami").count() == 0  # a page of its own, not inside the map's


@pytest.mark.browser
@pytest.mark.parametrize("stream", ["opening", "reconnecting"])
def test_a_participant_removed_while_their_stream_is_away_is_taken_to_the_join_page_too(
    stream, workshop, moderator_user, live_server_url, page
):
    """The event that says so never reaches a stream that was not yet open: the stream's refusal
    (a first connection, or a reconnection after the stream dropped) must take the page there."""
    held = []

    def hold(route):  # the first connection waits; reconnections go through
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/events?*", hold)
    join(page, live_server_url, workshop, "Rowan")
    page.wait_for_function("() => document.readyState === 'complete'")
    while not held:  # the page has asked for its stream; the server has not seen it yet
        page.wait_for_timeout(20)

    rowan = Participant.objects.get(workshop=workshop, display_name="Rowan")
    ban_participant(moderator_seat(workshop, moderator_user), rowan, reason="spam")
    if stream == "opening":
        held[0].continue_()  # the server answers the first connection, after the removal
    else:  # the first connection opens and drops at once; the reconnection reaches the server
        held[0].fulfill(status=200, content_type="text/event-stream", body="retry: 50\n\n")

    page.wait_for_url(lambda url: f"/w/{workshop.slug}/" not in url, timeout=8000)
    assert "A moderator has removed you from this workshop" in page.inner_text("main")
