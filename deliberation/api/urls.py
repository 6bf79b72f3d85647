"""`/api/v1/…` (the versioned API), `/api/schema/` (OpenAPI 3), `/api/docs/` (Swagger UI from local
static files) and `/api/tokens/` (the account page for API tokens)."""

from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, authentication_classes, permission_classes, schema

from deliberation.domain import NotFound

from . import pages
from .views import data, moderation, participation, statements, tokens, workshops


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
@schema(None)
def not_found(request, rest=""):
    """Anything else under /api/v1/ answers 404 in the API's JSON shape, not with an HTML page."""
    raise NotFound(_("There is no such API address."))


W = "workshops/<slug:slug>/"
S = W + "statements/<int:statement_id>/"

v1 = [
    path("workshops/", workshops.WorkshopList.as_view(), name="workshops"),
    path(W, workshops.WorkshopDetail.as_view(), name="workshop"),
    path("join/", workshops.Join.as_view(), name="join"),
    path(W + "participants/", workshops.ParticipantList.as_view(), name="participants"),
    path(W + "participants/me/", workshops.Me.as_view(), name="me"),
    path(W + "participants/<int:participant_id>/", workshops.ParticipantDetail.as_view(), name="participant"),
    path(W + "statements/", statements.StatementList.as_view(), name="statements"),
    path(S, statements.StatementDetail.as_view(), name="statement"),
    path(S + "withdraw/", statements.StatementWithdraw.as_view(), name="statement_withdraw"),
    path(W + "relations/", statements.RelationList.as_view(), name="relations"),
    path(W + "relations/<int:relation_id>/", statements.RelationDetail.as_view(), name="relation"),
    path(W + "votes/", participation.VoteList.as_view(), name="votes"),
    path(W + "votes/retract/", participation.VoteRetract.as_view(), name="vote_retract"),
    path(W + "annotations/", participation.AnnotationList.as_view(), name="annotations"),
    path(W + "annotations/<int:annotation_id>/", participation.AnnotationDetail.as_view(), name="annotation"),
    path(W + "documents/", participation.DocumentList.as_view(), name="documents"),
    path(W + "documents/<int:document_id>/", participation.DocumentDetail.as_view(), name="document"),
    path(W + "events/", participation.EventList.as_view(), name="events"),
    path(W + "results/", data.Results.as_view(), name="results"),
    path("formats/", data.FormatList.as_view(), name="formats"),
    path(W + "exports/<str:format_key>/", data.Export.as_view(), name="export"),
    path("imports/<str:format_key>/", data.Import.as_view(), name="import"),
    # Moderation
    path(W + "phase/", moderation.SetPhase.as_view(), name="phase"),
    path(W + "focus/", moderation.SetFocus.as_view(), name="focus"),
    path(W + "timer/", moderation.SetTimer.as_view(), name="timer"),
    path(W + "join-code/", moderation.RotateJoinCode.as_view(), name="join_code"),
    path(W + "note/", moderation.SetNote.as_view(), name="note"),
    path(W + "co-moderators/", moderation.AddCoModerator.as_view(), name="co_moderators"),
    path(
        W + "co-moderators/<str:username>/remove/", moderation.RemoveCoModerator.as_view(), name="co_moderator_remove"
    ),
    *[
        path(S + f"{action}/", view.as_view(), name=f"statement_{action}")
        for action, view in moderation.STATEMENT_VIEWS.items()
    ],
    *[
        path(W + f"annotations/<int:annotation_id>/{action}/", view.as_view(), name=f"annotation_{action}")
        for action, view in moderation.ANNOTATION_VIEWS.items()
    ],
    *[
        path(W + f"participants/<int:participant_id>/{action}/", view.as_view(), name=f"participant_{action}")
        for action, view in moderation.PARTICIPANT_VIEWS.items()
    ],
    # Account
    path("tokens/", tokens.TokenList.as_view(), name="tokens"),
    path("tokens/<int:token_id>/", tokens.TokenDetail.as_view(), name="token"),
    re_path(r"^(?P<rest>.*)$", not_found),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="api_schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/swagger_ui.html"),
        name="api_docs",
    ),
    path("tokens/", pages.tokens_page, name="api_tokens"),
    path("tokens/<int:token_id>/revoke", pages.revoke, name="api_token_revoke"),
]
