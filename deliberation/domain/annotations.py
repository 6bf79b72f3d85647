"""Comments, questions, tags, flags and document highlights."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.models import Annotation, Participant, Phase, Relation, SourceDocument, Statement

from .errors import InvalidInput, NotAllowed
from .events import record
from .rules import clean_text, require_contributor, require_phase

Kind = Annotation.Kind
TAG_LENGTH = 40


@transaction.atomic
def annotate(
    actor: Participant,
    kind: str,
    text: str = "",
    statement: Statement | None = None,
    relation: Relation | None = None,
    document: SourceDocument | None = None,
    parent: Annotation | None = None,
    quote_exact: str = "",
    quote_prefix: str = "",
    quote_suffix: str = "",
) -> Annotation:
    """Attach an annotation. Replies are one level deep; highlights must quote the document exactly."""
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind of annotation."), field="kind")
    target = statement or relation or document
    if target is None:
        raise InvalidInput(_("Say what the annotation is about."), field="statement")
    if sum(x is not None for x in (statement, relation, document)) != 1:
        raise InvalidInput(_("An annotation is about exactly one thing."), field="statement")
    workshop = target.workshop
    require_contributor(actor, workshop, _("annotate"))
    require_phase(actor, workshop, Phase.CONTRIBUTE, Phase.VOTE, action=_("annotating"))
    if (
        statement is not None
        and statement.status != Statement.Status.VISIBLE
        and statement.author_id != actor.pk
        and not actor.is_moderator
    ):
        raise InvalidInput(_("You can only annotate visible statements."), field="statement")

    if kind == Kind.HIGHLIGHT:
        if document is None:
            raise InvalidInput(_("A highlight marks a passage of a source document."), field="document")
        quote_exact = (quote_exact or "").strip()
        if not quote_exact or quote_exact not in document.text:
            raise InvalidInput(_("The highlighted passage was not found in the document."), field="quote_exact")
        text = (text or "").strip()[: workshop.max_text_length]
    elif kind == Kind.TAG:
        text = (text or "").strip().lstrip("#").lower()
        if len(text.split()) > 1:  # joining the words silently would make a tag nobody typed
            raise InvalidInput(_("A tag is one word, without spaces: “open-data”, for example."), field="text")
        if not text or len(text) > TAG_LENGTH or not text.isprintable():
            raise InvalidInput(_("A tag is one word of at most %(n)d characters.") % {"n": TAG_LENGTH}, field="text")
        tagged = Annotation.objects.visible().filter(
            kind=Kind.TAG, text=text, statement=statement, relation=relation, document=document
        )
        if tagged.exists():  # the same tag twice says nothing more
            raise InvalidInput(_("This already has the tag #%(tag)s.") % {"tag": text}, field="text")
    else:
        what = _("The reason") if kind == Kind.FLAG else _("The comment")
        text = clean_text(text, workshop, what=what)

    if parent is not None:
        if parent.parent_id is not None:
            raise InvalidInput(_("Replies go one level deep: answer the first comment instead."), field="parent")
        if (parent.statement_id, parent.relation_id, parent.document_id) != (
            getattr(statement, "pk", None),
            getattr(relation, "pk", None),
            getattr(document, "pk", None),
        ):
            raise InvalidInput(_("A reply must be about the same thing as the comment it answers."), field="parent")
        if kind not in (Kind.COMMENT, Kind.QUESTION):
            raise InvalidInput(_("Only comments and questions can be replies."), field="kind")

    annotation = Annotation.objects.create(
        workshop=workshop,
        kind=kind,
        author=actor,
        statement=statement,
        relation=relation,
        document=document,
        parent=parent,
        text=text,
        quote_exact=quote_exact,
        quote_prefix=(quote_prefix or "")[:200],
        quote_suffix=(quote_suffix or "")[:200],
    )
    record(
        workshop,
        "annotation.added",
        actor,
        statement,
        annotation_id=annotation.pk,
        kind=kind,
        relation_id=getattr(relation, "pk", None),
        document_id=getattr(document, "pk", None),
    )
    return annotation


@transaction.atomic
def withdraw_annotation(actor: Participant, annotation: Annotation) -> Annotation:
    """Authors take back their own comment, question or tag while the room may still annotate.
    It is hidden, as a moderator would hide it, and stays in the log. A comment others have
    answered stays, so their replies keep what they answer."""
    fresh = Annotation.objects.select_for_update().select_related("workshop").get(pk=annotation.pk)
    workshop = fresh.workshop
    require_contributor(actor, workshop, _("withdraw comments"))
    if fresh.author_id != actor.pk:
        raise NotAllowed(_("You can only withdraw your own comments and tags."))
    if fresh.kind not in (Kind.COMMENT, Kind.QUESTION, Kind.TAG):
        raise InvalidInput(_("Only comments, questions and tags can be withdrawn."), field="annotation")
    require_phase(actor, workshop, Phase.CONTRIBUTE, Phase.VOTE, action=_("withdrawing comments"))
    if fresh.is_hidden:
        return fresh
    if Annotation.objects.visible().filter(parent=fresh).exclude(author=actor).exists():
        raise InvalidInput(_("Others have replied to this comment, so it stays."), field="annotation")
    fresh.is_hidden = True
    fresh.save(update_fields=["is_hidden"])
    record(workshop, "annotation.withdrawn", actor, fresh.statement, annotation_id=fresh.pk, kind=fresh.kind)
    return fresh


@transaction.atomic
def edit_annotation(actor: Participant, annotation: Annotation, text: str) -> Annotation:
    """Authors put their own comment or question right while the room may still comment. Readers
    see that it was changed (`edited_at`), and the log keeps both wordings, since replies may
    answer the first."""
    fresh = (
        Annotation.objects.select_for_update(of=("self",)).select_related("workshop", "statement").get(pk=annotation.pk)
    )
    workshop = fresh.workshop
    require_contributor(actor, workshop, _("change comments"))
    if fresh.author_id != actor.pk:
        raise NotAllowed(_("You can only change your own comments."))
    if fresh.kind not in (Kind.COMMENT, Kind.QUESTION):
        raise InvalidInput(_("Only comments and questions can be changed."), field="annotation")
    require_phase(actor, workshop, Phase.CONTRIBUTE, Phase.VOTE, action=_("changing comments"))
    if fresh.is_hidden:
        raise InvalidInput(_("That comment is no longer shown, so it cannot be changed."), field="annotation")
    text = clean_text(text, workshop, what=_("The comment"))
    if text == fresh.text:
        return fresh
    before = fresh.text
    fresh.text = text
    fresh.edited_at = timezone.now()
    fresh.save(update_fields=["text", "edited_at"])
    record(
        workshop,
        "annotation.edited",
        actor,
        fresh.statement,
        annotation_id=fresh.pk,
        kind=fresh.kind,
        before=before,
        after=text,
    )
    return fresh
