"""A crowd that takes every database connection gets "busy, retry" (503), never a bare 500."""

import pytest
from django.db import OperationalError
from django.test import Client
from psycopg_pool import PoolTimeout

from deliberation.views import workshop as workshop_views
from tests.seating import hold_seat

pytestmark = pytest.mark.django_db


def seated(participant) -> Client:
    client = Client(raise_request_exception=False)
    hold_seat(client, participant)
    return client


def pool_exhausted(*args, **kwargs):
    try:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
    except PoolTimeout as cause:
        raise OperationalError(str(cause)) from cause


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_a_full_pool_answers_503_with_retry_after(production, alice, monkeypatch):
    monkeypatch.setattr(workshop_views, "load_argument_map", pool_exhausted)
    response = seated(alice).get(f"/w/{alice.workshop.slug}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The server is busy right now" in response.content.decode()


def test_the_api_says_busy_in_its_own_error_shape(production, alice, monkeypatch):
    from deliberation.api.views import workshops as api_workshops

    monkeypatch.setattr(api_workshops, "workshop_data", pool_exhausted)
    client = Client(raise_request_exception=False, HTTP_X_PARTICIPANT_TOKEN=alice.resume_token)
    response = client.get(f"/api/v1/workshops/{alice.workshop.slug}/", secure=True)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"message": "The server is busy right now. Please try again in a moment.", "code": "busy"}


def test_other_failures_stay_500(production, alice, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(workshop_views, "load_argument_map", broken)
    response = seated(alice).get(f"/w/{alice.workshop.slug}/")
    assert response.status_code == 500
    assert "busy" not in response.content.decode()
