"""Workshops, joining one, and the people seated in it."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from deliberation import domain
from deliberation.models import Participant, Workshop
from deliberation.ratelimit import check_join, check_join_code_guesses

from .. import serializers as s
from ..authentication import ParticipantTokenAuthentication
from ..common import IdPagination, get_in, require_user, seated

TAG = ["workshops"]


def workshop_data(request, workshop, seat) -> dict:
    return s.WorkshopSerializer(workshop, context={"request": request, "seat": seat}).data


class WorkshopList(ListModelMixin, GenericAPIView):
    serializer_class = s.WorkshopSerializer
    pagination_class = IdPagination
    queryset = Workshop.objects.none()

    @extend_schema(
        tags=TAG,
        summary="Workshops you moderate, or the one your participant token belongs to",
        operation_id="workshops_list",
    )
    def get(self, request):
        if isinstance(request.successful_authenticator, ParticipantTokenAuthentication):
            queryset = Workshop.objects.filter(pk=request.auth.workshop_id)
            seats = {request.auth.workshop_id: request.auth}
        else:
            user = require_user(request)
            queryset = Workshop.objects.filter(Q(owner=user) | Q(co_moderators=user)).distinct()
            seats = {p.workshop_id: p for p in Participant.objects.filter(user=user)}
        page = self.paginate_queryset(queryset.select_related("focus_statement"))
        data = [s.WorkshopSerializer(w, context={"request": request, "seat": seats.get(w.pk)}).data for w in page]
        return self.get_paginated_response(data)

    @extend_schema(
        tags=TAG,
        summary="Create a workshop (in draft, with you as its owner)",
        request=s.WorkshopCreateSerializer,
        responses={201: s.WorkshopSerializer},
    )
    def post(self, request):
        user = require_user(request)
        data = s.WorkshopCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        workshop = domain.create_workshop(user, values.pop("title"), values.pop("question"), **values)
        seat = Participant.objects.get(workshop=workshop, user=user)
        return Response(workshop_data(request, workshop, seat), status=status.HTTP_201_CREATED)


class WorkshopDetail(GenericAPIView):
    serializer_class = s.WorkshopSerializer

    @extend_schema(tags=TAG, summary="A workshop you hold a seat in", operation_id="workshop_retrieve")
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        return Response(workshop_data(request, workshop, seat))

    @extend_schema(
        tags=TAG,
        summary="Change a workshop's title, question or settings (moderators)",
        request=s.WorkshopUpdateSerializer,
        responses={200: s.WorkshopSerializer},
    )
    def patch(self, request, slug):
        workshop, seat = seated(request, slug)
        data = s.WorkshopUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        workshop = domain.update_workshop(seat, workshop, values.pop("reason", ""), **values)
        return Response(workshop_data(request, workshop, seat))


class Join(GenericAPIView):
    serializer_class = s.SeatSerializer
    authentication_classes = []
    permission_classes = []

    @extend_schema(
        tags=TAG,
        summary="Join a workshop with its code",
        description="Returns your seat with its `resume_token`: send it as `X-Participant-Token` to act "
        "as this participant. It is shown to you alone; keep it secret.",
        request=s.JoinSerializer,
        responses={201: s.SeatSerializer},
        auth=[],
    )
    def post(self, request):
        data = s.JoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        check_join_code_guesses(request)
        try:
            workshop = domain.find_workshop_by_code(values["code"])
        except domain.NotFound:
            check_join_code_guesses(request, cost=1)
            raise
        check_join(request, workshop.pk)
        participant = domain.join_workshop(workshop, values["display_name"], anonymous=values["anonymous"])
        return Response(s.SeatSerializer(participant).data, status=status.HTTP_201_CREATED)


class ParticipantList(ListModelMixin, GenericAPIView):
    serializer_class = s.ParticipantSerializer
    pagination_class = IdPagination
    queryset = Participant.objects.none()

    @extend_schema(tags=TAG, summary="The people seated in a workshop", operation_id="participants_list")
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        queryset = Participant.objects.filter(workshop=workshop)
        if not seat.is_moderator:
            queryset = queryset.filter(is_banned=False)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.ParticipantSerializer(page, many=True).data)


class Me(GenericAPIView):
    serializer_class = s.SeatSerializer

    @extend_schema(
        tags=TAG, summary="Your own seat in a workshop, with its resume token", operation_id="participant_me"
    )
    def get(self, request, slug):
        _workshop, seat = seated(request, slug)
        return Response(s.SeatSerializer(seat).data)


class ParticipantDetail(GenericAPIView):
    serializer_class = s.ParticipantSerializer

    @extend_schema(tags=TAG, summary="One person in a workshop", operation_id="participant_retrieve")
    def get(self, request, slug, participant_id):
        workshop, seat = seated(request, slug)
        queryset = Participant.objects.filter(workshop=workshop)
        if not seat.is_moderator:
            queryset = queryset.filter(is_banned=False)
        return Response(s.ParticipantSerializer(get_in(queryset, participant_id, "participant")).data)
