"""Agent moved from workforce to apps.people (issue #13): the conversation's agent points at people.Agent.

State only: the table and its foreign-key constraints stay as they are (``workforce_agent``), so
nothing is rewritten or locked; only Django's idea of which app owns the model changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0010_drop_unpartitioned_message"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="conversation",
                    name="agent",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="conversations",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
