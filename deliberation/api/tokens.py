"""API tokens: a random key shown once, stored only as its SHA-256 hash with a short prefix to
recognise it by. Moderators create and revoke them on their account page or through the API."""

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from deliberation.domain.errors import InvalidInput, NotFound
from deliberation.models import ApiToken

KEY_PREFIX = "dlb_"
NAME_LENGTH = 100
MAX_TOKENS_PER_USER = 50


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the plain key, which is never stored or shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Name the token after the script that will use it."), field="name")
    if len(name) > NAME_LENGTH:
        raise InvalidInput(_("A token name can be at most %(n)d characters.") % {"n": NAME_LENGTH}, field="name")
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise InvalidInput(_("You have too many tokens; revoke some you no longer use."), field="name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), prefix=key[: len(KEY_PREFIX) + 4])
    return token, key


def revoke_token(user, token_id) -> None:
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(_("You have no such token."))


def user_for_key(key: str):
    """The token a key belongs to (with its user), or None."""
    if not key or len(key) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key), user__is_active=True).first()
