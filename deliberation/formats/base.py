"""What every format shares: export options, the loaded map data, and the import plan."""

from dataclasses import dataclass, field, replace
from functools import cached_property

from django.utils.translation import gettext as _

from deliberation.argument_map import ArgumentMap, load_argument_map
from deliberation.domain import NotAllowed
from deliberation.models import Annotation, Participant, Phase, SourceDocument, Statement, Vote, Workshop

MAX_IMPORT_BYTES = 32 * 1024 * 1024  # a 10,000-statement map with its votes is about 15 MiB of JSON or AIF


@dataclass(frozen=True)
class ExportOptions:
    include_hidden: bool = False
    include_votes: bool = True  # votes, and every figure drawn from them: tallies, strengths, results
    anonymise: bool = False
    # Who wrote each statement and annotation. A reader who also sees the live map, where authors
    # are named, could otherwise match an author's alias to a name, and so name that alias's votes.
    include_authors: bool = True
    include_flags: bool = True  # flags are reports to the moderators
    # Statements whose tallies and votes may be written (None: all). When set, the room's results
    # (groups, cruxes, bridging) are left out too, since they are drawn from every statement.
    results_for: frozenset[int] | None = None


def reader_options(workshop: Workshop, reader: Participant, requested: ExportOptions) -> ExportOptions:
    """What `reader` may export of `workshop`, given what they asked for.

    Moderators get what they ask. Anyone else gets no hidden or pending items (asking for them is
    refused), no flags, participants anonymised and authors left out, and, while the workshop
    hides results until people have voted, only the tallies and votes of the statements they voted
    on (as the map shows them) and none of the room's results until it closes. The pages and the
    API both call this, so the two cannot drift.
    """
    if reader.is_moderator:
        return requested
    if requested.include_hidden:
        raise NotAllowed(_("Only the moderators can export hidden and pending items."))
    results_for = None
    if workshop.hide_results_until_voted and workshop.phase != Phase.CLOSED:
        voted = Vote.objects.by(reader).filter(kind=Vote.Kind.AGREEMENT, statement__isnull=False)
        results_for = frozenset(voted.values_list("statement_id", flat=True))
    return replace(requested, anonymise=True, include_authors=False, include_flags=False, results_for=results_for)


@dataclass
class MapData:
    """Everything an exporter may need, loaded in a fixed number of queries."""

    workshop: Workshop
    argument_map: ArgumentMap
    options: ExportOptions
    participants: list[Participant]
    documents: list[SourceDocument]
    names: dict[int, str] = field(default_factory=dict)  # participant id -> shown name
    refs: dict[int, str] = field(default_factory=dict)  # statement id -> stable local reference

    @property
    def statements(self) -> list[Statement]:
        """Statements in id order (stable between runs)."""
        return sorted(self.argument_map.statements.values(), key=lambda s: s.pk)

    @property
    def relations(self):
        return self.argument_map.relations

    def author(self, participant_id: int | None) -> str:
        if not participant_id or not self.options.include_authors:
            return ""
        return self.names.get(participant_id, "")

    def shows_tally(self, statement_id: int) -> bool:
        """Whether this statement's tally (and its votes) may be written."""
        shown = self.options.results_for
        return self.options.include_votes and (shown is None or statement_id in shown)

    @property
    def shows_results(self) -> bool:
        """Whether the room's results may be written: only when every tally may be."""
        return self.options.include_votes and self.options.results_for is None

    @cached_property
    def votes(self) -> list[Vote]:
        """The votes on what is exported; loaded only by the formats that write them (one query).
        A link's strength votes go with it: the map shows link strengths to everyone."""
        if not self.options.include_votes:
            return []
        statement_ids, relation_ids = set(self.argument_map.statements), {r.pk for r in self.relations}
        return [
            v
            for v in Vote.objects.filter(workshop=self.workshop).order_by("id")
            if (v.statement_id in statement_ids and self.shows_tally(v.statement_id)) or v.relation_id in relation_ids
        ]

    @cached_property
    def annotations(self) -> list[Annotation]:
        """The annotations on what is exported; loaded only by the formats that write them (one query)."""
        statement_ids, relation_ids = set(self.argument_map.statements), {r.pk for r in self.relations}
        return [
            a
            for a in Annotation.objects.filter(workshop=self.workshop).order_by("id")
            if (self.options.include_hidden or not a.is_hidden)
            and (self.options.include_flags or a.kind != Annotation.Kind.FLAG)
            and (a.statement_id in statement_ids or a.relation_id in relation_ids or a.document_id)
        ]


def load_map_data(workshop: Workshop, options: ExportOptions) -> MapData:
    argument_map = load_argument_map(workshop, include_hidden=options.include_hidden)
    participants = list(Participant.objects.filter(workshop=workshop).order_by("id"))
    documents = list(SourceDocument.objects.filter(workshop=workshop).order_by("id"))
    if options.anonymise:
        names = {p.pk: f"P{i}" for i, p in enumerate(participants, start=1)}
    else:
        names = {p.pk: p.display_name for p in participants}
    data = MapData(workshop, argument_map, options, participants, documents, names)
    data.refs = {s.pk: f"S{i}" for i, s in enumerate(data.statements, start=1)}
    return data


@dataclass
class PlanStatement:
    ref: str
    kind: str
    text: str
    title: str = ""
    status: str = Statement.Status.VISIBLE
    source_citation: str = ""
    source_url: str = ""
    source_quote: str = ""
    source_kind: str = ""
    source_document: str = ""  # native JSON: the reference of a document in the same file
    author: str = ""
    created_at: str = ""


@dataclass
class PlanRelation:
    child: str
    parent: str
    kind: str  # supports | opposes | answers


@dataclass
class ImportPlan:
    """A map read from a file, before anything is stored."""

    title: str
    question: str
    statements: list[PlanStatement] = field(default_factory=list)
    relations: list[PlanRelation] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    lossy: list[str] = field(default_factory=list)  # what the conversion could not carry over
    extra: dict = field(default_factory=dict)  # native JSON: participants, votes, annotations, documents


class FormatError(ValueError):
    """A file that cannot be read; the message names the line or field."""


def clip(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
