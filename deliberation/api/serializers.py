"""Serializers shape output and validate the form of input; the domain functions decide the rest
(permissions, phases, limits), so a request is refused for the same reasons as on the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deliberation.models import (
    MAX_TEXT_LENGTH,
    Annotation,
    ApiToken,
    Event,
    Participant,
    Phase,
    Relation,
    Role,
    SourceDocument,
    Statement,
    Vote,
    Workshop,
)

from .common import MAX_ID

REASON = {"required": False, "allow_blank": True, "max_length": 500, "default": ""}


def object_id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- Workshops ------------------------------------------------------------------------------------

WORKSHOP_SETTINGS = (
    "description",
    "pole_a",
    "pole_b",
    "premoderation",
    "anonymous_aliases",
    "hide_results_until_voted",
    "allow_agreement_votes",
    "allow_strength_votes",
    "allow_lens_votes",
    "max_text_length",
)


class WorkshopSerializer(serializers.ModelSerializer):
    question_statement = serializers.SerializerMethodField()
    my_participant = serializers.SerializerMethodField(help_text="The id of your own seat in this workshop.")
    join_code = serializers.SerializerMethodField(help_text="Moderators only; null for everyone else.")
    join_code_expires_at = serializers.SerializerMethodField(help_text="Moderators only.")

    class Meta:
        model = Workshop
        fields = (
            "slug",
            "title",
            "question",
            *WORKSHOP_SETTINGS,
            "phase",
            "moderation_note",
            "focus_statement",
            "timer_ends_at",
            "question_statement",
            "my_participant",
            "join_code",
            "join_code_expires_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def _seat(self) -> Participant | None:
        return self.context.get("seat")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_question_statement(self, workshop) -> int | None:
        return (
            Statement.objects.filter(workshop=workshop, kind=Statement.Kind.QUESTION)
            .values_list("id", flat=True)
            .first()
        )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_my_participant(self, workshop):
        seat = self._seat()
        return seat.pk if seat and seat.workshop_id == workshop.pk else None

    def _moderates(self, workshop) -> bool:
        seat = self._seat()
        return bool(seat and seat.workshop_id == workshop.pk and seat.is_moderator)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_join_code(self, workshop):
        return workshop.display_join_code if self._moderates(workshop) else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_join_code_expires_at(self, workshop):
        if not self._moderates(workshop) or workshop.join_code_expires_at is None:
            return None
        return serializers.DateTimeField().to_representation(workshop.join_code_expires_at)


class WorkshopSettingsMixin(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    pole_a = serializers.CharField(required=False, allow_blank=True, max_length=80)
    pole_b = serializers.CharField(required=False, allow_blank=True, max_length=80)
    premoderation = serializers.BooleanField(required=False)
    anonymous_aliases = serializers.BooleanField(required=False)
    hide_results_until_voted = serializers.BooleanField(required=False)
    allow_agreement_votes = serializers.BooleanField(required=False)
    allow_strength_votes = serializers.BooleanField(required=False)
    allow_lens_votes = serializers.BooleanField(required=False)
    max_text_length = serializers.IntegerField(required=False, min_value=20, max_value=MAX_TEXT_LENGTH)


class WorkshopCreateSerializer(WorkshopSettingsMixin):
    title = serializers.CharField(max_length=200)
    question = serializers.CharField(max_length=500)


class WorkshopUpdateSerializer(WorkshopSettingsMixin):
    title = serializers.CharField(required=False, max_length=200)
    question = serializers.CharField(required=False, max_length=500)
    reason = serializers.CharField(**REASON)


# --- Participants ---------------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ("id", "display_name", "role", "is_banned", "joined_at")
        read_only_fields = fields


class JoinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The join code, with or without its dash.")
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    anonymous = serializers.BooleanField(required=False, default=False, help_text="Take a random alias.")


class SeatSerializer(ParticipantSerializer):
    """Your own seat: its resume token is the `X-Participant-Token` that acts as you. Keep it secret."""

    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(ParticipantSerializer.Meta):
        fields = (*ParticipantSerializer.Meta.fields, "workshop", "resume_token")
        read_only_fields = fields


# --- Statements and relations ---------------------------------------------------------------------


class StatementSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    source_url = serializers.CharField(read_only=True, help_text="A link or DOI URL; empty when none.")
    source_kind = serializers.CharField(
        read_only=True, help_text="Evidence only: study, statistic, report, expert, news or anecdote; else empty."
    )

    class Meta:
        model = Statement
        fields = (
            "id",
            "kind",
            "title",
            "text",
            "status",
            "author",
            "author_name",
            "moderation_reason",
            "merged_into",
            "is_locked",
            "version",
            "source_citation",
            "source_url",
            "source_quote",
            "source_kind",
            "source_document",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, statement):
        return statement.author.display_name if statement.author_id else None


class StatementCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[Statement.Kind.POSITION, Statement.Kind.CLAIM, Statement.Kind.EVIDENCE],
        help_text="A position answers the question; claims and evidence support or oppose a statement.",
    )
    parent = object_id(required=False, help_text="The statement it speaks to (positions: the question, by default).")
    relation = serializers.ChoiceField(choices=Relation.Kind.choices, required=False)
    text = serializers.CharField(max_length=MAX_TEXT_LENGTH)
    title = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    source_citation = serializers.CharField(required=False, allow_blank=True, max_length=500)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    source_quote = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH)
    source_kind = serializers.ChoiceField(choices=Statement.SourceKind.choices, required=False, allow_blank=True)
    source_document = object_id(required=False)


class StatementEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT_LENGTH)
    title = serializers.CharField(
        required=False,
        allow_blank=True,  # the domain refuses an empty title with the same message as the pages
        max_length=Statement._meta.get_field("title").max_length,
        help_text="A new title, unique in the workshop. Left out (or unchanged), a title made from the "
        "text's opening words follows the new text and a chosen one stays.",
    )
    expected_version = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The `version` you read; a newer one answers 409."
    )


class RelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Relation
        fields = ("id", "source", "target", "kind", "author", "created_at")
        read_only_fields = fields


class RelationCreateSerializer(serializers.Serializer):
    source = object_id(help_text="The child statement.")
    target = object_id(help_text="The parent it supports, opposes or answers.")
    kind = serializers.ChoiceField(choices=Relation.Kind.choices)


# --- Votes and annotations ------------------------------------------------------------------------


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ("id", "kind", "statement", "relation", "value", "created_at", "updated_at")
        read_only_fields = fields


class VoteTargetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Vote.Kind.choices)
    statement = object_id(required=False, help_text="For agreement and lens votes.")
    relation = object_id(required=False, help_text="For strength votes.")


class VoteCastSerializer(VoteTargetSerializer):
    value = serializers.IntegerField(min_value=-2, max_value=4, help_text="Agreement −2…2; strength and lens 0…4.")


class AnnotationSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = (
            "id",
            "kind",
            "text",
            "author",
            "author_name",
            "statement",
            "relation",
            "document",
            "parent",
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "is_hidden",
            "resolved_at",
            "created_at",
            "edited_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, annotation):
        return annotation.author.display_name if annotation.author_id else None


class AnnotationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Annotation.Kind.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH, default="")
    statement = object_id(required=False)
    relation = object_id(required=False)
    document = object_id(required=False)
    parent = object_id(required=False, help_text="The comment this one answers.")
    quote_exact = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH, default="")
    quote_prefix = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    quote_suffix = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class AnnotationEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT_LENGTH, help_text="The comment's new words.")


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True, help_text="Where the text comes from; empty when unknown.")

    class Meta:
        model = SourceDocument
        fields = ("id", "title", "citation", "url", "text", "created_at")
        read_only_fields = fields


# --- Events ---------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    """Moderators see who did it and the payload; everyone else the verb and the statement."""

    actor = serializers.SerializerMethodField()
    payload = serializers.SerializerMethodField()
    statement = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ("id", "verb", "statement", "actor", "payload", "created_at")
        read_only_fields = fields

    def _moderator(self) -> bool:
        return bool(self.context.get("seat") and self.context["seat"].is_moderator)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_statement(self, event):
        if self._moderator() or event.statement_id in self.context.get("visible_ids", ()):
            return event.statement_id
        return None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_actor(self, event):
        return event.actor_id if self._moderator() else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_payload(self, event):
        return event.payload if self._moderator() else None


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    last_id = serializers.IntegerField(help_text="Pass it as `since` to get what happened next.")
    has_more = serializers.BooleanField()


class EventQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(required=False, min_value=0, max_value=2**63 - 1, default=0)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)


# --- Moderation -----------------------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(**REASON)


class PhaseSerializer(ReasonSerializer):
    phase = serializers.ChoiceField(choices=Phase.choices)


class FocusSerializer(serializers.Serializer):
    statement = object_id(allow_null=True, help_text="null clears the focus.")


class TimerSerializer(ReasonSerializer):
    seconds = serializers.IntegerField(min_value=0, max_value=24 * 60 * 60, help_text="0 stops the timer.")


class JoinCodeSerializer(ReasonSerializer):
    rotate = serializers.BooleanField(required=False, default=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=2000)


class MoveSerializer(ReasonSerializer):
    parent = object_id()
    relation = serializers.ChoiceField(choices=Relation.Kind.choices, required=False, allow_blank=True, default="")


class MergeSerializer(ReasonSerializer):
    into = object_id(help_text="The statement that remains.")


class RenameSerializer(ReasonSerializer):
    display_name = serializers.CharField(max_length=100)


class RoleSerializer(ReasonSerializer):
    role = serializers.ChoiceField(choices=[Role.PARTICIPANT, Role.OBSERVER, Role.MODERATOR])


class BanSerializer(ReasonSerializer):
    hide_content = serializers.BooleanField(required=False, default=False)


class CoModeratorSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


# --- Tokens ---------------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "last_used_at")
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class NewApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once: store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "key")
        read_only_fields = fields


class AnnotationFilterSerializer(serializers.Serializer):
    statement = object_id(required=False)
    document = object_id(required=False)
