"""Data: fill contracts_usagedaily from the usage records that existed before its triggers."""

from django.db import migrations

from apps.contracts.rollup import REBUILD_SQL


def backfill(apps, schema_editor):
    schema_editor.execute("DELETE FROM contracts_usagedaily")
    schema_editor.execute(REBUILD_SQL.replace("WHERE contract_id = ANY(%s)", ""))


class Migration(migrations.Migration):
    dependencies = [("contracts", "0005_usage_rollup_triggers")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
