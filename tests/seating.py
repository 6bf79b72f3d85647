"""Sitting a test client down in a workshop, as joining does: the signed seat cookie."""

from django.core import signing

from deliberation.views.seats import SEAT_COOKIE, SEAT_SALT, seat_cookie_value


def hold_seat(client, participant):
    """Give `client` (Django's test client) `participant`'s seat, beside any it holds already."""
    seats = {}
    if SEAT_COOKIE in client.cookies:
        seats = signing.loads(client.cookies[SEAT_COOKIE].value, salt=SEAT_SALT)
    seats[participant.workshop.slug] = participant.resume_token
    client.cookies[SEAT_COOKIE] = seat_cookie_value(seats)
    return client
