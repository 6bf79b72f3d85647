"""Adding, linking, editing and withdrawing statements, as a page and as htmx fragments; bad input
answers 4xx with the form and its message, and stores nothing."""

import re

import pytest

from deliberation.domain import add_statement, join_workshop
from deliberation.models import Event, Relation, Statement

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_alice(client, alice):
    client.get(f"/resume/{alice.resume_token}")
    return client


def add_url(workshop):
    return f"/w/{workshop.slug}/add/"


def test_it_adds_a_position_and_redirects_to_it(as_alice, workshop, alice):
    response = as_alice.post(add_url(workshop), {"kind": "position", "text": "Publish everything openly."})
    statement = Statement.objects.get(text="Publish everything openly.")
    assert response.status_code == 302 and response["Location"].startswith(f"/w/{workshop.slug}/s/{statement.pk}/")
    assert statement.author == alice and statement.kind == "position"
    assert Relation.objects.filter(source=statement, target=workshop.root(), kind="answers").exists()


def test_it_adds_a_counterargument_with_htmx_and_refreshes_the_outline(as_alice, workshop, position):
    response = as_alice.post(
        add_url(workshop),
        {"parent": position.pk, "kind": "claim", "relation": "opposes", "text": "Rivals profit."},
        **HX,
    )
    body = response.content.decode()
    statement = Statement.objects.get(text="Rivals profit.")
    assert response.status_code == 201 and response["HX-Retarget"] == "#detail"
    assert "Added to the map." in body and "<html" not in body
    assert 'id="outline" class="outline-region"' in body and 'hx-swap-oob="true"' in body
    assert f'id="outline-{statement.pk}"' in body
    assert Relation.objects.get(source=statement).kind == "opposes"


def test_it_adds_evidence_with_its_source(as_alice, workshop, position):
    as_alice.post(
        add_url(workshop),
        {
            "parent": position.pk,
            "kind": "evidence",
            "relation": "supports",
            "text": "A study shows it.",
            "source_citation": "Smith 2020",
            "source_url": "https://example.org/a",
            "source_kind": "study",
        },
    )
    evidence = Statement.objects.get(text="A study shows it.")
    assert (evidence.source_citation, evidence.source_url, evidence.source_kind) == (
        "Smith 2020",
        "https://example.org/a",
        "study",
    )


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"kind": "claim", "relation": "supports", "text": ""}, 400, "cannot be empty"),
        ({"kind": "claim", "relation": "supports", "text": "x" * 501}, 400, "at most 500"),
        ({"kind": "claim", "relation": "", "text": "No side"}, 400, "supports or opposes"),
        ({"kind": "evidence", "relation": "supports", "text": "No source"}, 400, "Evidence needs a source"),
        (
            {"kind": "evidence", "relation": "supports", "text": "Bad link", "source_url": "javascript:alert(1)"},
            400,
            "full web address",
        ),
    ],
)
def test_it_refuses_bad_input_with_the_form_and_stores_nothing(as_alice, workshop, position, data, status, message):
    before = (Statement.objects.count(), Event.objects.count())
    for headers in ({}, HX):
        response = as_alice.post(add_url(workshop), {"parent": position.pk, **data}, **headers)
        body = response.content.decode()
        assert response.status_code == status and message in body
        assert 'id="reply-form"' in body
        assert ("<html" in body) == (not headers)
    assert (Statement.objects.count(), Event.objects.count()) == before


def test_it_refuses_an_unknown_parent(as_alice, workshop):
    response = as_alice.post(
        add_url(workshop), {"parent": "999999", "kind": "claim", "relation": "supports", "text": "Hi"}
    )
    assert response.status_code == 404 and "There is no statement #999999" in response.content.decode()
    assert not Statement.objects.filter(text="Hi").exists()


def test_it_refuses_another_workshops_statement_as_parent(as_alice, workshop, make_workshop):
    other = make_workshop()
    foreign = add_statement(join_workshop(other, "Stranger"), other.root(), "position", "Elsewhere.")
    response = as_alice.post(
        add_url(workshop), {"parent": foreign.pk, "kind": "claim", "relation": "supports", "text": "Sneaky"}, **HX
    )
    assert response.status_code == 404 and not Statement.objects.filter(text="Sneaky").exists()


