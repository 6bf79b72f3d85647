"""What an export may tell a participant: no one's name next to their votes, no hidden items or
flags, and no tallies the map would not show them yet. The same through the page and the API."""

import csv
import io
import json
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.domain import add_statement, annotate, cast_vote, hide_statement, moderator_seat, set_phase
from deliberation.models import Phase, Statement
from tests.test_api_moderation import participant_client, user_client

pytestmark = pytest.mark.django_db
API = "/api/v1"
HIDDEN_TEXT = "A statement the moderators hid."
FLAG_REASON = "Please look at this one."
NAMES = ("Alice", "Bob")


@pytest.fixture
def voted_map(workshop, alice, bob, position, claim):
    cast_vote(alice, "agreement", 2, statement=claim)
    cast_vote(alice, "agreement", -1, statement=position)
    hidden = add_statement(alice, position, Statement.Kind.CLAIM, HIDDEN_TEXT, relation="opposes")
    hide_statement(moderator_seat(workshop, workshop.owner), hidden)
    annotate(alice, "flag", FLAG_REASON, statement=claim)
    return workshop


@pytest.fixture
def results_hidden(voted_map):
    """Bob has not voted yet; Alice voted on both statements."""
    voted_map.hide_results_until_voted = True
    voted_map.save(update_fields=["hide_results_until_voted"])
    return voted_map


@pytest.fixture
def mod_client(moderator_user):
    client = Client()
    client.force_login(moderator_user)
    return client


def page_download(client, workshop, key: str, query: str = "") -> bytes:
    response = client.get(reverse("workshop_export_download", args=[workshop.slug, key]) + query)
    assert response.status_code == 200, response.content[:300]
    return response.content


def api_download(client, workshop, key: str, query: str = "") -> bytes:
    response = client.get(f"{API}/workshops/{workshop.slug}/exports/{key}/{query}")
    assert response.status_code == 200, response.content[:300]
    return response.content


