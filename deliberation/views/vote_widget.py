"""A statement's vote widget (`#statement-<id>-votes`): where the room stands and the viewer's
own buttons. The detail panel shows it (`{% vote_widget %}`), and every vote answers with it.

Votes are the busiest request of a live room. Through the template engine this widget cost
more than the vote's own queries: some fifty nodes, a dozen translations, and the CSRF token
masked anew for every form. Built here with f-strings, as the outline rows are
(`outline.py`), with every value from the database or a translation escaped by `_e`, it costs a
fraction of that.
"""

import html
from functools import cache, lru_cache

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deliberation.domain import DomainError
from deliberation.models import Statement, Vote

from .detail import AGREEMENT_CHOICES, SCALE_CHOICES, Detail


def _e(value) -> str:
    return html.escape(str(value), quote=True)


@cache
def _phrases(language: str | None) -> dict:
    """The widget's fixed words, translated and escaped once per language (a translation lookup
    costs more than the f-string it goes into, and the widget has three dozen of them)."""
    return {
        "votes": _e(_("Votes")),
        "heading": _e(_("Where the room stands")),
        "hidden": _e(_("Vote to see how the others voted.")),
        "none": _e(_("No votes yet.")),
        "agree": _e(_("Agree")),
        "unsure": _e(_("Unsure")),
        "disagree": _e(_("Disagree")),
        "question": _e(_("Do you agree?")),
        "retract": _e(_("Take back my vote")),
        "retract_lens": _e(_("Take back")),
        "legend": _e(_("0 = not at all, 4 = very well")),
        "agreement": [(value, _e(label)) for value, label in AGREEMENT_CHOICES],
        "scale": [(value, _e(label)) for value, label in SCALE_CHOICES],
    }


@lru_cache(maxsize=4096)
def _vote_url(prefix: str, slug: str, pk: int) -> str:
    """Where a statement's votes go, escaped: a room votes on the same few dozen statements all
    session, and `reverse` costs more than the rest of a form. `prefix` is the script prefix
    `reverse` uses, part of the key."""
    return _e(reverse("vote_statement", args=[slug, pk]))


def vote_widget(
    request: HttpRequest,
    detail: Detail,
    can: dict,
    vote_error: DomainError | None = None,
    vote_note: str | None = None,
    csrf_field: bool = True,
) -> SafeString:
    """The widget for `detail.statement`. `can` is the page's `helpers.abilities`: the forms show
    only to those who may vote (the domain checks every vote again).

    Without `csrf_field` the forms carry no token of their own: for a widget that answers an htmx
    request, whose page already sends its token with every htmx request (`hx-headers` on the body
    of `base.html`). Masking a fresh token costs more than the rest of the widget."""
    statement, workshop = detail.statement, detail.workshop
    pk = int(statement.pk)
    words = _phrases(get_language())
    parts = [
        f'<section id="statement-{pk}-votes" class="votes" aria-label="{words["votes"]}">',
        f"<h3>{words['heading']}</h3>",
        _standing(detail, words),
    ]
    if vote_error:
        parts.append(f'<p class="form-error" role="alert">{_e(vote_error.message)}</p>')
    if vote_note:
        parts.append(f'<p class="note" role="status">{_e(vote_note)}</p>')
    if can["can_vote"] and statement.status == Statement.Status.VISIBLE:
        url = _vote_url(get_script_prefix(), workshop.slug, pk)
        token = ""
        if csrf_field:  # one token for every form of the widget
            token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(get_token(request))}">'

        def form(css: str, kind: str) -> str:
            return (
                f'<form method="post" action="{url}" class="{css}" hx-post="{url}" '
                f'hx-target="#statement-{pk}-votes" hx-swap="outerHTML">'
                f'{token}<input type="hidden" name="kind" value="{_e(kind)}">'
            )

        if workshop.allow_agreement_votes:
            parts.append(form("agreement", Vote.Kind.AGREEMENT) + _agreement_form(pk, detail.my_agreement, words))
        if detail.lens_open:
            parts.extend(
                form("scale lens", kind) + _lens_form(pole, mine, words) for kind, pole, mine in detail.lens_rows
            )
    parts.append("</section>")
    return SafeString("\n".join(parts))


