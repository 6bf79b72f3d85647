"""Small helpers the participant views share: finding the seat, answering htmx and plain
requests from one template, and turning domain errors into responses."""

from functools import cache, wraps

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation import rows
from deliberation.domain import DomainError, NotAllowed
from deliberation.models import Participant, Phase, Role, Statement, Workshop

from .seats import current_participant, remembered_seat


def get_workshop(slug: str) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("focus_statement"), slug=slug)


def seat(request: HttpRequest, slug: str) -> tuple[Workshop, Participant | None]:
    """The workshop and the seat this request holds in it (None for a visitor without one)."""
    return _seat(request, slug, with_focus=True)


def require_seat(request: HttpRequest, slug: str) -> tuple[Workshop, Participant]:
    """For writes: the request must hold a seat in this workshop (checked again by the domain).
    Writes answer with small fragments that do not show the room's focus, so it is not loaded."""
    workshop, participant = _seat(request, slug)
    if participant is None:
        raise NotAllowed(_("Join this workshop first: your browser holds no seat in it."))
    return workshop, participant


def _seat(request: HttpRequest, slug: str, with_focus: bool = False) -> tuple[Workshop, Participant | None]:
    participant = remembered_seat(request, slug, with_focus)
    if participant is not None:
        return participant.workshop, participant
    workshop = get_workshop(slug)
    return workshop, current_participant(request, workshop)


def statement_in(workshop: Workshop, participant: Participant | None, statement_id) -> Statement:
    """A statement of this workshop the participant may see, or 404 (never another workshop's)."""
    try:
        statement_id = int(statement_id)
    except (TypeError, ValueError):
        raise Http404(_("No such statement.")) from None
    with connection.cursor() as cursor:
        cursor.execute(_statement_query(), [statement_id, workshop.pk])
        row = cursor.fetchone()
    statement = rows.instance(Statement, row) if row is not None else None
    if statement is None or not statement.is_shown_to(participant):
        raise Http404(_("No such statement in this workshop."))
    statement.workshop = workshop  # one object, so the domain sees the phase the view saw
    return statement


@cache
def _statement_query() -> str:
    """By id within one workshop, written once (`deliberation.rows`): every vote and statement panel
    starts here, and compiling the same lookup through the ORM, or a raw queryset mapping its
    columns, cost more than PostgreSQL's answer."""
    return f"SELECT {rows.columns(Statement, 's')} FROM {Statement._meta.db_table} s WHERE s.id = %s AND s.workshop_id = %s"  # noqa: S608


def hx_render(request: HttpRequest, template: str, fragment: str, context: dict, status: int = 200) -> HttpResponse:
    """The fragment for htmx, the whole page otherwise; caches keep the two apart."""
    name = f"{template}#{fragment}" if request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def abilities(workshop: Workshop, participant: Participant | None) -> dict:
    """What the page offers. Only a hint for the interface: the domain checks every write again."""
    member = participant is not None and not participant.is_banned
    contributor = member and participant.role != Role.OBSERVER
    moderator = member and participant.is_moderator
    phase = workshop.phase
    return {
        "can_add": contributor and (phase == Phase.CONTRIBUTE or (moderator and phase != Phase.CLOSED)),
        "can_vote": contributor and (phase in (Phase.CONTRIBUTE, Phase.VOTE) or (moderator and phase != Phase.CLOSED)),
        "can_annotate": contributor
        and (phase in (Phase.CONTRIBUTE, Phase.VOTE) or (moderator and phase != Phase.CLOSED)),
        "can_edit": contributor and (phase == Phase.CONTRIBUTE or (moderator and phase != Phase.CLOSED)),
    }


PHASE_ALLOWS = {
    Phase.DRAFT: gettext_lazy("The moderators are preparing the map."),
    Phase.CONTRIBUTE: gettext_lazy("Add positions, reasons and evidence, vote and comment."),
    Phase.VOTE: gettext_lazy("No new statements now: vote and comment."),
    Phase.CLOSED: gettext_lazy("The workshop is closed: read the map and the results."),
}


def domain_errors(view):
    """Errors raised before a view can show its form (no seat, rate limit) as a readable 4xx."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            name = "deliberation/error.html#message" if request.htmx else "deliberation/error.html"
            response = render(request, name, {"error": error}, status=error.status)
            patch_vary_headers(response, ["HX-Request"])
            return response

    return wrapper
