"""Source documents with their highlights. A highlight is stored as a W3C text-quote selector
(exact passage, with some text before and after), so it stays anchored to the words, not to
offsets; a passage can also become evidence for a statement or the quote of a new claim."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deliberation.domain import DomainError, annotate
from deliberation.models import Annotation, SourceDocument, Statement
from deliberation.ratelimit import check_named

from .helpers import abilities, domain_errors, hx_render, require_seat, seat
from .workshop import join_redirect

TEMPLATE = "deliberation/document.html"


@dataclass
class Segment:
    text: str
    marks: list  # the highlights and evidence covering this stretch of text
    starts: list = field(default_factory=list)  # those of them that begin here
    ends: list = field(default_factory=list)  # and those that end here


@dataclass
class Mark:
    """A highlight or an evidence passage, with the words that tell the two apart where their
    colours cannot (colour blindness, print, forced colours, screen readers)."""

    kind: str  # "highlight" or "evidence": its CSS class and its entry in the legend
    label: str  # "Highlight by Ana: note", "Evidence #12: title"
    end: str  # read out where the passage ends
    url: str = ""  # evidence: the statement, linked after the passage
    number: int | None = None


def anchor(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """Where a text-quote selector points in `text`: the occurrence of `exact` whose surroundings
    best match `prefix` and `suffix`, or None when the passage is gone."""
    if not exact:
        return None
    best, best_score, start = None, -1, text.find(exact)
    while start != -1:
        end = start + len(exact)
        score = _common_suffix(text[:start], prefix) + _common_prefix(text[end:], suffix)
        if score > best_score:
            best, best_score = (start, end), score
        start = text.find(exact, start + 1)
    return best


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def segments(text: str, marks: list[tuple[int, int, object]]) -> list[Segment]:
    """Cut the text at every mark boundary, so each stretch knows which marks cover it."""
    cuts = sorted({0, len(text), *(p for start, end, _m in marks for p in (start, end))})
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start == end:
            continue
        covering = [m for s, e, m in marks if s <= start and end <= e]
        starting = [m for s, _e, m in marks if s == start]
        ending = [m for _s, e, m in marks if e == end]
        result.append(Segment(text[start:end], covering, starting, ending))
    return result


def highlight_mark(highlight: Annotation) -> Mark:
    name = highlight.author.display_name if highlight.author else _("a former participant")
    label = _("Highlight by %(name)s") % {"name": name}
    if highlight.text:
        label = f"{label}: {highlight.text}"
    return Mark("highlight", label, _("end of highlight"))


def evidence_mark(workshop, statement: Statement) -> Mark:
    number = statement.pk
    return Mark(
        "evidence",
        _("Evidence #%(number)s: %(title)s") % {"number": number, "title": statement.title},
        _("end of evidence #%(number)s") % {"number": number},
        url=reverse("statement", args=[workshop.slug, number]),
        number=number,
    )


def document_context(workshop, participant, document: SourceDocument, **extra) -> dict:
    highlights = list(
        Annotation.objects.filter(document=document, kind=Annotation.Kind.HIGHLIGHT)
        .visible()
        .select_related("author")
        .order_by("id")
    )
    evidence = list(
        Statement.objects.in_workshop(workshop)
        .shown_to(participant)
        .filter(source_document=document)
        .exclude(source_quote="")
        .order_by("id")
    )
    marks, lost = [], []
    for highlight in highlights:
        place = anchor(document.text, highlight.quote_exact, highlight.quote_prefix, highlight.quote_suffix)
        (marks.append((*place, highlight_mark(highlight))) if place else lost.append(highlight))
    for statement in evidence:
        place = anchor(document.text, statement.source_quote.strip())
        if place:
            marks.append((*place, evidence_mark(workshop, statement)))
    return {
        "workshop": workshop,
        "participant": participant,
        "document": document,
        "segments": segments(document.text, marks),
        "marked": bool(marks),  # the legend explains the marks, when there are any
        "highlights": highlights,
        # Listed under the text too: a mark's title (who, and their note) shows only on hover.
        "placed_highlights": [h for h in highlights if h not in lost],
        "evidence": evidence,
        "lost": lost,
        "can": abilities(workshop, participant),
        "kinds": [(Statement.Kind.CLAIM, _("Claim")), (Statement.Kind.EVIDENCE, _("Evidence"))],
        **extra,
    }


@require_GET
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    documents = SourceDocument.objects.filter(workshop=workshop).order_by("id")
    context = {"workshop": workshop, "participant": participant, "documents": documents}
    return hx_render(request, "deliberation/documents.html", "documents", context)


@require_GET
def document_page(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    workshop, participant = seat(request, slug)
    if participant is None:
        return join_redirect(workshop, request)
    document = get_object_or_404(SourceDocument, workshop=workshop, pk=document_id)
    return hx_render(request, TEMPLATE, "document_text", document_context(workshop, participant, document))


@require_POST
@domain_errors
def highlight(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    """Save a highlight: the passage, with up to 32 characters before and after to anchor it."""
    workshop, participant = require_seat(request, slug)
    document = SourceDocument.objects.filter(workshop=workshop, pk=document_id).first()
    if document is None:
        raise Http404(_("No such document in this workshop."))
    data = request.POST
    # The page's passage form names its fields after the evidence they can also become (source_quote,
    # with the statement's text beside the note), so accept those names as well as the plain ones.
    passage = data.get("quote_exact") or data.get("source_quote", "")
    note = data["note"] if "note" in data else data.get("text", "")
    try:
        check_named("annotation", f"participant:{participant.pk}")
        annotate(
            participant,
            Annotation.Kind.HIGHLIGHT,
            note,
            document=document,
            quote_exact=passage,
            quote_prefix=data.get("quote_prefix", "")[-32:],
            quote_suffix=data.get("quote_suffix", "")[:32],
        )
    except DomainError as error:
        context = document_context(workshop, participant, document, highlight_error=error, quote_exact=passage)
        return hx_render(request, TEMPLATE, "document_text", context, status=error.status)
    saved = _("Highlight saved.")
    if not request.htmx:
        messages.success(request, saved)
        return redirect(reverse("document", args=[slug, document.pk]))
    context = document_context(workshop, participant, document, highlight_note=saved)
    return hx_render(request, TEMPLATE, "document_text", context)
