"""Set (or reset) a moderator account's password, creating the account if asked.

    manage.py set_password alice                 # asks twice, without echo
    manage.py set_password alice --create        # a new moderator account
    printf '%s\\n' "$PASSWORD" | manage.py set_password alice --stdin   # for scripts

Passwords pass Django's validators (length, common passwords, similarity to the username).
"""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Set or reset the password of a moderator account (optionally creating the account)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--create", action="store_true", help="Create the account if it does not exist.")
        parser.add_argument("--stdin", action="store_true", help="Read the password from the first line of stdin.")

    def handle(self, *args, username: str, create: bool, stdin: bool, **options):
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None and not create:
            raise CommandError(f"No account is called “{username}”. Add --create to make it.")
        if user is None:
            user = get_user_model()(username=username)
        password = self.read_password(stdin)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.is_active = True
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Password set for “{username}”."))

    def read_password(self, stdin: bool) -> str:
        if stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            raise CommandError("The two passwords differ.")
        return first
