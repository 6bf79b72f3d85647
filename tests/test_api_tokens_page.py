"""The account page where moderators create and revoke API tokens (page and htmx fragment)."""

import pytest

from deliberation.api.tokens import create_token, hash_key
from deliberation.models import ApiToken

PAGE = "/api/tokens/"


@pytest.fixture
def signed_in(client, moderator_user):
    client.force_login(moderator_user)
    return client


def test_it_lists_tokens_on_the_full_page_without_keys(signed_in, moderator_user, django_assert_max_num_queries):
    create_token(moderator_user, "nightly export")
    with django_assert_max_num_queries(6):
        response = signed_in.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "nightly export" in html and "dlb_" in html  # the prefix, to recognise it by


def test_it_renders_the_tokens_fragment_for_htmx(signed_in, moderator_user):
    create_token(moderator_user, "cron")
    response = signed_in.get(PAGE, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="tokens"' in html and "cron" in html
    assert "HX-Request" in response["Vary"]


def test_it_creates_a_token_and_shows_its_key_once(signed_in):
    response = signed_in.post(PAGE, {"name": "my script"})
    assert response.status_code == 201
    token = ApiToken.objects.get(name="my script")
    html = response.content.decode()
    key = html.split('<code class="token-key">')[1].split("</code>")[0]
    assert hash_key(key) == token.key_hash and response["Cache-Control"] == "no-store"
    assert key not in signed_in.get(PAGE).content.decode()


def test_it_refuses_a_nameless_token_and_stores_nothing(signed_in):
    response = signed_in.post(PAGE, {"name": "  "}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and "Name the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_escapes_the_token_name(signed_in):
    signed_in.post(PAGE, {"name": "<script>alert(1)</script>"})
    html = signed_in.get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_it_revokes_a_token(signed_in, moderator_user):
    token, _key = create_token(moderator_user, "old")
    response = signed_in.post(f"{PAGE}{token.pk}/revoke")
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_it_revokes_with_htmx_and_answers_with_the_fragment(signed_in, moderator_user):
    token, _key = create_token(moderator_user, "old")
    response = signed_in.post(f"{PAGE}{token.pk}/revoke", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "revoked" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_cannot_revoke_someone_elses_token(signed_in, django_user_model):
    other = django_user_model.objects.create_user("other", password="a-long-test-password")
    token, _key = create_token(other, "theirs")
    assert signed_in.post(f"{PAGE}{token.pk}/revoke").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_serves_the_docs_page_from_local_static_files(client, db):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200 and "swagger-ui" in html
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/workshops/" in schema.content
