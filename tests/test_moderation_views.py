"""Moderator pages: each renders in full and as its htmx fragment, and each form does its job."""

import pytest
from django.urls import reverse

from deliberation.domain import add_statement, annotate, moderator_seat
from deliberation.models import Annotation, Event, Phase, Statement, Workshop

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, workshop, *args):
    return reverse(name, args=[workshop.slug, *args])


PAGES = [
    ("moderate_console", 'id="controls"', "Live console"),
    ("moderate_queue", 'id="queue"', "Moderation queue"),
    ("moderate_merge", 'id="suggestions"', "Merge duplicates"),
    ("moderate_participants", 'id="people"', "People"),
    ("moderate_log", 'id="log"', "Audit log"),
    ("projector", 'id="live"', "<title>Test workshop</title>"),
]


@pytest.mark.parametrize(("name", "region", "page_only"), PAGES)
def test_it_renders_the_full_page_and_the_fragment(mod_client, workshop, claim, name, region, page_only):
    full = mod_client.get(url(name, workshop))
    assert full.status_code == 200
    assert region in full.content.decode() and page_only in full.content.decode()
    assert "HX-Request" in full["Vary"]
    part = mod_client.get(url(name, workshop), **HX)
    assert part.status_code == 200
    body = part.content.decode()
    assert region in body and "<html" not in body


def test_it_lists_my_workshops_and_creates_one(mod_client, workshop):
    page = mod_client.get(reverse("moderate_home"))
    assert workshop.title in page.content.decode()
    response = mod_client.post(
        reverse("moderate_new"),
        {
            "title": "Room 2",
            "question": "Which way?",
            "max_text_length": 300,
            "premoderation": "on",
            "allow_agreement_votes": "on",
        },
    )
    created = Workshop.objects.get(title="Room 2")
    assert response.status_code == 302 and response["Location"] == url("moderate_console", created)
    assert created.premoderation and created.max_text_length == 300 and not created.allow_lens_votes


def test_it_shows_the_create_form_again_with_the_error(mod_client):
    response = mod_client.post(
        reverse("moderate_new"), {"title": "X", "question": "Q?", "pole_a": "only one", "max_text_length": 300}
    )
    assert response.status_code == 400
    assert "A dilemma needs both poles" in response.content.decode()
    assert not Workshop.objects.filter(title="X").exists()


def test_it_edits_the_workshop_with_a_reason(mod_client, workshop):
    data = {
        "title": "Renamed",
        "question": "What now?",
        "max_text_length": 400,
        "reason": "typo",
        "allow_agreement_votes": "on",
    }
    response = mod_client.post(url("moderate_edit", workshop), data)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Renamed" and workshop.root().text == "What now?"
    event = Event.objects.filter(verb="workshop.updated").get()
    assert event.payload["before"]["title"] == "Test workshop" and event.payload["reason"] == "typo"


def test_it_switches_phase_and_answers_htmx_with_the_controls(mod_client, workshop):
    response = mod_client.post(url("moderate_phase", workshop), {"phase": "vote"}, **HX)
    assert response.status_code == 200
    assert 'class="phase-now">Vote<' in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.phase == Phase.VOTE


def test_it_redirects_a_plain_post_back_to_the_console(mod_client, workshop):
    response = mod_client.post(url("moderate_phase", workshop), {"phase": "closed"})
    assert response.status_code == 302 and response["Location"] == url("moderate_console", workshop)


def test_it_refuses_an_unknown_phase_with_the_console_and_a_message(mod_client, workshop):
    response = mod_client.post(url("moderate_phase", workshop), {"phase": "party"})
    assert response.status_code == 400
    assert "Choose one of the phases" in response.content.decode()


def test_it_starts_and_stops_the_timer(mod_client, workshop):
    mod_client.post(url("moderate_timer", workshop), {"minutes": "2.5"})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is not None
    mod_client.post(url("moderate_timer", workshop), {"stop": "1"})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None
    assert mod_client.post(url("moderate_timer", workshop), {"minutes": "soon"}).status_code == 400


def test_it_focuses_a_statement_by_number(mod_client, workshop, claim):
    response = mod_client.post(url("moderate_focus", workshop), {"statement": f"#{claim.pk}"}, **HX)
    assert response.status_code == 200 and claim.title in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.focus_statement_id == claim.pk


def test_it_rotates_the_join_code(mod_client, workshop):
    old = workshop.join_code
    mod_client.post(url("moderate_join_code", workshop), {"rotate": "1", "expires_in_hours": "2"})
    workshop.refresh_from_db()
    assert workshop.join_code != old and workshop.join_code_expires_at is not None


def test_it_publishes_a_note(mod_client, workshop):
    mod_client.post(url("moderate_note", workshop), {"note": "Break at 11"})
    workshop.refresh_from_db()
    assert workshop.moderation_note == "Break at 11"


