"""The people in a workshop (rename, role, remove/ban) and the audit log with its CSV export."""

import csv

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from deliberation import domain
from deliberation.domain import DomainError
from deliberation.models import Event, Participant, Role, Workshop
from deliberation.templatetags.audit_log import describe

from .moderation import moderator_view

PEOPLE = "moderation/participants.html"
LOG = "moderation/log.html"
LOG_LIMIT = 1000

# Which verbs the log shows under each filter; "moderation" is every action a moderator takes.
MODERATION_VERBS = (
    "workshop.created",
    "workshop.updated",
    "workshop.phase_changed",
    "workshop.focus_changed",
    "workshop.timer_changed",
    "workshop.join_code_rotated",
    "workshop.note_changed",
    "workshop.moderator_added",
    "workshop.moderator_removed",
    "statement.approved",
    "statement.rejected",
    "statement.hidden",
    "statement.restored",
    "statement.locked",
    "statement.unlocked",
    "statement.moved",
    "statement.merged",
    "statement.edited",
    "annotation.hidden",
    "annotation.resolved",
    "participant.renamed",
    "participant.role_changed",
    "participant.banned",
    "participant.unbanned",
)
LOG_FILTERS = [
    ("moderation", gettext_lazy("Moderation actions")),
    ("workshop", gettext_lazy("Workshop")),
    ("statement", gettext_lazy("Statements")),
    ("participant", gettext_lazy("People")),
    ("annotation", gettext_lazy("Annotations and flags")),
    ("all", gettext_lazy("Everything, votes included")),
]


# --- People ---------------------------------------------------------------------------------------


def people_context(workshop: Workshop, actor: Participant, **extra) -> dict:
    people = list(
        Participant.objects.filter(workshop=workshop)
        .select_related("user")
        .annotate(statement_count=Count("statements", distinct=True), vote_count=Count("votes", distinct=True))
        .order_by("joined_at", "id")
    )
    return {
        "workshop": workshop,
        "actor": actor,
        "people": people,
        "roles": [(Role.PARTICIPANT, Role.PARTICIPANT.label), (Role.OBSERVER, Role.OBSERVER.label)]
        + ([(Role.MODERATOR, Role.MODERATOR.label)] if actor.role == Role.OWNER else []),
        **extra,
    }


def render_people(request, workshop, actor, status: int = 200, **extra) -> HttpResponse:
    name = f"{PEOPLE}#people" if request.htmx else PEOPLE
    response = render(request, name, people_context(workshop, actor, **extra), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@moderator_view
def participants(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    return render_people(request, workshop, actor)


@require_POST
@moderator_view
def participant_action(
    request: HttpRequest, workshop: Workshop, actor: Participant, participant_id: int, action: str
) -> HttpResponse:
    """rename, role, ban (remove, optionally hiding their content) or unban one person."""
    person = Participant.objects.filter(workshop=workshop, pk=participant_id).first()
    if person is None:
        raise Http404(_("No such participant in this workshop."))
    person.workshop = workshop
    reason = request.POST.get("reason", "")
    try:
        if action == "rename":
            domain.rename_participant(actor, person, request.POST.get("display_name", ""), reason=reason)
            message = _("Renamed.")
        elif action == "role":
            domain.set_participant_role(actor, person, request.POST.get("role", ""), reason=reason)
            message = _("Role changed.")
        elif action == "ban":
            domain.ban_participant(actor, person, hide_content=bool(request.POST.get("hide_content")), reason=reason)
            message = _("%(name)s has been removed.") % {"name": person.display_name}
        elif action == "unban":
            domain.unban_participant(actor, person, reason=reason)
            message = _("%(name)s may take part again.") % {"name": person.display_name}
        else:
            raise Http404(_("No such action."))
    except DomainError as error:
        return render_people(request, workshop, actor, status=error.status, error=error, error_row=person.pk)
    if request.htmx:
        return render_people(request, workshop, actor)
    messages.success(request, message)
    return redirect("moderate_participants", slug=workshop.slug)


# --- The audit log --------------------------------------------------------------------------------


def log_events(workshop: Workshop, params) -> tuple[list[Event], dict]:
    """The filtered log, newest first: by kind of action, by actor and by statement number."""
    shown = params.get("show") or "moderation"
    if shown not in dict(LOG_FILTERS):
        shown = "moderation"
    events = Event.objects.in_workshop(workshop).select_related("actor", "actor_user", "statement")
    if shown == "moderation":
        events = events.filter(verb__in=MODERATION_VERBS)
    elif shown != "all":
        events = events.filter(verb__startswith=f"{shown}.")
    actor_id = params.get("actor", "")
    if actor_id.isdigit():
        events = events.filter(actor_id=int(actor_id))
    statement = params.get("statement", "").strip().lstrip("#")
    if statement.isdigit():
        number = int(statement)
        events = events.filter(Q(statement_id=number) | Q(payload__duplicate_id=number))
    filters = {"show": shown, "actor": actor_id, "statement": statement}
    return list(events.order_by("-id")[:LOG_LIMIT]), filters


def log_rows(events: list[Event]) -> list[dict]:
    rows = []
    for event in events:
        payload = dict(event.payload or {})
        before, after, reason = payload.pop("before", None), payload.pop("after", None), payload.pop("reason", "")
        rows.append(
            {
                "event": event,
                "actor": event.actor.display_name if event.actor else "",
                "account": event.actor_user.get_username() if event.actor_user else "",
                "before": describe(before),
                "after": describe(after),
                "reason": reason or "",
                "details": describe(payload) if payload else "",
            }
        )
    return rows


@require_GET
@moderator_view
def audit_log(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    events, filters = log_events(workshop, request.GET)
    context = {
        "workshop": workshop,
        "actor": actor,
        "rows": log_rows(events),
        "truncated": len(events) == LOG_LIMIT,
        "filters": filters,
        "log_filters": LOG_FILTERS,
        "people": Participant.objects.filter(workshop=workshop).order_by("display_name"),
        "query": request.GET.urlencode(),
    }
    name = f"{LOG}#log" if request.htmx else LOG
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


CSV_COLUMNS = ["id", "time", "action", "actor", "account", "statement", "before", "after", "reason", "details"]


@require_GET
@moderator_view
def audit_log_csv(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    """The same rows as the page (same filters), as CSV for a spreadsheet."""
    events, _filters = log_events(workshop, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{workshop.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in log_rows(events):
        event = row["event"]
        writer.writerow(
            [
                event.pk,
                event.created_at.isoformat(),
                event.verb,
                _cell(row["actor"]),
                _cell(row["account"]),
                event.statement_id or "",
                _cell(row["before"]),
                _cell(row["after"]),
                _cell(row["reason"]),
                _cell(row["details"]),
            ]
        )
    return response


def _cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; user text must stay text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
