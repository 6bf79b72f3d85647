"""Exporting a workshop's map in every registered format, and importing a file into a new workshop.

Both go through the format registry (`deliberation.formats`), like the API and the `export_map` /
`import_map` commands. Who may export: the workshop's moderators and its participants. What a
participant gets is decided by `reader_options` (the API uses it too): participants anonymised,
no hidden items (asking for them gets 403, so a link never silently means less than it says), and
no results the map would not show them yet.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from deliberation.domain import DomainError, NotAllowed, NotFound
from deliberation.formats import FORMATS, ExportOptions, FormatError, export_workshop, import_file
from deliberation.formats.base import MAX_IMPORT_BYTES, reader_options
from deliberation.models import Event, Workshop

from .helpers import hx_render
from .seats import current_participant
from .workshop import join_redirect

EXPORT = "formats/export.html"
IMPORT = "formats/import.html"
IMPORTED_VERB = "workshop.imported"


def refuse(request: HttpRequest, error: DomainError) -> HttpResponse:
    name = "deliberation/error.html#message" if request.htmx else "deliberation/error.html"
    response = render(request, name, {"error": error}, status=error.status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def options_from_query(query) -> ExportOptions:
    """`?hidden=1&votes=0&anonymise=0`; a repeated key counts by its last value (checkbox after hidden 0).
    Anonymised unless asked otherwise: naming people next to their votes should be a deliberate choice."""
    return ExportOptions(
        include_hidden=_flag(query.get("hidden"), False),
        include_votes=_flag(query.get("votes"), True),
        anonymise=_flag(query.get("anonymise"), True),
    )


@require_GET
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop, slug=slug)
    participant = current_participant(request, workshop)
    if participant is None:
        return join_redirect(workshop, request)
    context = {
        "workshop": workshop,
        "participant": participant,
        "formats": FORMATS.values(),
        "is_moderator": participant.is_moderator,
        "results_for": reader_options(workshop, participant, ExportOptions()).results_for,
        "max_import_kb": MAX_IMPORT_BYTES // 1024,
    }
    return hx_render(request, EXPORT, "export_form", context)


@require_GET
def download(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop, slug=slug)
    participant = current_participant(request, workshop)
    if participant is None:
        return join_redirect(workshop, request)
    chosen = FORMATS.get(key)
    if chosen is None:
        known = ", ".join(FORMATS)
        return refuse(
            request,
            NotFound(
                _("There is no export format “%(key)s”. Known formats: %(known)s.") % {"key": key, "known": known}
            ),
        )
    try:
        options = reader_options(workshop, participant, options_from_query(request.GET))
    except NotAllowed as error:
        return refuse(request, error)
    content = export_workshop(workshop, chosen.key, options)
    response = HttpResponse(content, content_type=chosen.media_type)
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}.{chosen.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Import ---------------------------------------------------------------------------------------


def importable_choices() -> list[tuple[str, str]]:
    return [(f.key, f.label) for f in FORMATS.values() if f.can_import]


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=importable_choices)
    file = forms.FileField(label=gettext_lazy("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known from the upload's headers and temporary file, before reading it all.
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s KB; at most %(limit)s KB can be imported.")
                % {"size": upload.size // 1024, "limit": MAX_IMPORT_BYTES // 1024}
            )
        return upload


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            workshop, _summary = import_file(raw, form.cleaned_data["format"], request.user)
        except FormatError as error:
            form.add_error("file", str(error))
        else:
            return redirect("moderate_import_done", slug=workshop.slug)
    status = 400 if form.errors else 200
    context = {"form": form, "max_import_kb": MAX_IMPORT_BYTES // 1024}
    return hx_render(request, IMPORT, "import_form", context, status=status)


@require_GET
@login_required
def import_done(request: HttpRequest, slug: str) -> HttpResponse:
    """The summary of an import (counts and every lossy note), kept in the workshop's import event."""
    workshop = get_object_or_404(Workshop, slug=slug)
    if not workshop.is_moderator(request.user):
        return refuse(request, NotAllowed(_("Only the moderators of this workshop can open this page.")))
    event = Event.objects.filter(workshop=workshop, verb=IMPORTED_VERB).order_by("-id").first()
    if event is None:
        return refuse(request, NotFound(_("This workshop was not imported from a file.")))
    context = {"workshop": workshop, "counts": event.payload.get("counts", {}), "lossy": event.payload.get("lossy", [])}
    return render(request, "formats/import_done.html", context)
