"""Pages a workshop participant sees: the landing page, joining, and the map."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from deliberation.argument_map import load_argument_map
from deliberation.domain import DomainError, find_workshop_by_code, join_workshop

from .seats import current_participant, remember_seat, workshop_or_404


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "deliberation/home.html", {"code": request.GET.get("code", "")})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str = "") -> HttpResponse:
    code = request.POST.get("code", code)
    if request.method == "GET":
        return render(request, "deliberation/home.html", {"code": code})
    try:
        workshop = find_workshop_by_code(code)
        existing = current_participant(request, workshop)
        if existing is not None:
            return redirect("workshop", slug=workshop.slug)
        participant = join_workshop(
            workshop, request.POST.get("display_name", ""), anonymous=bool(request.POST.get("anonymous"))
        )
    except DomainError as error:
        context = {"code": code, "display_name": request.POST.get("display_name", ""), "error": error}
        return render(request, "deliberation/home.html", context, status=error.status)
    remember_seat(request, participant)
    messages.success(request, f"Welcome, {participant.display_name}.")
    return redirect("workshop", slug=workshop.slug)


@require_GET
def workshop_page(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_or_404(slug)
    participant = current_participant(request, workshop)
    if participant is None:
        return redirect(f"/?code={workshop.display_join_code}" if workshop.join_code_is_valid() else "/")
    argument_map = load_argument_map(workshop, participant)
    return render(
        request,
        "deliberation/workshop.html",
        {
            "workshop": workshop,
            "participant": participant,
            "argument_map": argument_map,
            "outline": argument_map.outline(),
        },
    )
