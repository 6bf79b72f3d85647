"""One JSON error shape for every API failure:

    {"message": "A sentence a person can read.", "code": "invalid", "fields": {"text": ["..."]}}

`fields` appears only when particular inputs are at fault. Domain errors answer with their own
`.status`; DRF's and Django's exceptions are mapped onto the same shape.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from deliberation.domain import errors as domain

DOMAIN_CODES = {
    domain.InvalidInput: "invalid",
    domain.PhaseError: "wrong_phase",
    domain.NotAllowed: "not_allowed",
    domain.NotFound: "not_found",
    domain.Conflict: "conflict",
    domain.RateLimited: "rate_limited",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def domain_code(error: domain.DomainError) -> str:
    for cls in type(error).__mro__:
        if cls in DOMAIN_CODES:
            return DOMAIN_CODES[cls]
    return "invalid"


def error_body(message: str, code: str, fields: dict | None = None) -> dict:
    body = {"message": str(message), "code": code}
    if fields:
        body["fields"] = fields
    return body


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {text}" for key, value in detail.items() for text in _flatten(value)]
    if isinstance(detail, list):
        return [text for item in detail for text in _flatten(item)]
    return [str(detail)]


def _field_errors(detail) -> dict:
    """DRF's nested `detail` as {field: [messages]}; nested objects become `field.sub` keys."""
    fields = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _field_errors(value).items():
                    fields[f"{key}.{sub}"] = messages
            else:
                fields[str(key)] = _flatten(value)
    return fields


def exception_handler(exc, context):
    """DRF's `EXCEPTION_HANDLER`: every error leaves in the shape above and rolls back the request."""
    headers = {}
    if isinstance(exc, domain.DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        body, code = error_body(exc.message, domain_code(exc), fields), exc.status
        if isinstance(exc, domain.RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        body, code = error_body(_("The request body is too large."), "too_large"), 413
    elif isinstance(exc, Http404):
        body, code = error_body(_("Not found."), "not_found"), 404
    elif isinstance(exc, PermissionDenied):
        body, code = error_body(_("You are not allowed to do this."), "not_allowed"), 403
    elif isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        if fields.keys() == {"non_field_errors"}:
            body = error_body(" ".join(fields["non_field_errors"]), "invalid")
        elif fields:
            body = error_body(_("Some fields need attention."), "invalid", fields)
        else:
            body = error_body(" ".join(_flatten(exc.detail)) or _("Invalid input."), "invalid")
        code = 400
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else " ".join(_flatten(exc.detail))
        body, code = error_body(detail, _api_code(exc)), exc.status_code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))
    else:
        return None
    set_rollback()
    return Response(body, status=code, headers=headers)


def _api_code(exc: exceptions.APIException) -> str:
    codes = {
        exceptions.NotAuthenticated: "not_authenticated",
        exceptions.AuthenticationFailed: "not_authenticated",
        exceptions.PermissionDenied: "not_allowed",
        exceptions.NotFound: "not_found",
        exceptions.MethodNotAllowed: "method_not_allowed",
        exceptions.NotAcceptable: "not_acceptable",
        exceptions.UnsupportedMediaType: "unsupported_media_type",
        exceptions.Throttled: "rate_limited",
        exceptions.ParseError: "invalid",
    }
    for cls in type(exc).__mro__:
        if cls in codes:
            return codes[cls]
    return getattr(exc, "default_code", "error")


class ErrorSerializer(serializers.Serializer):
    """The documented error shape (see the module docstring)."""

    message = serializers.CharField(help_text="What went wrong, in a sentence a person can read.")
    code = serializers.CharField(
        help_text="A stable machine code: invalid, not_authenticated, not_allowed, wrong_phase, not_found, "
        "conflict, too_large, rate_limited, …"
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per input field, when particular fields are at fault.",
    )
