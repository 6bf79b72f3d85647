"""The Event trigger no longer announces `vote.cast` events: the vote announces them itself after
it commits (`domain.events.announce_votes`).

A `NOTIFY` inside a transaction takes a lock that PostgreSQL holds until the commit is on disk, so
every transaction that notifies commits one after another, each waiting for its own flush. Votes
are the busiest write of a live room; announced by the trigger, they queued on that lock. Announced
after their commit, in a statement that writes nothing, they flush together again and hold the
lock for an instant.
"""

from django.db import migrations

VOTES_APART = """
DROP TRIGGER IF EXISTS deliberation_event_notify ON deliberation_event;
CREATE TRIGGER deliberation_event_notify AFTER INSERT ON deliberation_event
    FOR EACH ROW WHEN (NEW.verb <> 'vote.cast') EXECUTE FUNCTION deliberation_notify_event();
"""

EVERY_EVENT = """
DROP TRIGGER IF EXISTS deliberation_event_notify ON deliberation_event;
CREATE TRIGGER deliberation_event_notify AFTER INSERT ON deliberation_event
    FOR EACH ROW EXECUTE FUNCTION deliberation_notify_event();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VOTES_APART)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EVERY_EVENT)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0003_drop_redundant_fk_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
