"""The account page where moderators create and revoke their API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from deliberation.domain import DomainError
from deliberation.models import ApiToken
from deliberation.views.helpers import hx_render

from .tokens import create_token, revoke_token

TEMPLATE = "api/tokens.html"


def _context(request, **extra) -> dict:
    return {"tokens": ApiToken.objects.filter(user=request.user), **extra}


@require_http_methods(["GET", "POST"])
@login_required
def tokens_page(request: HttpRequest) -> HttpResponse:
    """GET lists the tokens; POST creates one and shows its key this once (no redirect: the key
    is not kept anywhere to show it again)."""
    if request.method == "GET":
        return hx_render(request, TEMPLATE, "tokens", _context(request))
    name = request.POST.get("name", "")
    try:
        token, key = create_token(request.user, name)
    except DomainError as error:
        return hx_render(request, TEMPLATE, "tokens", _context(request, error=error, name=name), status=error.status)
    response = hx_render(request, TEMPLATE, "tokens", _context(request, new_token=token, new_key=key), status=201)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        revoke_token(request.user, token_id)
    except DomainError as error:
        return hx_render(request, TEMPLATE, "tokens", _context(request, error=error), status=error.status)
    if request.htmx:
        return hx_render(request, TEMPLATE, "tokens", _context(request, note=_("The token was revoked.")))
    messages.success(request, _("The token was revoked."))
    return redirect("api_tokens")
