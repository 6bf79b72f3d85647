"""The detail panel of one statement: its text and source, parents and children, tallies, the
viewer's votes and the annotations, loaded in a fixed handful of queries."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.argument_map import statement_label, title_repeats_text
from deliberation.domain.votes import STATEMENT_KINDS
from deliberation.models import (
    TALLY_NAMES,
    Annotation,
    Participant,
    Relation,
    SourceDocument,
    Statement,
    Vote,
    Workshop,
    statement_tally,
)

from .helpers import abilities
from .outline import tally_shown

SCALE_CHOICES = [(0, _("Not at all")), (1, _("A little")), (2, _("Somewhat")), (3, _("Much")), (4, _("Very much"))]

AGREEMENT_CHOICES = [
    (-2, _("Strongly disagree")),
    (-1, _("Disagree")),
    (0, _("Unsure")),
    (1, _("Agree")),
    (2, _("Strongly agree")),
]


@dataclass
class Thread:
    comment: Annotation
    replies: list[Annotation] = field(default_factory=list)


@dataclass
class Detail:
    workshop: Workshop
    viewer: Participant | None
    statement: Statement
    parents: list[Relation]
    supports: list[Relation]
    opposes: list[Relation]
    answers: list[Relation]
    my_votes: dict[tuple[str, int], int]  # (kind, statement or relation id) -> value
    threads: list[Thread]
    tags: list[Annotation]
    flags: list[Annotation]
    documents: list[SourceDocument]

    @property
    def title_repeats_text(self) -> bool:
        return title_repeats_text(self.statement)

    @property
    def is_mine(self) -> bool:
        return self.viewer is not None and self.statement.author_id == self.viewer.pk

    @property
    def my_agreement(self) -> int | None:
        return self.my_votes.get((Vote.Kind.AGREEMENT, self.statement.pk))

    @property
    def my_lens_a(self) -> int | None:
        return self.my_votes.get((Vote.Kind.LENS_A, self.statement.pk))

    @property
    def my_lens_b(self) -> int | None:
        return self.my_votes.get((Vote.Kind.LENS_B, self.statement.pk))

    @property
    def tally_visible(self) -> bool:
        return tally_shown(self.workshop, self.viewer, self.my_agreement is not None)

    @property
    def can(self) -> dict:
        return abilities(self.workshop, self.viewer)

    @property
    def lens_open(self) -> bool:
        return self.workshop.allow_lens_votes and self.workshop.has_dilemma

    @property
    def lens_rows(self) -> list[tuple[str, str, int | None]]:
        return [
            (Vote.Kind.LENS_A, self.workshop.pole_a, self.my_lens_a),
            (Vote.Kind.LENS_B, self.workshop.pole_b, self.my_lens_b),
        ]

    def strength_of(self, relation: Relation) -> int | None:
        return self.my_votes.get((Vote.Kind.STRENGTH, relation.pk))


def load_detail(workshop: Workshop, viewer: Participant | None, statement: Statement) -> Detail:
    """Five queries: the statement with tallies, its links with neighbours, my votes, annotations,
    and the workshop's documents (offered as sources for new evidence)."""
    statement = (
        Statement.objects.in_workshop(workshop).select_related("author", "source_document").with_tallies()
    ).get(pk=statement.pk)
    statement.workshop = workshop
    relations = [
        relation
        for relation in Relation.objects.in_workshop(workshop)
        .filter(Q(source=statement) | Q(target=statement))
        .select_related("source", "target", "source__author")
        .with_strength()
        .order_by("id")
        if relation.source.is_shown_to(viewer) and relation.target.is_shown_to(viewer)
    ]
    parents = [r for r in relations if r.source_id == statement.pk]
    children = [r for r in relations if r.target_id == statement.pk]
    my_votes = {}
    if viewer is not None:
        votes = Vote.objects.by(viewer).filter(Q(statement=statement) | Q(relation__in=[r.pk for r in parents]))
        for kind, statement_id, relation_id, value in votes.values_list("kind", "statement_id", "relation_id", "value"):
            my_votes[(kind, relation_id or statement_id)] = value
    for relation in parents:
        relation.my_strength = my_votes.get((Vote.Kind.STRENGTH, relation.pk))
        relation.target_label = statement_label(relation.target)
    threads, tags, flags = _annotations(viewer, statement)
    documents = list(SourceDocument.objects.filter(workshop=workshop).only("id", "title").order_by("id"))
    return Detail(
        workshop=workshop,
        viewer=viewer,
        statement=statement,
        parents=parents,
        supports=[r for r in children if r.kind == Relation.Kind.SUPPORTS],
        opposes=[r for r in children if r.kind == Relation.Kind.OPPOSES],
        answers=[r for r in children if r.kind == Relation.Kind.ANSWERS],
        my_votes=my_votes,
        threads=threads,
        tags=tags,
        flags=flags,
        documents=documents,
    )


def load_annotations(workshop: Workshop, viewer: Participant | None, statement: Statement) -> Detail:
    """Only what the panel's comments need, in one query: what an open panel re-fetches when
    someone comments on its statement (a whole panel costs several times more)."""
    statement.workshop = workshop
    threads, tags, flags = _annotations(viewer, statement)
    return Detail(workshop, viewer, statement, [], [], [], [], {}, threads, tags, flags, [])


def _annotations(viewer: Participant | None, statement: Statement) -> tuple[list, list, list]:
    """The statement's visible comments and questions as threads with their replies, its tags, and
    the flags this viewer may see."""
    threads: dict[int, Thread] = {}
    tags, flags = [], []
    annotations = Annotation.objects.filter(statement=statement).visible().select_related("author").order_by("id")
    for annotation in annotations:
        if annotation.kind == Annotation.Kind.TAG:
            tags.append(annotation)
        elif annotation.kind == Annotation.Kind.FLAG:
            # Flags go to the moderators; their authors see their own.
            if viewer is not None and (viewer.is_moderator or annotation.author_id == viewer.pk):
                flags.append(annotation)
        elif annotation.parent_id and annotation.parent_id in threads:
            threads[annotation.parent_id].replies.append(annotation)
        elif annotation.kind in (Annotation.Kind.COMMENT, Annotation.Kind.QUESTION):
            threads[annotation.pk] = Thread(annotation)
    return list(threads.values()), tags, flags


def load_votes(workshop: Workshop, viewer: Participant | None, statement: Statement) -> Detail:
    """Only what the vote widget needs, in one query: the statement's tally and the viewer's own
    votes on it, aggregated together. Votes are the busiest request of a live room."""
    figures = statement_tally(statement.pk, viewer.pk if viewer is not None else None)
    for name in TALLY_NAMES:
        setattr(statement, name, figures[name])
    statement.workshop = workshop
    my_votes = {
        (kind, statement.pk): figures[f"my_{kind}"] for kind in STATEMENT_KINDS if figures.get(f"my_{kind}") is not None
    }
    return Detail(workshop, viewer, statement, [], [], [], [], my_votes, [], [], [], [])
