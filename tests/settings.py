"""The app's settings for its own test suite, the same in every respect but one: passwords are
hashed with a fast, weak hasher. The tests create and sign in moderators by the hundred, and the
production hasher (1,000,000 rounds of PBKDF2) spends half a second on each, minutes of a run. The
servers the tests start inherit this module through `DJANGO_SETTINGS_MODULE`."""

from deliberation.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
