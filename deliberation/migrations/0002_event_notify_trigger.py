"""PostgreSQL announces every new Event itself: `NOTIFY deliberation_events, '<workshop>:<event>'`.

A NOTIFY sent inside a transaction is delivered when it commits, and not at all if it rolls back,
so a trigger gives the live streams exactly what the separate NOTIFY after commit gave them,
without one more round trip per write. SQLite has no NOTIFY: there the hub polls the Event table.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION deliberation_notify_event() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('deliberation_events', NEW.workshop_id || ':' || NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER deliberation_event_notify AFTER INSERT ON deliberation_event
    FOR EACH ROW EXECUTE FUNCTION deliberation_notify_event();
"""

DROP = """
DROP TRIGGER IF EXISTS deliberation_event_notify ON deliberation_event;
DROP FUNCTION IF EXISTS deliberation_notify_event();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
