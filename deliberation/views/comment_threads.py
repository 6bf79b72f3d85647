"""A statement's comment threads in the detail panel (`{% comment_threads %}`): each comment or
question with its replies, a reply form where the viewer may answer, and on the viewer's own
comments a form to change and a button to withdraw them.

An open panel re-fetches its comments whenever someone comments on its statement, which in a busy
room is dozens of times a second across the room's pages. Through the template engine each thread
cost about 0.14 ms (a dozen nodes, the CSRF field, the form's address). Built here with f-strings,
as the vote widget is (`vote_widget.py`), every value from the database or a translation escaped.
"""

from functools import cache

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape as _e
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deliberation.models import Annotation

from .detail import Detail


@cache
def _phrases(language: str | None) -> dict:
    """The threads' fixed words, translated and escaped once per language."""
    return {
        "question": _e(_("Question")),
        "comment": _e(_("Comment")),
        "reply": _e(_("Reply")),
        "your_reply": _e(_("Your reply")),
        "someone": _e(_("someone")),
        "none": _e(_("No comments yet.")),
        "withdraw": _e(_("Withdraw")),
        "confirm": _e(_("Withdraw your comment? Others will no longer see it.")),
        "change": _e(_("Change")),
        "your_words": _e(_("Your comment")),
        "save": _e(_("Save the change")),
        "changed": _e(_("changed")),
    }


def comment_threads(
    request: HttpRequest, detail: Detail, can_annotate: bool, refused: dict | None = None
) -> SafeString:
    """`refused`: the words of a change the server refused ({"edit": id, "text": …}), kept in
    that comment's form, which is left open."""
    words = _phrases(get_language())
    refused = refused or {}
    if not detail.threads:
        return SafeString(f'<p class="muted">{words["none"]}</p>')
    pk = int(detail.statement.pk)
    form = csrf = ""
    if can_annotate:
        url = _e(reverse("annotate_statement", args=[detail.workshop.slug, pk]))
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(get_token(request))}">'
        form = (
            f'<details class="reply-to"><summary>{words["reply"]}</summary>'
            f'<form method="post" action="{url}" class="form" hx-post="{url}" '
            f'hx-target="#statement-{pk}-annotations" hx-swap="outerHTML">'
            f'{csrf}<input type="hidden" name="kind" value="comment">'
            '<input type="hidden" name="parent" value="{parent}">'
            f'<label class="visually-hidden" for="reply-{{parent}}">{words["your_reply"]}</label>'
            '<textarea id="reply-{parent}" name="text" rows="2" required></textarea>'
            f'<button type="submit" class="button">{words["reply"]}</button></form></details>'
        )
    viewer = detail.viewer.pk if detail.viewer is not None else None

    def withdraw(annotation: Annotation, answered: bool = False) -> str:
        """Its author's button to take it back, while the room may still comment and unless others
        have `answered` it (their replies keep what they answer)."""
        if not form or annotation.author_id != viewer or answered:
            return ""
        url = _e(reverse("withdraw_annotation", args=[detail.workshop.slug, pk, annotation.pk]))
        return (
            f'<form method="post" action="{url}" class="inline-form withdraw-annotation" hx-post="{url}" '
            f'hx-target="#statement-{pk}-annotations" hx-swap="outerHTML" hx-confirm="{words["confirm"]}">'
            f'{csrf}<button type="submit" class="button small">{words["withdraw"]}</button></form>'
        )

    def change(annotation: Annotation) -> str:
        """Its author's form to put their words right, while the room may still comment."""
        if not form or annotation.author_id != viewer:
            return ""
        aid = int(annotation.pk)
        url = _e(reverse("edit_annotation", args=[detail.workshop.slug, pk, aid]))
        again = str(refused.get("edit", "")) == str(aid)
        text = _e(refused.get("text", "") if again else annotation.text)
        return (
            f'<details class="edit-comment"{" open" if again else ""}><summary>{words["change"]}</summary>'
            f'<form method="post" action="{url}" class="form" hx-post="{url}" '
            f'hx-target="#statement-{pk}-annotations" hx-swap="outerHTML">{csrf}'
            f'<label class="visually-hidden" for="edit-{aid}">{words["your_words"]}</label>'
            f'<textarea id="edit-{aid}" name="text" rows="2" maxlength="{int(detail.workshop.max_text_length)}" '
            f"required{' data-refused' if again else ''}>{text}</textarea>"
            f'<button type="submit" class="button">{words["save"]}</button></form></details>'
        )

    def words_of(annotation: Annotation) -> str:
        changed = f' <span class="muted edited">({words["changed"]})</span>' if annotation.edited_at else ""
        return linebreaksbr(annotation.text, autoescape=True) + changed

    parts = []
    for thread in detail.threads:
        comment = thread.comment
        kind = words["question"] if comment.kind == Annotation.Kind.QUESTION else words["comment"]
        parts.append(
            f'<div class="thread"><p class="comment"><span class="comment-kind">{kind}</span> '
            f"<strong>{_name(comment, words)}</strong>: {words_of(comment)}</p>"
            + change(comment)
            + withdraw(comment, answered=any(reply.author_id != viewer for reply in thread.replies))
        )
        parts.extend(
            f'<p class="comment reply"><strong>{_name(reply, words)}</strong>: '
            f"{words_of(reply)}</p>" + change(reply) + withdraw(reply)
            for reply in thread.replies
        )
        if form:
            parts.append(form.replace("{parent}", str(int(comment.pk))))
        parts.append("</div>")
    return SafeString("\n".join(parts))


def _name(annotation: Annotation, words: dict) -> str:
    author = annotation.author
    return _e(author.display_name) if author is not None and author.display_name else words["someone"]
