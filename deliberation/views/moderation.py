"""Moderator pages: my workshops, creating and editing a workshop, and the live console (phase,
timer, focus, join code, public note, co-moderators, copies).

Every moderator view goes through `moderator_view`: anonymous visitors are sent to sign in, people
who hold only a participant seat and accounts that do not moderate this workshop get 403, and the
view receives the moderator's own seat as the actor of every domain call.
"""

from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import domain
from deliberation.domain import Conflict, DomainError, InvalidInput, NotAllowed
from deliberation.forms import statement_number
from deliberation.live.hub import connected_count
from deliberation.models import Participant, Phase, Role, Statement, Workshop

from .seats import current_participant

CONSOLE = "moderation/console.html"
WORKSHOP_FORM = "moderation/workshop_form.html"


def refuse(request: HttpRequest, error: DomainError) -> HttpResponse:
    name = "deliberation/error.html#message" if request.htmx else "deliberation/error.html"
    response = render(request, name, {"error": error}, status=error.status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def login_redirect(request: HttpRequest) -> HttpResponse:
    """To signing in, and back. An htmx request (a live refresh of a moderator's page after they
    signed out elsewhere) moves the whole page there, and comes back to that page, not to the
    region it was refreshing: followed as a plain redirect, the sign-in form would land inside it."""
    if request.htmx:
        response = redirect_to_login(request.htmx.current_url_abs_path or request.get_full_path())
        answer = HttpResponse(status=204)
        answer["HX-Redirect"] = response["Location"]
        return answer
    return redirect_to_login(request.get_full_path())


def moderator_view(view):
    """Resolve `slug` to a workshop the signed-in user moderates, and their seat in it."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        workshop = get_object_or_404(Workshop.objects.select_related("focus_statement", "owner"), slug=slug)
        if not request.user.is_authenticated:
            if current_participant(request, workshop) is not None:
                return refuse(request, NotAllowed(_("Only the moderators of this workshop can open this page.")))
            return login_redirect(request)
        try:
            actor = domain.moderator_seat(workshop, request.user)
        except NotAllowed as error:
            return refuse(request, error)
        if actor.is_banned:
            return refuse(request, NotAllowed(_("You have been removed from this workshop.")))
        try:
            return view(request, workshop, actor, *args, **kwargs)
        except DomainError as error:
            return refuse(request, error)

    return wrapper


def done(request: HttpRequest, message: str, page: str, workshop: Workshop, render_page, anchor: str = ""):
    """After a successful write: htmx gets the refreshed fragment, a plain form post a redirect."""
    if request.htmx:
        response = render_page()
        patch_vary_headers(response, ["HX-Request"])
        return response
    messages.success(request, message)
    url = redirect(page, slug=workshop.slug).url
    return redirect(url + anchor)


# --- My workshops, creating and editing -----------------------------------------------------------


class WorkshopForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    question = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, widget=forms.Textarea)
    pole_a = forms.CharField(label=gettext_lazy("First dilemma pole"), max_length=80, required=False)
    pole_b = forms.CharField(label=gettext_lazy("Second dilemma pole"), max_length=80, required=False)
    premoderation = forms.BooleanField(label=gettext_lazy("Pre-moderate contributions"), required=False)
    anonymous_aliases = forms.BooleanField(label=gettext_lazy("Give participants random aliases"), required=False)
    hide_results_until_voted = forms.BooleanField(
        label=gettext_lazy("Hide results until a participant has voted"), required=False
    )
    allow_agreement_votes = forms.BooleanField(label=gettext_lazy("Agreement votes"), required=False)
    allow_strength_votes = forms.BooleanField(label=gettext_lazy("Link strength votes"), required=False)
    allow_lens_votes = forms.BooleanField(label=gettext_lazy("Dilemma lens votes"), required=False)
    max_text_length = forms.IntegerField(label=gettext_lazy("Maximum text length"), min_value=20, max_value=2000)

    @classmethod
    def of(cls, workshop: Workshop) -> "WorkshopForm":
        return cls(initial={name: getattr(workshop, name) for name in cls.base_fields})


@require_GET
@login_required
def my_workshops(request: HttpRequest) -> HttpResponse:
    workshops = Workshop.objects.moderated_by(request.user).select_related("owner").order_by("-created_at")
    return render(request, "moderation/my_workshops.html", {"workshops": workshops})


@require_http_methods(["GET", "POST"])
@login_required
def new_workshop(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None, initial={**_defaults()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            workshop = domain.create_workshop(request.user, data.pop("title"), data.pop("question"), **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The workshop is ready in draft. Open it when the room is."))
            return redirect("moderate_console", slug=workshop.slug)
    status = 400 if form.errors else 200
    return render(request, WORKSHOP_FORM, {"form": form, "workshop": None}, status=status)


def _defaults() -> dict:
    return {
        name: field.default
        for field in Workshop._meta.concrete_fields
        if (name := field.name) in WorkshopForm.base_fields and field.has_default()
    }


@require_http_methods(["GET", "POST"])
@moderator_view
def edit_workshop(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    form = WorkshopForm(request.POST or None, initial=WorkshopForm.of(workshop).initial)
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_workshop(actor, workshop, reason=request.POST.get("reason", ""), **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("moderate_edit", slug=workshop.slug)
    return _settings_page(request, workshop, actor, form, status=400 if form.errors else 200)


def _settings_page(request, workshop, actor, form=None, status=200, **co_moderator_form) -> HttpResponse:
    """The workshop's settings page; `co_moderator_form` carries a refused co-moderator's name and
    the reason (`co_username`, `co_error`), shown beside the field that sent them."""
    context = {
        "form": form or WorkshopForm(initial=WorkshopForm.of(workshop).initial),
        "workshop": workshop,
        "actor": actor,
        "co_moderators": workshop.co_moderators.all(),
        **co_moderator_form,
    }
    return render(request, WORKSHOP_FORM, context, status=status)


@require_POST
@moderator_view
def co_moderator(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    """Add a co-moderator by username, or remove one (`remove` carries the account id)."""
    remove = request.POST.get("remove", "")
    if remove:
        user = workshop.co_moderators.filter(pk=_int(remove)).first()
        if user is None:
            raise InvalidInput(_("That account does not moderate this workshop."))
        domain.remove_co_moderator(actor, workshop, user)
        messages.success(request, _("%(name)s no longer moderates this workshop.") % {"name": user.get_username()})
    else:
        username = request.POST.get("username", "")
        try:
            seat = domain.add_co_moderator(actor, workshop, username)
        except (InvalidInput, Conflict) as error:  # a typo: say so beside the field, keep the name
            return _settings_page(request, workshop, actor, status=error.status, co_username=username, co_error=error)
        messages.success(request, _("%(name)s now moderates this workshop.") % {"name": seat.user.get_username()})
    return redirect("moderate_edit", slug=workshop.slug)


@require_POST
@moderator_view
def copy_workshop(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    copy = domain.duplicate_workshop(actor, workshop, with_statements=bool(request.POST.get("with_statements")))
    messages.success(request, _("This is your copy, in draft."))
    return redirect("moderate_edit", slug=copy.slug)


# --- The live console -----------------------------------------------------------------------------

# The console's cards, each a region of its own: a form answers with its card alone, and each card is
# re-fetched on the live events that change it (`console_card`), so nothing typed in another card is
# lost. A re-fetched card keeps the fields in it as they are (`preserve`, htmx's hx-preserve).
CONSOLE_CARDS = ("phase", "timer", "focus", "code", "note", "counts")


def console_context(workshop: Workshop, actor: Participant, counts: bool = True, **extra) -> dict:
    context = {
        "workshop": workshop,
        "actor": actor,
        "phases": Phase.choices,
        "focus": workshop.focus_statement,
        "timer_left": max(0, int((workshop.timer_ends_at - timezone.now()).total_seconds()))
        if workshop.timer_ends_at
        else 0,
        **extra,
    }
    if counts:
        context.update(console_counts(workshop))
    return context


def console_counts(workshop: Workshop) -> dict:
    """The room at a glance, in four queries whatever its size."""
    by_status = {
        row["status"]: row["n"]
        for row in Statement.objects.in_workshop(workshop)
        .exclude(kind=Statement.Kind.QUESTION)  # the question itself is not one of the room's statements
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        "pending_count": by_status.get(Statement.Status.PENDING, 0),
        "visible_count": by_status.get(Statement.Status.VISIBLE, 0),
        "open_flags": workshop.annotations.open_flags().count(),
        "participant_count": Participant.objects.active()
        .filter(workshop=workshop)
        .exclude(role__in=(Role.OWNER, Role.MODERATOR))  # the room, not those who run it
        .count(),
        "connected_count": connected_count(workshop.pk),
    }


def render_console(
    request: HttpRequest, workshop: Workshop, actor: Participant, card: str = "", status: int = 200, **extra
):
    """The whole console; for htmx, the card a form belongs to (or all the cards, without one)."""
    if request.htmx and card:
        name, context = f"{CONSOLE}#{card}_card", console_context(workshop, actor, counts=False, **extra)
    else:
        name = f"{CONSOLE}#controls" if request.htmx else CONSOLE
        context = console_context(workshop, actor, **extra)
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@moderator_view
def console(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    return render_console(request, workshop, actor)


@require_GET
@moderator_view
def console_card(request: HttpRequest, workshop: Workshop, actor: Participant, card: str) -> HttpResponse:
    """One card alone, for refreshing on live events; what the moderator is typing in it stays."""
    if card not in CONSOLE_CARDS:
        raise Http404(_("No such part of the console."))
    context = console_context(workshop, actor, counts=card == "counts", preserve=True)
    return render(request, f"{CONSOLE}#{card}_card", context)


def console_action(card: str):
    """A console form: run the domain call, then show its card (or the console) again; on bad
    input the card comes back with the message, what was typed, and a 4xx status."""

    def decorator(action):
        @require_POST
        @moderator_view
        @wraps(action)
        def view(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
            try:
                message = action(request, workshop, actor)
            except DomainError as error:
                return render_console(
                    request,
                    workshop,
                    actor,
                    card,
                    status=error.status,
                    error=error,
                    error_card=card,
                    posted=request.POST,
                )
            return done(
                request, message, "moderate_console", workshop, lambda: render_console(request, workshop, actor, card)
            )

        return view

    return decorator


@console_action("phase")
def phase(request, workshop, actor):
    domain.set_phase(actor, workshop, request.POST.get("phase", ""), reason=request.POST.get("reason", ""))
    return _("The workshop is now in the %(phase)s phase.") % {"phase": workshop.get_phase_display().lower()}


@console_action("timer")
def timer(request, workshop, actor):
    if request.POST.get("stop"):
        domain.set_timer(actor, workshop, None)
        return _("Timer stopped.")
    try:
        minutes = float(request.POST.get("minutes", "").replace(",", "."))
    except ValueError:
        raise InvalidInput(_("Give the time in minutes, e.g. 5 or 2.5."), field="minutes") from None
    if minutes <= 0:
        raise InvalidInput(_("Give the time in minutes, e.g. 5 or 2.5."), field="minutes")
    domain.set_timer(actor, workshop, int(minutes * 60))
    return _("Timer started.")


@console_action("focus")
def focus(request, workshop, actor):
    if request.POST.get("clear"):
        domain.focus_statement(actor, workshop, None)
        return _("Nothing is in focus now.")
    number = statement_number(request.POST.get("statement"), field="statement")
    statement = Statement.objects.in_workshop(workshop).filter(pk=number).first()
    if statement is None:
        raise InvalidInput(_("This workshop has no statement #%(n)d.") % {"n": number}, field="statement")
    domain.focus_statement(actor, workshop, statement)
    return _("#%(n)d is in focus.") % {"n": number}


@console_action("code")
def join_code(request, workshop, actor):
    expires_at = None
    hours = request.POST.get("expires_in_hours", "").strip()
    if hours:
        try:
            expires_at = timezone.now() + timedelta(hours=float(hours.replace(",", ".")))
        except (ValueError, OverflowError):
            raise InvalidInput(_("Give the hours as a number, e.g. 2."), field="expires_in_hours") from None
    rotate = bool(request.POST.get("rotate"))
    domain.rotate_join_code(actor, workshop, rotate=rotate, expires_at=expires_at)
    return _("New join code: %(code)s") % {"code": workshop.display_join_code} if rotate else _("Join code updated.")


@console_action("note")
def note(request, workshop, actor):
    domain.set_moderation_note(actor, workshop, request.POST.get("note", ""))
    return _("Note saved.") if workshop.moderation_note else _("Note removed.")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
