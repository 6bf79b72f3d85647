"""The argument map and the live workshop.

Invariants a database can hold are constraints here; the rest (phases, permissions, links within
one workshop, text limits) are checked by the domain functions in `deliberation.domain`.
"""

import secrets

from django.conf import settings
from django.db import connection, models
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: a code read aloud or off a projector must not be misread.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 10  # 31**10 ≈ 2**49.5, comfortably above 40 bits
MAX_TEXT_LENGTH = 2000  # hard ceiling; each workshop sets its own, lower limit
TITLE_LENGTH = 80


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_slug() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET.lower()) for _ in range(8))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normalise_join_code(raw: str) -> str:
    """Codes are shown as ABCDE-FGHJK; people type them with spaces, dashes and lower case."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONTRIBUTE = "contribute", _("Contribute")
    VOTE = "vote", _("Vote")
    CLOSED = "closed", _("Closed")


class WorkshopQuerySet(models.QuerySet):
    def moderated_by(self, user):
        return self.filter(Q(owner=user) | Q(co_moderators=user)).distinct()


class Workshop(models.Model):
    """One deliberation on one question, with its settings and live state."""

    slug = models.CharField(max_length=40, unique=True, default=new_slug, editable=False)
    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(_("question"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    pole_a = models.CharField(_("first dilemma pole"), max_length=80, blank=True)
    pole_b = models.CharField(_("second dilemma pole"), max_length=80, blank=True)

    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    join_code_expires_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.DRAFT)

    premoderation = models.BooleanField(_("pre-moderate contributions"), default=False)
    anonymous_aliases = models.BooleanField(_("give participants random aliases"), default=False)
    hide_results_until_voted = models.BooleanField(_("hide results until voted"), default=False)
    allow_agreement_votes = models.BooleanField(_("agreement votes"), default=True)
    allow_strength_votes = models.BooleanField(_("link strength votes"), default=True)
    allow_lens_votes = models.BooleanField(_("dilemma lens votes"), default=True)
    max_text_length = models.PositiveIntegerField(_("maximum text length"), default=500)
    moderation_note = models.TextField(_("public moderation note"), blank=True)

    focus_statement = models.ForeignKey("Statement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    timer_ends_at = models.DateTimeField(null=True, blank=True)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_workshops")
    co_moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="co_moderated_workshops")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="workshop_phase_valid"),
            models.CheckConstraint(
                condition=Q(max_text_length__gte=20, max_text_length__lte=MAX_TEXT_LENGTH),
                name="workshop_text_limit_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_dilemma(self) -> bool:
        return bool(self.pole_a and self.pole_b)

    @property
    def display_join_code(self) -> str:
        return f"{self.join_code[:5]}-{self.join_code[5:]}"

    def join_code_is_valid(self, now=None) -> bool:
        return self.join_code_expires_at is None or self.join_code_expires_at > (now or timezone.now())

    def is_moderator(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return self.owner_id == user.pk or self.co_moderators.filter(pk=user.pk).exists()

    def root(self) -> "Statement":
        return self.statements.get(kind=Statement.Kind.QUESTION)


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_banned=False)


class Participant(models.Model):
    """A person inside one workshop; no account needed, a secret token resumes the seat."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(_("display name"), max_length=40)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    resume_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    is_banned = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(Lower("display_name"), "workshop", name="participant_name_unique_in_workshop"),
            models.UniqueConstraint(
                fields=["workshop", "user"], condition=Q(user__isnull=False), name="participant_one_seat_per_user"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="participant_role_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.OWNER, Role.MODERATOR)


TALLY_NAMES = (
    "agreement_count",
    "agreement_mean",
    "agree_count",
    "disagree_count",
    "unsure_count",
    "lens_a_mean",
    "lens_b_mean",
)


def tally_expressions(votes: str = "") -> dict:
    """A statement's tally (agreement counts and mean, the two lens means) as aggregate expressions.
    `votes` is the path from the model queried to its votes: "votes__" from Statement, "" on Vote."""
    target, value = votes.removesuffix("__") or "pk", f"{votes}value"
    agreement = Q(**{f"{votes}kind": VoteKind.AGREEMENT})
    return {
        "agreement_count": Count(target, filter=agreement),
        "agreement_mean": Avg(value, filter=agreement),
        "agree_count": Count(target, filter=agreement & Q(**{f"{value}__gt": 0})),
        "disagree_count": Count(target, filter=agreement & Q(**{f"{value}__lt": 0})),
        "unsure_count": Count(target, filter=agreement & Q(**{value: 0})),
        "lens_a_mean": Avg(value, filter=Q(**{f"{votes}kind": VoteKind.LENS_A})),
        "lens_b_mean": Avg(value, filter=Q(**{f"{votes}kind": VoteKind.LENS_B})),
    }


# `tally_expressions` written out, for the two places that read tallies on every request: the
# vote's answer and the map. Building these filtered aggregates through the ORM cost several times
# what the database needs to answer them. `tests/test_tallies.py` holds all three definitions equal.
TALLY_COLUMNS = """
    COUNT(*) FILTER (WHERE kind = %(agreement)s),
    AVG(value) FILTER (WHERE kind = %(agreement)s),
    COUNT(*) FILTER (WHERE kind = %(agreement)s AND value > 0),
    COUNT(*) FILTER (WHERE kind = %(agreement)s AND value < 0),
    COUNT(*) FILTER (WHERE kind = %(agreement)s AND value = 0),
    AVG(value) FILTER (WHERE kind = %(lens_a)s),
    AVG(value) FILTER (WHERE kind = %(lens_b)s)"""
MEAN_NAMES = {"agreement_mean", "lens_a_mean", "lens_b_mean", "strength_mean"}


def _kind_params() -> dict:
    """The vote kinds the tally columns name (`VoteKind` is defined further down)."""
    return {
        "agreement": VoteKind.AGREEMENT,
        "lens_a": VoteKind.LENS_A,
        "lens_b": VoteKind.LENS_B,
        "strength": VoteKind.STRENGTH,
    }


def _figures(names, values) -> dict:
    """Column values by name; the means as floats (PostgreSQL's AVG of integers is a decimal)."""
    return {
        name: float(v) if name in MEAN_NAMES and v is not None else v for name, v in zip(names, values, strict=True)
    }


def statement_tally(statement_id: int, viewer_id: int | None) -> dict:
    """`tally_expressions` for one statement, plus the viewer's own votes on it (`my_<kind>`):
    what the vote widget shows after every vote, in one query."""
    sql = f"""
        SELECT {TALLY_COLUMNS},
               MAX(value) FILTER (WHERE kind = %(agreement)s AND participant_id = %(viewer)s),
               MAX(value) FILTER (WHERE kind = %(lens_a)s AND participant_id = %(viewer)s),
               MAX(value) FILTER (WHERE kind = %(lens_b)s AND participant_id = %(viewer)s)
        FROM {Vote._meta.db_table} WHERE statement_id = %(statement)s
    """  # noqa: S608 - no value in the text; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_kind_params(), "viewer": viewer_id, "statement": statement_id})
        row = cursor.fetchone()
    names = [*TALLY_NAMES, *(f"my_{kind}" for kind in (VoteKind.AGREEMENT, VoteKind.LENS_A, VoteKind.LENS_B))]
    return _figures(names, row)


EMPTY_TALLY = {
    name: 0 if name.endswith("_count") else None for name in (*TALLY_NAMES, "strength_count", "strength_mean")
}


def workshop_tallies(workshop_id: int) -> tuple[dict[int, dict], dict[int, dict]]:
    """The figures of `tally_expressions` per statement and of `with_strength` per link, for a whole
    workshop, from one grouped pass over its votes: ({statement id: figures}, {relation id: figures}).

    Annotating the statements instead joins every vote to its statement's whole row and sorts them
    together, and annotating the links read the votes of every workshop: on a map with thousands of
    votes that cost PostgreSQL more than everything else a page does. Targets without votes are
    missing here; `EMPTY_TALLY` holds their figures.
    """
    sql = f"""
        SELECT statement_id, relation_id, {TALLY_COLUMNS},
               COUNT(*) FILTER (WHERE kind = %(strength)s),
               AVG(value) FILTER (WHERE kind = %(strength)s)
        FROM {Vote._meta.db_table} WHERE workshop_id = %(workshop)s
        GROUP BY statement_id, relation_id
    """  # noqa: S608 - no value in the text; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_kind_params(), "workshop": workshop_id})
        rows = cursor.fetchall()
    names = (*TALLY_NAMES, "strength_count", "strength_mean")
    by_statement, by_relation = {}, {}
    for statement_id, relation_id, *values in rows:
        if relation_id is not None:
            by_relation[relation_id] = _figures(names, values)
        else:
            by_statement[statement_id] = _figures(names, values)
    return by_statement, by_relation


class StatementQuerySet(models.QuerySet):
    def in_workshop(self, workshop):
        return self.filter(workshop=workshop)

    def visible(self):
        return self.filter(status=Statement.Status.VISIBLE)

    def shown_to(self, participant):
        """What a participant may see: visible items, plus their own pending ones."""
        if participant is None:
            return self.visible()
        if participant.is_moderator:
            return self.exclude(status=Statement.Status.MERGED)
        return self.filter(
            Q(status=Statement.Status.VISIBLE)
            | Q(author=participant, status__in=[Statement.Status.PENDING, Statement.Status.REJECTED])
        )

    def with_tallies(self):
        return self.annotate(**tally_expressions("votes__"))

    def for_map(self):
        """Without tallies: `workshop_tallies` adds them from one grouped pass over the votes."""
        return self.select_related("author", "source_document").order_by("id")


class StatementKind(models.TextChoices):
    QUESTION = "question", _("Question")
    POSITION = "position", _("Position")
    CLAIM = "claim", _("Claim")
    EVIDENCE = "evidence", _("Evidence")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")
    MERGED = "merged", _("Merged")


class SourceKind(models.TextChoices):
    STUDY = "study", _("Study")
    STATISTIC = "statistic", _("Statistic")
    REPORT = "report", _("Report")
    EXPERT = "expert", _("Expert opinion")
    NEWS = "news", _("News")
    ANECDOTE = "anecdote", _("Anecdote")


class Statement(models.Model):
    """A node of the argument map."""

    Kind = StatementKind
    Status = StatementStatus
    SourceKind = SourceKind

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_LENGTH)
    text = models.TextField()
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    moderation_reason = models.CharField(max_length=500, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    is_locked = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    # Evidence only: where it comes from.
    source_citation = models.CharField(max_length=500, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    source_quote = models.TextField(blank=True)
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices, blank=True)
    source_document = models.ForeignKey(
        "SourceDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=StatementKind.values), name="statement_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=StatementStatus.values), name="statement_status_valid"),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="statement_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(source_kind="") | Q(source_kind__in=SourceKind.values), name="statement_source_kind_valid"
            ),
            models.UniqueConstraint(fields=["workshop", "title"], name="statement_title_unique_in_workshop"),
            models.UniqueConstraint(
                fields=["workshop"], condition=Q(kind="question"), name="statement_one_question_per_workshop"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status"])]

    def __str__(self) -> str:
        return self.title

    def is_shown_to(self, participant) -> bool:
        """`StatementQuerySet.shown_to` for one loaded statement."""
        if self.status == Statement.Status.VISIBLE:
            return True
        if participant is None:
            return False
        if participant.is_moderator:
            return self.status != Statement.Status.MERGED
        return self.author_id == participant.pk and self.status in (
            Statement.Status.PENDING,
            Statement.Status.REJECTED,
        )


class RelationQuerySet(models.QuerySet):
    def in_workshop(self, workshop):
        return self.filter(workshop=workshop)

    def between_visible(self):
        visible = Statement.Status.VISIBLE
        return self.filter(source__status=visible, target__status=visible)

    def with_strength(self):
        strength = Q(votes__kind=Vote.Kind.STRENGTH)
        return self.annotate(
            strength_count=Count("votes", filter=strength),
            strength_mean=Avg("votes__value", filter=strength),
        )

    def for_map(self):
        """Without strength: `workshop_tallies` adds it from one grouped pass over the votes."""
        return self.order_by("id")


class RelationKind(models.TextChoices):
    SUPPORTS = "supports", _("supports")
    OPPOSES = "opposes", _("opposes")
    ANSWERS = "answers", _("answers")


class Relation(models.Model):
    """A typed edge from a child statement (source) to the parent it speaks to (target)."""

    Kind = RelationKind

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="relations")
    source = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="incoming")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RelationKind.values), name="relation_kind_valid"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="relation_no_self_link"),
            models.UniqueConstraint(fields=["source", "target"], name="relation_one_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class VoteQuerySet(models.QuerySet):
    def by(self, participant):
        if participant is None:
            return self.none()
        return self.filter(participant=participant)


class VoteKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement")
    STRENGTH = "strength", _("Strength")
    LENS_A = "lens_a", _("First pole")
    LENS_B = "lens_b", _("Second pole")


class Vote(models.Model):
    """One participant's current judgement on one target; changing it updates the row."""

    Kind = VoteKind

    # (low, high) inclusive, also enforced by check constraints below.
    RANGES = {VoteKind.AGREEMENT: (-2, 2), VoteKind.STRENGTH: (0, 4), VoteKind.LENS_A: (0, 4), VoteKind.LENS_B: (0, 4)}

    # No index of their own: the (workshop, kind) index and the unique constraints, which begin
    # with these columns, serve every lookup, and each vote would write to two more indexes.
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes", db_index=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes", db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="votes")
    relation = models.ForeignKey(Relation, null=True, blank=True, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=VoteKind.values), name="vote_kind_valid"),
            models.CheckConstraint(
                condition=(
                    Q(kind="strength", relation__isnull=False, statement__isnull=True)
                    | (~Q(kind="strength") & Q(statement__isnull=False, relation__isnull=True))
                ),
                name="vote_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="agreement", value__gte=-2, value__lte=2)
                    | (~Q(kind="agreement") & Q(value__gte=0, value__lte=4))
                ),
                name="vote_value_in_range",
            ),
            # Not partial on purpose: NULLs never collide, and a plain unique index lets a vote be
            # an atomic upsert (INSERT … ON CONFLICT) instead of a racy read-then-write.
            models.UniqueConstraint(
                fields=["participant", "statement", "kind"], name="vote_one_per_participant_statement_kind"
            ),
            models.UniqueConstraint(
                fields=["participant", "relation", "kind"], name="vote_one_per_participant_relation_kind"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "kind"])]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind}={self.value}"


