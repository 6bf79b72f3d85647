"""Which participant a request speaks for, and turning domain errors into responses.

A participant is remembered per workshop in the session (by resume token), so one browser can sit
in several workshops; a moderator is seated through their account.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from deliberation.domain import moderator_seat
from deliberation.models import Participant, Workshop

SESSION_KEY = "seats"  # {workshop_id: resume_token}


def remember_seat(request: HttpRequest, participant: Participant) -> None:
    seats = dict(request.session.get(SESSION_KEY, {}))
    seats[str(participant.workshop_id)] = participant.resume_token
    request.session[SESSION_KEY] = seats


def current_participant(request: HttpRequest, workshop: Workshop) -> Participant | None:
    """The seat this request holds in `workshop`: the moderator's own, or the remembered one."""
    if request.user.is_authenticated and workshop.is_moderator(request.user):
        return moderator_seat(workshop, request.user)
    token = request.session.get(SESSION_KEY, {}).get(str(workshop.pk))
    if not token:
        return None
    return Participant.objects.filter(workshop=workshop, resume_token=token, is_banned=False).first()


def remembered_seat(request: HttpRequest, slug: str, *related: str) -> Participant | None:
    """The remembered seat in the workshop called `slug`, with its workshop (and `related` of the
    workshop), in one query.

    Every vote starts here, so the seat and the workshop come together. Signed-in users are left
    to `current_participant`: a moderator acts through their account's seat, not a remembered one.
    """
    if request.user.is_authenticated:
        return None
    tokens = list(request.session.get(SESSION_KEY, {}).values())
    if not tokens:
        return None
    seats = Participant.objects.select_related("workshop", *(f"workshop__{name}" for name in related))
    try:  # resume tokens are unique: one row at most
        return seats.get(workshop__slug=slug, resume_token__in=tokens, is_banned=False)
    except Participant.DoesNotExist:
        return None


def workshop_or_404(slug: str) -> Workshop:
    return get_object_or_404(Workshop, slug=slug)
