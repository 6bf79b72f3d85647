"""The projector view: what the room's screen shows. A moderator opens it signed in (it shows the
join code, which is the room's secret); its live region is a fragment of its own, re-fetched every
few seconds and on live events."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from deliberation.live.hub import connected_count
from deliberation.models import Participant, Statement, Workshop
from deliberation.qr import qr_data_uri

from .helpers import PHASE_ALLOWS
from .moderation import moderator_view

PROJECTOR = "moderation/projector.html"

# The type steps down as the screen has more words to hold (the question, the statement in focus
# and the note, in characters), so a long text still fits one screen instead of being cut.
TEXT_DENSITY_STEPS = (400, 800, 1400, 2200, 3200)


def text_density(*texts: str) -> int:
    """0 for a screen of short texts, up to len(TEXT_DENSITY_STEPS) for the longest (see the CSS)."""
    total = sum(len(text) for text in texts)
    return next((step for step, most in enumerate(TEXT_DENSITY_STEPS) if total <= most), len(TEXT_DENSITY_STEPS))


def projector_context(request: HttpRequest, workshop: Workshop) -> dict:
    focus = None
    if workshop.focus_statement_id:
        focus = (
            Statement.objects.with_tallies()
            .filter(pk=workshop.focus_statement_id, status=Statement.Status.VISIBLE)
            .first()
        )
    join_url = request.build_absolute_uri(reverse("join_by_link", args=[workshop.join_code]))
    left = int((workshop.timer_ends_at - timezone.now()).total_seconds()) if workshop.timer_ends_at else 0
    return {
        "workshop": workshop,
        "focus": focus,
        "text_density": text_density(workshop.question, focus.text if focus else "", workshop.moderation_note),
        "phase_allows": PHASE_ALLOWS.get(workshop.phase, ""),
        "join_url": join_url,
        "join_qr": qr_data_uri(join_url),
        "join_open": workshop.join_code_is_valid(),
        "timer_running": left > 0,
        "timer_left": f"{left // 60}:{left % 60:02d}" if left > 0 else "",
        "participant_count": Participant.objects.active().filter(workshop=workshop).count(),
        "connected_count": connected_count(workshop.pk),
    }


@require_GET
@moderator_view
def projector(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    name = f"{PROJECTOR}#live" if request.htmx else PROJECTOR
    response = render(request, name, projector_context(request, workshop))
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@moderator_view
def projector_live(request: HttpRequest, workshop: Workshop, actor: Participant) -> HttpResponse:
    """The live region alone (focus, tallies, phase, timer, code), for refreshing."""
    return render(request, f"{PROJECTOR}#live", projector_context(request, workshop))
