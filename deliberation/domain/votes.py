"""Casting and retracting votes: one row per participant, target and kind, changed in place."""

import json
import re
from datetime import UTC, datetime, timedelta
from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from deliberation import rows
from deliberation.models import (
    TALLY_COLUMNS,
    TALLY_NAMES,
    Participant,
    Phase,
    Relation,
    Role,
    Statement,
    Vote,
    VoteWindow,
    Workshop,
    _figures,
    _kind_params,
)

from .errors import InvalidInput, NotAllowed, NotFound, RateLimited
from .events import announce_votes, record
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
        announce_votes(workshop.pk)
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


# A seat's vote counted in its window: the window opens at the first vote and lasts `window`
# seconds, so the limit holds for any run of votes shorter than that (as `ratelimit.check_rate`).
COUNT_VOTE = f"""
    INSERT INTO {VoteWindow._meta.db_table} AS w (participant_id, opened_at, hits)
    SELECT p.id, %(now)s, 1 FROM {Participant._meta.db_table} p WHERE p.resume_token = %(token)s
    ON CONFLICT (participant_id) DO UPDATE SET
        hits = CASE WHEN w.opened_at > %(since)s THEN w.hits + 1 ELSE 1 END,
        opened_at = CASE WHEN w.opened_at > %(since)s THEN w.opened_at ELSE %(now)s END
    RETURNING participant_id, hits, opened_at
"""  # noqa: S608 - table names; every value is a parameter


def count_vote(resume_token: str, limit: int, window: int) -> None:
    """Count a vote, cast or retracted, against the seat's limit of `limit` in `window` seconds;
    past it, `RateLimited`. An unknown token counts nothing (the vote is refused anyway)."""
    params = _window_params(resume_token, window)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_VOTE, params)
        row = cursor.fetchone()
    if row is not None:
        _check_window(row[1], row[2], limit, window)


def _window_params(resume_token: str, window: int) -> dict:
    now = timezone.now()
    return {
        "token": resume_token,
        "now": connection.ops.adapt_datetimefield_value(now),
        "since": connection.ops.adapt_datetimefield_value(now - timedelta(seconds=window)),
    }


def _check_window(hits: int, opened_at, limit: int, window: int) -> None:
    if hits > limit:
        raise RateLimited.wait((_as_datetime(opened_at) - timezone.now()).total_seconds() + window)


