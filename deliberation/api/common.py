"""What every API view needs: the workshop from the URL, the seat the request acts through,
objects looked up inside that workshop only, and pagination."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

from deliberation.domain import NotAllowed, NotFound, moderator_seat
from deliberation.models import Participant, Workshop
from deliberation.views.seats import current_participant, held_seats

from .authentication import ApiTokenAuthentication, ParticipantTokenAuthentication

MAX_ID = 2**31 - 1


class IdPagination(CursorPagination):
    """Opaque cursors over ascending ids: stable while rows are added."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


def has_credentials(request) -> bool:
    return request.successful_authenticator is not None or bool(held_seats(request._request))


def workshop_or_404(slug: str) -> Workshop:
    workshop = Workshop.objects.select_related("focus_statement").filter(slug=slug).first()
    if workshop is None:
        raise NotFound(_("No such workshop."))
    return workshop


def seat_of(request, workshop: Workshop) -> Participant | None:
    """The participant this request acts as in `workshop`, if any (banned seats included: the
    domain refuses them with a clear message)."""
    auth = request.auth
    if isinstance(request.successful_authenticator, ParticipantTokenAuthentication):
        return auth if auth.workshop_id == workshop.pk else None
    user = request.user
    if isinstance(request.successful_authenticator, ApiTokenAuthentication):
        if workshop.is_moderator(user):
            return moderator_seat(workshop, user)
        return Participant.objects.filter(workshop=workshop, user=user).first()
    participant = current_participant(request._request, workshop)
    if participant is None and user.is_authenticated:
        participant = Participant.objects.filter(workshop=workshop, user=user).first()
    return participant


def require_seat(request, workshop: Workshop) -> Participant:
    """Reads and writes inside a workshop need a seat in it: 401 without credentials, 403 with
    credentials that hold no (or a banned) seat."""
    participant = seat_of(request, workshop)
    if participant is None:
        if not has_credentials(request):
            raise exceptions.NotAuthenticated(
                _("Authenticate with a participant token, an API token or a signed-in session.")
            )
        raise NotAllowed(_("Join this workshop first: these credentials hold no seat in it."))
    if participant.is_banned:
        raise NotAllowed(_("You have been removed from this workshop."))
    participant.workshop = workshop
    return participant


def seated(request, slug: str) -> tuple[Workshop, Participant]:
    workshop = workshop_or_404(slug)
    return workshop, require_seat(request, workshop)


def get_in(queryset, pk, what: str):
    """One object by id from an already restricted queryset, or the domain's 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise NotFound(_("No such %(what)s in this workshop.") % {"what": what})
    return obj


def require_user(request):
    """Account-level operations (tokens, creating workshops) need a signed-in user or an API token."""
    if not request.user.is_authenticated:
        if isinstance(request.successful_authenticator, ParticipantTokenAuthentication):
            raise NotAllowed(_("A participant token acts only inside its workshop."))
        raise exceptions.NotAuthenticated(_("Sign in, or send an API token."))
    return request.user
