"""Moderation actions: each endpoint calls the moderation domain function of the same name, which
checks that the seat moderates the workshop (or owns it) and logs one Event with the reason."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from deliberation import domain
from deliberation.models import Annotation, Participant, Statement

from .. import serializers as s
from ..common import get_in, seated
from .statements import shown, statement_in
from .workshops import workshop_data

TAG = ["moderation"]


def _body(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _workshop_action(name: str, serializer_class, call, summary: str):
    class View(GenericAPIView):
        serializer_class = s.WorkshopSerializer

        @extend_schema(tags=TAG, summary=summary, request=serializer_class, responses={200: s.WorkshopSerializer})
        def post(self, request, slug):
            workshop, seat = seated(request, slug)
            call(seat, workshop, _body(serializer_class, request), request)
            workshop.refresh_from_db()
            return Response(workshop_data(request, workshop, seat))

    View.__name__ = View.__qualname__ = f"Workshop{name.title().replace('_', '')}"
    return View


def _focus(seat, workshop, values, request):
    statement = statement_in(workshop, seat, values["statement"]) if values["statement"] else None
    domain.focus_statement(seat, workshop, statement)


def _co_moderator(seat, workshop, values, request):
    domain.add_co_moderator(seat, workshop, values["username"])


SetPhase = _workshop_action(
    "phase",
    s.PhaseSerializer,
    lambda seat, w, v, r: domain.set_phase(seat, w, v["phase"], v["reason"]),
    "Move the workshop to another phase",
)
SetFocus = _workshop_action("focus", s.FocusSerializer, _focus, "Put a statement in focus for the room (or none)")
SetTimer = _workshop_action(
    "timer",
    s.TimerSerializer,
    lambda seat, w, v, r: domain.set_timer(seat, w, v["seconds"], v["reason"]),
    "Start (or stop, with 0) the countdown",
)
RotateJoinCode = _workshop_action(
    "join_code",
    s.JoinCodeSerializer,
    lambda seat, w, v, r: domain.rotate_join_code(seat, w, v["rotate"], v["expires_at"], v["reason"]),
    "Issue a new join code and/or set when it expires",
)
SetNote = _workshop_action(
    "note",
    s.NoteSerializer,
    lambda seat, w, v, r: domain.set_moderation_note(seat, w, v["note"]),
    "Set the public moderation note",
)
AddCoModerator = _workshop_action(
    "co_moderator", s.CoModeratorSerializer, _co_moderator, "Add a co-moderator by account name (owner)"
)


class RemoveCoModerator(GenericAPIView):
    serializer_class = s.WorkshopSerializer

    @extend_schema(tags=TAG, summary="Remove a co-moderator (owner)", request=s.ReasonSerializer)
    def post(self, request, slug, username):
        workshop, seat = seated(request, slug)
        values = _body(s.ReasonSerializer, request)
        clean = "" if "\x00" in username else username[:150]
        user = workshop.co_moderators.filter(username=clean).first() if clean else None
        if user is None:
            user = get_user_model()(username=clean)  # unknown: the domain explains
            user.pk = 0
        domain.remove_co_moderator(seat, workshop, user, values["reason"])
        workshop.refresh_from_db()
        return Response(workshop_data(request, workshop, seat))


STATEMENT_ACTIONS = {
    "approve": (s.ReasonSerializer, lambda seat, st, v, w: domain.approve_statement(seat, st, v["reason"])),
    "reject": (s.ReasonSerializer, lambda seat, st, v, w: domain.reject_statement(seat, st, v["reason"])),
    "hide": (s.ReasonSerializer, lambda seat, st, v, w: domain.hide_statement(seat, st, v["reason"])),
    "restore": (s.ReasonSerializer, lambda seat, st, v, w: domain.restore_statement(seat, st, v["reason"])),
    "lock": (s.ReasonSerializer, lambda seat, st, v, w: domain.lock_statement(seat, st, v["reason"])),
    "unlock": (s.ReasonSerializer, lambda seat, st, v, w: domain.unlock_statement(seat, st, v["reason"])),
    "move": (
        s.MoveSerializer,
        lambda seat, st, v, w: domain.move_statement(
            seat, st, statement_in(w, seat, v["parent"]), v["relation"], v["reason"]
        ),
    ),
    "merge": (
        s.MergeSerializer,
        lambda seat, st, v, w: domain.merge_statements(seat, st, statement_in(w, seat, v["into"]), v["reason"]),
    ),
    "unmerge": (s.ReasonSerializer, lambda seat, st, v, w: domain.unmerge_statement(seat, st, v["reason"])),
}
STATEMENT_SUMMARIES = {
    "approve": "Approve a pending (or rejected) statement",
    "reject": "Reject a pending statement, with a reason for its author",
    "hide": "Hide a statement",
    "restore": "Show a hidden, rejected or withdrawn statement again",
    "lock": "Lock a statement against edits and replies",
    "unlock": "Unlock a statement",
    "move": "Give a statement a different parent",
    "merge": "Merge this duplicate into another statement",
    "unmerge": "Undo the merge of this statement: it stands again with its own links, votes and comments",
}


def merged_statement(workshop, seat, statement_id) -> Statement:
    """A statement merged into another, which only moderators see (to undo the merge)."""
    shown_to_seat = Statement.objects.in_workshop(workshop) if seat.is_moderator else shown(workshop, seat)
    statement = get_in(shown_to_seat, statement_id, "statement")
    statement.workshop = workshop
    return statement


def _statement_action(action: str):
    serializer_class, call = STATEMENT_ACTIONS[action]

    class View(GenericAPIView):
        serializer_class = s.StatementSerializer

        @extend_schema(
            tags=TAG,
            summary=STATEMENT_SUMMARIES[action],
            request=serializer_class,
            responses={200: s.StatementSerializer},
            operation_id=f"statement_{action}",
        )
        def post(self, request, slug, statement_id):
            workshop, seat = seated(request, slug)
            find = merged_statement if action == "unmerge" else statement_in
            statement = find(workshop, seat, statement_id)
            values = _body(serializer_class, request)
            statement = call(seat, statement, values, workshop)
            statement.refresh_from_db()
            return Response(s.StatementSerializer(statement).data)

    View.__name__ = View.__qualname__ = f"Statement{action.title()}"
    return View


STATEMENT_VIEWS = {action: _statement_action(action) for action in STATEMENT_ACTIONS}


ANNOTATION_ACTIONS = {
    "hide": lambda seat, a, reason: domain.hide_annotation(seat, a, True, reason),
    "show": lambda seat, a, reason: domain.hide_annotation(seat, a, False, reason),
    "resolve": lambda seat, a, reason: domain.resolve_flag(seat, a, reason),
}


def _annotation_action(action: str):
    class View(GenericAPIView):
        serializer_class = s.AnnotationSerializer

        @extend_schema(
            tags=TAG,
            summary={"hide": "Hide an annotation", "show": "Show a hidden annotation", "resolve": "Resolve a flag"}[
                action
            ],
            request=s.ReasonSerializer,
            responses={200: s.AnnotationSerializer},
            operation_id=f"annotation_{action}",
        )
        def post(self, request, slug, annotation_id):
            workshop, seat = seated(request, slug)
            annotation = get_in(
                Annotation.objects.filter(workshop=workshop).select_related("workshop"), annotation_id, "annotation"
            )
            annotation.workshop = workshop
            values = _body(s.ReasonSerializer, request)
            annotation = ANNOTATION_ACTIONS[action](seat, annotation, values["reason"])
            return Response(s.AnnotationSerializer(annotation).data)

    View.__name__ = View.__qualname__ = f"Annotation{action.title()}"
    return View


ANNOTATION_VIEWS = {action: _annotation_action(action) for action in ANNOTATION_ACTIONS}


PARTICIPANT_ACTIONS = {
    "rename": (
        s.RenameSerializer,
        lambda seat, p, v: domain.rename_participant(seat, p, v["display_name"], v["reason"]),
        "Rename a participant",
    ),
    "role": (
        s.RoleSerializer,
        lambda seat, p, v: domain.set_participant_role(seat, p, v["role"], v["reason"]),
        "Make someone a participant, an observer or (owner) a moderator",
    ),
    "ban": (
        s.BanSerializer,
        lambda seat, p, v: domain.ban_participant(seat, p, v["hide_content"], v["reason"]),
        "Remove someone from the workshop",
    ),
    "unban": (
        s.ReasonSerializer,
        lambda seat, p, v: domain.unban_participant(seat, p, v["reason"]),
        "Let a removed participant back in",
    ),
}


def _participant_action(action: str):
    serializer_class, call, summary = PARTICIPANT_ACTIONS[action]

    class View(GenericAPIView):
        serializer_class = s.ParticipantSerializer

        @extend_schema(
            tags=TAG,
            summary=summary,
            request=serializer_class,
            responses={200: s.ParticipantSerializer},
            operation_id=f"participant_{action}",
        )
        def post(self, request, slug, participant_id):
            workshop, seat = seated(request, slug)
            person = get_in(Participant.objects.filter(workshop=workshop), participant_id, "participant")
            person.workshop = workshop
            person = call(seat, person, _body(serializer_class, request))
            return Response(s.ParticipantSerializer(person).data)

    View.__name__ = View.__qualname__ = f"Participant{action.title()}"
    return View


PARTICIPANT_VIEWS = {action: _participant_action(action) for action in PARTICIPANT_ACTIONS}
