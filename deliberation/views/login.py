"""Moderator sign-in with a brake on password guessing: failed attempts are counted per address
and per username on the shared rate limiter; past the limit the form answers 429 and says why."""

from contextlib import suppress
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from deliberation.domain import RateLimited
from deliberation.ratelimit import check_rate, client_ip

DEFAULT_LOGIN_LIMIT = (10, 900)  # failed sign-ins per address, and per username, in 15 minutes


def login_limit() -> tuple[int, int]:
    return getattr(settings, "RATE_LIMITS", {}).get("login", DEFAULT_LOGIN_LIMIT)


def _keys(request: HttpRequest) -> list[str]:
    username = request.POST.get("username", "").strip().lower()[:150]
    return [f"login:ip:{client_ip(request)}", f"login:user:{username}"]


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return auth_views.LoginView.as_view()(request)
    limit, window = login_limit()
    try:
        for key in _keys(request):
            check_rate(key, limit, window, cost=0)
    except RateLimited as error:
        context = {"rate_error": error, "next": request.POST.get("next", "")}
        return render(request, "registration/login.html", context, status=error.status)
    response = auth_views.LoginView.as_view()(request)
    if response.status_code == 200:  # the form came back: the attempt failed
        for key in _keys(request):
            with suppress(RateLimited):  # counted; the next attempt is the one refused
                check_rate(key, limit, window)
    return response


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in form has no brake on guessing: send it to the one that does."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
