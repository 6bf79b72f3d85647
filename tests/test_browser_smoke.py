"""The browser harness itself: a real uvicorn server and Debian Chromium, joining the demo by code."""

import pytest

from deliberation.domain import add_statement
from deliberation.models import Participant, Statement

pytestmark = pytest.mark.browser


def test_a_participant_joins_by_code_in_chromium(workshop, live_server_url, page):
    add_statement(workshop.participants.get(), workshop.root(), Statement.Kind.POSITION, "Share the data")
    page.goto(live_server_url + "/")
    page.fill("#join-code", workshop.display_join_code)
    page.fill("#join-name", "Browser Person")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/w/{workshop.slug}/")
    assert "Share the data" in page.inner_text("main")
    assert Participant.objects.filter(workshop=workshop, display_name="Browser Person").exists()
