"""Which participant a request speaks for.

A participant is remembered per workshop in a signed, HTTP-only cookie (`seats`: workshop slug to
resume token), so one browser can sit in several workshops and a participant needs no server-side
session: a vote, the busiest request of a live room, then reads no session row. A moderator is
seated through their account (the Django session).
"""

from functools import cache, lru_cache

from django.conf import settings
from django.core import signing
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from deliberation import rows
from deliberation.domain import moderator_seat
from deliberation.models import Participant, Statement, Workshop

SEAT_COOKIE = "seats"
SEAT_SALT = "deliberation.seats"
MAX_SEATS = 40  # the newest seats a browser keeps; a cookie holds about 4 KB


def held_seats(request: HttpRequest) -> dict[str, str]:
    """{workshop slug: resume token} of the seats this browser holds ({} if none or tampered with)."""
    seats = getattr(request, "_held_seats", None)
    if seats is None:
        raw = request.COOKIES.get(SEAT_COOKIE)
        seats = request._held_seats = dict(_verified_seats(raw)) if raw else {}
    return seats


@lru_cache(maxsize=4096)
def _verified_seats(raw: str) -> tuple[tuple[str, str], ...]:
    """The seats a signed cookie value holds, () if its signature or content is bad.

    A browser sends the same value with every request until it joins another workshop, and its
    signature depends on nothing else (no expiry is checked), so a value is verified once per
    process rather than on every vote. Changing the secret keys clears the cache."""
    try:
        seats = signing.loads(raw, salt=SEAT_SALT)
    except signing.BadSignature:
        return ()
    if not isinstance(seats, dict):
        return ()
    return tuple((str(slug), str(token)) for slug, token in seats.items())


@receiver(setting_changed)
def _forget_verified_seats(setting, **kwargs):
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS"):
        _verified_seats.cache_clear()


def seat_cookie_value(seats: dict[str, str]) -> str:
    """The signed cookie value for `seats`: URL-safe, so a Cookie header needs no quoting."""
    return signing.dumps(seats, salt=SEAT_SALT)


def remember_seat(request: HttpRequest, response: HttpResponse, participant: Participant) -> HttpResponse:
    """Add `participant`'s seat to the browser's seats, on `response`."""
    slug = participant.workshop.slug
    seats = {key: token for key, token in held_seats(request).items() if key != slug}
    seats[slug] = participant.resume_token
    seats = dict(list(seats.items())[-MAX_SEATS:])
    request._held_seats = seats
    response.set_cookie(
        SEAT_COOKIE,
        seat_cookie_value(seats),
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def signed_in(request: HttpRequest) -> bool:
    """Whether the request comes from an account. Without a session cookie it cannot, and the
    session (a database read) is not loaded to find out."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


def current_participant(request: HttpRequest, workshop: Workshop) -> Participant | None:
    """The seat this request holds in `workshop`: the moderator's own, or the remembered one."""
    if signed_in(request) and workshop.is_moderator(request.user):
        return moderator_seat(workshop, request.user)
    token = held_seats(request).get(workshop.slug)
    if not token:
        return None
    return Participant.objects.filter(workshop=workshop, resume_token=token, is_banned=False).first()


def remembered_seat(request: HttpRequest, slug: str, with_focus: bool = False) -> Participant | None:
    """The remembered seat in the workshop called `slug`, with its workshop (and the workshop's
    focus statement, `with_focus`), in one query.

    Every vote starts here, so the seat and the workshop come together, from a query written once
    (`deliberation.rows`). Signed-in users are left to `current_participant`: a moderator acts
    through their account's seat, not a remembered one.
    """
    token = held_seats(request).get(slug)
    if not token or signed_in(request):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_seat_query(with_focus), [token, slug, False])
        row = cursor.fetchone()
    if row is None:
        return None
    participant = rows.instance(Participant, row)
    workshop = rows.instance(Workshop, row, rows.width(Participant))
    if with_focus:
        focus_at = rows.width(Participant) + rows.width(Workshop)
        workshop.focus_statement = rows.instance(Statement, row, focus_at) if row[focus_at] is not None else None
    participant.workshop = workshop
    return participant


@cache
def _seat_query(with_focus: bool) -> str:
    participant, workshop = Participant._meta.db_table, Workshop._meta.db_table
    select = f"SELECT {rows.columns(Participant, 'p')}, {rows.columns(Workshop, 'w')}"
    tables = f" FROM {participant} p JOIN {workshop} w ON w.id = p.workshop_id"
    if with_focus:
        select += f", {rows.columns(Statement, 'f')}"
        tables += f" LEFT JOIN {Statement._meta.db_table} f ON f.id = w.focus_statement_id"
    return select + tables + " WHERE p.resume_token = %s AND w.slug = %s AND p.is_banned = %s"


def workshop_or_404(slug: str) -> Workshop:
    return get_object_or_404(Workshop, slug=slug)
