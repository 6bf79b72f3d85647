"""Joining a workshop: the landing page, join codes and links, QR codes, resume links, and the
participant's own activity."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from deliberation.domain import DomainError, NotFound, find_workshop_by_code, join_workshop, require_open_to_join
from deliberation.models import Annotation, Participant, Statement, Vote
from deliberation.qr import qr_svg
from deliberation.ratelimit import check_join, check_join_code_guesses, check_named, client_ip

from .detail import AGREEMENT_CHOICES
from .helpers import hx_render, seat
from .seats import current_participant, held_seats, remember_seat
from .workshop import join_redirect

HOME = "deliberation/home.html"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, HOME, {"code": request.GET.get("code", "")})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str = "") -> HttpResponse:
    """Join with a code and a name (or a random alias). A browser that already holds a seat in the
    workshop continues as that participant instead of taking a second one."""
    code = request.POST.get("code", code)
    if request.method == "GET":
        workshop, error = _workshop_for_link(request, code)
        if workshop is not None and current_participant(request, workshop) is not None:
            return redirect("workshop", slug=workshop.slug)
        context = {"code": workshop.display_join_code if workshop else code, "workshop": workshop, "error": error}
        return render(request, HOME, context)
    try:
        check_join_code_guesses(request)
        try:
            workshop = find_workshop_by_code(code)
        except NotFound:
            check_join_code_guesses(request, cost=1)
            raise
        if current_participant(request, workshop) is not None:
            return _to_workshop(request, workshop)
        check_join(request, workshop.pk)
        participant = join_workshop(
            workshop,
            request.POST.get("display_name", ""),
            anonymous=bool(request.POST.get("anonymous")),
            former_token=held_seats(request).get(workshop.slug, ""),
        )
    except DomainError as error:
        context = {"code": code, "display_name": request.POST.get("display_name", ""), "error": error}
        return hx_render(request, HOME, "join_form", context, status=error.status)
    messages.success(request, _("Welcome, %(name)s.") % {"name": participant.display_name})
    return remember_seat(request, _to_workshop(request, workshop), participant)


def _to_workshop(request: HttpRequest, workshop) -> HttpResponse:
    """A whole-page move: htmx is told to navigate rather than to swap the map into the form."""
    if request.htmx:
        return HttpResponseClientRedirect(reverse("workshop", args=[workshop.slug]))
    return redirect("workshop", slug=workshop.slug)


def _workshop_for_link(request: HttpRequest, code: str):
    """The workshop a join link names, and what would stop this device joining it (a wrong or
    expired code, a workshop not open, a removed seat), said before anyone types a name. A wrong
    link counts against its address's guesses; only the loose per-address limit applies, since a
    browser opening a link may hold no cookie yet and would count as its whole venue."""
    if not code:
        return None, None
    guesses = f"ip:{client_ip(request)}"
    try:
        check_named("join_code_guess_ip", guesses, cost=0)
        try:
            workshop = find_workshop_by_code(code)
        except NotFound:
            check_named("join_code_guess_ip", guesses)
            raise
    except DomainError as error:
        return None, error
    try:
        require_open_to_join(workshop, held_seats(request).get(workshop.slug, ""))
    except DomainError as error:
        return workshop, error
    return workshop, None


@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """A participant's personal link: opening it on another device continues in the same seat. A
    browser already seated in that workshop as someone else is asked first (the other seat would
    be reachable only through its own resume link)."""
    participant = (
        Participant.objects.select_related("workshop").filter(resume_token=token, is_banned=False).first()
        if token
        else None
    )
    if participant is None:
        raise Http404(_("This resume link is not valid."))
    current = current_participant(request, participant.workshop)
    if request.method == "GET" and current is not None and current.pk != participant.pk:
        return render(request, "deliberation/resume_confirm.html", {"participant": participant, "current": current})
    messages.success(request, _("Welcome back, %(name)s.") % {"name": participant.display_name})
    return remember_seat(request, redirect("workshop", slug=participant.workshop.slug), participant)


@require_GET
def join_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """An SVG QR code of the workshop's join link, for the room's screen or a neighbour's phone."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    url = request.build_absolute_uri(reverse("join_by_link", args=[workshop.join_code]))
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def my_activity(request: HttpRequest, slug: str) -> HttpResponse:
    """My statements with their status (and a moderator's reason), my votes, my annotations."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    statements = list(
        Statement.objects.in_workshop(workshop).filter(author=participant).exclude(kind=Statement.Kind.QUESTION)
    )
    votes = list(
        Vote.objects.by(participant)
        .select_related("statement", "relation__source", "relation__target")
        .order_by("-updated_at")
    )
    labels = dict(AGREEMENT_CHOICES)
    for vote in votes:
        vote.label = labels.get(vote.value, "") if vote.kind == Vote.Kind.AGREEMENT else ""
    annotations = list(
        Annotation.objects.filter(workshop=workshop, author=participant).select_related("statement", "document")
    )
    context = {
        "workshop": workshop,
        "participant": participant,
        "statements": statements,
        "votes": votes,
        "annotations": annotations,
        "resume_url": request.build_absolute_uri(reverse("resume", args=[participant.resume_token])),
    }
    return hx_render(request, "deliberation/activity.html", "activity", context)
