"""Agent moved from workforce to apps.people (issue #13): skills, availability, leave, shifts and roster changes point at people.Agent, and
workforce forgets the model. Runs after every other app has re-pointed its foreign keys.

State only: the table and its foreign-key constraints stay as they are (``workforce_agent``), so
nothing is rewritten or locked; only Django's idea of which app owns the model changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0004_field_verbose_names"),
        ("people", "0001_initial"),
        ("conversations", "0011_agent_moved_to_people"),
        ("qa", "0010_agent_moved_to_people"),
        ("intraday", "0002_agent_moved_to_people"),
        ("orders", "0002_agent_moved_to_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agentskill",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="skills",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="availability",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="availability",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="leave",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="leaves",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="shift",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shifts",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="rosterchange",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        verbose_name="agent",
                        to="people.agent",
                    ),
                ),
                migrations.DeleteModel(name="Agent"),
            ],
            database_operations=[],
        ),
    ]