def test_it_approves_and_rejects_from_the_queue(mod_client, make_workshop, moderator_user):
    room = make_workshop(premoderation=True)
    from deliberation.domain import join_workshop

    carol = join_workshop(room, "Carol")
    first = add_statement(carol, room.root(), "position", "Keep the data open.")
    second = add_statement(carol, room.root(), "position", "Close the data.")
    page = mod_client.get(url("moderate_queue", room)).content.decode()
    assert "Keep the data open." in page and "Close the data." in page
    response = mod_client.post(url("moderate_statement_action", room, first.pk, "approve"), **HX)
    assert response.status_code == 200 and "Keep the data open." not in response.content.decode()
    missing = mod_client.post(url("moderate_statement_action", room, second.pk, "reject"), {"reason": ""})
    assert missing.status_code == 400 and "Tell the author why" in missing.content.decode()
    mod_client.post(url("moderate_statement_action", room, second.pk, "reject"), {"reason": "Off topic"})
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == "visible"
    assert (second.status, second.moderation_reason) == ("rejected", "Off topic")


def test_it_applies_a_bulk_action_to_the_ticked_statements(mod_client, workshop, position, claim):
    response = mod_client.post(
        url("moderate_bulk", workshop), {"action": "hide", "selected": [position.pk, claim.pk], "reason": "spam"}
    )
    assert response.status_code == 302
    assert set(Statement.objects.filter(pk__in=[position.pk, claim.pk]).values_list("status", flat=True)) == {"hidden"}
    assert Event.objects.filter(verb="statement.hidden").count() == 2


def test_it_applies_a_bulk_action_all_or_nothing(mod_client, workshop, position, claim):
    mod_client.post(url("moderate_statement_action", workshop, claim.pk, "hide"))
    response = mod_client.post(url("moderate_bulk", workshop), {"action": "hide", "selected": [position.pk, claim.pk]})
    assert response.status_code == 409
    position.refresh_from_db()
    assert position.status == "visible"


def test_it_resolves_a_flag(mod_client, workshop, claim, alice):
    flag = annotate(alice, "flag", "This is an insult", statement=claim)
    page = mod_client.get(url("moderate_queue", workshop)).content.decode()
    assert "This is an insult" in page
    mod_client.post(url("moderate_annotation_action", workshop, flag.pk, "resolve"))
    assert Annotation.objects.get(pk=flag.pk).resolved_at is not None


def test_it_edits_a_statement_and_shows_the_history(mod_client, workshop, claim):
    response = mod_client.post(
        url("moderate_edit_statement", workshop, claim.pk), {"text": "Open science speeds up research.", "version": 1}
    )
    assert response.status_code == 302
    page = mod_client.get(url("moderate_statement", workshop, claim.pk)).content.decode()
    assert "statement.edited" in page and "Open science speeds up progress." in page
    stale = mod_client.post(url("moderate_edit_statement", workshop, claim.pk), {"text": "Again", "version": 1})
    assert stale.status_code == 409


def test_it_moves_a_statement(mod_client, workshop, position, claim, alice):
    other = add_statement(alice, workshop.root(), "position", "Keep it national.")
    response = mod_client.post(
        url("moderate_statement_action", workshop, claim.pk, "move"),
        {"parent": other.pk, "relation": "opposes", "back": "statement"},
    )
    assert response.status_code == 302
    assert list(claim.outgoing.values_list("target_id", "kind")) == [(other.pk, "opposes")]


def test_it_merges_from_the_merge_page(mod_client, workshop, position, alice, bob):
    twin = add_statement(bob, workshop.root(), "position", "We should cooperate openly!")
    page = mod_client.get(url("moderate_merge", workshop)).content.decode()
    assert f"Keep #{position.pk}" in page and f"Keep #{twin.pk}" in page
    assert f'hx-confirm="Merge #{twin.pk} into #{position.pk}? Links, comments and votes move' in page  # asks first
    response = mod_client.post(
        url("moderate_merge_do", workshop), {"duplicate": twin.pk, "survivor": position.pk}, **HX
    )
    assert response.status_code == 200
    twin.refresh_from_db()
    assert twin.status == "merged" and twin.merged_into_id == position.pk


def test_it_bans_and_renames_people(mod_client, workshop, alice, position):
    mod_client.post(url("moderate_participant_action", workshop, alice.pk, "rename"), {"display_name": "A."})
    mod_client.post(url("moderate_participant_action", workshop, alice.pk, "ban"), {"hide_content": "1", "reason": "x"})
    alice.refresh_from_db(), position.refresh_from_db()
    assert alice.display_name == "A." and alice.is_banned and position.status == "hidden"
    page = mod_client.get(url("moderate_participants", workshop)).content.decode()
    assert "Removed" in page


