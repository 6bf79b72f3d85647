"""Admin for every model, arranged for a moderator looking something up in a hurry."""

from django.contrib import admin
from django.db import models

from .models import (
    Annotation,
    ApiToken,
    Event,
    Participant,
    Relation,
    SourceDocument,
    Statement,
    StreamPresence,
    Vote,
    Workshop,
)


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ("display_name", "role", "user", "is_banned", "joined_at")
    readonly_fields = ("joined_at",)
    extra = 0
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("title", "phase", "join_code", "owner", "premoderation", "created_at")
    list_filter = ("phase", "premoderation", "anonymous_aliases", "created_at")
    search_fields = ("title", "question", "join_code", "slug", "owner__username")
    readonly_fields = ("slug", "created_at", "updated_at")
    filter_horizontal = ("co_moderators",)
    raw_id_fields = ("focus_statement",)
    inlines = [ParticipantInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("display_name", "workshop", "role", "user", "is_banned", "joined_at", "last_seen_at")
    list_filter = ("role", "is_banned", "workshop")
    search_fields = ("display_name", "user__username", "workshop__title")
    readonly_fields = ("resume_token", "joined_at")
    raw_id_fields = ("workshop", "user")


# Links typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ("title", "kind", "status", "workshop", "author", "is_locked", "version", "created_at")
    list_filter = ("kind", "status", "is_locked", "source_kind", "workshop")
    search_fields = ("title", "text", "source_citation", "author__display_name")
    raw_id_fields = ("workshop", "author", "merged_into", "source_document")
    readonly_fields = ("version", "created_at", "updated_at")


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "target", "workshop", "created_at")
    list_filter = ("kind", "workshop")
    search_fields = ("source__title", "target__title")
    raw_id_fields = ("workshop", "source", "target", "author")


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("participant", "kind", "value", "statement", "relation", "updated_at")
    list_filter = ("kind", "workshop")
    search_fields = ("participant__display_name", "statement__title")
    raw_id_fields = ("workshop", "participant", "statement", "relation")


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("kind", "short_text", "statement", "author", "is_hidden", "resolved_at", "created_at")
    list_filter = ("kind", "is_hidden", "workshop")
    search_fields = ("text", "quote_exact", "author__display_name", "statement__title")
    raw_id_fields = ("workshop", "author", "statement", "relation", "document", "parent")

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:80]


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ("title", "workshop", "citation", "created_at")
    list_filter = ("workshop",)
    search_fields = ("title", "citation", "text")
    raw_id_fields = ("workshop", "added_by")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "verb", "workshop", "actor", "statement", "created_at")
    list_filter = ("verb", "workshop")
    search_fields = ("verb", "actor__display_name", "statement__title")
    raw_id_fields = ("workshop", "actor", "actor_user", "statement")

    # The log is append-only: the admin shows it, never rewrites it.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")


@admin.register(StreamPresence)
class StreamPresenceAdmin(admin.ModelAdmin):
    list_display = ("process", "workshop", "connections", "heartbeat_at")
    list_filter = ("workshop",)
