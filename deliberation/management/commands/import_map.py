"""Import a file into a new workshop owned by a moderator account, all or nothing.

    manage.py import_map map.argdown --format argdown --owner alice

Prints what was imported and every note on what the format could not carry over; a file that
cannot be read exits non-zero with a message naming the line or field, and nothing is stored.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from deliberation.formats import FORMATS, FormatError, import_file
from deliberation.formats.base import MAX_IMPORT_BYTES


class Command(BaseCommand):
    help = "Import a map file into a new workshop."

    def add_arguments(self, parser):
        importable = sorted(key for key, chosen in FORMATS.items() if chosen.can_import)
        parser.add_argument("file", help="The file to import.")
        parser.add_argument("--format", dest="key", required=True, choices=importable, help="The file's format key.")
        parser.add_argument(
            "--owner", required=True, help="Username of the moderator account that owns the new workshop."
        )

    def handle(self, *args, file: str, key: str, owner: str, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No account is called “{owner}”.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            limit = MAX_IMPORT_BYTES // 1024
            raise CommandError(
                f"{file}: the file is {path.stat().st_size // 1024} KB; at most {limit} KB can be imported."
            )
        try:
            workshop, summary = import_file(path.read_bytes(), key, user)
        except FormatError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported “{workshop.title}” as /w/{workshop.slug}/ (moderate at /moderate/w/{workshop.slug}/)."
            )
        )
        for name, count in summary["counts"].items():
            self.stdout.write(f"  {name}: {count}")
        if summary["lossy"]:
            self.stdout.write("Not carried over:")
            for note in summary["lossy"]:
                self.stdout.write(f"  - {note}")
        else:
            self.stdout.write("Nothing was lost in the conversion.")
