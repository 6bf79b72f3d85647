"""The root statement is stored with the title "Question"; pages call it by the workshop's question."""

import re

from django.test import Client

from deliberation.argument_map import statement_label
from deliberation.domain import add_statement, update_workshop
from deliberation.models import Statement
from tests.seating import hold_seat

HX = {"HTTP_HX_REQUEST": "true"}
LONG_QUESTION = (
    "Should the <b>city</b> & its neighbours pool their water budgets, share the treatment plants and agree "
    "one tariff for everyone?"
)


def seated(participant) -> Client:
    return hold_seat(Client(), participant)


def root_label_in_graph(client, workshop) -> str:
    data = client.get(f"/w/{workshop.slug}/graph.json").json()
    return next(node["data"]["label"] for node in data["nodes"] if node["data"]["kind"] == "question")


def parent_line(client, workshop, statement) -> str:
    html = client.get(f"/w/{workshop.slug}/s/{statement.pk}/", **HX).content.decode()
    section = re.search(r'<section class="parents">(.*?)</section>', html, re.S)
    assert section, html
    return section.group(1)


def test_it_labels_the_root_by_the_question_in_the_graph(workshop, alice, position):
    assert workshop.root().title == "Question"  # stored as before: exports name the root by it
    assert root_label_in_graph(seated(alice), workshop) == "What should we do?"


def test_it_names_the_question_a_position_answers_in_the_detail_panel(workshop, alice, position):
    line = parent_line(seated(alice), workshop, position)
    assert "Answers" in line
    assert f'>What should we do?</a> <span class="number">#{workshop.root().pk}</span>' in line
    assert ">Question</a>" not in line


def test_it_clips_a_long_question_at_a_word_and_escapes_it(make_workshop, moderator_user):
    workshop = make_workshop()
    owner = workshop.participants.get()
    update_workshop(owner, workshop, question=LONG_QUESTION)
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Pool them.")
    client = seated(owner)

    label = root_label_in_graph(client, workshop)  # JSON: a plain string, drawn as text
    assert label == statement_label(workshop.root())
    assert label.startswith("Should the <b>city</b> & its neighbours") and label.endswith("…")
    assert len(label) <= 80 and LONG_QUESTION.startswith(label[:-1] + " ")

    line = parent_line(client, workshop, position)
    assert "Should the &lt;b&gt;city&lt;/b&gt; &amp; its neighbours" in line and "<b>city" not in line


def test_it_keeps_other_statements_titles(workshop, claim, position):
    assert statement_label(claim) == claim.title
    assert statement_label(position) == position.title


def test_the_questions_own_panel_is_headed_by_the_question(workshop, alice):
    body = seated(alice).get(f"/w/{workshop.slug}/s/{workshop.root().pk}/", **HX).content.decode()
    assert (
        '<h2 id="detail-title" class="statement-text detail-title-text" tabindex="-1">What should we do?</h2>' in body
    )
    assert ">Question</h2>" not in body
