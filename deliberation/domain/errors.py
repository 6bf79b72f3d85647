"""Domain errors carry a message a person can read and the HTTP status a view should answer with."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status = 400


class NotAllowed(DomainError):
    status = 403


class PhaseError(DomainError):
    """The action is not open in the workshop's current phase."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """Someone else changed the thing first (a stale edit) or it clashes with what exists."""

    status = 409


class RateLimited(DomainError):
    status = 429
    retry_after = 60  # seconds, for a Retry-After header; `wait` sets the real one

    @classmethod
    def wait(cls, seconds: float) -> "RateLimited":
        """The error for a limit whose window closes in `seconds`, said as a person would say it:
        "45 seconds", "about 10 minutes", "about 2 hours". Rounded up, so that trying again when
        told does not meet the same refusal."""
        wait = max(1, math.ceil(seconds))
        if wait <= 90:
            amount = ngettext("%(n)d second", "%(n)d seconds", wait) % {"n": wait}
        elif wait <= 90 * 60:
            minutes = math.ceil(wait / 60)
            amount = ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}
        else:
            hours = math.ceil(wait / 3600)
            amount = ngettext("about %(n)d hour", "about %(n)d hours", hours) % {"n": hours}
        error = cls(_("Too many attempts in a short time. Please wait %(wait)s and try again.") % {"wait": amount})
        error.retry_after = wait
        return error