def _standing(detail: Detail, words: dict) -> str:
    """The tally line and bar, the lens means in a dilemma, or why there is nothing to show."""
    statement, workshop = detail.statement, detail.workshop
    if not detail.tally_visible:
        return f'<p class="muted">{words["hidden"]}</p>'
    if not statement.agreement_count:
        return f'<p class="muted">{words["none"]}</p>'
    agree, unsure, disagree = int(statement.agree_count), int(statement.unsure_count), int(statement.disagree_count)
    # Each figure in its own element, after its label: a page sets the figures a vote event
    # carries in place (static/js/live.js), with no plural to agree with them.
    line = (
        '<p class="tally-line">'
        f'<span class="tally-agree">{words["agree"]} <span class="tally-n">{agree}</span></span> · '
        f'<span class="tally-unsure">{words["unsure"]} <span class="tally-n">{unsure}</span></span> · '
        f'<span class="tally-disagree">{words["disagree"]} <span class="tally-n">{disagree}</span></span></p>'
    )
    bar = (
        f'<svg class="tally-bar" viewBox="0 0 {int(statement.agreement_count)} 1" preserveAspectRatio="none" '
        'aria-hidden="true">'
        f'<rect class="bar-agree" x="0" y="0" width="{agree}" height="1"/>'
        f'<rect class="bar-unsure" x="{agree}" y="0" width="{unsure}" height="1"/>'
        f'<rect class="bar-disagree" x="{agree + unsure}" y="0" width="{disagree}" height="1"/></svg>'
    )
    if not (workshop.has_dilemma and statement.lens_a_mean is not None):
        return line + bar
    means = _("Serves %(a)s: %(am)s of 4 · serves %(b)s: %(bm)s of 4") % {
        "a": workshop.pole_a,
        "am": floatformat(statement.lens_a_mean, 1),
        "b": workshop.pole_b,
        "bm": floatformat(statement.lens_b_mean, 1),
    }
    return f'{line}{bar}<p class="muted">{_e(means)}</p>'


def _pressed(mine: int | None, value: int) -> str:
    return "true" if mine == value else "false"


def _agreement_form(pk: int, mine: int | None, words: dict) -> str:
    buttons = "".join(
        f'<button type="submit" name="value" value="{value}" class="agree-button agree-{value}" '
        f'aria-pressed="{_pressed(mine, value)}">{label}</button>'
        for value, label in words["agreement"]
    )
    retract = _retract(words["retract"]) if mine is not None else ""
    return (
        f'<p class="vote-question" id="agree-q-{pk}">{words["question"]}</p>'
        + f'<div class="agree-buttons" role="group" aria-labelledby="agree-q-{pk}">{buttons}</div>'
        + f"{retract}</form>"
    )


def _lens_form(pole: str, mine: int | None, words: dict) -> str:
    buttons = "".join(
        f'<button type="submit" name="value" value="{value}" class="scale-button" '
        f'aria-pressed="{_pressed(mine, value)}" title="{label}">{value}'
        f'<span class="visually-hidden"> {label}</span></button>'
        for value, label in words["scale"]
    )
    retract = _retract(words["retract_lens"]) if mine is not None else ""
    question = _("How well does it serve %(pole)s?") % {"pole": pole}
    return (
        f'<p class="vote-question">{_e(question)} '
        + f'<span class="scale-legend">{words["legend"]}</span></p>'
        + f"{buttons}{retract}</form>"
    )


def _retract(label: str) -> str:
    return f'<button type="submit" name="retract" value="1" class="link-button">{label}</button>'
