"""The Django admin: every model is registered, and its list, search and edit pages work on a real map."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from deliberation import models

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = [
    models.Workshop,
    models.Participant,
    models.Statement,
    models.Relation,
    models.Vote,
    models.Annotation,
    models.SourceDocument,
    models.Event,
    models.ApiToken,
]


@pytest.fixture
def admin_client(client, claim):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    client.force_login(user)
    return client


def test_every_domain_model_is_in_the_admin():
    assert all(admin.site.is_registered(model) for model in DOMAIN_MODELS)


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda model: model.__name__)
def test_its_list_search_and_edit_pages_answer(admin_client, model):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    listing = admin_client.get(reverse(f"{name}_changelist"), {"q": "open"})
    assert listing.status_code == 200
    row = model.objects.first()
    if row is not None:
        assert admin_client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200


def test_statement_search_finds_by_text(admin_client, claim):
    response = admin_client.get(reverse("admin:deliberation_statement_changelist"), {"q": "speeds up"})
    assert "Open science speeds up progress." in response.content.decode()
    response = admin_client.get(reverse("admin:deliberation_statement_changelist"), {"q": "no such words"})
    assert "Open science speeds up progress." not in response.content.decode()
