"""Content-Security-Policy on every page, and templates that need no exception from it:
no inline scripts, no inline styles, no event-handler attributes."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.seating import hold_seat

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
HANDLER_ATTRIBUTE = re.compile(r"""\s(on[a-z]+|hx-on[:\w-]*)\s*=""", re.I)


def seated(participant) -> Client:
    client = Client()
    hold_seat(client, participant)
    return client


def all_templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_it_finds_the_templates_it_scans():
    assert len(all_templates()) > 10


@pytest.mark.parametrize("template", all_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_it_keeps_code_and_styles_out_of_the_template(template):
    text = template.read_text()
    for attributes, body in SCRIPT_TAG.findall(text):
        assert "src=" in attributes, f"inline script in {template.name}"
        assert body.strip() == "", f"code inside a script tag in {template.name}"
        assert "request.csp_nonce" in attributes, f"script without the nonce in {template.name}"
    assert not STYLE_ATTRIBUTE.search(text), f"style= attribute in {template.name}"
    if template.parent.name != "formats":  # exports are self-contained files, not pages of the app
        assert not STYLE_TAG.search(text), f"<style> element in {template.name}"
    match = HANDLER_ATTRIBUTE.search(text)
    assert match is None, f"event handler attribute {match and match.group(1)} in {template.name}"


def assert_strict_csp(response, url: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"no CSP header on {url}"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src and any(source.startswith("'nonce-") for source in script_src), (url, policy)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (url, policy)
    assert directives.get("object-src") == ["'none'"], (url, policy)
    assert directives.get("frame-ancestors") == ["'none'"], (url, policy)
    html = response.content.decode()
    nonce = next(source for source in script_src if source.startswith("'nonce-"))[7:-1]
    for attributes, _body in SCRIPT_TAG.findall(html):
        assert f'nonce="{nonce}"' in attributes, f"a script on {url} lacks this response's nonce"


def test_it_sends_a_strict_nonce_policy_on_every_page(workshop, alice, position, moderator_user):
    participant = seated(alice)
    w = f"/w/{workshop.slug}"
    for url in [
        f"{w}/",
        f"{w}/s/{position.pk}/",
        f"{w}/me/",
        f"{w}/results/",
        f"{w}/documents/",
        f"{w}/projector",
    ]:
        assert_strict_csp(participant.get(url), url)
    anonymous = Client()
    for url in ["/", f"/join/{workshop.join_code}", "/accounts/login/"]:
        assert_strict_csp(anonymous.get(url), url)
    moderator = Client()
    moderator.force_login(moderator_user)
    m = f"/moderate/w/{workshop.slug}"
    for url in ["/moderate/", f"{m}/", f"{m}/queue", f"{m}/people", f"{m}/log", f"{m}/edit"]:
        assert_strict_csp(moderator.get(url), url)


def test_it_sends_a_new_nonce_with_every_response(client, db):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert first != second


def test_it_sends_the_other_protective_headers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
