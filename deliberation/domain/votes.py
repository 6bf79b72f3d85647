"""Casting and retracting votes: one row per participant, target and kind, changed in place."""

import json

from django.db import connection, transaction
from django.utils.translation import gettext as _

from deliberation.models import Participant, Phase, Relation, Statement, Vote

from .errors import InvalidInput, NotAllowed, NotFound
from .events import record
from .rules import require_contributor, require_phase

Kind = Vote.Kind

# One statement per target column (the unique constraint the upsert meets); every value a parameter.
UPSERT_WITH_EVENT = {
    target: f"""
        WITH vote AS (
            INSERT INTO deliberation_vote
                (workshop_id, participant_id, kind, statement_id, relation_id, value, created_at, updated_at)
            VALUES (%(workshop)s, %(actor)s, %(kind)s, %(statement)s, %(relation)s, %(value)s, now(), now())
            ON CONFLICT (participant_id, {target}, kind)
                DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
            RETURNING id
        )
        INSERT INTO deliberation_event (workshop_id, verb, actor_id, actor_user_id, statement_id, payload, created_at)
        SELECT %(workshop)s, 'vote.cast', %(actor)s, %(user)s, %(about)s, %(payload)s::jsonb, now() FROM vote
        RETURNING (SELECT id FROM vote)
    """  # noqa: S608 - `target` is one of the two column names here
    for target in ("statement_id", "relation_id")
}


def cast_vote(
    actor: Participant, kind: str, value: int, statement: Statement | None = None, relation: Relation | None = None
) -> Vote:
    """Cast or change a vote. A second vote on the same target updates the first (an atomic upsert),
    and the vote's event is written with it."""
    target = _target(kind, statement, relation)
    workshop = target.workshop
    require_contributor(actor, workshop, _("vote"))
    require_phase(actor, workshop, Phase.CONTRIBUTE, Phase.VOTE, action=_("voting"))
    _check_open(workshop, kind)
    if statement is not None and statement.status != Statement.Status.VISIBLE:
        raise InvalidInput(_("You can only vote on visible statements."), field="statement")
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("A vote must be a whole number."), field="value") from None
    low, high = Vote.RANGES[kind]
    if not low <= value <= high:
        raise InvalidInput(
            _("A %(kind)s vote must be between %(low)d and %(high)d.")
            % {"kind": Kind(kind).label.lower(), "low": low, "high": high},
            field="value",
        )
    row = Vote(workshop=workshop, participant=actor, kind=kind, statement=statement, relation=relation, value=value)
    payload = {
        "kind": kind,
        "value": value,
        "statement_id": statement.pk if statement else None,
        "relation_id": relation.pk if relation else None,
    }
    about = statement if statement else relation.source
    if connection.vendor == "postgresql":
        row.pk = _upsert_with_event(row, about.pk, payload)
        return row
    with transaction.atomic():
        (vote,) = Vote.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["participant", "relation", "kind"] if relation else ["participant", "statement", "kind"],
            update_fields=["value", "updated_at"],
        )
        record(workshop, "vote.cast", actor, about, **payload)
    return vote


def _upsert_with_event(vote: Vote, about_id: int, payload: dict) -> int:
    """The vote and its `vote.cast` event in one statement: both rows or neither, in one round trip
    and with no BEGIN and COMMIT around it. Votes are the busiest write of a live room. It writes
    the same rows as the portable path in `cast_vote`; `tests/test_domain.py` holds the two equal."""
    params = {
        "workshop": vote.workshop_id,
        "actor": vote.participant_id,
        "user": vote.participant.user_id,
        "kind": vote.kind,
        "statement": vote.statement_id,
        "relation": vote.relation_id,
        "value": vote.value,
        "about": about_id,
        "payload": json.dumps(payload),
    }
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_WITH_EVENT["relation_id" if vote.relation_id else "statement_id"], params)
        return cursor.fetchone()[0]


@transaction.atomic
def retract_vote(
    actor: Participant, kind: str, statement: Statement | None = None, relation: Relation | None = None
) -> None:
    target = _target(kind, statement, relation)
    workshop = target.workshop
    require_contributor(actor, workshop, _("vote"))
    require_phase(actor, workshop, Phase.CONTRIBUTE, Phase.VOTE, action=_("voting"))
    deleted, _rows = Vote.objects.filter(participant=actor, kind=kind, statement=statement, relation=relation).delete()
    if not deleted:
        raise NotFound(_("You have no such vote to retract."))
    record(
        workshop,
        "vote.retracted",
        actor,
        statement if statement else relation.source,
        kind=kind,
        statement_id=statement.pk if statement else None,
        relation_id=relation.pk if relation else None,
    )


def _target(kind: str, statement, relation):
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind of vote."), field="kind")
    if kind == Kind.STRENGTH:
        if relation is None or statement is not None:
            raise InvalidInput(_("A strength vote is cast on a link between two statements."), field="relation")
        return relation
    if statement is None or relation is not None:
        raise InvalidInput(_("This vote is cast on a statement."), field="statement")
    return statement


def _check_open(workshop, kind: str) -> None:
    open_kinds = {
        Kind.AGREEMENT: workshop.allow_agreement_votes,
        Kind.STRENGTH: workshop.allow_strength_votes,
        Kind.LENS_A: workshop.allow_lens_votes and workshop.has_dilemma,
        Kind.LENS_B: workshop.allow_lens_votes and workshop.has_dilemma,
    }
    if not open_kinds[kind]:
        raise NotAllowed(_("This workshop does not take %(kind)s votes.") % {"kind": Kind(kind).label.lower()})
