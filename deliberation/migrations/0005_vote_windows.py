"""The vote rate limit's windows move to the database (`VoteWindow`): a page's vote counts itself
in the statement that writes it, and every app process shares the count without a cache server."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deliberation', '0004_votes_announce_after_commit'),
    ]

    operations = [
        migrations.CreateModel(
            name='VoteWindow',
            fields=[
                ('participant', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='deliberation.participant')),
                ('opened_at', models.DateTimeField()),
                ('hits', models.PositiveIntegerField()),
            ],
        ),
    ]
