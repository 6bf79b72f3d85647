"""The results page's long tables: the rows past the first few are one link away, not "and n more."."""

import re

import pytest

from deliberation.domain import add_statement, cast_vote
from deliberation.models import Statement, Vote
from deliberation.views.results import TABLE_ROWS
from tests.analysis_helpers import build_two_camp_workshop, seat_client

EXTRA = 5  # rows past the cut-off, in each table


@pytest.fixture
def long_tables(workshop):
    """More cruxes (statements the camps split on) and more bridging statements (everyone accepts
    them) than the page shows at first."""
    people, shared, split = build_two_camp_workshop(workshop, per_camp=3, splits=TABLE_ROWS + EXTRA)
    everyone = people["one"] + people["two"]
    common = [shared]
    for n in range(TABLE_ROWS + EXTRA - 1):
        statement = add_statement(everyone[0], workshop.root(), Statement.Kind.POSITION, f"Common ground {n}.")
        for person in everyone:
            cast_vote(person, Vote.Kind.AGREEMENT, 2, statement=statement)
        common.append(statement)
    return people["two"][0], common, split


def section(html: str, name: str) -> str:
    start = html.index(f'<section id="results-{name}"')
    return html[start : html.index("</section>", start)]


def linked_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<th scope="row"><a href="/w/[^/]+/s/(\d+)/">', html)}


@pytest.mark.parametrize("name", ["bridging", "cruxes"])
def test_it_links_from_a_cut_table_to_the_whole_of_it(client, workshop, long_tables, name):
    person, common, split = long_tables
    expected = {s.pk for s in (common if name == "bridging" else split)}
    seat_client(client, person)

    first = section(client.get(f"/w/{workshop.slug}/results/").content.decode(), name)

    assert len(linked_ids(first)) == TABLE_ROWS and f"and {EXTRA} more." in first
    link = f'href="/w/{workshop.slug}/results/?all={name}#results-{name}"'
    assert link in first and f"Show all {TABLE_ROWS + EXTRA}</a>" in first

    whole = section(client.get(f"/w/{workshop.slug}/results/?all={name}").content.decode(), name)

    assert linked_ids(whole) == expected and "more." not in whole
    assert f"Show only the first {TABLE_ROWS}</a>" in whole
    assert f'href="/w/{workshop.slug}/results/#results-{name}"' in whole


def test_htmx_shows_a_table_whole_and_live_refreshes_keep_it_so(client, workshop, long_tables):
    person, common, split = long_tables
    seat_client(client, person)
    first = client.get(f"/w/{workshop.slug}/results/").content.decode()
    assert f'hx-get="/w/{workshop.slug}/results/?all=cruxes" hx-target="#results"' in first

    html = client.get(f"/w/{workshop.slug}/results/?all=cruxes", headers={"HX-Request": "true"}).content.decode()

    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert linked_ids(section(html, "cruxes")) == {s.pk for s in split}
    assert len(linked_ids(section(html, "bridging"))) == TABLE_ROWS  # the other table stays cut
    assert f'data-live-url="/w/{workshop.slug}/results/?all=cruxes"' in html
    # Showing the second table too keeps the first whole.
    assert f'hx-get="/w/{workshop.slug}/results/?all=bridging&amp;all=cruxes"' in html
    both = client.get(f"/w/{workshop.slug}/results/?all=bridging&all=cruxes").content.decode()
    assert linked_ids(section(both, "bridging")) == {s.pk for s in common}
    assert linked_ids(section(both, "cruxes")) == {s.pk for s in split}


def test_it_ignores_unknown_tables(client, workshop, long_tables):
    person, common, split = long_tables
    seat_client(client, person)
    html = client.get(f"/w/{workshop.slug}/results/?all=standing&all=%3Cscript%3E").content.decode()
    assert len(linked_ids(section(html, "cruxes"))) == TABLE_ROWS and "%3Cscript" not in html


def test_the_whole_tables_cost_no_more_queries(client, make_workshop, django_assert_max_num_queries):
    workshop = make_workshop()
    people, _shared, _split = build_two_camp_workshop(workshop, per_camp=3, splits=TABLE_ROWS + EXTRA)
    seat_client(client, people["one"][0])
    client.get(f"/w/{workshop.slug}/results/")  # computes and caches the figures
    with django_assert_max_num_queries(6):
        assert client.get(f"/w/{workshop.slug}/results/?all=bridging&all=cruxes").status_code == 200


@pytest.mark.browser
def test_show_all_in_the_browser_lists_every_crux_in_place(workshop, long_tables, live_server_url, page):
    from tests.test_browser_participant import join

    person, common, split = long_tables
    join(page, live_server_url, workshop, "Reader")
    page.goto(f"{live_server_url}/w/{workshop.slug}/results/")
    rows = page.locator("#results-cruxes tbody tr")
    assert rows.count() == TABLE_ROWS
    page.evaluate("window.__noReload = true")

    page.click(f"#results-cruxes >> text=Show all {TABLE_ROWS + EXTRA}")
    page.wait_for_selector(f"#results-cruxes >> text=Show only the first {TABLE_ROWS}")

    assert rows.count() == TABLE_ROWS + EXTRA and page.evaluate("window.__noReload") is True
    assert sorted(int(h.split("/")[-2]) for h in rows.locator("th a").evaluate_all("as => as.map(a => a.href)")) == (
        sorted(s.pk for s in split)
    )
