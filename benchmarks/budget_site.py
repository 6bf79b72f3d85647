"""Probe endpoints for `benchmarks/vote_budget.py`, each doing part of a vote's work. They exist
only in the benchmark's servers (`benchmarks.budget_settings`); the app itself has none of them."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from deliberation.domain import cast_vote
from deliberation.domain.events import announce_votes
from deliberation.domain.votes import _upsert_with_event
from deliberation.models import Participant, Vote
from deliberation.ratelimit import check_vote_rate
from deliberation.views.helpers import domain_errors, require_seat, statement_in


@require_POST
def trivial_post(request: HttpRequest) -> HttpResponse:
    """The floor with a form body: the body read, the CSRF check, one trivial query."""
    request.POST.get("value")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok\n", content_type="text/plain")


@require_POST
def write_only(request: HttpRequest, workshop_id: int, statement_id: int) -> HttpResponse:
    """The vote's one write statement (the vote and its event) for the seat the form names, and its
    announcement; nothing else: no seat, statement or rule is checked and nothing is rendered. No
    vote that checks who is voting can cost less."""
    participant = Participant(pk=int(request.POST["participant"]), workshop_id=workshop_id, user_id=None)
    value = int(request.POST["value"])
    vote = Vote(
        workshop_id=workshop_id,
        participant=participant,
        kind=Vote.Kind.AGREEMENT,
        statement_id=statement_id,
        value=value,
    )
    payload = {"kind": vote.kind, "value": value, "statement_id": statement_id, "relation_id": None}
    _upsert_with_event(vote, statement_id, payload)
    announce_votes(workshop_id)
    return HttpResponse("ok\n", content_type="text/plain")


@require_POST
@domain_errors
def checked_vote(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """The full way's checks and write (seat, statement, rate limit, the domain's rules, each read
    apart), answered with 204 instead of the vote widget."""
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    check_vote_rate(participant.resume_token)
    cast_vote(participant, Vote.Kind.AGREEMENT, request.POST.get("value", ""), statement=statement)
    return HttpResponse(status=204)


urlpatterns = [
    path("budget/post", trivial_post),
    path("budget/<int:workshop_id>/<int:statement_id>/write", write_only),
    path("budget/w/<slug:slug>/s/<int:statement_id>/checked", checked_vote),
    path("", include("deliberation.urls")),
]
