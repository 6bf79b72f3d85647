"""Voting: agreement and lens ratings on a statement, strength on a link. One click casts or
changes a vote; `retract` takes it back. With htmx only the vote widget and the tally change."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.domain import DomainError, cast_vote, retract_vote
from deliberation.domain.votes import STATEMENT_KINDS, cast_vote_by_seat
from deliberation.models import Relation, Statement, Vote
from deliberation.ratelimit import check_vote_rate, limit_for

from .detail import Detail
from .helpers import domain_errors, require_seat, statement_in
from .seats import held_seats, signed_in
from .workshop import render_statement, render_votes, votes_answer


def _cast(participant, kind: str, data, counted: bool = False, **target) -> str:
    if not counted:
        check_vote_rate(participant.resume_token)
    if data.get("retract"):
        retract_vote(participant, kind, **target)
        return _("Your vote is taken back.")
    cast_vote(participant, kind, data.get("value", ""), **target)
    return _("Your vote is counted.")


@require_POST
@domain_errors
def vote_statement(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    kind = request.POST.get("kind", Vote.Kind.AGREEMENT)
    token = held_seats(request).get(slug)
    counted = False
    if token and request.htmx and not request.POST.get("retract") and not signed_in(request):
        answer = _vote_in_one_statement(request, token, slug, statement_id, kind)
        if answer is not None:
            return answer
        counted = True
    # Anything the one-statement vote did not write goes the full way, which says why.
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    try:
        if kind not in STATEMENT_KINDS:
            raise DomainError(_("Unknown kind of vote."), field="kind")
        note = _cast(participant, kind, request.POST, counted=counted, statement=statement)
    except DomainError as error:
        return render_votes(request, workshop, participant, statement, status=error.status, vote_error=error)
    if not request.htmx:
        messages.success(request, note)
        return redirect(reverse("statement", args=[slug, statement.pk]) + f"#statement-{statement.pk}-votes")
    return render_votes(request, workshop, participant, statement, vote_note=note)


def _vote_in_one_statement(request: HttpRequest, token: str, slug: str, statement_id: int, kind: str):
    """The busiest request of a live room in one SQL statement (`cast_vote_by_seat`); None when it
    wrote nothing, with the vote counted against the seat's limit all the same."""
    cast = cast_vote_by_seat(token, slug, statement_id, kind, request.POST.get("value"), limit_for("vote"))
    if cast is None:
        return None
    participant, statement, mine = cast
    my_votes = {(voted, statement.pk): value for voted, value in mine.items()}
    detail = Detail(statement.workshop, participant, statement, [], [], [], [], my_votes, [], [], [], [])
    return votes_answer(request, detail, vote_note=_("Your vote is counted."))


@require_POST
@domain_errors
def vote_relation(request: HttpRequest, slug: str, relation_id: int) -> HttpResponse:
    """Strength of a link: how much does this reason matter to its parent (0…4)?"""
    workshop, participant = require_seat(request, slug)
    relation = Relation.objects.in_workshop(workshop).select_related("source", "target").filter(pk=relation_id).first()
    if relation is None or relation.source.status != Statement.Status.VISIBLE:
        raise Http404(_("No such link in this workshop."))
    relation.workshop = workshop
    statement = statement_in(workshop, participant, relation.source_id)
    try:
        note = _cast(participant, Vote.Kind.STRENGTH, request.POST, relation=relation)
    except DomainError as error:
        return render_statement(
            request,
            workshop,
            participant,
            statement,
            fragment="strength",
            status=error.status,
            relation=_with_strength(relation),
            strength_error=error,
        )
    if not request.htmx:
        messages.success(request, note)
        return redirect(reverse("statement", args=[slug, statement.pk]) + f"#relation-{relation.pk}-strength")
    return render_statement(
        request,
        workshop,
        participant,
        statement,
        fragment="strength",
        relation=_with_strength(relation),
        strength_note=note,
    )


def _with_strength(relation: Relation) -> Relation:
    fresh = Relation.objects.with_strength().select_related("target").get(pk=relation.pk)
    return fresh
