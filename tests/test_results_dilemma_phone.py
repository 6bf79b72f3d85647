"""The dilemma chart on a phone: its type stays legible, the page does not widen, and every dot
is a named link to its entry in the numbered list, reachable without hovering."""

import math
import re

import pytest

from tests.analysis_helpers import build_two_camp_workshop, seat_client

HOSTILE = '<script>alert("x")</script> & ground'

# On-screen font size of every visible label of the chart: SVG text in user units times the
# SVG's scale (getScreenCTM), HTML text (the caption) as it is.
LABEL_SIZES = """() => {
    const svg = document.querySelector('#results-dilemma svg');
    const scale = svg.getScreenCTM().a;
    const sizes = [];
    for (const text of svg.querySelectorAll('text')) {
        if (text.getClientRects().length) {
            sizes.push([text.textContent.trim(), parseFloat(getComputedStyle(text).fontSize) * scale]);
        }
    }
    for (const item of document.querySelectorAll('#results-dilemma figcaption li')) {
        if (item.getClientRects().length) {
            sizes.push([item.textContent.trim(), parseFloat(getComputedStyle(item).fontSize)]);
        }
    }
    return sizes;
}"""


@pytest.fixture
def open_page(chromium):
    """Opens a page `width` CSS pixels wide: under 600, as a phone (touch, mobile viewport, 3×
    pixels). Fails the test on any page error, as the `page` fixture does."""
    contexts, errors = [], []

    def open_at(width: int):
        phone = width < 600
        context = chromium.new_context(
            viewport={"width": width, "height": 844},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=3 if phone else 1,
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_at
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def open_results(open_page, live_server_url, workshop, width: int):
    """The results page of a two-camp workshop (build_two_camp_workshop), `width` pixels wide,
    seen by someone of camp one; with the statements the camps split on."""
    people, _shared, split = build_two_camp_workshop(workshop)
    page = open_page(width)
    page.goto(f"{live_server_url}/resume/{people['one'][0].resume_token}")
    page.goto(f"{live_server_url}/w/{workshop.slug}/results/")
    return page, split


def dilemma_section(html: str) -> str:
    start = html.index('<section id="results-dilemma"')
    return html[start : html.index("</section>", start)]


def test_it_makes_each_dot_a_named_link_to_its_numbered_entry(client, workshop):
    people, shared, split = build_two_camp_workshop(workshop, title=HOSTILE)
    seat_client(client, people["one"][0])

    section = dilemma_section(client.get(f"/w/{workshop.slug}/results/").content.decode())

    dots = re.findall(r'<a href="#dilemma-key-(\d+)" class="dilemma-dot [^"]*"><title>([^<]*)</title>', section)
    assert [int(number) for number, _name in dots] == [1, 2, 3, 4, 5]
    names = dict(dots)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ground"
    assert names["1"] == f"1. {escaped} (National interest 3.0 · Global public good 4.0)"
    assert names["2"].startswith(f"2. {split[0].title} (")
    # The SVG is a group, not an image: an image's content, links included, is hidden from
    # assistive technology.
    assert '<svg viewBox="0 0 460 510" role="group"' in section
    for number, statement in [("1", shared), *((str(n), s) for n, s in enumerate(split, start=2))]:
        entry = f'<li id="dilemma-key-{number}" value="{number}"><a href="/w/{workshop.slug}/s/{statement.pk}/">'
        assert entry in section
    assert "<details" not in section  # a link into a closed <details> does not open it everywhere
    assert "<script>" not in section


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_its_labels_stay_legible_and_the_page_does_not_widen(workshop, live_server_url, open_page, width):
    page, split = open_results(open_page, live_server_url, workshop, width)

    sizes = page.evaluate(LABEL_SIZES)

    labels = {label for label, _size in sizes}
    assert {"0", "4", "1", "5"} <= labels  # ticks and dot numbers
    assert any("Serves both" in label for label in labels) and any("National interest" in label for label in labels)
    assert not [(label, round(size, 1)) for label, size in sizes if size < 12]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    dot = page.locator("#results-dilemma .dilemma-dot circle").first.bounding_box()
    assert dot["width"] >= 20  # big enough to tap


@pytest.mark.browser
def test_a_dot_can_be_tapped_or_reached_by_keyboard_on_a_phone(workshop, live_server_url, open_page):
    page, split = open_results(open_page, live_server_url, workshop, 390)
    chart = page.locator("#results-dilemma figure")

    chart.get_by_role("link", name="1. Shared ground (National interest 3.0 · Global public good 4.0)").tap()

    assert page.evaluate("location.hash") == "#dilemma-key-1"
    entry = page.locator("#dilemma-key-1")
    assert entry.evaluate("entry => entry.matches(':target')")
    assert entry.get_by_role("link", name="Shared ground").is_visible()

    # Dot 2 shares its ratings with dots 3 to 5: the keyboard reaches it too.
    chart.get_by_role("link", name=re.compile(r"^2\. ")).focus()
    page.keyboard.press("Enter")

    page.wait_for_function("() => location.hash === '#dilemma-key-2'")
    assert page.locator("#dilemma-key-2").get_by_role("link", name=split[0].title).is_visible()


def test_it_draws_statements_rated_alike_side_by_side(client, workshop):
    """Dots 2 to 5 have the same ratings (4, 1): each is drawn at its own place inside the frame,
    a dot's width apart, and the caption says why; the titles keep the exact ratings."""
    from deliberation.views.results import DILEMMA_LEFT, DILEMMA_SIZE, DILEMMA_TOP, DOT_GAP

    people, shared, split = build_two_camp_workshop(workshop)
    seat_client(client, people["one"][0])
    section = dilemma_section(client.get(f"/w/{workshop.slug}/results/").content.decode())

    centres = {
        int(number): (float(x), float(y))
        for number, x, y in re.findall(
            r'href="#dilemma-key-(\d+)".*?<circle cx="([\d.]+)" cy="([\d.]+)"', section, flags=re.DOTALL
        )
    }
    alike = [centres[n] for n in (2, 3, 4, 5)]
    assert all(math.dist(p, q) >= DOT_GAP - 0.1 for i, p in enumerate(alike) for q in alike[i + 1 :])
    for x, y in alike:
        assert DILEMMA_LEFT <= x <= DILEMMA_LEFT + DILEMMA_SIZE and DILEMMA_TOP <= y <= DILEMMA_TOP + DILEMMA_SIZE
    scale = DILEMMA_SIZE / 4
    assert centres[1] == (DILEMMA_LEFT + 3 * scale, DILEMMA_TOP + DILEMMA_SIZE - 4 * scale)  # alone: exactly placed
    assert "Statements rated alike are drawn side by side" in section
    assert "(National interest 4.0 · Global public good 1.0)</title>" in section


@pytest.mark.browser
def test_every_dot_can_be_tapped_on_a_phone(workshop, live_server_url, open_page):
    """No dot covers another: the element under each dot's centre is that dot."""
    page, split = open_results(open_page, live_server_url, workshop, 390)
    page.locator("#results-dilemma figure").scroll_into_view_if_needed()
    hit = """() => [...document.querySelectorAll('#results-dilemma .dilemma-dot')].map(dot => {
        const box = dot.querySelector('circle').getBoundingClientRect();
        const under = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return under && under.closest('.dilemma-dot') === dot;
    })"""
    assert page.evaluate(hit) == [True] * 5


@pytest.mark.browser
def test_long_pole_names_stay_inside_the_chart_on_a_desktop(make_workshop, live_server_url, open_page):
    """Poles may be 80 characters long: the axis names are shortened inside the chart, which
    the explanation above it names in full."""
    workshop = make_workshop(pole_a="National interest " * 4 + "first", pole_b="Global public good " * 4 + "too")
    page, _split = open_results(open_page, live_server_url, workshop, 1280)
    inside = """() => {
        const chart = document.querySelector('#results-dilemma svg').getBoundingClientRect();
        return [...document.querySelectorAll('#results-dilemma .axis-label')].map(label => {
            const box = label.getBoundingClientRect();
            return box.left >= chart.left && box.right <= chart.right && box.top >= chart.top && box.bottom <= chart.bottom;
        });
    }"""
    assert page.evaluate(inside) == [True, True]
    assert workshop.pole_a in page.inner_text("#results-dilemma .explain")
