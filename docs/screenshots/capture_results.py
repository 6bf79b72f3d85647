"""Screenshots of the demo's results page: each figure on a desktop (1280 wide) and the page on a
phone; and the map coloured by opinion group.

    rm -f shots.sqlite3
    export DEBUG=1 DATABASE_URL=sqlite:///$PWD/shots.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo
    .venv/bin/python -m uvicorn deliberation.asgi:application --port 8765 &
    .venv/bin/python docs/screenshots/capture_results.py http://127.0.0.1:8765 <join code>

The visitor joins with the code and votes on ten statements through the map first, so the page
can place them on the opinion map and answer "where do I stand?".
"""

import os
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VOTES = [2, 2, -1, 1, 2, -2, 1, 2, -1, 2]
SECTIONS = {
    "summary": "#results-summary",
    "opinion-map": "#results-opinion-map",
    "bridging": "#results-bridging",
    "cruxes": "#results-cruxes",
    "dilemma": "#results-dilemma",
    "standing": "#results-standing",
}


def capture(base: str, join_code: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{base}/join/{join_code}")
        page.fill("#join-name", "Visitor at the results")
        page.click("#join-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/w/[^/]+/$"))
        workshop_url = page.url
        links = page.locator(".tree a.node-open")
        for n, value in enumerate(VOTES):
            link = links.nth(n + 1)
            statement_url = link.get_attribute("href")
            link.click()
            page.wait_for_selector(f'#detail form.agreement[action="{statement_url}vote/"]')
            page.locator(f"#detail form.agreement .agree-{value}").click()
            page.wait_for_selector(f"#detail form.agreement .agree-{value}[aria-pressed=true]")
        page.wait_for_timeout(3500)  # the results are recomputed at most every few seconds
        page.goto(workshop_url)
        page.select_option("#map-colour", "group")
        page.wait_for_function("() => document.body.classList.contains('colour-by-group')")
        page.screenshot(path=HERE / "map-coloured-by-group-desktop.png")
        page.select_option("#map-colour", "")
        page.goto(workshop_url + "results/")
        page.wait_for_selector("#results")
        page.screenshot(path=HERE / "results-desktop.png")
        page.locator("#results-standing details summary").click()
        for name, selector in SECTIONS.items():
            page.locator(selector).screenshot(path=HERE / f"results-{name}-desktop.png")
        page.set_viewport_size({"width": 390, "height": 844})
        page.locator("#results-dilemma").scroll_into_view_if_needed()
        page.screenshot(path=HERE / "results-dilemma-phone.png")
        page.goto(workshop_url + "results/")
        page.screenshot(path=HERE / "results-phone.png")
        context.close()
        browser.close()


if __name__ == "__main__":
    capture(sys.argv[1].rstrip("/"), sys.argv[2])
