"""The demo's embedded SQLite database (`make run`): the suite runs on PostgreSQL, so this runs a
room's busiest path on SQLite in a process of its own. A vote there takes the portable way (the
ORM upsert, the vote limit's counting statement), which PostgreSQL never takes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json
from datetime import timedelta

import django

django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

from deliberation.demo import load_demo
from deliberation.models import Statement, Vote, VoteWindow

call_command("migrate", verbosity=0)
workshop = load_demo("pw-for-tests").workshop
position = Statement.objects.filter(workshop=workshop, kind="position").first()
client = Client()
joined = client.post("/join/", {"code": workshop.join_code, "display_name": "Nia"})
url = f"/w/{workshop.slug}/s/{position.pk}/vote/"
answers = []
with override_settings(RATE_LIMITS={"vote": (2, 60)}):
    for value in (1, 2, -1):
        response = client.post(url, {"kind": "agreement", "value": value}, HTTP_HX_REQUEST="true")
        answers.append([response.status_code, response.content.decode()])
    window = VoteWindow.objects.get()
    VoteWindow.objects.update(opened_at=window.opened_at - timedelta(seconds=61))
    response = client.post(url, {"kind": "agreement", "value": -2}, HTTP_HX_REQUEST="true")
    answers.append([response.status_code, response.content.decode()])
print(json.dumps({
    "joined": joined.status_code,
    "answers": answers,
    "mine": list(Vote.objects.filter(participant__display_name="Nia").values_list("value", flat=True)),
    "hits": VoteWindow.objects.get().hits,
}))
"""


def test_a_room_votes_on_the_embedded_sqlite_database_within_its_limit(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "deliberation.settings",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "CRITICAL",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["joined"] == 302
    (first, _), (second, body), (refused, message), (reopened, _) = result["answers"]
    assert (first, second, refused, reopened) == (200, 200, 429, 200)
    assert 'aria-pressed="true"' in body
    assert "Too many attempts in a short time. Please wait 60 seconds" in message
    assert result["mine"] == [-2] and result["hits"] == 1
