"""Data migration: the vendor's default shift rule from fixtures/workforce/shift_rules.json."""

import json
from pathlib import Path

from django.db import migrations

RULES = Path(__file__).resolve().parents[3] / "fixtures" / "workforce" / "shift_rules.json"


def load_rules(apps, schema_editor):
    ShiftRule = apps.get_model("workforce", "ShiftRule")
    for row in json.loads(RULES.read_text(encoding="utf-8")):
        name = row.pop("name")
        if not ShiftRule.objects.filter(client__isnull=True).exists():
            ShiftRule.objects.create(name=name, **row)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0002_skills_forecasts_rosters")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
