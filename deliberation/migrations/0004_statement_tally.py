"""Running vote figures per statement (`StatementTally`), kept by triggers on the Vote table.

Every insert, change and delete of a statement's vote adds its part to, or takes it from, the
statement's row, in the vote's own transaction; the rows of existing votes are filled once here.
PostgreSQL and SQLite each get triggers in their own dialect, from the same parts below (frozen
here: a later change of the figures needs a migration of its own).
"""

# ruff: noqa: S608 - table and column names only: triggers have no parameters

import django.db.models.deletion
from django.db import migrations, models

TALLY = "deliberation_statementtally"
VOTE = "deliberation_vote"

# What one vote adds to its statement's row, column by column; `{v}` is NEW or OLD.
PARTS = {
    "agreement_count": "CASE WHEN {v}.kind = 'agreement' THEN 1 ELSE 0 END",
    "agreement_sum": "CASE WHEN {v}.kind = 'agreement' THEN {v}.value ELSE 0 END",
    "agree_count": "CASE WHEN {v}.kind = 'agreement' AND {v}.value > 0 THEN 1 ELSE 0 END",
    "disagree_count": "CASE WHEN {v}.kind = 'agreement' AND {v}.value < 0 THEN 1 ELSE 0 END",
    "unsure_count": "CASE WHEN {v}.kind = 'agreement' AND {v}.value = 0 THEN 1 ELSE 0 END",
    "lens_a_count": "CASE WHEN {v}.kind = 'lens_a' THEN 1 ELSE 0 END",
    "lens_a_sum": "CASE WHEN {v}.kind = 'lens_a' THEN {v}.value ELSE 0 END",
    "lens_b_count": "CASE WHEN {v}.kind = 'lens_b' THEN 1 ELSE 0 END",
    "lens_b_sum": "CASE WHEN {v}.kind = 'lens_b' THEN {v}.value ELSE 0 END",
}
COLUMNS = ", ".join(PARTS)


def parts(v: str) -> str:
    return ", ".join(part.format(v=v) for part in PARTS.values())


def take(v: str) -> str:
    return ", ".join(f"{name} = {name} - ({part.format(v=v)})" for name, part in PARTS.items())


def shift() -> str:
    """A changed vote that stays on its statement: its new parts in place of its old ones."""
    return ", ".join(
        f"{name} = {name} + ({part.format(v='NEW')}) - ({part.format(v='OLD')})" for name, part in PARTS.items()
    )


def add_row(v: str, excluded: str, row: str = "") -> str:
    """Insert the vote's parts as a new row, or add them to the statement's row."""
    prefix = f"{row}." if row else ""
    updates = ", ".join(f"{name} = {prefix}{name} + {excluded}.{name}" for name in PARTS)
    return f"ON CONFLICT (statement_id) DO UPDATE SET {updates}"


CHANGED = "OLD.statement_id IS DISTINCT FROM NEW.statement_id OR OLD.kind <> NEW.kind OR OLD.value <> NEW.value"

POSTGRESQL = f"""
CREATE FUNCTION deliberation_vote_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.statement_id IS NOT DISTINCT FROM NEW.statement_id THEN
        IF NEW.statement_id IS NOT NULL THEN
            UPDATE {TALLY} SET {shift()}
            WHERE statement_id = NEW.statement_id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.statement_id IS NOT NULL THEN
        UPDATE {TALLY} SET {take("OLD")} WHERE statement_id = OLD.statement_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.statement_id IS NOT NULL THEN
        INSERT INTO {TALLY} AS t (statement_id, {COLUMNS}) VALUES (NEW.statement_id, {parts("NEW")})
        {add_row("NEW", "EXCLUDED", "t")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER deliberation_vote_tally AFTER INSERT OR DELETE ON {VOTE}
    FOR EACH ROW EXECUTE FUNCTION deliberation_vote_tally();
CREATE TRIGGER deliberation_vote_tally_change AFTER UPDATE OF statement_id, kind, value ON {VOTE}
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION deliberation_vote_tally();
"""

POSTGRESQL_DROP = f"""
DROP TRIGGER IF EXISTS deliberation_vote_tally ON {VOTE};
DROP TRIGGER IF EXISTS deliberation_vote_tally_change ON {VOTE};
DROP FUNCTION IF EXISTS deliberation_vote_tally();
"""

SQLITE = [
    f"""CREATE TRIGGER deliberation_vote_tally_insert AFTER INSERT ON {VOTE} WHEN NEW.statement_id IS NOT NULL
    BEGIN
        INSERT INTO {TALLY} (statement_id, {COLUMNS}) VALUES (NEW.statement_id, {parts("NEW")})
        {add_row("NEW", "excluded")};
    END""",
    f"""CREATE TRIGGER deliberation_vote_tally_delete AFTER DELETE ON {VOTE} WHEN OLD.statement_id IS NOT NULL
    BEGIN
        UPDATE {TALLY} SET {take("OLD")} WHERE statement_id = OLD.statement_id;
    END""",
    f"""CREATE TRIGGER deliberation_vote_tally_update AFTER UPDATE OF statement_id, kind, value ON {VOTE}
    WHEN {CHANGED}
    BEGIN
        UPDATE {TALLY} SET {take("OLD")} WHERE statement_id = OLD.statement_id;
        INSERT INTO {TALLY} (statement_id, {COLUMNS}) SELECT NEW.statement_id, {parts("NEW")}
        WHERE NEW.statement_id IS NOT NULL
        {add_row("NEW", "excluded")};
    END""",
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS deliberation_vote_tally_{name}" for name in ("insert", "delete", "update")]

BACKFILL = f"""
INSERT INTO {TALLY} (statement_id, {COLUMNS})
SELECT v.statement_id, {", ".join(f"SUM({part.format(v='v')})" for part in PARTS.values())}
FROM {VOTE} v WHERE v.statement_id IS NOT NULL GROUP BY v.statement_id
"""


def create(apps, schema_editor):
    statements = [POSTGRESQL] if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in [*statements, BACKFILL]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = [POSTGRESQL_DROP] if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0003_drop_redundant_fk_indexes")]

    operations = [
        migrations.CreateModel(
            name="StatementTally",
            fields=[
                (
                    "statement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="tally_row",
                        serialize=False,
                        to="deliberation.statement",
                    ),
                ),
                ("agreement_count", models.IntegerField(default=0)),
                ("agreement_sum", models.IntegerField(default=0)),
                ("agree_count", models.IntegerField(default=0)),
                ("disagree_count", models.IntegerField(default=0)),
                ("unsure_count", models.IntegerField(default=0)),
                ("lens_a_count", models.IntegerField(default=0)),
                ("lens_a_sum", models.IntegerField(default=0)),
                ("lens_b_count", models.IntegerField(default=0)),
                ("lens_b_sum", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