def test_it_refuses_new_statements_in_the_vote_phase(as_alice, workshop, position):
    workshop.phase = "vote"
    workshop.save()
    response = as_alice.post(
        add_url(workshop), {"parent": position.pk, "kind": "claim", "relation": "supports", "text": "Late"}
    )
    assert response.status_code == 403 and "not open in the vote phase" in response.content.decode()
    assert not Statement.objects.filter(text="Late").exists()


def test_it_refuses_a_position_error_with_the_position_form(as_alice, workshop):
    response = as_alice.post(add_url(workshop), {"kind": "position", "text": "   "}, **HX)
    body = response.content.decode()
    assert response.status_code == 400 and 'id="position-form"' in body and "cannot be empty" in body


def test_it_refuses_a_visitor_without_a_seat(client, workshop, position):
    response = client.post(
        add_url(workshop), {"parent": position.pk, "kind": "claim", "relation": "supports", "text": "Hi"}
    )
    assert response.status_code == 403 and "Join this workshop first" in response.content.decode()


def test_it_limits_how_fast_one_participant_adds_statements(as_alice, workshop, position, settings):
    settings.RATE_LIMITS = {"statement": (2, 300)}
    for n in range(2):
        as_alice.post(
            add_url(workshop), {"parent": position.pk, "kind": "claim", "relation": "supports", "text": f"R{n}"}
        )
    response = as_alice.post(
        add_url(workshop), {"parent": position.pk, "kind": "claim", "relation": "supports", "text": "R3"}
    )
    assert response.status_code == 429 and not Statement.objects.filter(text="R3").exists()


def test_it_links_a_statement_to_a_second_parent(as_alice, workshop, alice, position, claim):
    other = add_statement(alice, workshop.root(), "position", "Keep some research closed.")
    response = as_alice.post(
        f"/w/{workshop.slug}/s/{claim.pk}/link/", {"parent": f"#{other.pk}", "relation": "opposes"}
    )
    assert response.status_code == 302
    assert Relation.objects.filter(source=claim, target=other, kind="opposes").exists()


def test_it_links_with_htmx_and_refuses_a_duplicate(as_alice, workshop, position, claim):
    response = as_alice.post(
        f"/w/{workshop.slug}/s/{claim.pk}/link/", {"parent": position.pk, "relation": "supports"}, **HX
    )
    assert response.status_code == 409 and "already linked" in response.content.decode()
    assert 'id="link-box"' in response.content.decode()
    assert Relation.objects.filter(source=claim).count() == 1


def test_it_edits_my_statement(as_alice, workshop, position):
    response = as_alice.post(
        f"/w/{workshop.slug}/s/{position.pk}/edit/", {"text": "We should cooperate, openly.", "version": 1}, **HX
    )
    assert response.status_code == 200 and "Your change is saved." in response.content.decode()
    position.refresh_from_db()
    assert position.text == "We should cooperate, openly." and position.version == 2


def test_it_refuses_a_stale_edit_with_a_clear_message(as_alice, workshop, position):
    as_alice.post(f"/w/{workshop.slug}/s/{position.pk}/edit/", {"text": "First change.", "version": 1})
    response = as_alice.post(f"/w/{workshop.slug}/s/{position.pk}/edit/", {"text": "Second change.", "version": 1})
    body = response.content.decode()
    assert response.status_code == 409 and "Someone changed this statement" in body
    assert "First change." in body and "Second change." in body  # the current text and mine, side by side
    position.refresh_from_db()
    assert position.text == "First change."


def test_it_refuses_to_edit_someone_elses_statement(as_alice, workshop, claim):
    response = as_alice.post(f"/w/{workshop.slug}/s/{claim.pk}/edit/", {"text": "Mine now", "version": 1}, **HX)
    assert response.status_code == 403 and "your own statements" in response.content.decode()
    claim.refresh_from_db()
    assert claim.text != "Mine now"


