"""The vote widget, built in Python (`views/vote_widget.py`): what it shows, and that it escapes."""

import re

import pytest

from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import Statement
from tests.seating import hold_seat

HX = {"HTTP_HX_REQUEST": "true"}


def widget(client, workshop, statement) -> str:
    response = client.get(f"/w/{workshop.slug}/s/{statement.pk}/votes/", **HX)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def room(workshop, position):
    """Three people voted on the position: two agree, one disagrees; two rated it on both poles."""
    people = [join_workshop(workshop, f"Voter {n}") for n in range(3)]
    for person, value in zip(people, (2, 1, -1), strict=True):
        cast_vote(person, "agreement", value, statement=position)
    for person, (a, b) in zip(people, ((4, 1), (3, 2)), strict=False):
        cast_vote(person, "lens_a", a, statement=position)
        cast_vote(person, "lens_b", b, statement=position)
    return people


def test_it_shows_the_tally_with_plurals_and_the_lens_means(client, workshop, position, room):
    hold_seat(client, room[0])
    body = widget(client, workshop, position)
    assert '<span class="tally-agree">Agree <span class="tally-n">2</span></span>' in body
    assert '<span class="tally-unsure">Unsure <span class="tally-n">0</span></span>' in body
    assert '<span class="tally-disagree">Disagree <span class="tally-n">1</span></span>' in body
    assert '<svg class="tally-bar" viewBox="0 0 3 1"' in body and 'x="2" y="0" width="0"' in body
    assert "Serves National interest: 3.5 of 4 · serves Global public good: 1.5 of 4" in body


def test_it_marks_the_viewers_own_votes_and_offers_to_take_them_back(client, workshop, position, room):
    hold_seat(client, room[0])
    body = widget(client, workshop, position)
    assert re.findall(r'class="agree-button agree-(-?\d)" aria-pressed="true"', body) == ["2"]
    assert re.findall(r'aria-pressed="true" title="[^"]+">(\d)<', body) == ["4", "1"]  # lens a, lens b
    assert body.count('name="retract"') == 3 and "Take back my vote" in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    assert len(token) == 64 and body.count(token) == 3  # one token, in each of the three forms


def test_a_participant_who_has_not_voted_sees_no_pressed_button_and_nothing_to_take_back(
    client, workshop, position, room, bob
):
    hold_seat(client, bob)
    body = widget(client, workshop, position)
    assert 'aria-pressed="true"' not in body and 'name="retract"' not in body
    assert body.count('aria-pressed="false"') == 5 + 5 + 5


def test_hidden_results_ask_for_a_vote_first(client, make_workshop, moderator_user):
    workshop = make_workshop(hide_results_until_voted=True)
    author = join_workshop(workshop, "Author")
    position = add_statement(author, workshop.root(), Statement.Kind.POSITION, "A position.")
    cast_vote(author, "agreement", 1, statement=position)
    viewer = join_workshop(workshop, "Viewer")
    hold_seat(client, viewer)
    body = widget(client, workshop, position)
    assert "Vote to see how the others voted." in body and "tally-line" not in body


def test_a_statement_without_votes_says_so(client, workshop, position, bob):
    hold_seat(client, bob)
    body = widget(client, workshop, position)
    assert "No votes yet." in body and "tally-bar" not in body


def test_it_escapes_the_pole_names_and_shows_the_error(client, make_workshop):
    workshop = make_workshop(pole_a='<script>alert("a")</script>', pole_b="A & B")
    author = join_workshop(workshop, "Author")
    position = add_statement(author, workshop.root(), Statement.Kind.POSITION, "A position.")
    cast_vote(author, "agreement", 1, statement=position)
    cast_vote(author, "lens_a", 2, statement=position)
    cast_vote(author, "lens_b", 3, statement=position)
    hold_seat(client, author)
    body = widget(client, workshop, position)
    assert "<script>" not in body
    assert "Serves &lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;: 2.0 of 4 · serves A &amp; B: 3.0 of 4" in body
    assert "How well does it serve &lt;script&gt;" in body and "How well does it serve A &amp; B?" in body
    response = client.post(f"/w/{workshop.slug}/s/{position.pk}/vote/", {"kind": "agreement", "value": "9"}, **HX)
    assert response.status_code == 400
    assert '<p class="form-error" role="alert">A agreement vote must be between -2 and 2.</p>' in (
        response.content.decode()
    )
