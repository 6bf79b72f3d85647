"""Shared fixtures: a moderator account, an open workshop, and people seated in it."""

import pytest
from django.contrib.auth import get_user_model

from deliberation.domain import add_statement, create_workshop, join_workshop
from deliberation.models import Phase, Statement


@pytest.fixture
def moderator_user(db):
    return get_user_model().objects.create_user("mod", password="a-long-test-password")


@pytest.fixture
def make_workshop(moderator_user):
    def make(phase=Phase.CONTRIBUTE, owner=None, **settings):
        settings.setdefault("pole_a", "National interest")
        settings.setdefault("pole_b", "Global public good")
        workshop = create_workshop(owner or moderator_user, "Test workshop", "What should we do?", **settings)
        workshop.phase = phase
        workshop.save(update_fields=["phase"])
        return workshop

    return make


@pytest.fixture
def workshop(make_workshop):
    return make_workshop()


@pytest.fixture
def alice(workshop):
    return join_workshop(workshop, "Alice")


@pytest.fixture
def bob(workshop):
    return join_workshop(workshop, "Bob")


@pytest.fixture
def position(workshop, alice):
    return add_statement(alice, workshop.root(), Statement.Kind.POSITION, "We should cooperate openly.")


@pytest.fixture
def claim(position, bob):
    return add_statement(bob, position, Statement.Kind.CLAIM, "Open science speeds up progress.", relation="supports")
