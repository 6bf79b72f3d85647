"""Moderators follow the room without reloading: a statement submitted under pre-moderation appears
in the open queue and one handled by another moderator leaves it, keeping the current row and a
reason being typed; a second moderator's console shows the new phase, note and counts, and what is
typed in one card survives an action in another and every live refresh."""

import pytest

from deliberation.domain import add_statement, approve_statement, join_workshop, moderator_seat
from deliberation.models import Phase, Statement, Workshop
from tests.test_browser_moderation import join, reflects

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password"


def sign_in(page, live_server_url, username, next_path):
    page.goto(f"{live_server_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


@pytest.fixture
def room(make_workshop, moderator_user, django_user_model):
    """A pre-moderated workshop with two moderators: 'mod' (the owner) and 'comod'."""
    room = make_workshop(premoderation=True)
    moderator_seat(room, moderator_user)
    comod = django_user_model.objects.create_user("comod", password=PASSWORD)
    room.co_moderators.add(comod)
    moderator_seat(room, comod)
    return room


@pytest.fixture
def moderator_pages(chromium):
    """Open a signed-in moderator's page in a context of its own; fail on any JavaScript error."""
    contexts, errors = [], []

    def open_page(live_server_url, username, path):
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{username}: {error}"))
        sign_in(page, live_server_url, username, path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the moderators' pages: {errors}"


def test_the_queue_shows_submissions_and_drops_what_others_handled_keeping_row_and_reason(
    room, live_server_url, page, moderator_pages
):
    sam = join_workshop(room, "Sam")
    older = add_statement(sam, room.root(), Statement.Kind.POSITION, "Keep sensitive research national")
    newer = add_statement(sam, room.root(), Statement.Kind.POSITION, "Fund joint labs abroad")
    queue = moderator_pages(live_server_url, "mod", f"/moderate/w/{room.slug}/queue")

    # Rows come newest first: j twice makes the older one current; tick it and start a reason.
    queue.keyboard.press("j")
    queue.keyboard.press("j")
    queue.wait_for_selector(f"#row-{older.pk}.current-row")
    queue.keyboard.press("x")
    queue.keyboard.press("r")
    queue.keyboard.type("Off top")

    # A participant submits through the page; the moderator's queue lists it by itself.
    join(page, live_server_url, room, "Pat")
    page.click("#position-form-box > summary")
    page.fill("#position-text", "Publish every result openly")
    page.click("#position-form button[type=submit]")
    reflects(queue, "() => document.querySelector('#queue').textContent.includes('Publish every result openly')")
    submitted = Statement.objects.get(text="Publish every result openly")
    assert submitted.status == Statement.Status.PENDING
    assert queue.evaluate("document.activeElement.id") == f"reason-{older.pk}"
    assert queue.input_value(f"#reason-{older.pk}") == "Off top"
    assert queue.is_checked(f"#row-{older.pk} input[type=checkbox]")
    assert queue.get_attribute(f"#row-{older.pk}", "class").split().count("current-row") == 1

    # The reason goes on where it was; Enter rejects with it, and the next row becomes current.
    queue.keyboard.type("ic")
    queue.keyboard.press("Enter")
    queue.wait_for_selector(f"#row-{older.pk}", state="detached")
    rejected = Statement.objects.get(pk=older.pk)
    assert rejected.status == Statement.Status.REJECTED and rejected.moderation_reason == "Off topic"
    queue.wait_for_selector(f"#row-{newer.pk}.current-row")

    # Another moderator approves the submission: it leaves this queue by itself, and the keys
    # still act on the current row.
    approve_statement(moderator_seat(room, room.co_moderators.get()), submitted)
    reflects(queue, f"() => !document.querySelector('#row-{submitted.pk}')")
    queue.keyboard.press("a")
    queue.wait_for_selector(f"#row-{newer.pk}", state="detached")
    assert Statement.objects.get(pk=newer.pk).status == Statement.Status.VISIBLE
    queue.wait_for_selector("#queue >> text=Nothing waits for you.")


def test_a_second_console_follows_the_first_and_keeps_what_is_typed(room, live_server_url, moderator_pages):
    first = moderator_pages(live_server_url, "mod", f"/moderate/w/{room.slug}/")
    second = moderator_pages(live_server_url, "comod", f"/moderate/w/{room.slug}/")
    assert "0 waiting for approval" in second.inner_text("#controls")

    # A half-written note, then the timer: the note stays (the timer's answer is its card alone,
    # and the refresh its event brings leaves the note as typed).
    second.fill("#note-text", "Half-written")
    second.fill("#focus-statement", "#4")
    second.click("#controls button:has-text('Start')")
    second.wait_for_selector("#controls .timer-now")
    assert second.input_value("#note-text") == "Half-written"
    assert second.input_value("#focus-statement") == "#4"

    # Typing on while the first moderator changes the phase and publishes a note of their own.
    second.click("#note-text")
    second.keyboard.press("End")
    first.click("#controls button[name=phase][value=vote]")
    first.wait_for_selector("#controls .phase-now >> text=Vote")
    assert Workshop.objects.get(pk=room.pk).phase == Phase.VOTE
    reflects(second, "() => document.querySelector('#controls .phase-now').textContent.includes('Vote')")
    first.fill("#note-text", "Coffee at 11")
    first.click("#controls button:has-text('Publish note')")
    reflects(second, "() => document.querySelector('#card-note .note-now').textContent.includes('Coffee at 11')")
    second.keyboard.type(" note")
    assert second.input_value("#note-text") == "Half-written note"
    assert second.input_value("#focus-statement") == "#4"

    # Someone submits under pre-moderation: both consoles count it.
    first.click("#controls button[name=phase][value=contribute]")
    reflects(second, "() => document.querySelector('#controls .phase-now').textContent.includes('Contribute')")
    add_statement(join_workshop(room, "Pat"), room.root(), Statement.Kind.POSITION, "Publish every result openly")
    for console in (first, second):
        reflects(console, "() => document.querySelector('#controls').textContent.includes('1 waiting for approval')")
    assert second.input_value("#note-text") == "Half-written note"


def test_an_untouched_console_field_follows_another_moderator(room, live_server_url, moderator_pages):
    first = moderator_pages(live_server_url, "mod", f"/moderate/w/{room.slug}/")
    second = moderator_pages(live_server_url, "comod", f"/moderate/w/{room.slug}/")

    # The second moderator has not touched the note box, but has sent a timer the console refused.
    second.fill("#timer-minutes", "soon")
    second.click("#controls button:has-text('Start')")
    second.wait_for_selector("#card-timer .form-error")
    second.click("h1")  # the focus leaves the console's fields

    first.fill("#note-text", "Coffee at 11")
    first.click("#controls button:has-text('Publish note')")
    reflects(second, "() => document.querySelector('#card-note .note-now').textContent.includes('Coffee at 11')")
    reflects(second, "() => document.querySelector('#note-text').value === 'Coffee at 11'")  # the box follows
    assert second.input_value("#timer-minutes") == "soon"  # what was refused stays, to be put right

    # Once the second moderator types in the box, a newer note no longer replaces their words.
    second.fill("#note-text", "Lunch at 1")
    second.click("h1")
    first.fill("#note-text", "Coffee at 11:30")
    first.click("#controls button:has-text('Publish note')")
    reflects(second, "() => document.querySelector('#card-note .note-now').textContent.includes('11:30')")
    assert second.input_value("#note-text") == "Lunch at 1"
