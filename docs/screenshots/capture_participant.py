"""Screenshots of the participant pages, desktop (1280 wide) and phone (390×844), of the demo.

Against a fresh scratch database (each run joins as new visitors, so start from a fresh demo):

    export DEBUG=1 DATABASE_URL=sqlite:///$PWD/shots.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo   # prints the join code
    .venv/bin/python -m uvicorn deliberation.asgi:application --port 8765 &
    PYTHONPATH=. .venv/bin/python docs/screenshots/capture_participant.py http://127.0.0.1:8765 JOINCODE
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from tests.servers import CHROMIUM  # noqa: E402 - the project root is only now importable

SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def capture(base: str, join_code: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for device, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{base}/join/{join_code}")
            page.screenshot(path=HERE / f"join-{device}.png")
            page.fill("#join-name", f"Visitor on a {device}")
            page.click("#join-form button[type=submit]")
            page.wait_for_url(re.compile(r".*/w/[^/]+/$"))
            workshop_url = page.url
            page.screenshot(path=HERE / f"map-{device}.png")
            # Open a claim with an objection in the detail panel.
            link = page.locator(".kind-claim.stance-supports > .node-line a.node-open").first
            link.click()
            page.wait_for_selector("#detail .detail")
            page.locator("#detail .agree-1").click()
            page.wait_for_selector("#detail >> text=Your vote is counted.")
            page.locator("#detail .votes").scroll_into_view_if_needed()
            page.screenshot(path=HERE / f"detail-{device}.png")
            page.goto(workshop_url + "?view=graph")
            page.wait_for_selector("#graph[data-ready='1']")
            page.screenshot(path=HERE / f"graph-{device}.png")
            page.goto(workshop_url + "documents/")
            page.locator("#documents a").first.click()
            page.wait_for_selector("#document-text")
            page.screenshot(path=HERE / f"document-{device}.png")
            page.goto(workshop_url + "me/")
            page.screenshot(path=HERE / f"activity-{device}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    capture(sys.argv[1].rstrip("/"), sys.argv[2])
