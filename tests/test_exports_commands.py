"""The `export_map` and `import_map` commands, through call_command and one real process."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from deliberation.domain import cast_vote
from deliberation.formats import FORMATS
from deliberation.models import Relation, Statement, Workshop
from tests import servers
from tests.formats_helpers import SHARED

EXAMPLES = SHARED / "format-examples"


def export(*args) -> bytes:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    call_command("export_map", *args, stdout=out, stderr=io.StringIO())
    out.flush()
    return raw.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(FORMATS))
def test_it_exports_every_format_to_a_file(workshop, claim, tmp_path, key):
    target = tmp_path / f"map.{FORMATS[key].extension}"
    call_command("export_map", workshop.slug, "--format", key, "--output", str(target), stderr=io.StringIO())
    assert target.stat().st_size > 0


@pytest.mark.django_db
def test_it_exports_to_stdout_with_the_options(workshop, alice, claim):
    cast_vote(alice, "agreement", 1, statement=claim)
    plain = json.loads(export(workshop.slug, "--format", "json"))
    assert plain["format"] == "deliberation"
    assert "Open science speeds up progress." in json.dumps(plain)
    assert "Alice" not in json.dumps(plain) and "P1" in json.dumps(plain) and plain["votes"]  # anonymised unless asked
    named = json.loads(export(workshop.slug, "--format", "json", "--with-names", "--no-votes"))
    assert "Alice" in json.dumps(named) and not named.get("votes")


@pytest.mark.django_db
def test_it_writes_binary_formats_to_stdout_unchanged(workshop, claim):
    assert export(workshop.slug, "--format", "png").startswith(b"\x89PNG")
    assert export(workshop.slug, "--format", "csv").startswith(b"PK")


@pytest.mark.django_db
def test_it_names_an_unknown_workshop(db):
    with pytest.raises(CommandError, match="no-such-slug"):
        call_command("export_map", "no-such-slug", "--format", "json")


@pytest.mark.django_db
def test_it_imports_a_file_and_prints_the_summary(moderator_user):
    out = io.StringIO()
    call_command(
        "import_map", str(EXAMPLES / "science-diplomacy.argdown"), "--format", "argdown", "--owner", "mod", stdout=out
    )
    created = Workshop.objects.get(owner=moderator_user)
    statements = Statement.objects.filter(workshop=created).exclude(kind=Statement.Kind.QUESTION).count()
    assert statements == 9 and Relation.objects.filter(workshop=created).count() == 9
    printed = out.getvalue()
    assert f"/w/{created.slug}/" in printed and "statements: 9" in printed
    assert "undercuts" in printed  # the lossy note on the undercut is printed, not dropped


@pytest.mark.django_db
def test_it_round_trips_through_native_json(workshop, alice, claim, tmp_path, moderator_user):
    target = tmp_path / "map.json"
    call_command("export_map", workshop.slug, "--format", "json", "--output", str(target), stderr=io.StringIO())
    call_command("import_map", str(target), "--format", "json", "--owner", "mod", stdout=io.StringIO())
    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert sorted(Statement.objects.filter(workshop=copy).values_list("text", flat=True)) == sorted(
        Statement.objects.filter(workshop=workshop).values_list("text", flat=True)
    )


@pytest.mark.django_db
def test_it_fails_on_a_bad_file_naming_the_line_and_stores_nothing(moderator_user, tmp_path):
    bad = tmp_path / "bad.kialo.txt"
    bad.write_text("Discussion Title: Broken\n\n1. A thesis.\n1.1. Pro: A reason.\n1.5.2. Con: An orphan.\n")
    with pytest.raises(CommandError, match="Line 5"):
        call_command("import_map", str(bad), "--format", "kialo", "--owner", "mod", stdout=io.StringIO())
    assert not Workshop.objects.exists()


@pytest.mark.django_db
def test_it_names_an_unknown_owner(tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        call_command(
            "import_map", str(EXAMPLES / "science-diplomacy.argdown"), "--format", "argdown", "--owner", "nobody"
        )


@pytest.mark.django_db(transaction=True)
def test_it_exits_non_zero_from_a_real_process(moderator_user, tmp_path):
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes((EXAMPLES / "science-diplomacy.aif.json").read_bytes()[:700])
    environment = {**os.environ, "DATABASE_URL": servers.current_database_url()}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_map", str(truncated), "--format", "aif", "--owner", "mod"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Line " in result.stderr and "Nothing was imported" in result.stderr
    assert not Workshop.objects.exists()
