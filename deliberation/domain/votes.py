"""Casting and retracting votes: one row per participant, target and kind, changed in place."""

from django.db import transaction
from django.utils.translation import gettext as _

from deliberation.models import Participant, Phase, Relation, Statement, Vote

from .errors import InvalidInput, NotAllowed, NotFound
from .events import record
from .rules import require_contributor, require_phase

Kind = Vote.Kind


@transaction.atomic
def cast_vote(
    actor: Participant, kind: str, value: int, statement: Statement | None = None, relation: Relation | None = None
) -> Vote:
    """Cast or change a vote. A second vote on the same target updates the first (an atomic upsert)."""
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
    (vote,) = Vote.objects.bulk_create(
        [Vote(workshop=workshop, participant=actor, kind=kind, statement=statement, relation=relation, value=value)],
        update_conflicts=True,
        unique_fields=["participant", "relation", "kind"] if relation else ["participant", "statement", "kind"],
        update_fields=["value", "updated_at"],
    )
    record(
        workshop,
        "vote.cast",
        actor,
        statement if statement else relation.source,
        kind=kind,
        value=value,
        statement_id=statement.pk if statement else None,
        relation_id=relation.pk if relation else None,
    )
    return vote


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
