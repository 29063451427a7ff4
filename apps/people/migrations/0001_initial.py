"""Agent moved here from workforce (issue #13), by state only.

The table keeps its name (``workforce_agent``, Meta.db_table) and every row, index, constraint and
sequence; workforce's own migrations created it, so this one runs after them and touches no table."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clients", "0003_retention_and_data_runs"),
        ("workforce", "0004_field_verbose_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Agent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("employee_no", models.CharField(max_length=32, unique=True, verbose_name="employee no.")),
                        ("name", models.CharField(max_length=64, verbose_name="name")),
                        ("nick", models.CharField(max_length=64, unique=True, verbose_name="chat nick")),
                        (
                            "contract_type",
                            models.CharField(
                                choices=[
                                    ("full_time", "Full-time"),
                                    ("part_time", "Part-time"),
                                    ("surge", "Temporary surge"),
                                ],
                                default="full_time",
                                max_length=16,
                                verbose_name="contract type",
                            ),
                        ),
                        (
                            "hourly_cost",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("35.00"),
                                max_digits=8,
                                verbose_name="hourly cost (CNY)",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("hired_on", models.DateField(blank=True, null=True, verbose_name="hired on")),
                        (
                            "weekly_hours_min",
                            models.DecimalField(
                                decimal_places=1, default=Decimal("0"), max_digits=4, verbose_name="weekly hours min"
                            ),
                        ),
                        (
                            "weekly_hours_max",
                            models.DecimalField(
                                decimal_places=1, default=Decimal("44"), max_digits=4, verbose_name="weekly hours max"
                            ),
                        ),
                        (
                            "max_days_per_week",
                            models.PositiveSmallIntegerField(
                                default=6,
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(7),
                                ],
                                verbose_name="max days a week",
                            ),
                        ),
                        ("preferred_start", models.TimeField(blank=True, null=True, verbose_name="preferred start")),
                        (
                            "nights_ok",
                            models.BooleanField(
                                default=True, help_text="22:00–08:00 Asia/Shanghai.", verbose_name="works nights"
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="agents",
                                to="clients.site",
                                verbose_name="site",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "agent",
                        "verbose_name_plural": "agents",
                        "db_table": "workforce_agent",
                        "ordering": ["employee_no"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("weekly_hours_min__lte", models.F("weekly_hours_max"))),
                                name="agent_weekly_hours_order",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
