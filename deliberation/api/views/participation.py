"""Votes, annotations, source documents and the event log."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from deliberation import domain
from deliberation.models import Annotation, Event, SourceDocument, Vote
from deliberation.ratelimit import check_named, check_vote_rate

from .. import serializers as s
from ..common import IdPagination, get_in, seated
from .statements import shown, statement_in, visible_relations

TAG = ["participation"]


def vote_target(workshop, seat, values) -> dict:
    target = {}
    if values.get("statement"):
        target["statement"] = statement_in(workshop, seat, values["statement"])
    if values.get("relation"):
        relation = get_in(visible_relations(workshop, seat).select_related("workshop"), values["relation"], "link")
        relation.workshop = workshop
        target["relation"] = relation
    return target


class VoteList(ListModelMixin, GenericAPIView):
    serializer_class = s.VoteSerializer
    pagination_class = IdPagination
    queryset = Vote.objects.none()

    @extend_schema(tags=TAG, summary="Your own votes in a workshop", operation_id="votes_list")
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        page = self.paginate_queryset(Vote.objects.filter(workshop=workshop, participant=seat))
        return self.get_paginated_response(s.VoteSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Cast or change a vote",
        description="Agreement (−2…2) and lens (0…4) votes go on a `statement`, strength (0…4) on a "
        "`relation`. Voting again on the same target and kind changes the vote.",
        request=s.VoteCastSerializer,
        responses={200: s.VoteSerializer},
    )
    def post(self, request, slug):
        workshop, seat = seated(request, slug)
        data = s.VoteCastSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target = vote_target(workshop, seat, values)
        check_vote_rate(seat.resume_token)
        vote = domain.cast_vote(seat, values["kind"], values["value"], **target)
        vote.refresh_from_db()
        return Response(s.VoteSerializer(vote).data)


class VoteRetract(GenericAPIView):
    serializer_class = s.VoteTargetSerializer

    @extend_schema(tags=TAG, summary="Take back a vote", request=s.VoteTargetSerializer, responses={204: None})
    def post(self, request, slug):
        workshop, seat = seated(request, slug)
        data = s.VoteTargetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = vote_target(workshop, seat, data.validated_data)
        check_vote_rate(seat.resume_token)
        domain.retract_vote(seat, data.validated_data["kind"], **target)
        return Response(status=status.HTTP_204_NO_CONTENT)


def visible_annotations(workshop, seat):
    queryset = Annotation.objects.filter(workshop=workshop).select_related("author")
    if seat.is_moderator:
        return queryset
    statements = shown(workshop, seat).values("id")
    relations = visible_relations(workshop, seat).values("id")
    return queryset.filter(
        (Q(statement__isnull=True) | Q(statement__in=statements))
        & (Q(relation__isnull=True) | Q(relation__in=relations))
        & (Q(is_hidden=False) | Q(author=seat))
        & (~Q(kind=Annotation.Kind.FLAG) | Q(author=seat))
    )


class AnnotationList(ListModelMixin, GenericAPIView):
    serializer_class = s.AnnotationSerializer
    pagination_class = IdPagination
    queryset = Annotation.objects.none()

    @extend_schema(
        tags=TAG,
        summary="Comments, questions, tags, flags and highlights you can see",
        operation_id="annotations_list",
        parameters=[
            OpenApiParameter("statement", int, description="Only those on this statement."),
            OpenApiParameter("document", int, description="Only those in this source document."),
        ],
    )
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        queryset = visible_annotations(workshop, seat)
        filters = s.AnnotationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        for key, value in filters.validated_data.items():
            queryset = queryset.filter(**{key: value})
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.AnnotationSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Annotate a statement, a link or a source document",
        request=s.AnnotationCreateSerializer,
        responses={201: s.AnnotationSerializer},
    )
    def post(self, request, slug):
        workshop, seat = seated(request, slug)
        data = s.AnnotationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        target = vote_target(workshop, seat, values)
        if values.get("document"):
            target["document"] = get_in(
                SourceDocument.objects.filter(workshop=workshop), values["document"], "document"
            )
            target["document"].workshop = workshop
        parent = None
        if values.get("parent"):
            parent = get_in(visible_annotations(workshop, seat), values["parent"], "annotation")
        check_named("annotation", f"participant:{seat.pk}")
        annotation = domain.annotate(
            seat,
            values["kind"],
            values["text"],
            parent=parent,
            quote_exact=values["quote_exact"],
            quote_prefix=values["quote_prefix"],
            quote_suffix=values["quote_suffix"],
            **target,
        )
        return Response(s.AnnotationSerializer(annotation).data, status=status.HTTP_201_CREATED)


class AnnotationDetail(GenericAPIView):
    serializer_class = s.AnnotationSerializer

    @extend_schema(tags=TAG, summary="One annotation", operation_id="annotation_retrieve")
    def get(self, request, slug, annotation_id):
        workshop, seat = seated(request, slug)
        annotation = get_in(visible_annotations(workshop, seat), annotation_id, "annotation")
        return Response(s.AnnotationSerializer(annotation).data)

    @extend_schema(
        tags=TAG,
        summary="Change one's own comment or question",
        description="Readers see that it was changed (`edited_at`); the log keeps both wordings. 403 for "
        "someone else's comment, 400 for a tag, a flag, a highlight or empty words.",
        operation_id="annotation_edit",
        request=s.AnnotationEditSerializer,
        responses={200: s.AnnotationSerializer},
    )
    def patch(self, request, slug, annotation_id):
        workshop, seat = seated(request, slug)
        annotation = get_in(visible_annotations(workshop, seat), annotation_id, "annotation")
        data = s.AnnotationEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check_named("annotation", f"participant:{seat.pk}")
        annotation = domain.edit_annotation(seat, annotation, data.validated_data["text"])
        return Response(s.AnnotationSerializer(annotation).data)

    @extend_schema(
        tags=TAG,
        summary="Withdraw one's own comment, question or tag",
        description="Hidden as a moderator would hide it, and kept in the log. Refused (400) for a "
        "comment others have replied to, 403 for someone else's.",
        operation_id="annotation_withdraw",
        responses={204: None},
    )
    def delete(self, request, slug, annotation_id):
        workshop, seat = seated(request, slug)
        annotation = get_in(visible_annotations(workshop, seat), annotation_id, "annotation")
        domain.withdraw_annotation(seat, annotation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentList(ListModelMixin, GenericAPIView):
    serializer_class = s.DocumentSerializer
    pagination_class = IdPagination
    queryset = SourceDocument.objects.none()

    @extend_schema(tags=TAG, summary="The workshop's reading material", operation_id="documents_list")
    def get(self, request, slug):
        workshop, _seat = seated(request, slug)
        page = self.paginate_queryset(SourceDocument.objects.filter(workshop=workshop))
        return self.get_paginated_response(s.DocumentSerializer(page, many=True).data)


class DocumentDetail(GenericAPIView):
    serializer_class = s.DocumentSerializer

    @extend_schema(tags=TAG, summary="One source document", operation_id="document_retrieve")
    def get(self, request, slug, document_id):
        workshop, _seat = seated(request, slug)
        document = get_in(SourceDocument.objects.filter(workshop=workshop), document_id, "document")
        return Response(s.DocumentSerializer(document).data)


class EventList(GenericAPIView):
    serializer_class = s.EventPageSerializer

    @extend_schema(
        tags=TAG,
        summary="What happened, in order, after a given event id",
        operation_id="events_list",
        description="Pass the `last_id` of one page as `since` to get the next; an empty page keeps "
        "`since`. Event ids are the ids of the live stream's events.",
        parameters=[s.EventQuerySerializer],
    )
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        query = s.EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, limit = query.validated_data["since"], query.validated_data["limit"]
        events = list(Event.objects.in_workshop(workshop).after(since)[: limit + 1])
        has_more = len(events) > limit
        events = events[:limit]
        context = {"seat": seat, "visible_ids": set(shown(workshop, seat).values_list("id", flat=True))}
        page = {
            "results": s.EventSerializer(events, many=True, context=context).data,
            "last_id": events[-1].pk if events else since,
            "has_more": has_more,
        }
        return Response(page)
