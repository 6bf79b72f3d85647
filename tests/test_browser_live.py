"""Two people in two browsers see each other's changes without reloading: new statements appear,
tallies move and the participant count follows, through the workshop's event stream."""

import time

import pytest

from deliberation.domain import add_statement, annotate, cast_vote, edit_statement, join_workshop
from deliberation.models import Statement, Vote
from tests.browser_helpers import join, write_reply

pytestmark = pytest.mark.browser


def test_changes_by_others_appear_without_a_reload(workshop, live_server_url, page, chromium):
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Pool climate data across borders")
    join(page, live_server_url, workshop, "Reader")

    other_context = chromium.new_context()
    other = other_context.new_page()
    try:
        join(other, live_server_url, workshop, "Writer")
        # The writer adds a position through the page; the reader's outline shows it.
        other.click("#position-form-box > summary")
        other.fill("#position-text", "Keep sensitive research national")
        other.click("#position-form button[type=submit]")
        page.wait_for_function(
            "() => document.querySelector('#outline').textContent.includes('Keep sensitive research national')",
            timeout=5000,
        )
        # A vote elsewhere moves the reader's tally: the figures come with the event, no request.
        asked = []
        page.on("request", lambda request: asked.append(request.url))
        voter = join_workshop(workshop, "Distant voter")
        cast_vote(voter, Vote.Kind.AGREEMENT, 2, statement=position)
        page.wait_for_function(
            f"() => document.querySelector('#statement-{position.pk}-tally').textContent.includes('▲ 1')",
            timeout=5000,
        )
        assert not [url for url in asked if "/tallies/" in url], asked
        # With the statement's panel open, others' votes move its vote widget's tally line and bar
        # in place too.
        page.click(f"#outline a.node-open[href$='/s/{position.pk}/']")
        widget = f"#detail [data-statement-id='{position.pk}'] #statement-{position.pk}-votes"
        page.wait_for_selector(f"{widget} .tally-line")
        cast_vote(join_workshop(workshop, "Second distant voter"), Vote.Kind.AGREEMENT, 1, statement=position)
        cast_vote(join_workshop(workshop, "Third distant voter"), Vote.Kind.AGREEMENT, 0, statement=position)
        page.wait_for_function(
            "(widget) => document.querySelector(widget + ' .tally-line').textContent.replace(/\\s+/g, ' ')"
            ".includes('Agree 2 · Unsure 1 · Disagree 0')",
            arg=widget,
            timeout=5000,
        )
        bar = page.evaluate(
            "(widget) => [...document.querySelectorAll(widget + ' .tally-bar rect')]"
            ".map(r => [r.getAttribute('x'), r.getAttribute('width')])"
            ".concat([[document.querySelector(widget + ' .tally-bar').getAttribute('viewBox')]])",
            widget,
        )
        assert bar == [["0", "2"], ["2", "1"], ["3", "0"], ["0 0 3 1"]], bar
        assert not [url for url in asked if "/tallies/" in url or "/votes/" in url], asked
        # What the page set is what the server renders.
        rendered = page.evaluate(f"() => fetch('/w/{workshop.slug}/s/{position.pk}/votes/').then(r => r.text())")
        assert 'Agree <span class="tally-n">2</span>' in rendered and 'viewBox="0 0 3 1"' in rendered
        # A comment on it refreshes only the panel's comments, and never over the reader's draft.
        asked.clear()
        annotate(voter, "comment", "Which data would be pooled first?", statement=position)
        page.wait_for_function(
            "(widget) => document.querySelector(widget).closest('#detail').textContent"
            ".includes('Which data would be pooled first?')",
            arg=widget,
            timeout=5000,
        )
        assert any(url.endswith(f"/s/{position.pk}/annotations/") for url in asked), asked
        assert not [url for url in asked if url.endswith(f"/s/{position.pk}/")], asked
        page.fill(f"#comment-text-{position.pk}", "My half-written thought")
        annotate(voter, "comment", "Another distant comment", statement=position)
        page.wait_for_timeout(1500)
        assert page.input_value(f"#comment-text-{position.pk}") == "My half-written thought"
        page.fill(f"#comment-text-{position.pk}", "")
        page.wait_for_function(
            "() => document.querySelector('#detail').textContent.includes('Another distant comment')", timeout=5000
        )
        # An edit of the statement re-renders the whole panel, but not over a draft either.
        page.fill(f"#comment-text-{position.pk}", "Still thinking")
        position.refresh_from_db()
        edit_statement(owner, position, "Pool climate and ocean data across borders", position.version)
        page.wait_for_timeout(1500)
        assert page.input_value(f"#comment-text-{position.pk}") == "Still thinking"
        page.fill(f"#comment-text-{position.pk}", "")
        page.wait_for_function(
            "() => document.querySelector('#detail').textContent.includes('Pool climate and ocean data')",
            timeout=5000,
        )
        assert page.evaluate("window.__noReload") is True
        assert other.evaluate("window.__noReload") is True
    finally:
        other_context.close()


