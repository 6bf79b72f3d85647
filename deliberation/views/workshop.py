"""The workshop page and the fragments it is made of. Each swappable region has a GET URL of its
own, so live updates can re-fetch exactly that region (see the list atop workshop.html)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deliberation.argument_map import load_argument_map
from deliberation.domain import DomainError
from deliberation.models import Participant, Statement, Vote, Workshop

from .detail import SCALE_CHOICES, Detail, load_annotations, load_detail, load_votes
from .helpers import PHASE_ALLOWS, abilities, hx_render, seat, statement_in
from .outline import (
    Filters,
    filter_statements,
    graph_elements,
    outline_rows,
    render_results,
    render_tree,
    tally_html,
    tally_shown,
)
from .vote_widget import vote_widget

TEMPLATE = "deliberation/workshop.html"


def join_redirect(workshop: Workshop, request: HttpRequest | None = None) -> HttpResponse:
    """To joining, for a browser without a seat here (never joined, or removed by a moderator).
    An htmx request (a live refresh, a form) is told to move the whole page there: followed as
    a plain redirect, the join page would land inside the region being refreshed."""
    url = reverse("join_by_link", args=[workshop.join_code]) if workshop.join_code_is_valid() else reverse("home")
    if request is not None and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def banner_context(workshop: Workshop, participant: Participant | None) -> dict:
    focus = workshop.focus_statement
    if focus is not None and focus.status != Statement.Status.VISIBLE:
        focus = None
    ends_at = workshop.timer_ends_at
    remaining = int((ends_at - timezone.now()).total_seconds()) if ends_at else 0
    return {
        "timer_ends_ms": int(ends_at.timestamp() * 1000) if ends_at else 0,
        "phase_allows": PHASE_ALLOWS.get(workshop.phase, ""),
        "focus": focus,
        "timer_running": remaining > 0,
        "timer_remaining": f"{remaining // 60}:{remaining % 60:02d}" if remaining > 0 else "",
    }


def participant_count(workshop: Workshop) -> int:
    return Participant.objects.active().filter(workshop=workshop).count()


def page_context(
    request: HttpRequest, workshop: Workshop, participant: Participant | None, detail: Detail | None = None, **extra
) -> dict:
    """Everything the full page shows, in a constant number of queries."""
    filters = Filters.from_query(request.GET)
    argument_map = load_argument_map(workshop, participant)
    prefix = reverse("statement", args=[workshop.slug, 0])[:-2]
    results = filter_statements(argument_map, participant, filters) if filters.active else None
    # Opened straight into the graph view, the page leaves the outline to be fetched on demand.
    deferred = request.GET.get("view") == "graph" and not request.htmx and results is None
    context = {
        "workshop": workshop,
        "participant": participant,
        "filters": filters,
        "tree_html": ""
        if results is not None or deferred
        else render_tree(outline_rows(argument_map, participant), prefix),
        "outline_deferred": deferred,
        "results": results,
        "results_html": render_results(results, prefix) if results else "",
        "statement_count": len(argument_map.statements) - 1,
        "participant_count": participant_count(workshop),
        "can": abilities(workshop, participant),
        "kinds": _kind_choices(),
        "detail": detail,
        "s": detail.statement if detail else None,
        "source_kinds": Statement.SourceKind.choices,
        "scale_choices": SCALE_CHOICES,
        **banner_context(workshop, participant),
        **extra,
    }
    return context


def _kind_choices():
    return [(k, label) for k, label in Statement.Kind.choices if k != Statement.Kind.QUESTION]


def detail_context(workshop: Workshop, participant: Participant | None, detail: Detail, **extra) -> dict:
    return {
        "workshop": workshop,
        "participant": participant,
        "detail": detail,
        "s": detail.statement,
        "can": detail.can,
        "source_kinds": Statement.SourceKind.choices,
        "scale_choices": SCALE_CHOICES,
        **extra,
    }


def render_statement(
    request: HttpRequest,
    workshop: Workshop,
    participant: Participant | None,
    statement: Statement,
    fragment: str = "detail",
    status: int = 200,
    **extra,
) -> HttpResponse:
    """A statement's detail: one fragment of the panel for htmx, the whole page with the panel open
    otherwise (also used to show a form again with its error)."""
    detail = load_detail(workshop, participant, statement)
    if request.htmx:
        response = render(
            request,
            f"deliberation/_detail.html#{fragment}",
            detail_context(workshop, participant, detail, **extra),
            status=status,
        )
    else:
        response = render(
            request, TEMPLATE, page_context(request, workshop, participant, detail, **extra), status=status
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def workshop_page(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    return hx_render(request, TEMPLATE, "outline", page_context(request, workshop, participant))


@require_GET
def statement_page(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    try:
        statement = statement_in(workshop, participant, statement_id)
    except Http404:
        # A link to a statement merged into another keeps working: it leads to the one that stayed.
        # One hidden or withdrawn says so, instead of "no such statement" to someone who had it open.
        gone = (
            Statement.objects.in_workshop(workshop)
            .filter(pk=statement_id)
            .values("status", "merged_into_id", "author_id", "moderation_reason")
            .first()
        )
        if gone is None or gone["status"] not in (
            Statement.Status.MERGED,
            Statement.Status.HIDDEN,
            Statement.Status.WITHDRAWN,
        ):
            raise
        if gone["status"] == Statement.Status.WITHDRAWN:
            raise Http404(_("Its author has withdrawn this statement.")) from None
        if gone["status"] == Statement.Status.HIDDEN:
            hidden = _("A moderator has hidden this statement.")
            if gone["author_id"] == participant.pk and gone["moderation_reason"]:
                hidden = _("A moderator has hidden your statement: %(reason)s") % {"reason": gone["moderation_reason"]}
            raise Http404(hidden) from None
        survivor = gone["merged_into_id"]
        if survivor is None:
            raise
        messages.info(
            request,
            _("A moderator merged #%(merged)s into this statement, #%(kept)s: its links, comments and votes are here.")
            % {"merged": statement_id, "kept": survivor},
        )
        return redirect("statement", slug=workshop.slug, statement_id=survivor)
    return render_statement(request, workshop, participant, statement)


def render_votes(
    request: HttpRequest,
    workshop: Workshop,
    participant: Participant | None,
    statement: Statement,
    status: int = 200,
    vote_error: DomainError | None = None,
    vote_note: str | None = None,
) -> HttpResponse:
    """After a vote: for htmx the vote widget and, out of band, the outline's tally (one query);
    otherwise the whole page with the panel open."""
    if not request.htmx:
        return render_statement(
            request, workshop, participant, statement, "votes", status, vote_error=vote_error, vote_note=vote_note
        )
    return votes_answer(request, load_votes(workshop, participant, statement), status, vote_error, vote_note)


def votes_answer(
    request: HttpRequest,
    detail: Detail,
    status: int = 200,
    vote_error: DomainError | None = None,
    vote_note: str | None = None,
) -> HttpResponse:
    """The vote widget and, out of band, the outline's tally, for htmx."""
    widget = vote_widget(request, detail, detail.can, vote_error, vote_note, csrf_field=False)
    response = HttpResponse(widget + tally_html(detail.statement, detail.tally_visible, oob=True), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def votes_fragment(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """The viewer's own vote widget of a statement (`#statement-<id>-votes`), with its tally."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    statement = statement_in(workshop, participant, statement_id)
    detail = load_votes(workshop, participant, statement)
    return HttpResponse(vote_widget(request, detail, detail.can))


@require_GET
def annotations_fragment(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """A statement's comments, questions and tags (`#statement-<id>-annotations`): what an open
    panel re-fetches when someone comments on its statement."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    statement = statement_in(workshop, participant, statement_id)
    detail = load_annotations(workshop, participant, statement)
    return render(request, "deliberation/_detail.html#annotations", detail_context(workshop, participant, detail))


@require_GET
def banners_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    context = {"workshop": workshop, "participant": participant, **banner_context(workshop, participant)}
    return render(request, f"{TEMPLATE}#banners", context)


@require_GET
def outline_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    return render(request, f"{TEMPLATE}#outline", page_context(request, workshop, participant))


@require_GET
def add_position_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Add a position" region, as the phase allows it: a page asks for it when the phase changes."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    context = {"workshop": workshop, "participant": participant, "can": abilities(workshop, participant)}
    return render(request, f"{TEMPLATE}#add_position", context)


@require_GET
def count_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    context = {"workshop": workshop, "participant": participant, "participant_count": participant_count(workshop)}
    return render(request, f"{TEMPLATE}#whoami", context)


@require_GET
def tally_fragment(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """The outline's tally of one statement (`#statement-<id>-tally`), honouring hidden results."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    return render(request, f"{TEMPLATE}#tally", tally_context(workshop, participant, statement_id))


MAX_TALLIES = 200  # more statements than a page shows at once


@require_GET
def tallies_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The outline tallies of several statements (`?ids=3,5,8`), each swapped in out of band. A
    page that follows the live stream asks once for every tally that changed in a burst, not once
    per statement: in a busy room every statement changes every few hundred milliseconds."""
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    try:
        ids = {int(part) for part in request.GET.get("ids", "").split(",") if part.strip()}
    except ValueError:
        return HttpResponseBadRequest(_("Statement ids are whole numbers separated by commas."))
    if len(ids) > MAX_TALLIES:
        return HttpResponseBadRequest(_("Ask for at most %(n)s statements at once.") % {"n": MAX_TALLIES})
    statements = Statement.objects.shown_to(participant).filter(workshop=workshop, pk__in=ids)
    voted = set(
        Vote.objects.by(participant)
        .filter(statement_id__in=ids, kind=Vote.Kind.AGREEMENT)
        .values_list("statement_id", flat=True)
    )
    return HttpResponse(
        "".join(
            tally_html(statement, tally_shown(workshop, participant, statement.pk in voted), oob=True)
            for statement in statements.with_tallies().order_by("pk")
        )
    )


def tally_context(workshop: Workshop, participant: Participant | None, statement_id, oob: bool = False) -> dict:
    statement = statement_in(workshop, participant, statement_id)
    statement = Statement.objects.with_tallies().get(pk=statement.pk)
    voted = Vote.objects.by(participant).filter(statement=statement, kind=Vote.Kind.AGREEMENT).exists()
    return {
        "workshop": workshop,
        "tally_html": tally_html(statement, tally_shown(workshop, participant, voted), oob=oob),
    }


@require_GET
def graph_data(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return JsonResponse({"error": _("Join this workshop first.")}, status=403)
    return JsonResponse(graph_elements(load_argument_map(workshop, participant)))
