"""The moderation queue (pending statements, open flags, every statement by status), the actions
on one statement or many at once, merging duplicates, and a statement's edit history."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from deliberation import domain
from deliberation.domain import DomainError, InvalidInput
from deliberation.forms import statement_number
from deliberation.models import Annotation, Event, Participant, Relation, Statement, Workshop
from deliberation.similarity import suggest_duplicates

from .moderation import moderator_view

QUEUE = "moderation/queue.html"
MERGE = "moderation/merge.html"
STATEMENT = "moderation/statement.html"
Status = Statement.Status
STATUS_FILTERS = [
    ("open", gettext_lazy("Needs attention")),
    ("visible", Status.VISIBLE.label),
    ("hidden", Status.HIDDEN.label),
    ("rejected", Status.REJECTED.label),
    ("withdrawn", Status.WITHDRAWN.label),
    ("merged", Status.MERGED.label),
    ("all", gettext_lazy("Everything")),
]
ROW_LIMIT = 500

# name -> (domain function, message); each takes (actor, statement, reason=...).
ACTIONS = {
    "approve": (domain.approve_statement, gettext_lazy("Approved")),
    "reject": (domain.reject_statement, gettext_lazy("Rejected")),
    "hide": (domain.hide_statement, gettext_lazy("Hidden")),
    "restore": (domain.restore_statement, gettext_lazy("Restored")),
    "lock": (domain.lock_statement, gettext_lazy("Locked")),
    "unlock": (domain.unlock_statement, gettext_lazy("Unlocked")),
}


def queue_context(request: HttpRequest, workshop: Workshop, actor: Participant, **extra) -> dict:
    """Constant queries: the listed statements (with authors and open flag counts) and the flags."""
    shown = request.GET.get("status") or request.POST.get("shown") or "open"
    if shown not in dict(STATUS_FILTERS):
        shown = "open"
    statements = (
        Statement.objects.in_workshop(workshop)
        .exclude(kind=Statement.Kind.QUESTION)
        .select_related("author", "merged_into")
        .order_by("-id")
    )
    if shown == "open":
        flagged = Annotation.objects.open_flags().filter(workshop=workshop).values("statement_id")
        statements = statements.filter(status=Status.PENDING) | statements.filter(pk__in=flagged)
    elif shown != "all":
        statements = statements.filter(status=shown)
    flags = list(
        Annotation.objects.open_flags()
        .filter(workshop=workshop)
        .select_related("author", "statement", "relation__source")
        .order_by("id")
    )
    rows = list(statements[:ROW_LIMIT])
    flags_by_statement: dict[int, list] = {}
    for flag in flags:
        flags_by_statement.setdefault(flag.statement_id, []).append(flag)
    for row in rows:
        row.open_flags = flags_by_statement.get(row.pk, [])
    return {
        "workshop": workshop,
        "actor": actor,
        "rows": rows,
        "truncated": len(rows) == ROW_LIMIT,
        "flags": flags,
        "shown": shown,
        "status_filters": STATUS_FILTERS,
        "relation_kinds": Relation.Kind.choices,
        **extra,
    }


def render_queue(request, workshop, actor, status: int = 200, **extra) -> HttpResponse:
    name = f"{QUEUE}#queue" if request.htmx else QUEUE
    response = render(request, name, queue_context(request, workshop, actor, **extra), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def queue_done(request, workshop, actor, message: str, **extra) -> HttpResponse:
    shown = request.POST.get("shown", "open")
    if request.htmx:
        return render_queue(request, workshop, actor, **extra)
    messages.success(request, message)
    url = redirect("moderate_queue", slug=workshop.slug).url
    return redirect(f"{url}?status={shown}" if shown in dict(STATUS_FILTERS) else url)


@require_GET
@moderator_view
def queue(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    return render_queue(request, workshop, actor)


@require_GET
@moderator_view
def queue_live(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    """The queue's list alone (`?status=` as on the page), re-fetched on live events. Ticks and
    reasons being typed stay as they are (hx-preserve), and so does the current row (moderation.js)."""
    return render(request, f"{QUEUE}#queue_live", queue_context(request, workshop, actor))


def _statement(workshop: Workshop, statement_id) -> Statement:
    statement = Statement.objects.in_workshop(workshop).filter(pk=statement_id).first()
    if statement is None:
        raise Http404(_("No such statement in this workshop."))
    statement.workshop = workshop
    return statement


@require_POST
@moderator_view
def statement_action(
    request: HttpRequest, workshop: Workshop, actor: Participant, statement_id: int, action: str
) -> HttpResponse:
    """approve, reject, hide, restore, lock, unlock, move, focus or unmerge one statement."""
    statement = _statement(workshop, statement_id)
    reason = request.POST.get("reason", "")
    try:
        if action in ACTIONS:
            function, label = ACTIONS[action]
            function(actor, statement, reason=reason)
            message = f"{label}: #{statement.pk}"
        elif action == "move":
            parent = _statement(workshop, statement_number(request.POST.get("parent")))
            domain.move_statement(actor, statement, parent, request.POST.get("relation", ""), reason=reason)
            message = _("#%(n)d moved under #%(p)d.") % {"n": statement.pk, "p": parent.pk}
        elif action == "focus":
            domain.focus_statement(actor, workshop, statement)
            message = _("#%(n)d is in focus.") % {"n": statement.pk}
        elif action == "unmerge":
            into = statement.merged_into_id
            domain.unmerge_statement(actor, statement, reason=reason)
            message = _("#%(n)d stands on its own again, taken back from #%(s)d.") % {"n": statement.pk, "s": into}
        else:
            raise Http404(_("No such action."))
    except DomainError as error:
        if request.POST.get("back") == "statement":
            return render_statement_page(request, workshop, actor, statement, status=error.status, error=error)
        return render_queue(request, workshop, actor, status=error.status, error=error, error_row=statement.pk)
    if request.POST.get("back") == "statement":
        return _back_to_statement(request, workshop, actor, statement, message)
    return queue_done(request, workshop, actor, message)


@require_POST
@moderator_view
def bulk(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    """One action on the ticked statements, all or nothing: one transaction, one event each."""
    action = request.POST.get("action", "")
    ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    try:
        if action not in ACTIONS:
            raise InvalidInput(_("Choose what to do with the selected statements."), field="action")
        if not ids:
            raise InvalidInput(_("Tick at least one statement first."), field="selected")
        statements = list(Statement.objects.in_workshop(workshop).filter(pk__in=ids).order_by("id"))
        if len(statements) != len(set(ids)):
            raise InvalidInput(_("Some of the selected statements are not in this workshop."))
        function, label = ACTIONS[action]
        with transaction.atomic():
            for statement in statements:
                statement.workshop = workshop
                function(actor, statement, reason=request.POST.get("reason", ""))
    except DomainError as error:
        return render_queue(request, workshop, actor, status=error.status, error=error)
    # Done with the ticked statements: they come back unticked, with an empty reason.
    return queue_done(request, workshop, actor, f"{label}: {len(statements)}", bulk_done=True)


@require_POST
@moderator_view
def annotation_action(
    request: HttpRequest, workshop: Workshop, actor: Participant, annotation_id: int, action: str
) -> HttpResponse:
    annotation = Annotation.objects.filter(workshop=workshop, pk=annotation_id).select_related("statement").first()
    if annotation is None:
        raise Http404(_("No such annotation in this workshop."))
    annotation.workshop = workshop
    reason = request.POST.get("reason", "")
    try:
        if action == "resolve":
            domain.resolve_flag(actor, annotation, reason=reason)
            message = _("Flag resolved.")
        elif action in ("hide", "show"):
            domain.hide_annotation(actor, annotation, hidden=action == "hide", reason=reason)
            message = _("Hidden.") if action == "hide" else _("Shown again.")
        else:
            raise Http404(_("No such action."))
    except DomainError as error:
        return render_queue(request, workshop, actor, status=error.status, error=error)
    return queue_done(request, workshop, actor, message)


# --- Merging --------------------------------------------------------------------------------------


def merge_context(workshop: Workshop, actor: Participant, posted=None, **extra) -> dict:
    """Constant queries, however many pairs: the candidates (with authors and vote counts), the
    links of every statement shown, and on a failed manual merge the two statements named."""
    candidates = list(
        Statement.objects.in_workshop(workshop)
        .filter(status__in=[Status.VISIBLE, Status.PENDING])
        .exclude(kind=Statement.Kind.QUESTION)
        .select_related("author")
        .with_tallies()
    )
    suggestions = suggest_duplicates(candidates, pairable=lambda a, b: domain.kinds_merge(a.kind, b.kind))
    picks = _merge_picks(workshop, posted)
    shown = [s for pair in suggestions for s in (pair.first, pair.second)]
    _add_places(shown + [statement for _field, statement in picks])
    return {
        "workshop": workshop,
        "actor": actor,
        "suggestions": suggestions,
        "picks": picks,
        "posted": posted,
        **extra,
    }


def _merge_picks(workshop: Workshop, posted) -> list[tuple[str, Statement]]:
    """The statements a manual merge named, as (field, statement), so a refused merge shows both."""
    if not posted:
        return []
    numbers = {}
    for field in ("duplicate", "survivor"):
        try:
            numbers[field] = statement_number(posted.get(field), field=field)
        except InvalidInput:
            continue
    found = (
        Statement.objects.in_workshop(workshop)
        .filter(pk__in=numbers.values())
        .select_related("author")
        .with_tallies()
        .in_bulk()
        if numbers
        else {}
    )
    return [(field, found[number]) for field, number in numbers.items() if number in found]


def _add_places(statements: list[Statement]) -> None:
    """Where each statement sits, for judging a pair: `parent_links` (its links to the statements
    it speaks to, with their targets) and `child_count` (visible or waiting statements that speak
    to it), from one query for all of them."""
    ids = {s.pk for s in statements}
    parents: dict[int, list[Relation]] = {pk: [] for pk in ids}
    children = dict.fromkeys(ids, 0)
    if ids:
        links = (
            Relation.objects.filter(
                Q(source_id__in=ids) | Q(target_id__in=ids, source__status__in=[Status.VISIBLE, Status.PENDING])
            )
            .select_related("source", "target")
            .order_by("id")
        )
        for link in links:
            if link.source_id in ids:
                parents[link.source_id].append(link)
            if link.target_id in ids and link.source.status in (Status.VISIBLE, Status.PENDING):
                children[link.target_id] += 1
    for statement in statements:
        statement.parent_links = parents[statement.pk]
        statement.child_count = children[statement.pk]


@require_GET
@moderator_view
def merge_page(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    name = f"{MERGE}#suggestions" if request.htmx else MERGE
    response = render(request, name, merge_context(workshop, actor))
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@moderator_view
def merge(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    try:
        duplicate = _statement(workshop, statement_number(request.POST.get("duplicate"), field="duplicate"))
        survivor = _statement(workshop, statement_number(request.POST.get("survivor"), field="survivor"))
        domain.merge_statements(actor, duplicate, survivor, reason=request.POST.get("reason", ""))
    except (DomainError, Http404) as error:
        error = error if isinstance(error, DomainError) else InvalidInput(_("No such statement in this workshop."))
        name = f"{MERGE}#suggestions" if request.htmx else MERGE
        context = merge_context(workshop, actor, error=error, posted=request.POST)
        return render(request, name, context, status=error.status)
    message = _("#%(d)d merged into #%(s)d.") % {"d": duplicate.pk, "s": survivor.pk}
    if request.htmx:
        context = merge_context(workshop, actor, merged_message=message, merged_duplicate=duplicate.pk)
        return render(request, f"{MERGE}#suggestions", context)
    messages.success(request, message)
    return redirect("moderate_merge", slug=workshop.slug)


# --- One statement: edit, move, history ----------------------------------------------------------


def render_statement_page(request, workshop, actor, statement, status: int = 200, **extra) -> HttpResponse:
    statement = Statement.objects.select_related("author", "merged_into").get(pk=statement.pk)
    history = list(
        Event.objects.in_workshop(workshop)
        # A merge is logged on the statement kept; the merged one's history shows it too.
        .filter(Q(statement=statement) | Q(verb="statement.merged", payload__duplicate_id=statement.pk))
        .exclude(verb__startswith="vote.")
        .select_related("actor")
        .order_by("-id")[:200]
    )
    parents = list(Relation.objects.filter(source=statement).select_related("target"))
    context = {
        "workshop": workshop,
        "actor": actor,
        "s": statement,
        "history": history,
        "parents": parents,
        "relation_kinds": Relation.Kind.choices,
        **extra,
    }
    name = f"{STATEMENT}#statement" if request.htmx else STATEMENT
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back_to_statement(request, workshop, actor, statement, message) -> HttpResponse:
    if request.htmx:
        return render_statement_page(request, workshop, actor, statement)
    messages.success(request, message)
    return redirect("moderate_statement", slug=workshop.slug, statement_id=statement.pk)


@require_GET
@moderator_view
def statement_page(request: HttpRequest, workshop: Workshop, actor: Participant, statement_id: int) -> HttpResponse:
    return render_statement_page(request, workshop, actor, _statement(workshop, statement_id))


@require_POST
@moderator_view
def edit(request: HttpRequest, workshop: Workshop, actor: Participant, statement_id: int) -> HttpResponse:
    """A moderator's edit goes through the same function as an author's, so it is logged the same way.
    The form shows the title prefilled (not the question's): left as it is, a title made from the
    text follows the new text, and a chosen one stays."""
    statement = _statement(workshop, statement_id)
    text, title = request.POST.get("text", ""), request.POST.get("title")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        domain.edit_statement(actor, statement, text, version, title=title)
    except DomainError as error:
        return render_statement_page(
            request, workshop, actor, statement, status=error.status, error=error, text=text, edit_title=title
        )
    return _back_to_statement(request, workshop, actor, statement, _("Saved."))