def _as_datetime(value) -> datetime:
    """A timestamp as the database gave it back (SQLite answers with text, naive in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


STATEMENT_KINDS = (Kind.AGREEMENT, Kind.LENS_A, Kind.LENS_B)


def cast_vote_by_seat(
    resume_token: str, workshop_slug: str, statement_id: int, kind: str, value, limit: tuple[int, int]
) -> tuple[Participant, Statement, dict[str, int]] | None:
    """`cast_vote` on a statement for the seat a resume token names, in one SQL statement: it
    counts the vote against the seat's rate `limit` (votes, seconds: `count_vote`), checks the
    seat, the statement and every rule `cast_vote` applies in its WHERE clause, writes the vote
    and its event and answers with the statement's new tally. Votes are the busiest request of a
    live room, and five round trips (rate limit, seat, statement, write, tally) cost more than the
    work they carry.

    The vote is counted whatever follows, and past the limit it raises `RateLimited`. Returns
    (participant, statement with its tally figures, {kind: the participant's vote}), or None when
    nothing was written: no such seat or visible statement, a rule says no, a value out of range,
    or a database without this statement (SQLite). The caller then takes the full way
    (`cast_vote`), which says why, without counting the vote again. `tests/test_quick_vote.py`
    holds the two ways to the same rules and the same rows."""
    votes, window = limit
    value = _statement_vote_value(kind, value)
    if connection.vendor != "postgresql" or value is None:
        count_vote(resume_token, votes, window)
        return None
    payload = {"kind": kind, "value": value, "statement_id": statement_id, "relation_id": None}
    params = {
        **_window_params(resume_token, window),
        "slug": workshop_slug,
        "statement": statement_id,
        "kind": kind,
        "value": value,
        "payload": json.dumps(payload),
    }
    with connection.cursor() as cursor:
        cursor.execute(_vote_by_seat_query(kind == Kind.AGREEMENT, votes), params)
        row = cursor.fetchone()
    if row is None:  # no such seat
        return None
    _check_window(row[0], row[1], votes, window)
    row = row[2:]
    if row[0] is None:  # refused
        return None
    announce_votes(row[_SEAT_IDS.index("in_workshop")])
    at = len(_SEAT_IDS)
    participant = rows.instance(Participant, row, at, ANSWER_FIELDS[Participant])
    at += rows.width(Participant, ANSWER_FIELDS[Participant])
    workshop = rows.instance(Workshop, row, at, ANSWER_FIELDS[Workshop])
    at += rows.width(Workshop, ANSWER_FIELDS[Workshop])
    statement = rows.instance(Statement, row, at, ANSWER_FIELDS[Statement])
    at += rows.width(Statement, ANSWER_FIELDS[Statement])
    figures = _figures(TALLY_NAMES, row[at : at + len(TALLY_NAMES)])
    for name, figure in figures.items():
        setattr(statement, name, figure)
    mine = dict(zip(STATEMENT_KINDS, row[at + len(TALLY_NAMES) :], strict=True))
    participant.workshop = statement.workshop = workshop
    return participant, statement, {voted: cast for voted, cast in mine.items() if cast is not None}


# What the vote's answer (the vote widget and the outline's tally) reads of the three rows; the
# instances defer every other field.
ANSWER_FIELDS = {
    Participant: ("id", "workshop_id", "user_id", "role", "is_banned"),
    Workshop: (
        "id",
        "slug",
        "phase",
        "pole_a",
        "pole_b",
        "hide_results_until_voted",
        "allow_agreement_votes",
        "allow_lens_votes",
    ),
    Statement: ("id", "workshop_id", "author_id", "status"),
}
_SEAT_IDS = ("voter", "voter_user", "in_workshop", "on_statement")  # the seat's first columns


def _literal(constant: str) -> str:
    """One of the model's own choices (a role, phase, status or kind of vote) as an SQL literal:
    written into the query once rather than sent as a parameter with every vote."""
    if not re.fullmatch(r"[a-z_]+", constant):
        raise ValueError(f"not a plain choice: {constant!r}")
    return f"'{constant}'"


def _statement_vote_value(kind: str, value) -> int | None:
    """`value` as a whole number in the range of `kind`, a kind cast on a statement; else None."""
    if kind not in STATEMENT_KINDS:
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    low, high = Vote.RANGES[kind]
    return value if low <= value <= high else None


@cache
def _vote_by_seat_query(agreement_vote: bool, limit: int) -> str:
    """The vote counted in its seat's window (`COUNT_VOTE`); the seat (as
    `views.seats.remembered_seat` finds it) allowed to vote on a visible statement, if the count is
    within `limit`; the upsert and event of `UPSERT_WITH_EVENT`; and the tally of `statement_tally`
    over the votes as they stand after this one: the others' votes as the statement's snapshot saw
    them, and the new one in place of the voter's old vote of this kind. It answers with the count
    and its window's start, then, if the vote was written, the rows and the tally.

    The rules of `cast_vote` (`require_contributor`, `require_phase`, `_check_open`) and of a
    visible statement are in the WHERE clause, their constants written in; an agreement vote and a
    lens vote differ in which setting opens them."""
    participant, workshop = Participant._meta.db_table, Workshop._meta.db_table
    statement, vote = Statement._meta.db_table, Vote._meta.db_table
    kinds = {name: _literal(kind) for name, kind in _kind_params().items()}
    kind_open = (
        "w.allow_agreement_votes" if agreement_vote else "w.allow_lens_votes AND w.pole_a <> '' AND w.pole_b <> ''"
    )
    return f"""
        WITH counted AS ({COUNT_VOTE}),
        seat AS (
            SELECT p.id AS voter, p.user_id AS voter_user, w.id AS in_workshop, s.id AS on_statement,
                   {rows.columns(Participant, "p", ANSWER_FIELDS[Participant])},
                   {rows.columns(Workshop, "w", ANSWER_FIELDS[Workshop])},
                   {rows.columns(Statement, "s", ANSWER_FIELDS[Statement])}
            FROM counted
            JOIN {participant} p ON p.id = counted.participant_id
            JOIN {workshop} w ON w.id = p.workshop_id
            JOIN {statement} s ON s.id = %(statement)s AND s.workshop_id = w.id
            WHERE counted.hits <= {int(limit)} AND w.slug = %(slug)s
              AND NOT p.is_banned AND p.role <> {_literal(Role.OBSERVER)}
              AND w.phase <> {_literal(Phase.CLOSED)}
              AND (w.phase IN ({_literal(Phase.CONTRIBUTE)}, {_literal(Phase.VOTE)})
                   OR p.role IN ({_literal(Role.OWNER)}, {_literal(Role.MODERATOR)}))
              AND s.status = {_literal(Statement.Status.VISIBLE)}
              AND {kind_open}
        ),
        vote AS (
            INSERT INTO {vote}
                (workshop_id, participant_id, kind, statement_id, relation_id, value, created_at, updated_at)
            SELECT in_workshop, voter, %(kind)s, on_statement, NULL, %(value)s, now(), now() FROM seat
            ON CONFLICT (participant_id, statement_id, kind)
                DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
            RETURNING participant_id, statement_id, kind, value
        ),
        event AS (
            INSERT INTO deliberation_event
                (workshop_id, verb, actor_id, actor_user_id, statement_id, payload, created_at)
            SELECT seat.in_workshop, 'vote.cast', seat.voter, seat.voter_user, seat.on_statement,
                   %(payload)s::jsonb, now()
            FROM seat JOIN vote ON true
        ),
        votes AS (
            SELECT o.kind, o.value, o.participant_id = vote.participant_id AS mine FROM {vote} o, vote
            WHERE o.statement_id = vote.statement_id
              AND NOT (o.participant_id = vote.participant_id AND o.kind = vote.kind)
            UNION ALL
            SELECT kind, value, true FROM vote
        )
        SELECT counted.hits, counted.opened_at, answer.* FROM counted LEFT JOIN (
            SELECT seat.*, tally.* FROM seat JOIN vote ON true
            CROSS JOIN (
                SELECT {TALLY_COLUMNS % kinds},
                       MAX(value) FILTER (WHERE kind = {kinds["agreement"]} AND mine),
                       MAX(value) FILTER (WHERE kind = {kinds["lens_a"]} AND mine),
                       MAX(value) FILTER (WHERE kind = {kinds["lens_b"]} AND mine)
                FROM votes
            ) tally
        ) answer ON true
    """  # noqa: S608 - table names and the model's own choices; every value a voter sends is a parameter


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
