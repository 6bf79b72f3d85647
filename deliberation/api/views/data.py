"""Exports in every registered format, imports into a new workshop, and the results figures.

All three go through the same modules as the pages: the format registry (`deliberation.formats`)
and the analysis (`deliberation.analysis`)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from deliberation.analysis import workshop_results
from deliberation.domain import InvalidInput, NotFound, PhaseError
from deliberation.formats import FORMATS, ExportOptions, FormatError, export_workshop, import_file
from deliberation.formats.base import MAX_IMPORT_BYTES, reader_options
from deliberation.models import Participant, Phase

from ..common import require_user, seated
from ..errors import PayloadTooLarge
from .workshops import workshop_data

TAG = ["exports"]
JSON_TYPES = {"application/json"}
IMPORTABLE = [key for key, chosen in FORMATS.items() if chosen.can_import]


class FormatSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    media_type = serializers.CharField()
    extension = serializers.CharField()
    can_import = serializers.BooleanField()


class ExportQuerySerializer(serializers.Serializer):
    hidden = serializers.BooleanField(required=False, default=False, help_text="Moderators only.")
    votes = serializers.BooleanField(required=False, default=True)
    anonymise = serializers.BooleanField(
        required=False, default=True, help_text="Moderators only; participants always get P1, P2, …"
    )


class ImportResultSerializer(serializers.Serializer):
    workshop = serializers.DictField(help_text="The new workshop (in draft, owned by you).")
    summary = serializers.DictField(help_text="Counts and notes on anything the format could not carry.")


def _export_responses() -> dict:
    media_types = sorted({chosen.media_type for chosen in FORMATS.values()})
    return {
        (200, media_type): OpenApiTypes.OBJECT if media_type in JSON_TYPES else OpenApiTypes.BINARY
        for media_type in media_types
    }


class IgnoreAccept(DefaultContentNegotiation):
    """A download answers with its format's media type whatever the client accepts; errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FormatList(GenericAPIView):
    serializer_class = FormatSerializer

    @extend_schema(tags=TAG, summary="The export and import formats", responses={200: FormatSerializer(many=True)})
    def get(self, request):
        rows = [
            {
                "key": f.key,
                "label": f.label,
                "media_type": f.media_type,
                "extension": f.extension,
                "can_import": f.can_import,
            }
            for f in FORMATS.values()
        ]
        return Response(rows)


class Export(GenericAPIView):
    serializer_class = FormatSerializer
    content_negotiation_class = IgnoreAccept

    @extend_schema(
        tags=TAG,
        summary="Download the map in one of the formats",
        description="Participants export what they can see: `hidden=true` (hidden and pending items) is "
        "for moderators, participants are always named P1, P2, … with authors left out, and while a "
        "workshop hides results until people have voted, a participant gets the tallies and votes only "
        "of the statements they voted on, and the room's results once it closes. Moderators get names "
        "with `anonymise=false`.",
        parameters=[
            ExportQuerySerializer,
            OpenApiParameter("format_key", str, OpenApiParameter.PATH, enum=list(FORMATS)),
        ],
        responses=_export_responses(),
        operation_id="export_retrieve",
    )
    def get(self, request, slug, format_key):
        workshop, seat = seated(request, slug)
        chosen = FORMATS.get(format_key)
        if chosen is None:
            raise NotFound(
                _("There is no export format “%(key)s”. Known formats: %(known)s.")
                % {"key": format_key[:40], "known": ", ".join(FORMATS)}
            )
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        requested = ExportOptions(
            include_hidden=query.validated_data["hidden"],
            include_votes=query.validated_data["votes"],
            anonymise=query.validated_data["anonymise"],
        )
        options = reader_options(workshop, seat, requested)
        response = HttpResponse(export_workshop(workshop, chosen.key, options), content_type=chosen.media_type)
        response["Content-Disposition"] = f'attachment; filename="{workshop.slug}.{chosen.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class Import(GenericAPIView):
    serializer_class = ImportResultSerializer

    @extend_schema(
        tags=TAG,
        summary="Import a file into a new workshop (in draft, owned by you)",
        description=f"Send the file as the raw request body, at most {MAX_IMPORT_BYTES // 1024} KB. "
        "All or nothing: a file that cannot be read answers 400 naming the line or field.",
        parameters=[OpenApiParameter("format_key", str, OpenApiParameter.PATH, enum=IMPORTABLE)],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={201: ImportResultSerializer},
        operation_id="import_create",
    )
    def post(self, request, format_key):
        user = require_user(request)
        if format_key not in IMPORTABLE:
            raise NotFound(_("There is no import format “%(key)s”.") % {"key": format_key[:40]})
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(_("At most %(n)d KB can be imported.") % {"n": MAX_IMPORT_BYTES // 1024})
        raw = request._request.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(_("At most %(n)d KB can be imported.") % {"n": MAX_IMPORT_BYTES // 1024})
        try:
            workshop, summary = import_file(raw, format_key, user)
        except FormatError as error:
            raise InvalidInput(str(error), field="file") from None
        seat = Participant.objects.filter(workshop=workshop, user=user).first()
        return Response(
            {"workshop": workshop_data(request, workshop, seat), "summary": summary}, status=status.HTTP_201_CREATED
        )


class Results(GenericAPIView):
    serializer_class = ImportResultSerializer

    @extend_schema(
        tags=["results"],
        summary="Where the room agrees, where it splits, and what serves both poles",
        description="The same figures as the results page, with the opinion map's dots anonymised. "
        "When the workshop hides results until people have voted, participants get them once it closes.",
        responses={200: OpenApiTypes.OBJECT},
        operation_id="results_retrieve",
    )
    def get(self, request, slug):
        workshop, seat = seated(request, slug)
        if workshop.hide_results_until_voted and workshop.phase != Phase.CLOSED and not seat.is_moderator:
            raise PhaseError(_("This workshop shows its results when it closes."))
        results = dict(workshop_results(workshop))
        groups = dict(results.get("groups") or {})
        if "points" in groups:
            groups["points"] = [{k: v for k, v in point.items() if k != "participant"} for point in groups["points"]]
            results["groups"] = groups
        return Response(results)
