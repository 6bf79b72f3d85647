"""The demo workshop on the science-diplomacy dilemma, built through the domain functions.

Votes are drawn from a fixed seed so the demo is the same on every machine: participants belong to
camps (national interest, global public good, bridge) and vote in line with each statement's lean,
which gives the results page real groups, bridging statements and cruxes to show.
"""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from deliberation import demo_content as content
from deliberation.domain import add_statement, annotate, cast_vote, create_workshop, join_workshop, link_statements
from deliberation.models import Annotation, Phase, Relation, SourceDocument, Statement, Vote, Workshop

SEED = 20240915
MODERATOR_USERNAME = "moderator"
ESSAY_MARK = "Technopoles"  # evidence citing the essay is anchored to the summary document


@dataclass
class DemoResult:
    workshop: Workshop
    created: bool
    username: str


@transaction.atomic
def load_demo(password: str) -> DemoResult:
    """Create the demo workshop unless it exists; always (re)set the demo moderator's password."""
    User = get_user_model()
    moderator, _ = User.objects.get_or_create(username=MODERATOR_USERNAME, defaults={"is_staff": True})
    moderator.is_staff = True
    moderator.set_password(password)
    moderator.save()

    existing = Workshop.objects.filter(slug=content.DEMO_SLUG).first()
    if existing is not None:
        return DemoResult(existing, False, moderator.username)

    spec = content.WORKSHOP
    workshop = create_workshop(
        moderator,
        spec["title"],
        spec["question"],
        description=spec["description"],
        pole_a=spec["pole_a"],
        pole_b=spec["pole_b"],
        slug=content.DEMO_SLUG,
        max_text_length=600,
    )
    workshop.phase = Phase.CONTRIBUTE
    workshop.save(update_fields=["phase"])
    seat = workshop.participants.get(user=moderator)
    document = SourceDocument.objects.create(workshop=workshop, added_by=seat, **content.DOCUMENT)

    people = [join_workshop(workshop, name) for name, _camp in content.PARTICIPANTS]
    camps = {person.pk: camp for person, (_name, camp) in zip(people, content.PARTICIPANTS, strict=True)}

    by_key = {"question": workshop.root()}
    leans, second_parents = {}, []
    for index, item in enumerate(content.STATEMENTS):
        author = seat if item["kind"] == Statement.Kind.POSITION else people[index % len(people)]
        (parent_key, relation), *more_parents = item["parents"]
        source = {}
        if item["kind"] == Statement.Kind.EVIDENCE:
            spec_source = item["source"]
            source = {
                "source_citation": spec_source["citation"],
                "source_url": spec_source.get("url", ""),
                "source_kind": spec_source.get("kind", "report"),
                "source_quote": spec_source.get("quote", ""),
            }
            if ESSAY_MARK in spec_source["citation"]:
                source["source_document"] = document
        statement = add_statement(
            author, by_key[parent_key], item["kind"], item["text"], relation=relation, title=item["title"], **source
        )
        by_key[item["key"]] = statement
        leans[statement.pk] = (item["lean"], item["lens"])
        second_parents += [(author, statement, key, kind) for key, kind in more_parents]
    for author, statement, parent_key, relation in second_parents:  # parents may come later in the list
        link_statements(author, statement, by_key[parent_key], relation)

    _cast_demo_votes(workshop, people, camps, leans)
    _add_demo_annotations(people, by_key, document)
    return DemoResult(workshop, True, moderator.username)


def _agreement(rng: random.Random, camp: str, lean: str) -> int | None:
    if rng.random() < 0.15:  # nobody votes on everything
        return None
    if lean == "both":
        return rng.choice([1, 2, 2])
    if lean == "neutral":
        return rng.choice([-1, 0, 0, 1])
    if camp == "bridge":
        return rng.choice([-1, 0, 1, 1])
    return rng.choice([1, 2, 2]) if lean == camp else rng.choice([-2, -2, -1, 0])


def _cast_demo_votes(workshop, people, camps, leans) -> None:
    rng = random.Random(SEED)
    statements = Statement.objects.in_bulk(list(leans))
    relations = list(
        Relation.objects.filter(workshop=workshop).exclude(kind=Relation.Kind.ANSWERS).select_related("workshop")
    )
    for person in people:
        camp = camps[person.pk]
        for statement_id, (lean, (lens_a, lens_b)) in leans.items():
            statement = statements[statement_id]
            value = _agreement(rng, camp, lean)
            if value is not None:
                cast_vote(person, Vote.Kind.AGREEMENT, value, statement=statement)
            if rng.random() < 0.45:
                cast_vote(person, Vote.Kind.LENS_A, _jitter(rng, lens_a), statement=statement)
                cast_vote(person, Vote.Kind.LENS_B, _jitter(rng, lens_b), statement=statement)
        for relation in relations:
            if rng.random() < 0.3:
                cast_vote(person, Vote.Kind.STRENGTH, rng.choice([1, 2, 3, 3, 4]), relation=relation)


def _jitter(rng: random.Random, value: int) -> int:
    return max(0, min(4, value + rng.choice([-1, 0, 0, 1])))


def _add_demo_annotations(people, by_key, document) -> None:
    statements = [s for key, s in by_key.items() if key != "question"]
    first, second, third = people[0], people[1], people[2]
    comment = annotate(
        first, Annotation.Kind.COMMENT, "Which countries would actually be inside such a club?", statement=statements[3]
    )
    annotate(
        second,
        Annotation.Kind.COMMENT,
        "Probably those already sharing research security rules.",
        statement=statements[3],
        parent=comment,
    )
    annotate(
        third,
        Annotation.Kind.QUESTION,
        "Is there a measured effect, or is this an impression?",
        statement=statements[6],
    )
    annotate(first, Annotation.Kind.TAG, "security", statement=statements[1])
    annotate(second, Annotation.Kind.TAG, "climate", statement=statements[2])
    passage = next(p for p in document.text.split(". ") if len(p) > 40)
    annotate(third, Annotation.Kind.HIGHLIGHT, "Key point of the essay", document=document, quote_exact=passage.strip())