def test_it_asks_before_removing_someone_naming_them_escaped(mod_client, workshop, alice):
    alice.display_name = 'Al "<b>" ice'
    alice.save()
    page = mod_client.get(url("moderate_participants", workshop)).content.decode()
    assert 'hx-confirm="Remove Al &quot;&lt;b&gt;&quot; ice from this workshop?' in page


def test_it_exports_the_audit_log_as_csv(mod_client, workshop, claim):
    mod_client.post(url("moderate_statement_action", workshop, claim.pk, "hide"), {"reason": "=HYPERLINK()"})
    response = mod_client.get(url("moderate_log_csv", workshop))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "statement.hidden" in text and "'=HYPERLINK()" in text and "mod" in text


def test_it_copies_a_workshop_with_its_statements(mod_client, workshop, claim):
    response = mod_client.post(url("moderate_copy", workshop), {"with_statements": "1"})
    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response.status_code == 302 and copy.phase == "draft"
    assert set(copy.statements.values_list("text", flat=True)) >= {claim.text}


def test_it_manages_co_moderators(mod_client, workshop, django_user_model):
    django_user_model.objects.create_user("helper", password="x-long-password")
    mod_client.post(url("moderate_co_moderator", workshop), {"username": "helper"})
    assert workshop.co_moderators.filter(username="helper").exists()
    helper = workshop.co_moderators.get()
    mod_client.post(url("moderate_co_moderator", workshop), {"remove": helper.pk})
    assert not workshop.co_moderators.exists()


def test_it_answers_an_unknown_co_moderator_on_the_settings_page_keeping_the_name(mod_client, workshop):
    response = mod_client.post(url("moderate_co_moderator", workshop), {"username": "nosuchuser"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No account is called “nosuchuser”." in body and 'id="co-username-error"' in body
    assert 'value="nosuchuser"' in body and 'aria-invalid="true"' in body
    assert 'name="question"' in body  # the whole settings page, not an error page
    assert not workshop.co_moderators.exists()


def test_it_keeps_the_queue_to_a_constant_number_of_queries(mod_client, workshop, alice, django_assert_max_num_queries):
    moderator_seat(workshop, workshop.owner)
    for n in range(30):
        add_statement(alice, workshop.root(), "position", f"Position number {n}")
    with django_assert_max_num_queries(14):
        assert mod_client.get(url("moderate_queue", workshop) + "?status=all").status_code == 200
    with django_assert_max_num_queries(14):
        assert mod_client.get(url("moderate_log", workshop) + "?show=all").status_code == 200
    with django_assert_max_num_queries(14):
        assert mod_client.get(url("moderate_participants", workshop)).status_code == 200
    for name in ("moderate_console", "moderate_merge", "projector"):
        with django_assert_max_num_queries(14):
            assert mod_client.get(url(name, workshop)).status_code == 200
    with django_assert_max_num_queries(14):
        assert mod_client.get(url("moderate_statement", workshop, workshop.root().pk)).status_code == 200


def test_it_renders_a_statement_page_in_full_and_as_its_fragment(mod_client, workshop, claim):
    full = mod_client.get(url("moderate_statement", workshop, claim.pk)).content.decode()
    assert 'id="statement"' in full and "<html" in full and claim.text in full
    part = mod_client.get(url("moderate_statement", workshop, claim.pk), **HX).content.decode()
    assert part.lstrip().startswith('<div id="statement"') and claim.text in part


def test_it_answers_htmx_people_actions_with_the_people_region(mod_client, workshop, alice):
    response = mod_client.post(
        url("moderate_participant_action", workshop, alice.pk, "rename"), {"display_name": "Ally"}, **HX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="people"') and "Ally" in body
    clash = mod_client.post(
        url("moderate_participant_action", workshop, alice.pk, "rename"), {"display_name": "mod"}, **HX
    )
    assert clash.status_code == 409 and "already called" in clash.content.decode()


def test_it_answers_404_for_another_workshops_statement(mod_client, workshop, make_workshop, django_user_model):
    other_owner = django_user_model.objects.create_user("other")
    other = make_workshop(owner=other_owner)
    foreign = other.root()
    response = mod_client.post(url("moderate_statement_action", workshop, foreign.pk, "hide"))
    assert response.status_code == 404
    assert Statement.objects.get(pk=foreign.pk).status == "visible"


def test_the_console_counts_the_rooms_statements_and_people_not_the_question_or_the_moderators(
    mod_client, make_workshop, moderator_user
):
    from deliberation.domain import join_workshop

    fresh = make_workshop()
    moderator_seat(fresh, moderator_user)
    page = mod_client.get(url("moderate_console", fresh)).content.decode()
    assert "0 visible statements" in page and "0 participants" in page
    nia = join_workshop(fresh, "Nia")
    add_statement(nia, fresh.root(), "position", "One way to answer the question")
    page = mod_client.get(url("moderate_console", fresh)).content.decode()
    assert "1 visible statement " in page and "1 participant<" in page
