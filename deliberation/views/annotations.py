"""Comments and questions (threaded one level), tags, and flags for a moderator on a statement."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from deliberation.domain import DomainError, InvalidInput, annotate, edit_annotation, withdraw_annotation
from deliberation.models import Annotation
from deliberation.ratelimit import check_named

from .helpers import domain_errors, require_seat, statement_in
from .workshop import render_statement

KINDS = (Annotation.Kind.COMMENT, Annotation.Kind.QUESTION, Annotation.Kind.TAG, Annotation.Kind.FLAG)
NOTES = {
    Annotation.Kind.COMMENT: gettext_lazy("Your comment is posted."),
    Annotation.Kind.QUESTION: gettext_lazy("Your question is posted."),
    Annotation.Kind.TAG: gettext_lazy("Tag added."),
    Annotation.Kind.FLAG: gettext_lazy("Thank you. A moderator will look at it."),
}


@require_POST
@domain_errors
def annotate_statement(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    data = request.POST
    kind = data.get("kind", "")
    try:
        if kind not in KINDS:
            raise InvalidInput(_("Choose a comment, a question, a tag or a flag."), field="kind")
        parent = None
        if data.get("parent"):
            parent = Annotation.objects.filter(statement=statement, pk=_int(data["parent"])).first()
            if parent is None:
                raise InvalidInput(_("The comment you answer is not on this statement."), field="parent")
        check_named("annotation", f"participant:{participant.pk}")
        annotate(participant, kind, data.get("text", ""), statement=statement, parent=parent)
    except DomainError as error:
        values = {"kind": kind, "text": data.get("text", ""), "parent": data.get("parent", "")}
        return _annotations_refused(request, workshop, participant, statement, error, values)
    return _annotations_changed(request, workshop, participant, statement, NOTES[kind])


@require_POST
@domain_errors
def withdraw(request: HttpRequest, slug: str, statement_id: int, annotation_id: int) -> HttpResponse:
    """Take back one's own comment, question or tag; the panel's comments come back without it."""
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    try:
        withdraw_annotation(participant, _shown_on(statement, annotation_id))
    except DomainError as error:
        return _annotations_refused(request, workshop, participant, statement, error)
    return _annotations_changed(request, workshop, participant, statement, _("Withdrawn."))


@require_POST
@domain_errors
def edit(request: HttpRequest, slug: str, statement_id: int, annotation_id: int) -> HttpResponse:
    """Change one's own comment or question; the panel's comments come back with the new words."""
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    text = request.POST.get("text", "")
    try:
        annotation = _shown_on(statement, annotation_id)
        check_named("annotation", f"participant:{participant.pk}")
        edit_annotation(participant, annotation, text)
    except DomainError as error:
        return _annotations_refused(
            request, workshop, participant, statement, error, {"edit": annotation_id, "text": text}
        )
    return _annotations_changed(request, workshop, participant, statement, _("Your comment is changed."))


def _shown_on(statement, annotation_id: int) -> Annotation:
    """One of the statement's shown annotations, or a refusal that it has gone meanwhile."""
    annotation = Annotation.objects.filter(statement=statement, pk=annotation_id, is_hidden=False).first()
    if annotation is None:
        raise InvalidInput(_("That comment is no longer here."), field="annotation")
    return annotation


def _annotations_refused(request, workshop, participant, statement, error, values=None) -> HttpResponse:
    """The statement's comments again, with the error and what was typed (`values`): a 4xx."""
    return render_statement(
        request,
        workshop,
        participant,
        statement,
        fragment="annotations",
        status=error.status,
        annotation_error=error,
        annotation_values=values or {},
    )


def _annotations_changed(request, workshop, participant, statement, note: str) -> HttpResponse:
    """After a change to a statement's comments: for htmx its comments with `note`, otherwise
    the statement's page at its comments, with `note` as a message."""
    if not request.htmx:
        messages.success(request, note)
        return redirect(
            reverse("statement", args=[workshop.slug, statement.pk]) + f"#statement-{statement.pk}-annotations"
        )
    return render_statement(request, workshop, participant, statement, fragment="annotations", annotation_note=note)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
