"""Resetting a moderator's password from the command line."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(monkeypatch, *args, password="a-fresh-test-passphrase"):  # noqa: S107 - a test password
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("set_password", *args, "--stdin", stdout=out)
    return out.getvalue()


def test_it_resets_an_existing_password(moderator_user, monkeypatch):
    assert "Password set" in run(monkeypatch, "mod")
    assert authenticate(username="mod", password="a-fresh-test-passphrase") is not None
    assert authenticate(username="mod", password="a-long-test-password") is None


def test_it_creates_an_account_only_when_asked(monkeypatch):
    with pytest.raises(CommandError, match="--create"):
        run(monkeypatch, "newmod")
    run(monkeypatch, "newmod", "--create")
    assert get_user_model().objects.get(username="newmod").check_password("a-fresh-test-passphrase")


def test_it_refuses_a_weak_password(moderator_user, monkeypatch):
    with pytest.raises(CommandError):
        run(monkeypatch, "mod", password="1234")
    assert authenticate(username="mod", password="a-long-test-password") is not None
