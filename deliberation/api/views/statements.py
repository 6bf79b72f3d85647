"""The map: statements and the relations between them."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from deliberation import domain
from deliberation.models import Relation, SourceDocument, Statement
from deliberation.ratelimit import check_named

from .. import serializers as s
from ..common import IdPagination, get_in, seated

TAG = ["map"]


def shown(workshop, seat):
    """The statements this seat may see (moderators: all but merged ones; others: visible ones and
    their own pending or rejected ones)."""
    return Statement.objects.in_workshop(workshop).shown_to(seat)


def statement_in(workshop, seat, statement_id) -> Statement:
    statement = get_in(shown(workshop, seat).select_related("author"), statement_id, "statement")
    statement.workshop = workshop
    return statement


def visible_relations(workshop, seat):
    ids = shown(workshop, seat).values("id")
    return Relation.objects.in_workshop(workshop).filter(source__in=ids, target__in=ids)


class StatementList(ListModelMixin, GenericAPIView):
    serializer_class = s.StatementSerializer
    pagination_class = IdPagination
    queryset = Statement.objects.none()

    @extend_schema(tags=TAG, summary="The statements you can see, oldest first", operation_id="statements_list")
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        page = self.paginate_queryset(shown(workshop, seat).select_related("author"))
        return self.get_paginated_response(s.StatementSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Add a position, claim or evidence",
        request=s.StatementCreateSerializer,
        responses={201: s.StatementSerializer},
    )
    def post(self, request, slug):
        workshop, seat = seated(request, slug)
        data = s.StatementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        kind = values.pop("kind")
        if "parent" in values:
            parent = statement_in(workshop, seat, values.pop("parent"))
        elif kind == Statement.Kind.POSITION:
            parent = workshop.root()
            parent.workshop = workshop
        else:
            raise domain.InvalidInput("Say which statement this one speaks to.", field="parent")
        if values.get("source_document"):
            values["source_document"] = get_in(
                SourceDocument.objects.filter(workshop=workshop), values["source_document"], "document"
            )
        check_named("statement", f"participant:{seat.pk}", cost=0)
        statement = domain.add_statement(
            seat, parent, kind, values.pop("text"), relation=values.pop("relation", None), **values
        )
        check_named("statement", f"participant:{seat.pk}")
        return Response(s.StatementSerializer(statement).data, status=status.HTTP_201_CREATED)


class StatementDetail(GenericAPIView):
    serializer_class = s.StatementSerializer

    @extend_schema(tags=TAG, summary="One statement", operation_id="statement_retrieve")
    def get(self, request, slug, statement_id):
        workshop, seat = seated(request, slug)
        return Response(s.StatementSerializer(statement_in(workshop, seat, statement_id)).data)

    @extend_schema(
        tags=TAG,
        summary="Edit a statement's text and title",
        description="Send the `version` you read as `expected_version`: if someone saved in between, "
        "the answer is 409 and nothing changes. A title made from the text follows it; send `title` "
        "to choose another.",
        request=s.StatementEditSerializer,
        responses={200: s.StatementSerializer},
    )
    def patch(self, request, slug, statement_id):
        workshop, seat = seated(request, slug)
        statement = statement_in(workshop, seat, statement_id)
        data = s.StatementEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = domain.edit_statement(seat, statement, **data.validated_data)
        return Response(s.StatementSerializer(statement).data)


class StatementWithdraw(GenericAPIView):
    serializer_class = s.StatementSerializer

    @extend_schema(
        tags=TAG, summary="Withdraw your own statement", request=None, responses={200: s.StatementSerializer}
    )
    def post(self, request, slug, statement_id):
        workshop, seat = seated(request, slug)
        statement = domain.withdraw_statement(seat, statement_in(workshop, seat, statement_id))
        return Response(s.StatementSerializer(statement).data)


class RelationList(ListModelMixin, GenericAPIView):
    serializer_class = s.RelationSerializer
    pagination_class = IdPagination
    queryset = Relation.objects.none()

    @extend_schema(tags=TAG, summary="The links between statements you can see", operation_id="relations_list")
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        page = self.paginate_queryset(visible_relations(workshop, seat))
        return self.get_paginated_response(s.RelationSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Give a statement another parent",
        request=s.RelationCreateSerializer,
        responses={201: s.RelationSerializer},
    )
    def post(self, request, slug):
        workshop, seat = seated(request, slug)
        data = s.RelationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        child = statement_in(workshop, seat, data.validated_data["source"])
        parent = statement_in(workshop, seat, data.validated_data["target"])
        relation = domain.link_statements(seat, child, parent, data.validated_data["kind"])
        return Response(s.RelationSerializer(relation).data, status=status.HTTP_201_CREATED)


class RelationDetail(GenericAPIView):
    serializer_class = s.RelationSerializer

    @extend_schema(tags=TAG, summary="One link", operation_id="relation_retrieve")
    def get(self, request, slug, relation_id):
        workshop, seat = seated(request, slug)
        return Response(s.RelationSerializer(get_in(visible_relations(workshop, seat), relation_id, "link")).data)
