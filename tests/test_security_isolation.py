"""A participant of workshop A can read or change nothing of workshop B: not through B's address,
and not by putting B's statement, link, document or annotation numbers into A's addresses."""

import pytest
from django.http import Http404
from django.test import Client

from deliberation.domain import add_statement, annotate, join_workshop
from deliberation.models import Annotation, Event, Participant, Relation, SourceDocument, Statement, Vote
from tests.seating import hold_seat

SECRET = "Only the people of workshop B may read this"


def seated(participant) -> Client:
    client = Client()
    hold_seat(client, participant)
    return client


def snapshot() -> tuple:
    return (
        list(Statement.objects.order_by("pk").values_list("pk", "text", "status", "version")),
        list(Relation.objects.order_by("pk").values_list("pk", "kind")),
        list(Vote.objects.order_by("pk").values_list("pk", "value")),
        list(Annotation.objects.order_by("pk").values_list("pk", "text")),
        Participant.objects.count(),
        Event.objects.count(),
    )


@pytest.fixture
def two_rooms(make_workshop):
    room_a, room_b = make_workshop(), make_workshop()
    mallory = join_workshop(room_a, "Mallory")
    own = add_statement(mallory, room_a.root(), Statement.Kind.POSITION, "A statement in workshop A.")
    bea = join_workshop(room_b, "Bea")
    theirs = add_statement(bea, room_b.root(), Statement.Kind.POSITION, f"{SECRET}, a position.")
    reason = add_statement(bea, theirs, Statement.Kind.CLAIM, f"{SECRET}, a reason.", relation="supports")
    relation = Relation.objects.get(source=reason, target=theirs)
    document = SourceDocument.objects.create(workshop=room_b, title="B reading", text=f"{SECRET}, the document.")
    note = annotate(bea, "comment", f"{SECRET}, a comment.", statement=theirs)
    return room_a, room_b, seated(mallory), own, theirs, relation, document, note


def test_it_shows_nothing_of_another_workshop_at_its_own_addresses(two_rooms):
    _a, room_b, mallory, _own, theirs, _relation, document, _note = two_rooms
    w = f"/w/{room_b.slug}"
    urls = [f"{w}/", f"{w}/outline/", f"{w}/banners/", f"{w}/me/", f"{w}/results/", f"{w}/documents/"]
    urls += [f"{w}/documents/{document.pk}/", f"{w}/s/{theirs.pk}/", f"{w}/s/{theirs.pk}/tally/"]
    urls += [f"{w}/tallies/?ids={theirs.pk}"]
    urls += [f"{w}/s/{theirs.pk}/votes/", f"{w}/s/{theirs.pk}/edit/", f"{w}/graph.json", f"{w}/qr.svg"]
    urls += [f"{w}/s/{theirs.pk}/annotations/"]
    urls += [f"/moderate/w/{room_b.slug}/", f"/moderate/w/{room_b.slug}/log.csv", f"{w}/projector"]
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = mallory.get(url, **headers)
            sent_away = response.status_code == 204 and (  # htmx is sent to joining or signing in
                response["HX-Redirect"] in (f"/join/{room_b.join_code}", "/")
                or response["HX-Redirect"].startswith("/accounts/login/")
            )
            assert (
                response.status_code in (302, 403, 404)
                or sent_away
                or (response.status_code == 200 and "join" in response.content.decode().lower())
            ), (url, response.status_code)
            assert SECRET not in response.content.decode(), url


