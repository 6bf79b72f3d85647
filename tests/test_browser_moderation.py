"""A moderator and a participant in two browser contexts: the moderator hides a statement (with the
queue's keyboard shortcut), switches to the vote phase and puts a statement in focus; the
participant's page reflects each step by itself, through live updates, without a reload."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from deliberation.domain import add_statement, moderator_seat
from deliberation.models import Phase, Statement, Workshop
from tests.browser_helpers import join

pytestmark = pytest.mark.browser


def sign_in(page, live_server_url, next_path):
    page.goto(f"{live_server_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", "mod")
    page.fill("#id_password", "a-long-test-password")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path.split('?')[0]}*")


STREAM_STATE = """() => {
  const stream = document.getElementById('live-stream');
  const connection = stream && stream._htmx && stream._htmx.sse;
  return {visibility: document.visibilityState, connected: !!connection,
          status: connection ? connection.status : null, lastEventId: connection ? connection.lastEventId : null};
}"""


def reflects(page, script: str, timeout: int = 6000) -> None:
    """Wait for `script` (a JS expression) to hold on the page, which must update by itself through
    the live event stream: no reload. On a timeout, say what state the page's stream was in."""
    try:
        page.wait_for_function(script, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"the page did not follow: {script}; its stream: {page.evaluate(STREAM_STATE)}") from None


def test_a_moderator_hides_switches_phase_and_focuses_while_a_participant_watches(
    workshop, moderator_user, live_server_url, page, chromium
):
    mod = moderator_seat(workshop, moderator_user)
    keep = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "Publish every result openly")
    spam = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "Buy cheap watches here")

    join(page, live_server_url, workshop, "Pat")
    outline = page.inner_text("#outline")
    assert "Buy cheap watches here" in outline and "Publish every result openly" in outline

    moderator_context = chromium.new_context()
    errors = []
    moderator = moderator_context.new_page()
    moderator.on("pageerror", lambda error: errors.append(str(error)))
    try:
        queue_path = f"/moderate/w/{workshop.slug}/queue?status=visible"
        sign_in(moderator, live_server_url, queue_path)

        # 1. Hide the spam with the keyboard: pick its row, press h.
        moderator.click(f"#row-{spam.pk} .queue-text")
        moderator.keyboard.press("h")
        moderator.wait_for_selector(f"#row-{spam.pk}", state="detached")
        assert Statement.objects.get(pk=spam.pk).status == Statement.Status.HIDDEN
        # The row that took its place is current: the next key acts on it.
        moderator.wait_for_selector(f"#row-{keep.pk}.current-row")
        moderator.keyboard.press("l")
        moderator.wait_for_selector(f"#row-{keep.pk} button:has-text('Unlock')")
        assert Statement.objects.get(pk=keep.pk).is_locked
        reflects(page, "() => !document.querySelector('#outline').textContent.includes('Buy cheap watches here')")
        assert "Publish every result openly" in page.inner_text("#outline")

        # 2. Switch to the vote phase from the console.
        moderator.goto(f"{live_server_url}/moderate/w/{workshop.slug}/")
        moderator.click("#controls button[name=phase][value=vote]")
        moderator.wait_for_selector("#controls .phase-now >> text=Vote")
        assert Workshop.objects.get(pk=workshop.pk).phase == Phase.VOTE
        reflects(page, "() => document.querySelector('#banners .banner-phase').textContent.includes('Vote')")
        # No new statements while voting: the form's region is refreshed by a request of its own.
        reflects(page, "() => !document.querySelector('#position-form')")

        # 3. Put the remaining position in focus.
        moderator.fill("#focus-statement", f"#{keep.pk}")
        moderator.click("#controls button:has-text('Put in focus')")
        moderator.wait_for_selector(f"#controls >> text=#{keep.pk} {keep.title}")
        reflects(page, "() => !!document.querySelector('#banners .banner-focus')")
        assert keep.title in page.inner_text("#banners .banner-focus")
        page.click("#banners .banner-focus a")
        page.wait_for_selector(f"#detail .detail[data-statement-id='{keep.pk}']")
    finally:
        moderator_context.close()
    assert not errors, f"JavaScript errors on the moderator's pages: {errors}"


