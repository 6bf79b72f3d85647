"""Every moderation action shows in the audit log and its CSV export, with actor and reason."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from deliberation import demo, domain
from deliberation.domain import add_statement, annotate, join_workshop, moderator_seat
from deliberation.models import Event, Participant, Phase
from deliberation.templatetags.audit_log import VERB_LABELS
from deliberation.views.moderation_people import MODERATION_VERBS

pytestmark = pytest.mark.django_db


def run_every_action(workshop, mod, django_user_model):
    """One of each moderation action, each with a reason naming its verb."""
    alice = join_workshop(workshop, "Alice")
    django_user_model.objects.create_user("helper")
    first = add_statement(alice, workshop.root(), "position", "Share the data.")
    second = add_statement(alice, workshop.root(), "position", "Share all the data.")
    claim = add_statement(alice, first, "claim", "It helps everyone.", relation="supports")
    flag = annotate(alice, "flag", "Check this", statement=claim)
    comment = annotate(alice, "comment", "Nonsense", statement=claim)
    domain.update_workshop(mod, workshop, premoderation=True, reason="why-workshop.updated")
    parent = type(first).objects.get(pk=first.pk)  # sees the workshop as it is now
    pending = add_statement(alice, parent, "claim", "Pending one.", relation="opposes")
    rejected = add_statement(alice, parent, "claim", "Pending two.", relation="opposes")
    domain.set_phase(mod, workshop, Phase.VOTE, reason="why-workshop.phase_changed")
    domain.focus_statement(mod, workshop, first, reason="why-workshop.focus_changed")
    domain.set_timer(mod, workshop, 60, reason="why-workshop.timer_changed")
    domain.rotate_join_code(mod, workshop, reason="why-workshop.join_code_rotated")
    domain.set_moderation_note(mod, workshop, "Hello", reason="why-workshop.note_changed")
    domain.add_co_moderator(mod, workshop, "helper", reason="why-workshop.moderator_added")
    helper = workshop.co_moderators.get()
    domain.remove_co_moderator(mod, workshop, helper, reason="why-workshop.moderator_removed")
    domain.approve_statement(mod, pending, reason="why-statement.approved")
    domain.reject_statement(mod, rejected, reason="why-statement.rejected")
    domain.hide_statement(mod, claim, reason="why-statement.hidden")
    domain.restore_statement(mod, claim, reason="why-statement.restored")
    domain.lock_statement(mod, claim, reason="why-statement.locked")
    domain.unlock_statement(mod, claim, reason="why-statement.unlocked")
    domain.move_statement(mod, pending, second, "supports", reason="why-statement.moved")
    domain.merge_statements(mod, second, first, reason="why-statement.merged")
    domain.resolve_flag(mod, flag, reason="why-annotation.resolved")
    domain.hide_annotation(mod, comment, reason="why-annotation.hidden")
    domain.rename_participant(mod, alice, "Alicia", reason="why-participant.renamed")
    alice = Participant.objects.get(pk=alice.pk)
    domain.set_participant_role(mod, alice, "observer", reason="why-participant.role_changed")
    domain.ban_participant(mod, alice, reason="why-participant.banned")
    domain.unban_participant(mod, alice, reason="why-participant.unbanned")
    statement = type(claim).objects.get(pk=claim.pk)
    domain.edit_statement(mod, statement, "It helps all of us.", statement.version)


def test_it_logs_every_moderation_action_with_actor_and_reason(client, workshop, moderator_user, django_user_model):
    mod = moderator_seat(workshop, moderator_user)
    run_every_action(workshop, mod, django_user_model)
    logged = set(Event.objects.filter(workshop=workshop).values_list("verb", flat=True))
    assert set(MODERATION_VERBS) - {"workshop.created"} <= logged

    client.force_login(moderator_user)
    page = client.get(reverse("moderate_log", args=[workshop.slug])).content.decode()
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("moderate_log_csv", args=[workshop.slug])).content.decode()))
    )
    by_verb = {}
    for row in rows:
        by_verb.setdefault(row["action"], row)
    for verb in MODERATION_VERBS:
        if verb == "workshop.created":
            continue
        assert f'title="{verb}"' in page  # the raw verb stays on the plain-language label
        assert by_verb[verb]["actor"] == mod.display_name and by_verb[verb]["account"] == "mod"
        if verb != "statement.edited":  # an edit's log entry is its before and after text
            assert f"why-{verb}" in page
            assert by_verb[verb]["reason"] == f"why-{verb}"
    edited = by_verb["statement.edited"]
    assert (edited["before"], edited["after"]) == ("It helps everyone.", "It helps all of us.")


def test_it_filters_the_log_by_kind_actor_and_statement(client, workshop, moderator_user, alice, position, claim):
    mod = moderator_seat(workshop, moderator_user)
    domain.hide_statement(mod, claim, reason="noise")
    domain.set_phase(mod, workshop, Phase.VOTE)
    client.force_login(moderator_user)
    url = reverse("moderate_log", args=[workshop.slug])
    only_statements = client.get(url, {"show": "statement"}).content.decode()
    assert "statement.hidden" in only_statements and "workshop.phase_changed" not in only_statements
    by_alice = client.get(url, {"show": "all", "actor": alice.pk}).content.decode()
    assert "statement.added" in by_alice and "statement.hidden" not in by_alice
    about_position = client.get(url, {"show": "all", "statement": f"#{position.pk}"}).content.decode()
    assert f"#{position.pk}</a>" in about_position and f"#{claim.pk}</a>" not in about_position
    csv_rows = client.get(reverse("moderate_log_csv", args=[workshop.slug]), {"show": "workshop"}).content.decode()
    assert "workshop.phase_changed" in csv_rows and "statement.hidden" not in csv_rows


def test_it_answers_htmx_with_the_log_region(client, workshop, moderator_user):
    client.force_login(moderator_user)
    response = client.get(reverse("moderate_log", args=[workshop.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content.decode().lstrip().startswith('<div id="log">')


def test_it_escapes_user_text_in_the_log(client, workshop, moderator_user, alice, claim):
    mod = moderator_seat(workshop, moderator_user)
    domain.hide_statement(mod, claim, reason="<script>alert(1)</script>")
    client.force_login(moderator_user)
    page = client.get(reverse("moderate_log", args=[workshop.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_names_the_demos_actions_in_plain_language(client):
    workshop = demo.load_demo("a-long-demo-password").workshop
    client.force_login(workshop.owner)
    url = reverse("moderate_log", args=[workshop.slug])
    page = client.get(url).content.decode()
    assert 'title="workshop.created" data-verb="workshop.created">Workshop created</span>' in page
    for shown, label, verb in [
        ("participant", "Participant joined", "participant.joined"),
        ("statement", "Statement added", "statement.added"),
        ("all", "Vote cast", "vote.cast"),
    ]:
        listed = client.get(url, {"show": shown}).content.decode()
        assert f">{label}</span>" in listed and f">{verb}<" not in listed


def test_it_shows_yes_and_no_on_the_page_and_keeps_the_csv_machine_readable(client, workshop, moderator_user, claim):
    mod = moderator_seat(workshop, moderator_user)
    domain.lock_statement(mod, claim, reason="settled")
    client.force_login(moderator_user)
    page = client.get(reverse("moderate_log", args=[workshop.slug])).content.decode()
    assert '<td class="log-text">No</td>' in page and '<td class="log-text">Yes</td>' in page
    assert "Statement locked" in page and ">false<" not in page and ">true<" not in page
    exported = client.get(reverse("moderate_log_csv", args=[workshop.slug])).content.decode()
    locked = next(row for row in csv.DictReader(io.StringIO(exported)) if row["action"] == "statement.locked")
    assert (locked["before"], locked["after"], locked["reason"]) == ("false", "true", "settled")


def test_every_recorded_verb_has_a_label():
    """Verbs are string literals where they are recorded (the domain, the importer); each needs a label."""
    verb = re.compile(r'"((?:workshop|statement|relation|annotation|vote|participant)\.[a-z_]+)"')
    verbs = set()
    for path in Path(demo.__file__).parent.rglob("*.py"):
        if not {"migrations", "templatetags", "views"} & set(path.parts):
            verbs.update(verb.findall(path.read_text()))
    assert set(MODERATION_VERBS) <= verbs and "vote.cast" in verbs
    assert verbs - set(VERB_LABELS) == set()


def test_it_shows_phases_statuses_roles_links_and_merges_in_words(client, workshop, moderator_user, position, claim):
    mod = moderator_seat(workshop, moderator_user)
    other = add_statement(mod, workshop.root(), "position", "Keep it national.")
    moved = add_statement(mod, other, "claim", "Borders still matter.", relation="supports")
    domain.set_phase(mod, workshop, Phase.VOTE)
    domain.hide_statement(mod, claim, reason="off topic")
    domain.set_participant_role(mod, join_workshop(workshop, "Olu"), "observer")
    domain.move_statement(mod, moved, position, "opposes")
    domain.merge_statements(mod, claim, moved, reason="same point")
    domain.focus_statement(mod, workshop, position)
    client.force_login(moderator_user)
    page = client.get(reverse("moderate_log", args=[workshop.slug]), {"show": "all"}).content.decode()
    cells = re.findall(r'<td class="log-text">([^<]*)</td>', page)
    for shown in ["Contribute", "Vote", "Visible", "Hidden", "Participant", "Observer", f"#{position.pk}"]:
        assert shown in cells, shown
    assert f"supports #{other.pk}" in cells and f"opposes #{position.pk}" in cells
    assert f"#{claim.pk}: Hidden; #{moved.pk}: Visible" in cells
    assert f"#{claim.pk} merged into #{moved.pk}" in cells
    assert not {"contribute", "vote", "hidden", "observer"} & set(cells)
    exported = client.get(reverse("moderate_log_csv", args=[workshop.slug]), {"show": "all"}).content.decode()
    phase = next(row for row in csv.DictReader(io.StringIO(exported)) if row["action"] == "workshop.phase_changed")
    assert (phase["before"], phase["after"]) == ("contribute", "vote")  # the CSV keeps the stored keys
