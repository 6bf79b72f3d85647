"""The queue and the console follow the room: their regions are fragments of their own, which
live.js re-fetches on events, in a constant number of queries; a refresh leaves what the moderator
is typing as it is, and a console form answers with its own card alone."""

import re

import pytest
from django.urls import reverse

from deliberation.domain import (
    add_statement,
    annotate,
    approve_statement,
    join_workshop,
    moderator_seat,
    set_moderation_note,
    set_phase,
)
from deliberation.models import Phase
from tests.seating import hold_seat

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
CARDS = ["phase", "timer", "focus", "code", "note", "counts"]


@pytest.fixture
def room(make_workshop, moderator_user):
    """A pre-moderated workshop, with its moderator seated."""
    room = make_workshop(premoderation=True)
    moderator_seat(room, moderator_user)
    return room


@pytest.fixture
def pat(room):
    return join_workshop(room, "Pat")


def url(name, workshop, *args):
    return reverse(name, args=[workshop.slug, *args])


def tag(body: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    found = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', body)
    assert found, f"no #{element_id}"
    return found.group(0)


# --- The queue -----------------------------------------------------------------------------------


def test_it_follows_the_stream_on_the_queue_page(mod_client, room):
    page = mod_client.get(url("moderate_queue", room) + "?status=visible").content.decode()
    assert 'id="live-stream"' in page
    region = tag(page, "queue-live")
    assert 'data-live-refresh="map annotations people"' in region
    assert f'data-live-url="{url("moderate_queue_live", room)}?status=visible"' in region


def test_it_lists_a_pending_statement_in_the_queue_fragment(mod_client, room, pat):
    pending = add_statement(pat, room.root(), "position", "Keep <b>research</b> national")
    response = mod_client.get(url("moderate_queue_live", room))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue-live"') and "<html" not in body
    assert f'id="row-{pending.pk}"' in body
    assert "Keep &lt;b&gt;research&lt;/b&gt; national" in body and "<b>research" not in body
    assert '?status=open"' in tag(body, "queue-live")


def test_it_keeps_the_status_filter_in_the_queue_fragment(mod_client, room, pat):
    pending = add_statement(pat, room.root(), "position", "Keep research national")
    body = mod_client.get(url("moderate_queue_live", room) + "?status=visible").content.decode()
    assert f'id="row-{pending.pk}"' not in body and '?status=visible"' in tag(body, "queue-live")
    body = mod_client.get(url("moderate_queue_live", room) + "?status=nonsense").content.decode()
    assert f'id="row-{pending.pk}"' in body and '?status=open"' in tag(body, "queue-live")


def test_it_leaves_ticks_and_reasons_to_the_moderator_on_a_refresh(mod_client, room, pat):
    pending = add_statement(pat, room.root(), "position", "Keep research national")
    body = mod_client.get(url("moderate_queue_live", room)).content.decode()
    for element_id in (f"tick-{pending.pk}", f"reason-{pending.pk}", "bulk-action", "bulk-reason"):
        assert "hx-preserve" in tag(body, element_id), element_id


def test_it_unticks_after_a_bulk_action_but_keeps_the_reasons_being_typed(mod_client, room, pat):
    first = add_statement(pat, room.root(), "position", "Keep research national")
    second = add_statement(pat, room.root(), "position", "Share every result")
    response = mod_client.post(
        url("moderate_bulk", room), {"action": "lock", "selected": [first.pk], "shown": "open"}, **HX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "hx-preserve" not in tag(body, f"tick-{second.pk}") and "hx-preserve" not in tag(body, "bulk-reason")
    assert "hx-preserve" in tag(body, f"reason-{second.pk}")
    # One row's action leaves the ticks elsewhere as they are.
    response = mod_client.post(url("moderate_statement_action", room, first.pk, "approve"), {"shown": "open"}, **HX)
    body = response.content.decode()
    assert f'id="row-{first.pk}"' not in body and "hx-preserve" in tag(body, f"tick-{second.pk}")


def test_it_drops_a_statement_another_moderator_handled_from_the_queue_fragment(
    mod_client, room, pat, django_user_model
):
    pending = add_statement(pat, room.root(), "position", "Keep research national")
    other = django_user_model.objects.create_user("comod")
    room.co_moderators.add(other)
    approve_statement(moderator_seat(room, other), pending)
    body = mod_client.get(url("moderate_queue_live", room)).content.decode()
    assert f'id="row-{pending.pk}"' not in body and "Nothing waits for you." in body


def test_it_keeps_the_queue_fragment_to_a_constant_number_of_queries(
    mod_client, room, pat, django_assert_max_num_queries
):
    statements = [add_statement(pat, room.root(), "position", f"Position number {n}") for n in range(30)]
    for statement in statements[:10]:
        annotate(pat, "flag", "Please check", statement=statement)
    for status in ("open", "all"):
        # The session, the account, the workshop and the seat (in a savepoint), then the flags and the rows.
        with django_assert_max_num_queries(8):
            response = mod_client.get(url("moderate_queue_live", room) + f"?status={status}")
        assert response.content.decode().count('class="queue-row ') == 30


# --- The console ---------------------------------------------------------------------------------


@pytest.mark.parametrize("card", CARDS)
def test_it_renders_each_console_card_as_a_fragment_of_its_own(mod_client, room, card):
    response = mod_client.get(url("moderate_console_card", room, card))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<section id="card-{card}"') and "<html" not in body
    region = tag(body, f"card-{card}")
    assert "data-live-refresh=" in region
    assert f'data-live-url="{url("moderate_console_card", room, card)}"' in region
    # The whole console shows the same card, refreshable the same way.
    page = mod_client.get(url("moderate_console", room)).content.decode()
    assert tag(page, f"card-{card}") == region


def test_it_answers_404_for_an_unknown_card(mod_client, room):
    assert mod_client.get(url("moderate_console_card", room, "controls")).status_code == 404


def test_it_counts_what_waits_for_approval_in_the_counts_card(mod_client, room, pat):
    card = url("moderate_console_card", room, "counts")
    assert "0 waiting for approval" in mod_client.get(card).content.decode()
    add_statement(pat, room.root(), "position", "Keep research national")
    assert "1 waiting for approval" in mod_client.get(card).content.decode()


def test_it_shows_the_phase_another_moderator_set_in_the_phase_card(mod_client, room, django_user_model):
    other = django_user_model.objects.create_user("comod")
    room.co_moderators.add(other)
    set_phase(moderator_seat(room, other), room, Phase.VOTE)
    body = mod_client.get(url("moderate_console_card", room, "phase")).content.decode()
    assert 'class="phase-now">Vote<' in body


def test_it_leaves_the_fields_being_typed_as_they_are_on_a_refresh(mod_client, room):
    for card, field in [("timer", "timer-minutes"), ("focus", "focus-statement"), ("code", "code-hours")]:
        body = mod_client.get(url("moderate_console_card", room, card)).content.decode()
        assert "hx-preserve" in tag(body, field), field
    body = mod_client.get(url("moderate_console_card", room, "note")).content.decode()
    assert "hx-preserve" in tag(body, "note-text")


def test_it_shows_the_published_note_escaped_in_the_note_card(mod_client, room, moderator_user):
    set_moderation_note(moderator_seat(room, moderator_user), room, "Break <script>alert(1)</script> at 11")
    body = mod_client.get(url("moderate_console_card", room, "note")).content.decode()
    assert "Break &lt;script&gt;alert(1)&lt;/script&gt; at 11" in body and "<script>alert" not in body


def test_it_answers_a_console_form_with_its_own_card_alone(mod_client, room):
    response = mod_client.post(url("moderate_timer", room), {"minutes": "3"}, **HX)
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="card-timer"')
    assert "Time left" in body and 'id="card-note"' not in body and 'id="card-focus"' not in body
    assert "hx-preserve" not in body  # the card the moderator sent comes back with fresh fields


def test_it_answers_a_refused_console_form_with_its_card_the_message_and_what_was_typed(mod_client, room):
    response = mod_client.post(url("moderate_focus", room), {"statement": "#99999"}, **HX)
    assert response.status_code == 400
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="card-focus"') and 'id="card-timer"' not in body
    assert "no statement #99999" in body and 'value="#99999"' in tag(body, "focus-statement")
    # Without htmx, the whole console: the message in its card, the other cards as they are.
    page = mod_client.post(url("moderate_timer", room), {"minutes": "soon"}).content.decode()
    assert 'value="soon"' in tag(page, "timer-minutes") and 'value=""' in tag(page, "focus-statement")
    assert page.count('role="alert"') == 1


@pytest.mark.parametrize("card", CARDS)
def test_it_keeps_each_console_card_to_a_constant_number_of_queries(
    mod_client, room, pat, card, django_assert_max_num_queries
):
    for n in range(10):
        annotate(pat, "flag", "Please check", statement=add_statement(pat, room.root(), "position", f"Position {n}"))
        join_workshop(room, f"Guest {n}")
    # The session, the account, the workshop and the seat (in a savepoint); the counts take four more.
    with django_assert_max_num_queries(10 if card == "counts" else 6):
        assert mod_client.get(url("moderate_console_card", room, card)).status_code == 200


@pytest.mark.parametrize("name", ["moderate_queue_live", "moderate_console_card"])
def test_it_shows_the_live_fragments_to_moderators_only(client, room, pat, name):
    address = url(name, room) if name == "moderate_queue_live" else url(name, room, "counts")
    response = client.get(address)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    hold_seat(client, pat)
    assert client.get(address).status_code == 403