def test_the_projector_shows_code_qr_focus_and_timer(workshop, moderator_user, live_server_url, chromium):
    from deliberation import domain

    mod = moderator_seat(workshop, moderator_user)
    keep = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "Publish every result openly")
    domain.focus_statement(mod, workshop, keep)
    domain.set_timer(mod, workshop, 300)
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    screen = context.new_page()
    errors = []
    screen.on("pageerror", lambda error: errors.append(str(error)))
    try:
        sign_in(screen, live_server_url, f"/w/{workshop.slug}/projector")
        assert workshop.display_join_code in screen.inner_text(".projector-code")
        assert "Publish every result openly" in screen.inner_text(".projector-statement")
        qr = screen.locator("img.projector-qr")
        decodes = "() => document.querySelector('img.projector-qr').decode().then(() => true, () => false)"
        assert screen.evaluate(decodes) is True  # a broken image would fail to decode
        assert qr.bounding_box()["width"] >= 250  # scannable from a few rows back
        size = screen.evaluate("parseFloat(getComputedStyle(document.querySelector('.projector-statement')).fontSize)")
        assert size >= 48  # big type on a 1080p screen
        first = screen.inner_text(".projector-timer time")
        screen.wait_for_function(f"() => document.querySelector('.projector-timer time').textContent !== '{first}'")
        # The projector follows the moderator: a new focus shows up on the next refresh.
        other = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "Keep sensitive results national")
        domain.focus_statement(mod, Workshop.objects.get(pk=workshop.pk), other)
        reflects(
            screen,
            "() => document.querySelector('.projector-statement').textContent.includes('Keep sensitive results national')",
            timeout=8000,
        )
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the projector: {errors}"


def test_the_moderator_pages_fit_a_phone(workshop, moderator_user, live_server_url, chromium):
    """Wide tables (people, log, my workshops) scroll inside their box; the page never widens."""
    from deliberation.domain import hide_statement, join_workshop

    mod = moderator_seat(workshop, moderator_user)
    for name in ("Alexandra Longname-Example", "Bartholomew Another-Longname"):
        join_workshop(workshop, name)
    spam = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "A statement the log will mention")
    hide_statement(mod, spam, "a reason long enough to need the room of a whole table column")
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        sign_in(phone, live_server_url, "/moderate/")
        for path in ["/moderate/", "", "queue", "merge", "people", "log", "edit"]:
            url = path if path.startswith("/") else f"/moderate/w/{workshop.slug}/{path}"
            phone.goto(live_server_url + url)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
    finally:
        context.close()


def test_removing_someone_asks_first_and_cancelling_removes_nobody(workshop, moderator_user, live_server_url, page):
    from deliberation.domain import join_workshop
    from deliberation.models import Participant

    moderator_seat(workshop, moderator_user)
    nia = join_workshop(workshop, "Nia")
    sign_in(page, live_server_url, f"/moderate/w/{workshop.slug}/people")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.click(f"#person-{nia.pk} button:has-text('Remove')")
    page.wait_for_timeout(500)  # a refused confirmation sends nothing: give a request the time to show
    assert asked and asked[0].startswith("Remove Nia from this workshop?")
    assert not Participant.objects.get(pk=nia.pk).is_banned

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.click(f"#person-{nia.pk} button:has-text('Remove')")
    page.wait_for_selector(f"#person-{nia.pk}.banned")
    assert Participant.objects.get(pk=nia.pk).is_banned


def test_the_projector_fits_a_1280_by_800_screen_with_the_demo(moderator_user, live_server_url, chromium):
    """The demo's long question, its longest statement in focus, a timer, a note, the QR code and the
    participant count all show at once: nothing runs past the bottom or the side of the screen."""
    from django.db.models.functions import Length

    from deliberation import domain
    from deliberation.demo import load_demo

    workshop = load_demo("a-long-demo-password").workshop
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    screen = context.new_page()
    fits = """() => document.documentElement.scrollHeight <= window.innerHeight
        && document.documentElement.scrollWidth <= window.innerWidth
        && document.querySelector('.projector-count').getBoundingClientRect().bottom <= window.innerHeight"""
    try:
        screen.goto(f"{live_server_url}/accounts/login/?next=/w/{workshop.slug}/projector")
        screen.fill("#id_username", "moderator")
        screen.fill("#id_password", "a-long-demo-password")
        screen.click("main button[type=submit]")
        screen.wait_for_url(f"**/w/{workshop.slug}/projector")
        assert screen.evaluate(fits)

        mod = workshop.participants.get(user__username="moderator")
        statements = workshop.statements.exclude(kind=Statement.Kind.QUESTION)
        longest = statements.annotate(length=Length("text")).order_by("-length").first()
        domain.focus_statement(mod, workshop, longest)
        domain.set_timer(mod, Workshop.objects.get(pk=workshop.pk), 300)
        domain.set_moderation_note(mod, Workshop.objects.get(pk=workshop.pk), "Five minutes on this, then we vote.")
        screen.reload()
        screen.wait_for_selector(".projector-timer")
        assert longest.text in screen.inner_text(".projector-statement")
        assert screen.evaluate(fits)
    finally:
        context.close()