def test_it_asks_before_withdrawing(as_alice, workshop, position):
    page = as_alice.get(f"/w/{workshop.slug}/s/{position.pk}/withdraw/")
    assert page.status_code == 200 and "Withdraw this statement?" in page.content.decode()
    fragment = as_alice.get(f"/w/{workshop.slug}/s/{position.pk}/withdraw/", **HX).content.decode()
    assert "Yes, withdraw it" in fragment and "<html" not in fragment
    position.refresh_from_db()
    assert position.status == "visible"


def test_it_withdraws_my_statement(as_alice, workshop, position):
    response = as_alice.post(f"/w/{workshop.slug}/s/{position.pk}/withdraw/")
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.status == "withdrawn"


def test_it_withdraws_with_htmx_and_removes_it_from_the_outline(as_alice, workshop, position):
    response = as_alice.post(f"/w/{workshop.slug}/s/{position.pk}/withdraw/", **HX)
    body = response.content.decode()
    assert "withdrawn" in body and f'id="outline-{position.pk}"' not in body


def test_it_refuses_to_withdraw_someone_elses_statement(as_alice, workshop, claim):
    response = as_alice.post(f"/w/{workshop.slug}/s/{claim.pk}/withdraw/", **HX)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == "visible"


def test_it_shows_the_edit_form_and_saves_without_javascript(as_alice, workshop, position):
    form = as_alice.get(f"/w/{workshop.slug}/s/{position.pk}/edit/")
    assert form.status_code == 200 and 'id="edit-box" open' in form.content.decode()
    fragment = as_alice.get(f"/w/{workshop.slug}/s/{position.pk}/edit/", **HX).content.decode()
    assert fragment.lstrip().startswith('<details class="edit-box" id="edit-box" open')
    response = as_alice.post(f"/w/{workshop.slug}/s/{position.pk}/edit/", {"text": "Edited plainly.", "version": 1})
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.text == "Edited plainly."


def test_the_panel_shows_a_text_once_when_its_title_is_only_its_opening_words(as_alice, workshop, alice, position):
    text = "Rival states copy what is published openly, and they profit from it before the authors can."
    written = add_statement(alice, position, "claim", text, relation="opposes")
    assert written.title != text and text.startswith(written.title.removesuffix("…"))
    body = as_alice.get(f"/w/{workshop.slug}/s/{written.pk}/", **HX).content.decode()
    shown = re.sub(r"<textarea.*?</textarea>", "", body, flags=re.S)  # the author's edit form holds it too
    assert shown.count(text) == 1 and written.title not in shown
    assert f'<h2 id="detail-title" class="statement-text detail-title-text" tabindex="-1">{text}</h2>' in body

    # A title of its own (an import's, a moderator's) is shown above the text.
    Statement.objects.filter(pk=written.pk).update(title="Free riding")
    body = as_alice.get(f"/w/{workshop.slug}/s/{written.pk}/", **HX).content.decode()
    assert '<h2 id="detail-title" tabindex="-1">Free riding</h2>' in body
    assert f'<p class="statement-text">{text}</p>' in body


def test_adding_a_position_with_htmx_empties_its_form_out_of_band(as_alice, workshop):
    response = as_alice.post(add_url(workshop), {"kind": "position", "text": "Share data first."}, **HX)
    body = response.content.decode()
    assert response.status_code == 201 and '<div id="add-position" hx-swap-oob="true">' in body
    region = body.split('<div id="add-position" hx-swap-oob="true">')[1]
    assert 'id="position-form"' in region and "Share data first." not in region.split("</div>")[0]


def test_the_position_region_follows_the_phase(as_alice, client, workshop):
    region = f"/w/{workshop.slug}/add-position/"
    assert 'id="position-form"' in as_alice.get(region, **HX).content.decode()
    workshop.phase = "vote"
    workshop.save()
    body = as_alice.get(region, **HX).content.decode()
    assert body.strip().startswith('<div id="add-position"') and 'id="position-form"' not in body
    client.cookies.clear()
    assert client.get(region).status_code == 302  # no seat: to the join page
