"""Data migration: the four role groups, and the promo calendar from fixtures/promo_calendar.json.

Permissions of models that later migrations add are granted by the post_migrate sync of
apps.core.roles.ROLE_PERMISSIONS; this migration creates the groups so they exist from the start.
"""

import json
from pathlib import Path

from django.db import migrations

ROLE_GROUPS = ["bpo_manager", "account_manager", "qa_supervisor", "client_viewer"]
CALENDAR = Path(__file__).resolve().parents[3] / "fixtures" / "promo_calendar.json"


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def load_calendar(apps, schema_editor):
    PromoEvent = apps.get_model("core", "PromoEvent")
    for row in json.loads(CALENDAR.read_text(encoding="utf-8")):
        key = {"kind": row.pop("kind"), "year": row.pop("year")}
        PromoEvent.objects.update_or_create(**key, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(load_calendar, migrations.RunPython.noop),
    ]