def csv_files(content: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def tallies(content: bytes) -> dict[str, str]:
    """statements.csv's agree column by statement text ("" where it is left out)."""
    return {row["text"]: row["agree"] for row in csv_files(content)["statements.csv"]}


# --- Names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["?anonymise=0", "?anonymise=false", "?anonymise=1&anonymise=0", ""])
def test_it_never_names_anyone_to_a_participant_whatever_the_query(voted_map, as_bob, query):
    content = page_download(as_bob, voted_map, "csv", query)
    files = csv_files(content)
    voters = {row["participant"] for row in files["votes.csv"]}
    assert len(files["votes.csv"]) == 2 and voters <= {f"P{n}" for n in range(1, 5)}
    assert not any(name.encode() in content for name in NAMES)
    document = page_download(as_bob, voted_map, "json", query)
    assert not any(name.encode() in document for name in NAMES)
    assert len(json.loads(document)["votes"]) == 2


def test_it_leaves_authors_out_so_an_alias_cannot_be_traced_to_a_name(voted_map, as_bob):
    """The map names each statement's author; an export giving the author's alias would name it."""
    document = json.loads(page_download(as_bob, voted_map, "json", "?anonymise=0"))
    assert {s["author"] for s in document["statements"]} == {""}
    files = csv_files(page_download(as_bob, voted_map, "csv"))
    assert {row["author"] for row in files["statements.csv"]} == {""}
    assert {row["author-id"] for row in files["comments.csv"]} == {""}
    assert {row["n-comments"] for row in files["participants-votes.csv"]} == {""}
    for key in ("aif", "argdown", "graphml", "report"):
        assert not any(name.encode() in page_download(as_bob, voted_map, key) for name in NAMES), key


def test_it_names_people_to_a_moderator_only_when_asked(voted_map, mod_client):
    by_default = page_download(mod_client, voted_map, "csv")
    assert all(re.fullmatch(r"P\d+", row["participant"]) for row in csv_files(by_default)["votes.csv"])
    named = csv_files(page_download(mod_client, voted_map, "csv", "?anonymise=0"))
    assert {row["participant"] for row in named["votes.csv"]} == {"Alice"}
    document = json.loads(page_download(mod_client, voted_map, "json", "?anonymise=0"))
    assert "Alice" in {p["name"] for p in document["participants"]}
    assert "Alice" not in page_download(mod_client, voted_map, "json").decode()


# --- Hidden items and flags ------------------------------------------------------------------------


def test_it_refuses_hidden_items_to_a_participant(voted_map, as_bob):
    url = reverse("workshop_export_download", args=[voted_map.slug, "json"])
    response = as_bob.get(url + "?hidden=1")
    assert response.status_code == 403 and HIDDEN_TEXT not in response.content.decode()
    assert HIDDEN_TEXT.encode() not in as_bob.get(url + "?hidden=0").content


def test_it_keeps_flags_for_the_moderators(voted_map, as_bob, mod_client):
    for key in ("json", "csv"):
        assert FLAG_REASON.encode() not in page_download(as_bob, voted_map, key), key
    assert FLAG_REASON.encode() in page_download(mod_client, voted_map, "json")


# --- Results hidden until people have voted --------------------------------------------------------


def test_it_leaves_out_every_figure_for_a_participant_who_has_not_voted(results_hidden, as_bob):
    files = csv_files(page_download(as_bob, results_hidden, "csv"))
    assert files["votes.csv"] == [] and files["polis-votes.csv"] == []
    assert {row["agree"] for row in files["statements.csv"]} == {""}
    assert {row["agrees"] for row in files["comments.csv"]} == {""}
    assert "results.csv" not in files
    document = json.loads(page_download(as_bob, results_hidden, "json"))
    assert document["votes"] == [] and "results" not in document
    report = page_download(as_bob, results_hidden, "report").decode()
    assert "people voted" not in report and "hidden until you vote on it" in report
    argdown = page_download(as_bob, results_hidden, "argdown").decode()
    assert '"votes"' not in argdown


def test_it_shows_a_statement_s_figures_once_the_participant_voted_on_it(results_hidden, bob, as_bob, claim, position):
    cast_vote(bob, "agreement", 1, statement=claim)
    content = page_download(as_bob, results_hidden, "csv")
    assert tallies(content)[claim.text] == "2" and tallies(content)[position.text] == ""
    votes = csv_files(content)["votes.csv"]
    assert len(votes) == 2 and {row["statement"] for row in votes} == {votes[0]["statement"]}
    document = json.loads(page_download(as_bob, results_hidden, "json"))
    assert len(document["votes"]) == 2 and "results" not in document  # the room's results wait for the close
    report = page_download(as_bob, results_hidden, "report").decode()
    assert report.count("hidden until you vote on it") == 2  # the question and the position

    set_phase(moderator_seat(results_hidden, results_hidden.owner), results_hidden, Phase.CLOSED)
    content = page_download(as_bob, results_hidden, "csv")
    assert tallies(content)[position.text] == "0" and "results.csv" in csv_files(content)
    assert "results" in json.loads(page_download(as_bob, results_hidden, "json"))
    assert "hidden until you vote on it" not in page_download(as_bob, results_hidden, "report").decode()


def test_it_shows_moderators_every_figure_while_results_are_hidden(results_hidden, mod_client, claim):
    content = page_download(mod_client, results_hidden, "csv")
    assert tallies(content)[claim.text] == "1" and len(csv_files(content)["votes.csv"]) == 2
    assert "results" in json.loads(page_download(mod_client, results_hidden, "json"))


def test_it_leaves_out_figures_when_votes_are_not_wanted(voted_map, mod_client):
    files = csv_files(page_download(mod_client, voted_map, "csv", "?votes=0"))
    assert files["votes.csv"] == [] and {row["agree"] for row in files["statements.csv"]} == {""}
    assert "results.csv" not in files
    assert "results" not in json.loads(page_download(mod_client, voted_map, "json", "?votes=0"))


# --- The export page -------------------------------------------------------------------------------


def test_it_shows_a_participant_that_exports_are_anonymised(voted_map, as_bob):
    body = as_bob.get(reverse("workshop_export", args=[voted_map.slug])).content.decode()
    assert 'name="anonymise" value="1" checked disabled' in body
    assert 'type="hidden" name="anonymise"' not in body
    assert "Only the moderators can export names." in body
    assert "only of the statements you have voted on" not in body


def test_it_tells_a_participant_when_results_wait_for_their_vote(results_hidden, as_bob):
    response = as_bob.get(reverse("workshop_export", args=[results_hidden.slug]), HTTP_HX_REQUEST="true")
    assert "only of the statements you have voted on" in response.content.decode()


def test_it_offers_moderators_names_as_a_deliberate_choice(voted_map, mod_client):
    body = mod_client.get(reverse("workshop_export", args=[voted_map.slug])).content.decode()
    unticked_sends_zero = '<input type="hidden" name="anonymise" value="0">'
    assert unticked_sends_zero + '<input type="checkbox" name="anonymise" value="1" checked>' in body
    assert "checked disabled" not in body


# --- The API follows the same rules ----------------------------------------------------------------


def test_the_api_never_names_anyone_to_a_participant(voted_map, bob):
    client = participant_client(bob)
    for key in ("csv", "json"):
        content = api_download(client, voted_map, key, "?anonymise=false")
        assert not any(name.encode() in content for name in NAMES), key
    assert len(csv_files(api_download(client, voted_map, "csv", "?anonymise=false"))["votes.csv"]) == 2


def test_the_api_names_people_to_a_moderator_only_when_asked(voted_map, moderator_user):
    client = user_client(moderator_user)
    assert b"Alice" not in api_download(client, voted_map, "json")
    named = csv_files(api_download(client, voted_map, "csv", "?anonymise=false"))
    assert {row["participant"] for row in named["votes.csv"]} == {"Alice"}


def test_the_api_refuses_hidden_items_and_keeps_flags_from_a_participant(voted_map, bob):
    client = participant_client(bob)
    refused = client.get(f"{API}/workshops/{voted_map.slug}/exports/json/?hidden=true")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert FLAG_REASON.encode() not in api_download(client, voted_map, "json")


def test_the_api_shows_figures_only_after_the_participant_voted(results_hidden, bob, claim):
    client = participant_client(bob)
    files = csv_files(api_download(client, results_hidden, "csv"))
    assert files["votes.csv"] == [] and {row["agree"] for row in files["statements.csv"]} == {""}
    document = json.loads(api_download(client, results_hidden, "json"))
    assert document["votes"] == [] and "results" not in document
    assert "people voted" not in api_download(client, results_hidden, "report").decode()

    cast_vote(bob, "agreement", -2, statement=claim)
    content = api_download(client, results_hidden, "csv")
    assert tallies(content)[claim.text] == "1" and len(csv_files(content)["votes.csv"]) == 2
