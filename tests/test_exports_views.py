"""The export page and downloads, and the moderator's import page, seen from outside."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from deliberation.domain import add_statement, cast_vote, hide_statement, join_workshop, moderator_seat
from deliberation.formats import FORMATS, MAX_IMPORT_BYTES
from deliberation.models import Relation, Statement, Workshop
from tests.formats_helpers import SHARED
from tests.seating import hold_seat

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
EXAMPLES = SHARED / "format-examples"
HIDDEN_TEXT = "A statement the moderators hid."


def seated(participant) -> Client:
    client = Client()
    hold_seat(client, participant)
    return client


@pytest.fixture
def full_map(workshop, alice, bob, position, claim):
    cast_vote(alice, "agreement", 1, statement=claim)
    cast_vote(bob, "agreement", -1, statement=position)
    hidden = add_statement(bob, position, Statement.Kind.CLAIM, HIDDEN_TEXT, relation="opposes")
    hide_statement(moderator_seat(workshop, workshop.owner), hidden)
    return workshop


def download_url(workshop, key, **query):
    url = reverse("workshop_export_download", args=[workshop.slug, key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- The export page --------------------------------------------------------------------------------


def test_it_lists_every_format_with_the_options_on_the_full_page(full_map, alice, django_assert_max_num_queries):
    client = seated(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("workshop_export", args=[full_map.slug]))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and "HX-Request" in response["Vary"]
    for chosen in FORMATS.values():
        assert download_url(full_map, chosen.key) in body and chosen.label in body
    assert 'name="votes"' in body and 'name="anonymise"' in body
    assert 'name="hidden"' not in body  # a participant is not offered hidden items


def test_it_offers_hidden_items_to_moderators(full_map, mod_client):
    body = mod_client.get(reverse("workshop_export", args=[full_map.slug])).content.decode()
    assert 'name="hidden"' in body


def test_it_answers_htmx_with_the_form_alone(full_map, alice):
    response = seated(alice).get(reverse("workshop_export", args=[full_map.slug]), **HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="export-form"' in body and "<html" not in body


def test_it_sends_strangers_to_join(full_map, client):
    response = client.get(reverse("workshop_export", args=[full_map.slug]))
    assert response.status_code == 302 and "/join/" in response["Location"]


# --- Downloads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(FORMATS))
def test_it_downloads_every_format_for_a_participant_and_a_moderator(full_map, alice, mod_client, key):
    chosen = FORMATS[key]
    for client in (seated(alice), mod_client):
        response = client.get(download_url(full_map, key))
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"].split(";")[0] == chosen.media_type
        assert response["Content-Disposition"] == f'attachment; filename="{full_map.slug}.{chosen.extension}"'
        assert len(response.content) > 0


def test_it_keeps_hidden_items_out_unless_a_moderator_asks(full_map, alice, mod_client):
    assert HIDDEN_TEXT.encode() not in seated(alice).get(download_url(full_map, "json")).content
    assert HIDDEN_TEXT.encode() not in mod_client.get(download_url(full_map, "json")).content
    assert HIDDEN_TEXT.encode() in mod_client.get(download_url(full_map, "json", hidden=1)).content


def test_it_refuses_hidden_items_to_a_participant(full_map, alice):
    response = seated(alice).get(download_url(full_map, "json", hidden=1))
    assert response.status_code == 403
    assert "Only the moderators can export hidden" in response.content.decode()
    assert HIDDEN_TEXT not in response.content.decode()


def test_it_applies_the_votes_and_anonymise_options(full_map, alice, moderator_user):
    client = seated(alice)
    moderator = Client()
    moderator.force_login(moderator_user)
    named = moderator.get(download_url(full_map, "json", anonymise=0)).content
    assert b"Alice" in named and b'"votes"' in named  # names only when a moderator asks for them
    for anonymous in (
        moderator.get(download_url(full_map, "json")).content,
        client.get(download_url(full_map, "json")).content,
    ):
        assert b"Alice" not in anonymous and b"Bob" not in anonymous and b"P1" in anonymous
    # The page's checkboxes send votes=0 then votes=1 when ticked: the last value counts.
    ticked = client.get(download_url(full_map, "csv") + "?votes=0&votes=1").content
    unticked = client.get(download_url(full_map, "csv", votes=0)).content
    assert len(unticked) < len(ticked)


def test_it_gives_a_participant_of_another_workshop_nothing(full_map, make_workshop):
    other = make_workshop()
    stranger = join_workshop(other, "Mallory")
    response = seated(stranger).get(download_url(full_map, "json"))
    assert response.status_code in (302, 403)
    assert b"cooperate openly" not in response.content


def test_it_sends_an_anonymous_visitor_to_join(full_map, client):
    response = client.get(download_url(full_map, "json"))
    assert response.status_code == 302 and "/join/" in response["Location"]
    assert b"cooperate openly" not in response.content


def test_it_answers_an_unknown_format_with_404(full_map, alice):
    response = seated(alice).get(download_url(full_map, "docx"))
    assert response.status_code == 404
    assert "There is no export format" in response.content.decode() and "docx" in response.content.decode()


# --- Import ----------------------------------------------------------------------------------------


def test_it_shows_the_import_form_with_importable_formats_only(mod_client):
    response = mod_client.get(reverse("moderate_import"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and "HX-Request" in response["Vary"]
    assert 'enctype="multipart/form-data"' in body and 'method="post"' in body
    for chosen in FORMATS.values():
        assert (f'value="{chosen.key}"' in body) == chosen.can_import, chosen.key


def test_it_answers_htmx_with_the_import_form_alone(mod_client):
    response = mod_client.get(reverse("moderate_import"), **HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="import-form"' in body and "<html" not in body


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("moderate_import"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_does_not_let_a_participant_without_an_account_import(alice):
    client = seated(alice)
    response = client.post(
        reverse("moderate_import"), {"format": "kialo", "file": upload("science-diplomacy.kialo.txt")}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Workshop.objects.count() == 1


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (EXAMPLES / name).read_bytes())


@pytest.mark.parametrize(
    ("key", "name", "statements", "relations"),
    [
        ("aif", "science-diplomacy.aif.json", 4, 4),
        ("argdown", "science-diplomacy.argdown", 9, 9),
        ("kialo", "science-diplomacy.kialo.txt", 5, 5),
    ],
)
def test_it_imports_the_example_files_into_a_new_workshop(mod_client, moderator_user, key, name, statements, relations):
    before = set(Workshop.objects.values_list("pk", flat=True))
    response = mod_client.post(reverse("moderate_import"), {"format": key, "file": upload(name)})
    assert response.status_code == 302, response.content.decode()[:500]
    created = Workshop.objects.exclude(pk__in=before).get()
    assert created.owner == moderator_user
    assert response["Location"] == reverse("moderate_import_done", args=[created.slug])
    assert Statement.objects.filter(workshop=created).exclude(kind=Statement.Kind.QUESTION).count() == statements
    assert Relation.objects.filter(workshop=created).count() == relations

    summary = mod_client.get(response["Location"])
    body = summary.content.decode()
    assert summary.status_code == 200
    assert f'data-count="statements">{statements}<' in body and f'data-count="relations">{relations}<' in body
    assert reverse("moderate_console", args=[created.slug]) in body
    assert created.phase == "draft" and "ready in draft" in body
    assert "come over only from a Deliberation JSON file" in body  # votes are not in these formats


def test_it_reports_every_lossy_note_of_an_argdown_import(mod_client):
    response = mod_client.post(
        reverse("moderate_import"), {"format": "argdown", "file": upload("science-diplomacy.argdown")}
    )
    body = mod_client.get(response["Location"]).content.decode()
    created = Workshop.objects.get(slug=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    notes = created.events.get(verb="workshop.imported").payload["lossy"]
    assert notes, "the example has an undercut, which the map cannot hold"
    for note in notes:
        assert escape(note) in body


def test_it_rejects_truncated_json_with_the_line_and_stores_nothing(mod_client):
    raw = (EXAMPLES / "science-diplomacy.aif.json").read_bytes()[:700]
    count = Workshop.objects.count()
    response = mod_client.post(reverse("moderate_import"), {"format": "aif", "file": upload("broken.json", raw)})
    assert response.status_code == 400
    assert "Line " in response.content.decode() and 'id="import-form"' in response.content.decode()
    assert Workshop.objects.count() == count


def test_it_refuses_an_oversized_upload_with_a_clear_message(mod_client):
    count = Workshop.objects.count()
    big = b"1. " + b"x" * (MAX_IMPORT_BYTES + 10)
    response = mod_client.post(reverse("moderate_import"), {"format": "kialo", "file": upload("big.txt", big)})
    assert response.status_code == 400
    assert f"at most {MAX_IMPORT_BYTES // 1024} KB can be imported" in response.content.decode()
    assert Workshop.objects.count() == count


def test_it_shows_the_import_summary_only_to_the_workshop_moderators(mod_client):
    response = mod_client.post(
        reverse("moderate_import"), {"format": "aif", "file": upload("science-diplomacy.aif.json")}
    )
    other = Client()
    other.force_login(get_user_model().objects.create_user("someone", password="another-long-password"))
    assert other.get(response["Location"]).status_code == 403


# --- Where the pages are linked from ---------------------------------------------------------------


def test_it_links_the_export_page_from_the_participant_and_moderator_pages(full_map, alice, mod_client):
    export = reverse("workshop_export", args=[full_map.slug])
    assert export in seated(alice).get(reverse("workshop", args=[full_map.slug])).content.decode()
    assert export in mod_client.get(reverse("moderate_console", args=[full_map.slug])).content.decode()
    assert reverse("moderate_import") in mod_client.get(reverse("moderate_home")).content.decode()


def test_it_renders_the_compact_export_menu_with_every_format(full_map):
    from django.template.loader import render_to_string

    html = render_to_string("formats/_export_menu.html", {"workshop": full_map})
    for key in FORMATS:
        assert download_url(full_map, key) in html
    assert reverse("workshop_export", args=[full_map.slug]) in html


def test_it_tells_only_moderators_which_formats_import_again(full_map, alice, mod_client):
    export = reverse("workshop_export", args=[full_map.slug])
    assert "can be imported again" not in seated(alice).get(export).content.decode()
    assert "can be imported again" in mod_client.get(export).content.decode()
