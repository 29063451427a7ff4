"""Data: fill contracts_usagedaily from the usage records that existed before its triggers."""

from django.db import migrations

BACKFILL = """
DELETE FROM contracts_usagedaily;
INSERT INTO contracts_usagedaily
    (contract_id, metric, day, platform, store_id, channel, quantity, night_quantity, records, sum_record_id)
SELECT contract_id, metric, day, platform, COALESCE(store_id, 0), channel,
       SUM(quantity), SUM(night_quantity), COUNT(*), SUM(id)
FROM contracts_usagerecord
GROUP BY contract_id, metric, day, platform, COALESCE(store_id, 0), channel;
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0005_usage_rollup_triggers")]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
