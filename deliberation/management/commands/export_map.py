"""Export a workshop's map in one of the registered formats.

    manage.py export_map SLUG --format json                      # to stdout
    manage.py export_map SLUG --format aif --output map.json --include-hidden --no-votes --with-names

People are named P1, P2, … unless `--with-names` is given, as in the site's own exports: a file
leaves the room more easily than a page does.

`manage.py export_map --help` lists the format keys.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from deliberation.formats import FORMATS, ExportOptions, export_workshop
from deliberation.models import Workshop


class Command(BaseCommand):
    help = "Export a workshop's map in one of the registered formats."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The workshop's slug (as in its address /w/<slug>/).")
        parser.add_argument("--format", dest="key", required=True, choices=sorted(FORMATS), help="The format's key.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        parser.add_argument("--include-hidden", action="store_true", help="Include hidden and pending items.")
        parser.add_argument("--no-votes", action="store_true", help="Leave the votes out.")
        parser.add_argument(
            "--with-names", action="store_true", help="Name participants as they called themselves, not P1, P2, …"
        )

    def handle(self, *args, slug: str, key: str, output: str | None, **options):
        workshop = Workshop.objects.filter(slug=slug).first()
        if workshop is None:
            raise CommandError(f"No workshop has the slug “{slug}”.")
        chosen = ExportOptions(
            include_hidden=options["include_hidden"],
            include_votes=not options["no_votes"],
            anonymise=not options["with_names"],
        )
        content = export_workshop(workshop, key, chosen)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            self.stderr.write(f"Wrote {len(content)} bytes to {output}.")
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            stream.flush()
            if hasattr(stream, "buffer"):
                stream.buffer.write(content)
                stream.buffer.flush()
            else:  # a text stream without bytes underneath (call_command's StringIO)
                stream.write(content.decode("utf-8", errors="replace"))