SENTENCE = "Science diplomacy can serve the national interest and the global public good at once. "


def prose(length: int) -> str:
    """Ordinary sentences, `length` characters of them: long texts wrap as real ones do."""
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length].strip()


@pytest.mark.parametrize(
    "question, statement, note",
    [(500, 2000, 2000), (500, 2000, 0), (120, 700, 300), (60, 300, 0)],
    ids=["every text at its longest", "long question and statement", "a long statement", "short texts"],
)
def test_the_projector_fits_long_texts_on_a_1280_by_800_screen(
    make_workshop, moderator_user, live_server_url, chromium, question, statement, note
):
    """However long the question, the statement in focus and the note are (up to their limits), the
    screen shows all of their words and the join code at once, in type that steps down only as far
    as it must."""
    from deliberation import domain

    workshop = make_workshop(max_text_length=2000)
    mod = moderator_seat(workshop, moderator_user)
    workshop = domain.update_workshop(mod, workshop, question=prose(question))
    focus = add_statement(mod, workshop.root(), Statement.Kind.POSITION, prose(statement))
    domain.focus_statement(mod, workshop, focus)
    if note:
        domain.set_moderation_note(mod, Workshop.objects.get(pk=workshop.pk), prose(note))
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    screen = context.new_page()
    try:
        sign_in(screen, live_server_url, f"/w/{workshop.slug}/projector")
        assert prose(statement) in screen.inner_text(".projector-statement")  # nothing cut
        height = screen.evaluate("document.documentElement.scrollHeight")
        assert height <= 800, f"{height} px tall, in {screen.get_attribute('#live', 'class')}"
        assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        code = screen.locator(".projector-code").bounding_box()
        assert code["y"] + code["height"] <= 800
        size = screen.evaluate("parseFloat(getComputedStyle(document.querySelector('.projector-statement')).fontSize)")
        assert size >= (40 if statement <= 300 else 12)
    finally:
        context.close()


def test_the_people_pages_actions_show_on_a_phone(workshop, moderator_user, live_server_url, chromium):
    """On a 390 px phone each person's actions sit under their name, not off-screen to the right."""
    from deliberation.domain import join_workshop

    moderator_seat(workshop, moderator_user)
    person = join_workshop(workshop, "Maximiliana Longname-Example")
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        sign_in(phone, live_server_url, f"/moderate/w/{workshop.slug}/people")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        for selector in (f"#person-{person.pk} td:first-child", f"#person-{person.pk} button:has-text('Remove')"):
            box = phone.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
        wrap = "(() => { const w = document.querySelector('#people .table-wrap'); return w.scrollWidth <= w.clientWidth; })()"
        assert phone.evaluate(wrap)  # nothing hides in a sideways scroll either
    finally:
        context.close()


def test_the_merge_form_asks_about_the_two_numbers_typed(workshop, moderator_user, live_server_url, page):
    """The question names which statement leaves the map (and where the merge can be undone), and
    a refusal merges nothing."""
    mod = moderator_seat(workshop, moderator_user)
    keep = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "Publish every result openly")
    gone = add_statement(mod, workshop.root(), Statement.Kind.POSITION, "Keep sensitive results national")
    sign_in(page, live_server_url, f"/moderate/w/{workshop.slug}/merge")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.fill("#merge-duplicate", str(gone.pk))
    page.fill("#merge-survivor", f"#{keep.pk}")
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.click("#merge-form button[type=submit]")
    page.wait_for_timeout(500)  # a refused question sends nothing: give a request the time to show
    assert asked == [
        f"Merge #{gone.pk} into #{keep.pk}? Links, comments and votes move to #{keep.pk}, "
        f"and #{gone.pk} leaves the map. The page of #{gone.pk} can undo it."
    ]
    assert Statement.objects.get(pk=gone.pk).status == Statement.Status.VISIBLE

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.click("#merge-form button[type=submit]")
    for _ in range(50):
        if Statement.objects.get(pk=gone.pk).status == Statement.Status.MERGED:
            break
        page.wait_for_timeout(100)
    assert Statement.objects.get(pk=gone.pk).status == Statement.Status.MERGED
