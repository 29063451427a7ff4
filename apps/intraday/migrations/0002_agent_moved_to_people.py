"""Agent moved from workforce to apps.people (issue #13): a state event's agent points at people.Agent.

State only: the table and its foreign-key constraints stay as they are (``workforce_agent``), so
nothing is rewritten or locked; only Django's idea of which app owns the model changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intraday", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agentstateevent",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