def test_a_position_being_written_survives_others_changes_and_follows_the_phase(workshop, live_server_url, page):
    """The outline is replaced whenever someone adds a statement; the position form is not part of
    it, so a draft in it stays. It is shown in the graph view too, and leaves when the phase
    closes contributions."""
    from deliberation.domain import moderator_seat, set_phase
    from deliberation.models import Phase

    join(page, live_server_url, workshop, "Drafter")
    page.click("#position-form-box > summary")
    page.fill("#position-text", "A position still being written")
    add_statement(join_workshop(workshop, "Quick writer"), workshop.root(), Statement.Kind.POSITION, "Another view")
    page.wait_for_function("() => document.querySelector('#outline').textContent.includes('Another view')")
    assert page.input_value("#position-text") == "A position still being written"

    page.click(".view-switch [data-view=graph]")
    assert page.is_visible("#position-form")  # open, with the draft, in the graph view as well
    page.click(".view-switch [data-view=outline]")

    page.fill("#position-text", "")  # nothing left to lose: the form follows the phase at once
    set_phase(moderator_seat(workshop, workshop.owner), workshop, Phase.VOTE)
    page.wait_for_function("() => !document.querySelector('#position-form')")
    assert page.evaluate("window.__noReload") is True


def test_a_change_during_a_regions_refresh_still_reaches_it(workshop, moderator_user, live_server_url, page):
    """A second change arrives while the first one's refresh of the same region is still on its way:
    the region is fetched once more after it lands, and ends up showing the second change too."""
    from deliberation.domain import moderator_seat, set_moderation_note
    from deliberation.models import Workshop

    mod = moderator_seat(workshop, moderator_user)
    join(page, live_server_url, workshop, "Watcher")
    page.wait_for_function("() => !!document.getElementById('live-stream')._htmx?.sse?.status")  # connected
    page.evaluate(
        "() => { window.__bannerEvents = 0;"
        " document.getElementById('live-stream').addEventListener('banner', () => window.__bannerEvents++); }"
    )
    held = []

    def hold_the_first(route):  # answered as the server saw it then, but only once let go
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    page.route("**/banners/", hold_the_first)
    set_moderation_note(mod, Workshop.objects.get(pk=workshop.pk), "First note")
    deadline = time.monotonic() + 10
    while not held:  # the route's handler runs while Playwright waits
        assert time.monotonic() < deadline, "the banners were not refreshed"
        page.wait_for_timeout(50)
    set_moderation_note(mod, Workshop.objects.get(pk=workshop.pk), "Second note")
    page.wait_for_function("() => window.__bannerEvents >= 2")
    # Its refresh is asked for 50 ms after the event. Letting the first go sooner only makes this
    # test weaker (the second is then asked for after the first has landed), never wrong.
    page.wait_for_timeout(300)
    route, response = held[0]
    route.fulfill(response=response)
    page.wait_for_function("() => document.querySelector('#banners').textContent.includes('Second note')", timeout=5000)
    assert page.evaluate("window.__noReload") is True


def test_a_phase_change_leaves_an_empty_panel_alone(workshop, live_server_url, page):
    """With no statement open, a new phase asks for no panel (it once asked for statement "null"
    and showed its error in the empty panel)."""
    from deliberation.domain import moderator_seat, set_phase
    from deliberation.models import Phase

    join(page, live_server_url, workshop, "Idle reader")
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    empty_panel = page.inner_html("#detail")
    set_phase(moderator_seat(workshop, workshop.owner), workshop, Phase.VOTE)
    page.wait_for_function("() => document.querySelector('#banners .banner-phase').textContent.includes('Vote')")
    page.wait_for_timeout(800)  # the panel's refresh would have been asked for by now
    assert not [url for url in asked if "/s/" in url], asked
    assert page.inner_html("#detail") == empty_panel


