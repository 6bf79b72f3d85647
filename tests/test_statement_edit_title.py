"""Editing a statement edits its title too: a title made from the text follows the text, a chosen
title stays until someone changes it, and every page, log and export shows the new one."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from deliberation.domain import Conflict, InvalidInput, add_statement, edit_statement, moderator_seat, statements
from deliberation.formats import export_workshop
from deliberation.models import TITLE_LENGTH, Event, Statement

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
OLD = "Open science speeds up progress."  # the claim fixture's text, and so its title
NEW = "Open science speeds up discovery."


@pytest.fixture
def mod_client(moderator_user):
    """A client of its own, so a test can also act as Bob through `client`."""
    client = Client()
    client.force_login(moderator_user)
    return client


@pytest.fixture
def chosen(bob, position):
    """Bob's claim with a title of his own (the API and imports can give one)."""
    return add_statement(
        bob, position, Statement.Kind.CLAIM, "Shared labs cost less.", relation="supports", title="Cost"
    )


def page_url(workshop, statement) -> str:
    return reverse("statement", args=[workshop.slug, statement.pk])


def heading(page: str) -> str:
    return re.search(r'<h2 id="detail-title"[^>]*>(.*?)</h2>', page, re.S).group(1).strip()


def edited_events(statement) -> list[dict]:
    return [event.payload for event in Event.objects.filter(statement=statement, verb="statement.edited")]


# --- A title made from the text follows it ---------------------------------------------------------


def test_it_gives_an_authors_edited_text_a_new_title_on_every_page(as_bob, workshop, position, claim):
    response = as_bob.post(reverse("edit_statement", args=[workshop.slug, claim.pk]), {"text": NEW, "version": 1})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.title, claim.version) == (NEW, NEW, 2)
    page = as_bob.get(page_url(workshop, claim)).content.decode()
    assert heading(page) == NEW and OLD not in page
    parent = as_bob.get(page_url(workshop, position)).content.decode()  # its list of reasons
    assert NEW in parent and OLD not in parent


