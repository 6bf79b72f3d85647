"""API tokens through the API (the account page offers the same with a form)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from deliberation.models import ApiToken

from .. import serializers as s
from ..common import IdPagination, require_user
from ..tokens import create_token, revoke_token

TAG = ["tokens"]


class TokenList(ListModelMixin, GenericAPIView):
    serializer_class = s.ApiTokenSerializer
    pagination_class = IdPagination
    queryset = ApiToken.objects.none()

    @extend_schema(tags=TAG, summary="Your API tokens (their keys are never shown again)", operation_id="tokens_list")
    def get(self, request):
        user = require_user(request)
        page = self.paginate_queryset(ApiToken.objects.filter(user=user))
        return self.get_paginated_response(s.ApiTokenSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Create an API token; its key is in this answer only",
        request=s.ApiTokenCreateSerializer,
        responses={201: s.NewApiTokenSerializer},
    )
    def post(self, request):
        user = require_user(request)
        data = s.ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = create_token(user, data.validated_data["name"])
        token.key = key
        return Response(s.NewApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetail(GenericAPIView):
    serializer_class = s.ApiTokenSerializer

    @extend_schema(tags=TAG, summary="Revoke an API token", responses={204: None})
    def delete(self, request, token_id):
        user = require_user(request)
        revoke_token(user, token_id if 0 < token_id < 2**31 else 0)
        return Response(status=status.HTTP_204_NO_CONTENT)