class VoteWindow(models.Model):
    """A seat's current window of the vote rate limit: when it opened and the votes counted in it.

    Kept beside the votes, so that a page's vote counts itself in the statement that writes it
    (`domain.votes.cast_vote_by_seat`) and every app process shares the count without a cache
    server. The other rate limits, on rarer actions, stay in the cache (`deliberation.ratelimit`)."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, primary_key=True, related_name="+")
    opened_at = models.DateTimeField()
    hits = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.hits} since {self.opened_at:%H:%M:%S}"


class SourceDocument(models.Model):
    """Reading material for the workshop, which highlights can anchor into."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    citation = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=500, blank=True)
    text = models.TextField()
    added_by = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class AnnotationQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def open_flags(self):
        return self.filter(kind=Annotation.Kind.FLAG, resolved_at__isnull=True)


class AnnotationKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    QUESTION = "question", _("Question")
    TAG = "tag", _("Tag")
    FLAG = "flag", _("Flag for a moderator")
    HIGHLIGHT = "highlight", _("Highlight")


class Annotation(models.Model):
    """A comment, question, tag or flag on a statement or relation, or a highlight in a document.

    Highlights use a W3C text-quote selector (exact + prefix + suffix) so they stay anchored
    when offsets would drift.
    """

    Kind = AnnotationKind

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations"
    )
    relation = models.ForeignKey(Relation, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations")
    document = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="highlights"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(blank=True)
    quote_exact = models.TextField(blank=True)
    quote_prefix = models.CharField(max_length=200, blank=True)
    quote_suffix = models.CharField(max_length=200, blank=True)
    is_hidden = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)  # readers are told a comment was changed

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AnnotationKind.values), name="annotation_kind_valid"),
            models.CheckConstraint(
                condition=Q(statement__isnull=False) | Q(relation__isnull=False) | Q(document__isnull=False),
                name="annotation_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(kind="highlight") | (Q(document__isnull=False) & ~Q(quote_exact="")),
                name="annotation_highlight_has_quote",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"


class EventQuerySet(models.QuerySet):
    def in_workshop(self, workshop):
        return self.filter(workshop=workshop)

    def after(self, event_id: int):
        return self.filter(id__gt=event_id).order_by("id")


class Event(models.Model):
    """Append-only log: one row per change, written in the change's own transaction.

    It feeds the live streams (its id is the SSE id), the audit log and reproducible reports.
    """

    # No index of its own: the (workshop, id) index begins with it.
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="events", db_index=False)
    verb = models.CharField(max_length=40)
    actor = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workshop", "id"]), models.Index(fields=["workshop", "verb"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb}"


class ApiToken(models.Model):
    """A named bearer token a moderator creates for scripts; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class StreamPresence(models.Model):
    """Open event streams per app process and workshop, summed across processes for presence."""

    process = models.CharField(max_length=64)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    connections = models.PositiveIntegerField(default=0)
    participants = models.JSONField(default=list, blank=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "workshop"], name="presence_one_row_per_process")]

    def __str__(self) -> str:
        return f"{self.process}: {self.connections}"