def test_a_refused_reply_keeps_its_words_and_error_through_live_refreshes(workshop, position, live_server_url, page):
    """The moderator closes contributions while a reply is being written: the refusal shows with
    the words kept, and the panel refresh the phase change asks for does not wipe them."""
    from deliberation.domain import moderator_seat, set_phase
    from deliberation.models import Phase

    join(page, live_server_url, workshop, "Late writer")
    page.goto(f"{live_server_url}/w/{workshop.slug}/s/{position.pk}/")
    page.evaluate("window.__noReload = true")
    write_reply(page, "A reason written just too late")
    set_phase(moderator_seat(workshop, workshop.owner), workshop, Phase.VOTE)
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#reply-form .form-error")
    page.wait_for_timeout(2500)  # past the panel refresh the phase change asked for, and its retry
    assert page.input_value("#reply-text") == "A reason written just too late"
    assert page.locator("#reply-form .form-error").count() == 1
    assert page.evaluate("window.__noReload") is True


def test_a_rename_by_a_moderator_shows_in_the_participants_own_header(workshop, live_server_url, page):
    from deliberation.domain import moderator_seat, rename_participant
    from deliberation.models import Participant

    join(page, live_server_url, workshop, "Robbie")
    assert "You are Robbie" in page.inner_text("#whoami")
    robbie = Participant.objects.get(workshop=workshop, display_name="Robbie")
    rename_participant(moderator_seat(workshop, workshop.owner), robbie, "Robin")
    page.wait_for_function("() => document.querySelector('#whoami').textContent.includes('You are Robin')")
    assert page.evaluate("window.__noReload") is True


def test_a_confirmation_is_left_to_be_read_before_a_live_refresh_replaces_it(workshop, position, live_server_url, page):
    """The reader adds a reason; the panel shows it with "Added to the map." Someone answers it at
    once: the panel catches up with the answer (its parent is open), but only once the confirmation
    has been shown for a while."""
    join(page, live_server_url, workshop, "Quick writer")
    page.goto(f"{live_server_url}/w/{workshop.slug}/s/{position.pk}/")
    page.evaluate("window.__noReload = true")
    write_reply(page, "Shared data lets others check the work")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#detail .note[role=status] >> text=Added to the map.")
    mine = Statement.objects.get(text="Shared data lets others check the work")
    other = join_workshop(workshop, "Other writer")
    add_statement(other, mine, Statement.Kind.CLAIM, "Checking takes time nobody has", relation="opposes")
    page.wait_for_timeout(2000)  # the panel's refresh is due after 300 ms
    assert page.locator("#detail .note[role=status] >> text=Added to the map.").count() == 1
    page.wait_for_function(
        "() => document.querySelector('#detail').textContent.includes('Checking takes time nobody has')", timeout=8000
    )
    assert page.evaluate("window.__noReload") is True


def test_a_reason_added_to_the_open_statement_shows_in_its_panel(workshop, position, live_server_url, page):
    join(page, live_server_url, workshop, "Reader")
    page.goto(f"{live_server_url}/w/{workshop.slug}/s/{position.pk}/")
    page.evaluate("window.__noReload = true")
    add_statement(
        join_workshop(workshop, "Writer"), position, Statement.Kind.CLAIM, "Open data builds trust", relation="supports"
    )
    page.wait_for_function("() => document.querySelector('#detail').textContent.includes('Open data builds trust')")
    assert page.evaluate("window.__noReload") is True


def test_tallies_hidden_until_voting_are_asked_for_and_follow(make_workshop, live_server_url, page):
    """Where results wait for a vote, a vote event carries no figures: the page asks for the tallies
    it may show, and the reader can open a statement meanwhile."""
    workshop = make_workshop(hide_results_until_voted=True)
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Pool climate data across borders")
    other = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Keep sensitive research national")
    join(page, live_server_url, workshop, "Voter")
    reader = workshop.participants.get(display_name="Voter")
    cast_vote(reader, Vote.Kind.AGREEMENT, 2, statement=position)
    page.reload()
    page.evaluate("window.__noReload = true")
    tally = f"#statement-{position.pk}-tally"
    page.wait_for_function(f"() => document.querySelector('{tally}').textContent.includes('▲ 1')")
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    cast_vote(join_workshop(workshop, "Another voter"), Vote.Kind.AGREEMENT, 1, statement=position)
    page.click(f"#outline a.node-open[href$='/s/{other.pk}/']")
    page.wait_for_function(f"() => document.querySelector('{tally}').textContent.includes('▲ 2')")
    page.wait_for_selector(f"#detail [data-statement-id='{other.pk}']")
    assert [url for url in asked if "/tallies/" in url]
