"""Votes and events lose the single-column indexes on their foreign keys that composite indexes
beginning with the same column already provide: each vote wrote to them for nothing."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0002_event_notify_trigger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="workshop",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="deliberation.workshop",
            ),
        ),
        migrations.AlterField(
            model_name="vote",
            name="participant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="votes",
                to="deliberation.participant",
            ),
        ),
        migrations.AlterField(
            model_name="vote",
            name="workshop",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="votes",
                to="deliberation.workshop",
            ),
        ),
    ]
