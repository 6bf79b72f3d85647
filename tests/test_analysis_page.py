"""The results page: who may see it, what it shows, its fragments, and its cost in queries."""

import pytest
from django.contrib.auth import get_user_model

from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import Phase, Statement, Vote
from tests.analysis_helpers import build_two_camp_workshop, seat_client

HOSTILE = '<script>alert("x")</script> & ground'


@pytest.fixture
def camps(workshop):
    return build_two_camp_workshop(workshop, title=HOSTILE)


def results_url(workshop) -> str:
    return f"/w/{workshop.slug}/results/"


def test_it_shows_groups_bridging_cruxes_dilemma_and_my_standing(client, workshop, camps):
    people, shared, split = camps
    seat_client(client, people["two"][0])

    response = client.get(results_url(workshop))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="results"' in html and "css/results.css" in html
    assert "Their votes form 2 opinion groups" in html
    assert html.count('class="dot g0') + html.count('class="dot g1') >= 8  # one dot per person (+ swatches)
    assert 'class="me-ring"' in html
    bridging = html[html.index('id="results-bridging"') : html.index('id="results-cruxes"')]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ground" in bridging
    cruxes = html[html.index('id="results-cruxes"') : html.index('id="results-dilemma"')]
    assert split[1].title in cruxes and "100%" in cruxes
    dilemma = html[html.index('id="results-dilemma"') : html.index('id="results-standing"')]
    assert "Serves both" in dilemma and "Mostly National interest" in dilemma
    assert dilemma.count('class="dilemma-dot q-both"') == 1 and dilemma.count('class="dilemma-dot q-a_only"') == 4
    standing = html[html.index('id="results-standing"') : html.index('id="results-distributions"')]
    assert "Your votes place you in <strong>group B</strong>" in standing  # camp one took the first vote, A
    assert "<script>" not in html.replace('<script src="', "")  # the hostile title never runs
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_it_returns_the_results_region_alone_for_htmx(client, workshop, camps):
    people, shared, split = camps
    seat_client(client, people["one"][0])

    response = client.get(results_url(workshop), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "results-opinion-map" in html and "results-cruxes" in html
    assert "HX-Request" in response["Vary"]


def test_it_returns_one_section_for_htmx_when_asked(client, workshop, camps):
    people, shared, split = camps
    seat_client(client, people["one"][0])

    html = client.get(results_url(workshop) + "?fragment=cruxes", headers={"HX-Request": "true"}).content.decode()

    assert html.lstrip().startswith('<section id="results-cruxes"')
    assert "results-opinion-map" not in html
    unknown = client.get(results_url(workshop) + "?fragment=nope", headers={"HX-Request": "true"}).content.decode()
    assert unknown.lstrip().startswith('<div id="results"')


@pytest.mark.parametrize(("htmx", "computing", "cached"), [(False, 9, 6), (True, 8, 5)])
def test_it_costs_the_same_few_queries_for_a_small_and_a_large_workshop(
    client, make_workshop, django_assert_max_num_queries, htmx, computing, cached
):
    # Seat (3), last event (1), votes loaded (3) when computing, my votes (1); the full page also
    # asks for the last event id its live stream connects from.
    headers = {"HX-Request": "true"} if htmx else {}
    small = make_workshop()
    people, _shared, _split = build_two_camp_workshop(small, per_camp=2, splits=2)
    large = make_workshop()
    many, _shared, _split = build_two_camp_workshop(large, per_camp=6, splits=12)
    for workshop, person in ((small, people["one"][0]), (large, many["one"][0])):
        seat_client(client, person)
        with django_assert_max_num_queries(computing):
            assert client.get(results_url(workshop), headers=headers).status_code == 200
        with django_assert_max_num_queries(cached):  # computed figures come from the cache
            assert client.get(results_url(workshop), headers=headers).status_code == 200


def test_it_sends_someone_without_a_seat_to_join(client, workshop, camps):
    response = client.get(results_url(workshop))

    assert response.status_code == 302
    assert response["Location"] == f"/join/{workshop.join_code}"


def test_it_shows_moderators_the_results(client, workshop, camps, moderator_user):
    client.force_login(moderator_user)

    html = client.get(results_url(workshop)).content.decode()

    assert "Their votes form 2 opinion groups" in html
    assert "You have not voted on any statement yet." in html


def test_it_hides_results_until_a_participant_has_voted_when_the_workshop_says_so(
    client, make_workshop, moderator_user, settings
):
    settings.ANALYSIS_MIN_INTERVAL = 0
    workshop = make_workshop(hide_results_until_voted=True)
    people, shared, split = build_two_camp_workshop(workshop)
    newcomer = join_workshop(workshop, "Newcomer")
    seat_client(client, newcomer)

    html = client.get(results_url(workshop)).content.decode()
    assert "appear once you have voted on it" in html
    assert "results-cruxes" not in html and split[1].title not in html

    cast_vote(newcomer, Vote.Kind.AGREEMENT, 1, statement=split[1])
    html = client.get(results_url(workshop)).content.decode()
    assert "You see the results of the statements you have voted on." in html
    assert split[1].title in html and split[2].title not in html

    workshop.phase = Phase.CLOSED
    workshop.save(update_fields=["phase"])
    html = client.get(results_url(workshop)).content.decode()
    assert split[2].title in html and "You see the results of the statements" not in html


def test_it_explains_that_groups_need_more_votes_in_a_young_workshop(client, workshop, alice, position):
    cast_vote(alice, Vote.Kind.AGREEMENT, 2, statement=position)
    seat_client(client, alice)

    html = client.get(results_url(workshop)).content.decode()

    assert "There are not enough votes yet to find opinion groups." in html
    assert "Bridging statements appear once there are opinion groups." in html
    assert "1 person has voted." in html


def test_it_counts_people_left_out_of_the_groups(client, workshop, camps):
    people, shared, split = camps
    late = join_workshop(workshop, "Late")
    cast_vote(late, Vote.Kind.AGREEMENT, 1, statement=shared)
    seat_client(client, late)

    html = client.get(results_url(workshop)).content.decode()

    assert "1 person voted on fewer than 5 statements and is not in a group yet." in html
    assert "You are not in an opinion group yet" in html


def test_the_demo_results_page_shows_groups_bridging_cruxes_and_the_dilemma_chart(client, db):
    from deliberation.demo import load_demo

    workshop = load_demo("a-long-demo-password").workshop
    client.force_login(get_user_model().objects.get(username="moderator"))

    html = client.get(results_url(workshop)).content.decode()

    assert "Their votes form 2 opinion groups" in html or "Their votes form 3 opinion groups" in html
    bridging = html[html.index('id="results-bridging"') : html.index('id="results-cruxes"')]
    assert bridging.count('<th scope="row">') >= 3
    cruxes = html[html.index('id="results-cruxes"') : html.index('id="results-dilemma"')]
    assert cruxes.count('<th scope="row">') >= 3
    dilemma = html[html.index('id="results-dilemma"') : html.index('id="results-standing"')]
    assert dilemma.count('class="dilemma-dot') >= 10 and "Serves both: the strongest" in dilemma


def test_statements_added_later_appear_in_the_distributions(client, workshop, camps, settings):
    settings.ANALYSIS_MIN_INTERVAL = 0
    people, shared, split = camps
    author = people["one"][1]
    fresh = add_statement(author, workshop.root(), Statement.Kind.POSITION, "A late idea.", title="Late idea")
    cast_vote(author, Vote.Kind.AGREEMENT, 2, statement=fresh)
    seat_client(client, author)

    html = client.get(results_url(workshop) + "?fragment=distributions", headers={"HX-Request": "true"}).content
    assert b"Late idea" in html and b"1 vote" in html
    # Which way the room leans is written out, not only shown by the bar's colours.
    assert b"1 vote \xc2\xb7 100% accept, 0% reject \xc2\xb7 consensus 100%" in html


def test_it_gives_the_map_its_colours_by_consensus_controversy_and_group(client, workshop, camps):
    people, shared, split = camps
    seat_client(client, people["one"][0])

    response = client.get(results_url(workshop) + "colours.json")

    assert response.status_code == 200
    data = response.json()
    assert data["statements"][str(shared.pk)] == {
        "consensus": "high",
        "controversy": "calm",
        "group": "all",
        "group_name": "",
    }
    crux = data["statements"][str(split[1].pk)]
    assert crux["controversy"] == "contested" and crux["consensus"] == "low"
    assert crux["group"] == "0" and crux["group_name"] == "group A"  # camp one, the first to vote
    assert [g["name"] for g in data["groups"]] == ["A", "B"]


def test_it_colours_only_what_a_participant_may_see_and_only_for_members(client, make_workshop):
    workshop = make_workshop(hide_results_until_voted=True)
    people, shared, split = build_two_camp_workshop(workshop)
    newcomer = join_workshop(workshop, "Newcomer")
    cast_vote(newcomer, Vote.Kind.AGREEMENT, 1, statement=split[2])

    assert client.get(results_url(workshop) + "colours.json").status_code == 403
    seat_client(client, newcomer)
    assert list(client.get(results_url(workshop) + "colours.json").json()["statements"]) == [str(split[2].pk)]


def test_it_asks_again_later_when_it_showed_figures_a_few_seconds_old(client, workshop, camps, settings):
    settings.ANALYSIS_MIN_INTERVAL = 60
    people, shared, split = camps
    seat_client(client, people["one"][0])
    fresh = client.get(results_url(workshop), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fresh.split(">", 1)[0]

    cast_vote(people["two"][1], Vote.Kind.AGREEMENT, -2, statement=shared)
    stale = client.get(results_url(workshop), headers={"HX-Request": "true"}).content.decode()

    opening = stale.split(">", 1)[0]
    assert f'hx-get="{results_url(workshop)}"' in opening and 'hx-trigger="load delay:60s"' in opening