def test_it_shows_nothing_of_another_workshop_through_its_own_addresses(two_rooms):
    room_a, _b, mallory, own, theirs, relation, document, _note = two_rooms
    w = f"/w/{room_a.slug}"
    urls = [f"{w}/s/{theirs.pk}/", f"{w}/s/{theirs.pk}/tally/", f"{w}/s/{theirs.pk}/votes/"]
    urls += [f"{w}/s/{theirs.pk}/annotations/"]
    urls += [f"{w}/s/{theirs.pk}/edit/", f"{w}/s/{theirs.pk}/withdraw/", f"{w}/documents/{document.pk}/"]
    for url in urls:
        response = mallory.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert SECRET not in response.content.decode()
    tallies = mallory.get(f"{w}/tallies/?ids={theirs.pk},{own.pk}").content.decode()
    assert f"statement-{theirs.pk}-tally" not in tallies and f"statement-{own.pk}-tally" in tallies


def test_it_changes_nothing_of_another_workshop(two_rooms):
    room_a, room_b, mallory, own, theirs, relation, document, note = two_rooms
    before = snapshot()
    attempts = []
    for slug in (room_a.slug, room_b.slug):
        w = f"/w/{slug}"
        attempts += [
            (f"{w}/s/{theirs.pk}/vote/", {"kind": "agreement", "value": "2"}),
            (f"{w}/s/{theirs.pk}/vote/", {"kind": "agreement", "retract": "1"}),
            (f"{w}/r/{relation.pk}/vote/", {"value": "4"}),
            (f"{w}/s/{theirs.pk}/edit/", {"text": "Taken over by Mallory.", "version": str(theirs.version)}),
            (f"{w}/s/{theirs.pk}/withdraw/", {}),
            (f"{w}/s/{theirs.pk}/annotate/", {"kind": "flag", "text": "spam"}),
            (f"{w}/s/{theirs.pk}/annotations/{note.pk}/edit/", {"text": "Mallory's words."}),
            (f"{w}/s/{theirs.pk}/annotations/{note.pk}/withdraw/", {}),
            (f"{w}/s/{theirs.pk}/link/", {"parent": str(own.pk), "relation": "supports"}),
            (f"{w}/s/{own.pk}/link/", {"parent": str(theirs.pk), "relation": "opposes"}),
            (f"{w}/add/", {"kind": "claim", "relation": "opposes", "parent": str(theirs.pk), "text": "Injected."}),
            (f"{w}/documents/{document.pk}/highlight/", {"quote_exact": SECRET, "text": "mine"}),
        ]
    attempts += [
        (f"/moderate/w/{room_b.slug}/s/{theirs.pk}/hide", {"reason": "x"}),
        (f"/moderate/w/{room_b.slug}/phase", {"phase": "closed"}),
        (f"/moderate/w/{room_b.slug}/a/{note.pk}/hide", {}),
    ]
    for url, data in attempts:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = mallory.post(url, data, **headers)
            assert response.status_code in (204, 302, 400, 403, 404), (url, response.status_code)
            if response.status_code == 204:  # htmx: only ever sent to signing in, never a success
                assert response["HX-Redirect"].startswith("/accounts/login/"), (url, response["HX-Redirect"])
            if response.status_code == 302:  # only ever to a join or sign-in page, never a success
                assert "/join" in response["Location"] or "/accounts/login" in response["Location"], (
                    url,
                    response["Location"],
                )
    assert snapshot() == before


def test_a_statement_is_shown_to_whom_the_query_shows_it(workshop, position, claim, alice, bob, moderator_user):
    """`Statement.is_shown_to` (one loaded statement) and `shown_to` (a query) must agree."""
    from deliberation.domain import moderator_seat
    from deliberation.views.helpers import statement_in

    viewers = [None, alice, bob, moderator_seat(workshop, moderator_user)]
    for status in Statement.Status.values:
        merged_into = claim if status == Statement.Status.MERGED else None
        Statement.objects.filter(pk=position.pk).update(status=status, merged_into=merged_into)
        for viewer in viewers:
            queried = Statement.objects.shown_to(viewer).filter(pk=position.pk).exists()
            assert Statement.objects.get(pk=position.pk).is_shown_to(viewer) == queried, (status, viewer)
            try:
                statement_in(workshop, viewer, position.pk)
            except Http404:
                assert not queried
            else:
                assert queried
