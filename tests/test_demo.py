"""The demo workshop: rich enough that every page has something true to show, and loadable twice."""

from django.core.management import call_command

from deliberation.demo import load_demo
from deliberation.models import Annotation, Event, Statement, Vote, Workshop


def test_the_demo_has_the_promised_content(db):
    workshop = load_demo("pw-for-tests").workshop
    statements = Statement.objects.filter(workshop=workshop)
    assert statements.count() >= 41  # the question and at least 40 more
    assert statements.filter(kind="position").count() >= 3
    evidence = statements.filter(kind="evidence")
    assert evidence.count() >= 8
    assert not evidence.filter(source_citation="").exists()
    assert workshop.documents.filter(citation__contains="Technopoles").exists()
    assert Vote.objects.filter(workshop=workshop, kind="agreement").count() > 100
    assert Vote.objects.filter(workshop=workshop, kind="lens_a").exists()
    assert workshop.relations.filter(kind="opposes").exists() and workshop.relations.filter(kind="supports").exists()
    assert Annotation.objects.filter(workshop=workshop, kind="highlight").exists()
    assert workshop.participants.count() >= 6


def test_loading_the_demo_twice_changes_nothing(db, capsys):
    call_command("load_demo")
    counts = (Workshop.objects.count(), Statement.objects.count(), Vote.objects.count(), Event.objects.count())
    call_command("load_demo")
    assert (Workshop.objects.count(), Statement.objects.count(), Vote.objects.count(), Event.objects.count()) == counts
    output = capsys.readouterr().out
    assert "Join code:" in output and "Found the demo workshop" in output
