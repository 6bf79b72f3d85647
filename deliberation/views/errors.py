"""The server's answer when a request fails for a reason of the server's own."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error
from psycopg_pool import PoolTimeout

BUSY_RETRY_SECONDS = 5


def server_error_or_busy(request: HttpRequest) -> HttpResponse:
    """When a crowd arrives at once and every database connection is taken, say "busy, retry"
    (503 with Retry-After) rather than "broken" (500). Renders without touching the database."""
    error = sys.exc_info()[1]
    if not (isinstance(error, PoolTimeout) or isinstance(getattr(error, "__cause__", None), PoolTimeout)):
        return server_error(request)
    message = _("The server is busy right now. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": message, "code": "busy"}, status=503)  # the API's error shape
    else:
        response = HttpResponse(loader.render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response