def test_it_shows_the_new_title_in_the_htmx_answer(as_bob, workshop, claim):
    response = as_bob.post(reverse("edit_statement", args=[workshop.slug, claim.pk]), {"text": NEW, "version": 1}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and heading(body) == NEW
    assert OLD not in body  # nor in the outline sent out of band


def test_it_gives_a_moderators_edited_text_a_new_title(mod_client, workshop, claim):
    # The form sends the title as it was prefilled: left alone, it follows the text.
    response = mod_client.post(
        reverse("moderate_edit_statement", args=[workshop.slug, claim.pk]), {"title": OLD, "text": NEW, "version": 1}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.title == NEW
    page = mod_client.get(reverse("moderate_statement", args=[workshop.slug, claim.pk])).content.decode()
    assert f"<h1>#{claim.pk} {NEW}</h1>" in page
    assert re.search(r'<input id="edit-title" name="title"[^>]* value="Open science speeds up discovery\."', page)


def test_it_keeps_the_new_title_unique_and_clipped(workshop, bob, position, claim):
    twin = add_statement(bob, position, Statement.Kind.CLAIM, "Cheaper labs.", relation="supports")
    other = add_statement(bob, position, Statement.Kind.CLAIM, "Cheaper labs. ", relation="opposes")
    assert other.title == "Cheaper labs. (2)"
    edit_statement(bob, twin, "Something else entirely.", twin.version)
    edit_statement(bob, other, "Cheaper  labs.", other.version)  # the same opening words: keeps its " (2)"
    other.refresh_from_db()
    assert other.title == "Cheaper labs. (2)"
    edit_statement(bob, claim, "Cheaper labs.", claim.version)
    claim.refresh_from_db()
    assert claim.title == "Cheaper labs."  # free again since the twin's text changed
    long_text = "Shared research infrastructure lets small countries join projects they could never fund alone."
    edit_statement(bob, claim, long_text, claim.version)
    claim.refresh_from_db()
    assert claim.title == "Shared research infrastructure lets small countries join…"


def test_it_tells_titles_made_from_the_text_from_chosen_ones():
    title_follows_text = statements.title_follows_text
    text = "Shared research infrastructure lets small countries join projects they could never fund alone."
    assert title_follows_text("Shared research infrastructure lets small countries join…", text)
    assert title_follows_text("Shared research infrastructure lets small countries join… (3)", text)
    assert title_follows_text(text[:73] + "…", text)  # as an import clips it
    assert title_follows_text("Short text (2)", "Short  text")
    assert not title_follows_text("Shared research", text)  # a chosen title may start like the text
    assert not title_follows_text("Cost", "Shared labs cost less.")


def test_the_question_keeps_its_title(workshop, moderator_user):
    moderator = moderator_seat(workshop, moderator_user)
    root = workshop.root()
    root.workshop = workshop
    edit_statement(moderator, root, "What now?", root.version)
    root.refresh_from_db()
    assert (root.text, root.title) == ("What now?", "Question")
    with pytest.raises(InvalidInput) as refused:
        edit_statement(moderator, root, "What now?", root.version, title="Whatever")
    assert refused.value.field == "title"


# --- A chosen title stays, and can be changed -------------------------------------------------------


def test_it_keeps_a_chosen_title_when_the_text_changes(as_bob, workshop, chosen):
    form = as_bob.get(reverse("edit_statement", args=[workshop.slug, chosen.pk]), **HX).content.decode()
    assert re.search(r'<input id="edit-title" name="title"[^>]* value="Cost"', form)
    response = as_bob.post(
        reverse("edit_statement", args=[workshop.slug, chosen.pk]),
        {"title": "Cost", "text": "Shared labs cost much less.", "version": 1},
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert (chosen.title, chosen.text) == ("Cost", "Shared labs cost much less.")
    assert "title_before" not in edited_events(chosen)[0]


def test_an_authors_form_shows_no_title_field_for_a_title_made_from_the_text(as_bob, workshop, claim):
    form = as_bob.get(reverse("edit_statement", args=[workshop.slug, claim.pk]), **HX).content.decode()
    assert 'name="text"' in form and 'name="title"' not in form


def test_a_moderator_changes_a_chosen_title_through_the_form(mod_client, workshop, bob, position):
    rude = add_statement(
        bob, position, Statement.Kind.CLAIM, "Shared labs cost less.", relation="supports", title="Idiots"
    )
    response = mod_client.post(
        reverse("moderate_edit_statement", args=[workshop.slug, rude.pk]),
        {"title": "  Shared   labs ", "text": rude.text, "version": 1},
        **HX,
    )
    assert response.status_code == 200
    rude.refresh_from_db()
    assert (rude.title, rude.text, rude.version) == ("Shared labs", "Shared labs cost less.", 2)
    body = response.content.decode()
    assert f"<h1>#{rude.pk} Shared labs</h1>" in body and "Title: Idiots" in body  # in the history
    parent = mod_client.get(page_url(workshop, position)).content.decode()
    assert "Idiots" not in parent


def test_the_api_edits_the_title(workshop, bob, chosen):
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=bob.resume_token)
    address = f"/api/v1/workshops/{workshop.slug}/statements/{chosen.pk}/"
    response = client.patch(address, {"text": chosen.text, "title": "Cheaper", "expected_version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["version"]) == ("Cheaper", 2)
    response = client.patch(address, {"text": "Shared labs are cheap.", "expected_version": 2}, format="json")
    assert response.json()["title"] == "Cheaper"  # no title sent: the chosen one stays
    refused = client.patch(address, {"text": "Other.", "title": "", "expected_version": 3}, format="json")
    assert refused.status_code == 400 and "title" in refused.json()["fields"]
    stale = client.patch(address, {"text": "Other.", "title": "Late", "expected_version": 1}, format="json")
    assert stale.status_code == 409
    chosen.refresh_from_db()
    assert (chosen.title, chosen.text, chosen.version) == ("Cheaper", "Shared labs are cheap.", 3)


# --- Refusals change nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "message"),
    [
        pytest.param("   ", "The title cannot be empty.", id="empty"),
        pytest.param("x" * (TITLE_LENGTH + 1), f"at most {TITLE_LENGTH} are allowed", id="too-long"),
        pytest.param(OLD, "Another statement in this workshop already has this title.", id="taken"),
    ],
)
def test_an_invalid_title_is_refused_with_a_message_and_changes_nothing(
    mod_client, as_bob, workshop, claim, chosen, title, message
):
    events = Event.objects.count()
    page = mod_client.post(
        reverse("moderate_edit_statement", args=[workshop.slug, chosen.pk]),
        {"title": title, "text": "Changed.", "version": 1},
    )
    assert page.status_code == 400 and message in page.content.decode()
    assert 'aria-invalid="true"' in page.content.decode()
    form = as_bob.post(
        reverse("edit_statement", args=[workshop.slug, chosen.pk]),
        {"title": title, "text": "Changed.", "version": 1},
        **HX,
    )
    assert form.status_code == 400 and message in form.content.decode()
    chosen.refresh_from_db()
    assert (chosen.title, chosen.text, chosen.version) == ("Cost", "Shared labs cost less.", 1)
    assert Event.objects.count() == events


def test_a_stale_version_is_still_refused_with_a_title(workshop, bob, chosen):
    edit_statement(bob, chosen, "First.", 1)
    with pytest.raises(Conflict):
        edit_statement(bob, chosen, "Second.", 1, title="Other")
    chosen.refresh_from_db()
    assert (chosen.title, chosen.text, chosen.version) == ("Cost", "First.", 2)


# --- The log and the exports -------------------------------------------------------------------------


def test_the_audit_event_records_the_title_change(workshop, moderator_user, claim):
    edit_statement(moderator_seat(workshop, moderator_user), claim, NEW, 1)
    (payload,) = edited_events(claim)
    assert payload["before"] == OLD and payload["after"] == NEW
    assert (payload["title_before"], payload["title_after"]) == (OLD, NEW)


def test_the_argdown_export_names_the_statement_by_its_new_title(workshop, bob, claim):
    edit_statement(bob, claim, NEW, 1)
    argdown = export_workshop(workshop, "argdown").decode()
    assert f"[{NEW}]:" in argdown and OLD not in argdown
