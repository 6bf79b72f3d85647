import os
import secrets

from django.core.management.base import BaseCommand

from deliberation.demo import load_demo


class Command(BaseCommand):
    help = "Create the science-diplomacy demo workshop (safe to run again) and print how to use it."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        result = load_demo(password)
        workshop = result.workshop
        self.stdout.write(
            ("Created" if result.created else "Found") + f" the demo workshop “{workshop.title}”.\n"
            f"  Join code:        {workshop.display_join_code}\n"
            f"  Join link:        http://127.0.0.1:8000/join/{workshop.join_code}\n"
            f"  Moderator login:  http://127.0.0.1:8000/accounts/login/  user {result.username}  password {password}\n"
        )
