"""Who an API request speaks for.

- Scripts: `Authorization: Bearer <key>` (or `Token <key>`) with a moderator's API token.
- Browsers: the Django session, with CSRF checked on every unsafe request, also for a participant
  who holds a seat in the browser's seat cookie without an account.
- Participants: `X-Participant-Token: <resume token>`, the secret of their seat (it acts only in
  that participant's workshop). `request.auth` is then the Participant.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from deliberation.models import ApiToken, Participant
from deliberation.views.seats import held_seats

from .tokens import user_for_key

KEYWORDS = ("bearer", "token")
PARTICIPANT_HEADER = "HTTP_X_PARTICIPANT_TOKEN"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Bearer <key>”."))
        try:
            key = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from None
        token = user_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API token is not valid or has been revoked."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ParticipantTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        token = request.META.get(PARTICIPANT_HEADER)
        if token is None:
            return None
        participant = (
            Participant.objects.select_related("workshop").filter(resume_token=token).first()
            if 0 < len(token) <= 64
            else None
        )
        if participant is None:
            raise exceptions.AuthenticationFailed(_("This participant token is not valid."))
        return AnonymousUser(), participant


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication checks CSRF only for signed-in users; a participant's seat in
    the seat cookie is a credential too, so its unsafe requests are checked the same way."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None and held_seats(request._request):
            self.enforce_csrf(request)
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "deliberation.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A moderator's API token: `Authorization: Bearer <key>` (or `Token <key>`).",
        }


class ParticipantTokenScheme(OpenApiAuthenticationExtension):
    target_class = "deliberation.api.authentication.ParticipantTokenAuthentication"
    name = "participantToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Participant-Token",
            "description": "A participant's resume token, returned once by the join operation.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "deliberation.api.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
