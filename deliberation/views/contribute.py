"""Contributing to the map: adding positions, claims and evidence, linking a second parent,
editing and withdrawing one's own statements. Each view calls one domain function."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from deliberation.domain import (
    DomainError,
    NotFound,
    add_statement,
    edit_statement,
    link_statements,
    withdraw_statement,
)
from deliberation.forms import source_fields, statement_number
from deliberation.models import Statement
from deliberation.ratelimit import check_named

from .helpers import abilities, domain_errors, require_seat, seat, statement_in
from .workshop import TEMPLATE, join_redirect, page_context, render_statement

FORM_FIELDS = ("kind", "relation", "text", "parent", *("source_citation", "source_url", "source_quote"))


def statement_url(workshop, statement_id: int) -> str:
    return reverse("statement", args=[workshop.slug, statement_id]) + "#detail"


def _changed(request, workshop, participant, statement, note: str, status: int = 200) -> HttpResponse:
    """After a change with htmx: the statement's panel, and the outline refreshed out of band."""
    response = render_statement(request, workshop, participant, statement, note=note, status=status)
    context = page_context(request, workshop, participant, oob=True)
    response.content += render_to_string(f"{TEMPLATE}#outline", context, request=request).encode()
    response["HX-Retarget"] = "#detail"
    response["HX-Reswap"] = "innerHTML"
    return response


def _form_error(request, workshop, participant, statement, fragment: str, error: DomainError, **extra):
    """Show the form again with the message, and store nothing: 4xx with the fragment or the page."""
    extra[f"{fragment}_error"] = error
    return render_statement(request, workshop, participant, statement, fragment=fragment, status=error.status, **extra)


@require_POST
@domain_errors
def add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a statement under `parent` (a position under the question, or a reason for or against)."""
    workshop, participant = require_seat(request, slug)
    data = request.POST
    values = {name: data.get(name, "") for name in FORM_FIELDS}
    parent = workshop.root() if data.get("kind") == Statement.Kind.POSITION else None
    fragment = "position_form" if parent is not None else "reply_form"
    try:
        if parent is None:
            parent = statement_in_or_error(workshop, participant, data.get("parent"))
        check_named("statement", f"participant:{participant.pk}", cost=0)
        statement = add_statement(
            participant,
            parent,
            data.get("kind", ""),
            data.get("text", ""),
            relation=data.get("relation") or None,
            **source_fields(data, workshop, data.get("kind", "")),
        )
        check_named("statement", f"participant:{participant.pk}")
    except DomainError as error:
        if parent is None or fragment == "position_form":
            return _outline_form_error(request, workshop, participant, error, values, parent)
        return _form_error(request, workshop, participant, parent, fragment, error, values=values)
    note = (
        _("Added. It is waiting for a moderator before others can see it.")
        if statement.status == Statement.Status.PENDING
        else _("Added to the map.")
    )
    if request.htmx:
        response = _changed(request, workshop, participant, statement, note, status=201)
        if statement.kind == Statement.Kind.POSITION:  # the position form, emptied and closed
            context = {"workshop": workshop, "can": abilities(workshop, participant), "oob": True}
            response.content += render_to_string(f"{TEMPLATE}#add_position", context, request=request).encode()
        return response
    messages.success(request, note)
    return redirect(statement_url(workshop, statement.pk))


def statement_in_or_error(workshop, participant, raw) -> Statement:
    try:
        return statement_in(workshop, participant, statement_number(raw))
    except Http404:
        raise NotFound(_("There is no statement #%(n)s in this workshop.") % {"n": raw}, field="parent") from None


def _outline_form_error(request, workshop, participant, error, values, parent) -> HttpResponse:
    """Errors of the position form (in the outline) or of a form whose parent is unknown."""
    position = values.get("kind") == Statement.Kind.POSITION
    extra = {"position_form_error" if position else "page_error": error, "error": error, "values": values}
    if request.htmx and position:
        context = page_context(request, workshop, participant, **extra)
        response = render(request, f"{TEMPLATE}#position_form", context, status=error.status)
    elif request.htmx:
        response = render(request, "deliberation/_detail.html#form_error", extra, status=error.status)
    else:
        response = render(request, TEMPLATE, page_context(request, workshop, participant, **extra), status=error.status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@domain_errors
def link(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """Give this statement a second parent: it supports or opposes another statement too."""
    workshop, participant = require_seat(request, slug)
    child = statement_in(workshop, participant, statement_id)
    values = {"parent": request.POST.get("parent", ""), "relation": request.POST.get("relation", "")}
    try:
        parent = statement_in_or_error(workshop, participant, values["parent"])
        link_statements(participant, child, parent, values["relation"])
    except DomainError as error:
        return _form_error(request, workshop, participant, child, "link_form", error, link_values=values)
    note = _("Linked to #%(n)d.") % {"n": parent.pk}
    if request.htmx:
        return _changed(request, workshop, participant, child, note)
    messages.success(request, note)
    return redirect(statement_url(workshop, child.pk))


@require_http_methods(["GET", "POST"])
@domain_errors
def edit(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """Edit my statement. The form carries the version it was loaded at; a stale one is refused.
    It shows a title field only for a title of one's own (not made from the text), so `title` is
    None when the form had none."""
    if request.method == "GET":
        workshop, participant = seat(request, slug)
        if participant is None:
            return join_redirect(workshop, request)
        statement = statement_in(workshop, participant, statement_id)
        return render_statement(request, workshop, participant, statement, fragment="edit_form", editing=True)
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    text, title = request.POST.get("text", ""), request.POST.get("title")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        statement = edit_statement(participant, statement, text, version, title=title)
    except DomainError as error:
        values = {"edit_text": text, "edit_title": title}
        return _form_error(request, workshop, participant, statement, "edit_form", error, editing=True, **values)
    note = _("Your change is saved.")
    if request.htmx:
        return _changed(request, workshop, participant, statement, note)
    messages.success(request, note)
    return redirect(statement_url(workshop, statement.pk))


@require_http_methods(["GET", "POST"])
@domain_errors
def withdraw(request: HttpRequest, slug: str, statement_id: int) -> HttpResponse:
    """GET asks for confirmation (also without JavaScript); POST withdraws."""
    if request.method == "GET":
        workshop, participant = seat(request, slug)
        if participant is None:
            return join_redirect(workshop, request)
        statement = statement_in(workshop, participant, statement_id)
        return render_statement(request, workshop, participant, statement, fragment="withdraw_form", withdrawing=True)
    workshop, participant = require_seat(request, slug)
    statement = statement_in(workshop, participant, statement_id)
    try:
        withdraw_statement(participant, statement)
    except DomainError as error:
        return _form_error(request, workshop, participant, statement, "withdraw_form", error, withdrawing=True)
    note = _("Your statement is withdrawn; others no longer see it.")
    if request.htmx:
        context = page_context(request, workshop, participant, oob=True)
        html = render_to_string("deliberation/_detail.html#withdrawn", {"note": note}, request=request)
        html += render_to_string(f"{TEMPLATE}#outline", context, request=request)
        response = HttpResponse(html)
        response["HX-Retarget"] = "#detail"
        response["HX-Reswap"] = "innerHTML"
        return response
    messages.success(request, note)
    return redirect("workshop", slug=workshop.slug)
