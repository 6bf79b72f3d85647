"""The results page in Chromium: it renders its charts under the strict CSP without errors."""

import pytest

from deliberation.domain import cast_vote
from deliberation.models import Vote
from tests.analysis_helpers import build_two_camp_workshop
from tests.servers import uvicorn_server

pytestmark = pytest.mark.browser


def test_it_shows_the_results_charts_in_chromium_without_csp_violations(workshop, live_server_url, page):
    people, shared, split = build_two_camp_workshop(workshop, title='Shared <b>"ground"</b>')
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server_url}/resume/{people['two'][0].resume_token}")
    page.goto(f"{live_server_url}/w/{workshop.slug}/results/")

    assert page.locator("#results-opinion-map svg[role=img] circle.dot").count() == 8
    assert page.locator("#results-opinion-map .me-ring").is_visible()
    assert page.locator("#results-dilemma .dilemma-dot").count() == 5
    assert page.locator("#results-bridging tbody tr").first.inner_text().startswith('Shared <b>"ground"</b>')
    assert page.locator("#results-cruxes tbody tr").count() == 4
    # Charts are styled by the stylesheet (no inline styles): the group colours really apply.
    first_dot = page.locator("#results-opinion-map circle.dot.g0").first
    assert first_dot.evaluate("dot => getComputedStyle(dot).fill") == "rgb(36, 86, 166)"
    assert not [e for e in console_errors if "Content Security Policy" in e or "Refused" in e], console_errors


def test_figures_a_few_seconds_old_catch_up_by_themselves(transactional_db, make_workshop, page):
    workshop = make_workshop()
    people, shared, split = build_two_camp_workshop(workshop)
    # This server recomputes at most every 6 s: plenty of time to see figures marked stale.
    with uvicorn_server(ANALYSIS_MIN_INTERVAL="6") as url:
        page.goto(f"{url}/resume/{people['one'][0].resume_token}")
        page.goto(f"{url}/w/{workshop.slug}/results/")  # computes and caches the figures
        first = int(page.get_attribute("#results", "data-event-id"))

        cast_vote(people["two"][1], Vote.Kind.AGREEMENT, -2, statement=shared)
        page.reload()  # answered from the cache, marked stale

        assert int(page.get_attribute("#results", "data-event-id")) == first
        assert page.get_attribute("#results", "hx-trigger") == "load delay:6s"
        page.wait_for_function(
            f"() => Number(document.querySelector('#results').dataset.eventId) > {first}", timeout=20000
        )
        assert page.get_attribute("#results", "hx-trigger") is None


def test_the_results_follow_the_room_live(transactional_db, make_workshop, page):
    workshop = make_workshop()
    people, shared, split = build_two_camp_workshop(workshop)
    with uvicorn_server(ANALYSIS_MIN_INTERVAL="0") as url:
        page.goto(f"{url}/resume/{people['one'][0].resume_token}")
        page.goto(f"{url}/w/{workshop.slug}/results/")
        page.wait_for_selector("#live-stream", state="attached")
        first = int(page.get_attribute("#results", "data-event-id"))
        page.wait_for_function("() => !!document.getElementById('live-stream')._htmx?.sse?.status")  # connected

        cast_vote(people["two"][1], Vote.Kind.AGREEMENT, -2, statement=shared)

        page.wait_for_function(
            f"() => Number(document.querySelector('#results').dataset.eventId) > {first}", timeout=15000
        )
        shared_bar = page.locator("#results-distributions li.distribution").first
        assert shared_bar.locator("rect.v-2").count() == 1  # the new "strongly disagree"


def test_the_map_can_be_coloured_by_controversy_and_by_group(workshop, live_server_url, page):
    people, shared, split = build_two_camp_workshop(workshop)
    page.goto(f"{live_server_url}/resume/{people['one'][0].resume_token}")
    page.goto(f"{live_server_url}/w/{workshop.slug}/")

    page.select_option("#map-colour", "controversy")

    contested = page.locator(f'#outline [data-statement-id="{split[1].pk}"]').first
    page.wait_for_function(
        f"() => document.querySelector('#outline [data-statement-id=\"{split[1].pk}\"]')"
        ".getAttribute('data-controversy') === 'contested'"
    )
    tint = contested.locator(".node-line").first.evaluate("line => getComputedStyle(line).backgroundColor")
    assert tint == "rgb(251, 217, 196)"
    assert page.locator('[data-legend="controversy"]').is_visible()

    page.select_option("#map-colour", "group")
    page.wait_for_function("() => document.body.classList.contains('colour-by-group')")
    shared_node = page.locator(f'#outline [data-statement-id="{shared.pk}"]').first
    assert shared_node.get_attribute("data-group") == "all"
    assert contested.get_attribute("data-group-name") == "group A"

    page.reload()  # the choice is remembered for this page
    page.wait_for_function("() => document.body.classList.contains('colour-by-group')")
