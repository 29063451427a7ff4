"""Fill the hourly sums of the daily usage rollup from the usage records already stored."""

from django.db import migrations

HOURS = range(24)


def _hours(column: str) -> str:
    parts = ", ".join(f"COALESCE(SUM({column}) FILTER (WHERE h = {h}), 0)" for h in HOURS)
    return f"ARRAY[{parts}]::numeric(20, 4)[]"


BACKFILL = f"""
UPDATE contracts_usagedaily d SET hour_quantity = x.hour_q, hour_night = x.hour_n
FROM (
    SELECT contract_id, metric, day, platform, store_id, channel, {_hours("q")} AS hour_q, {_hours("n")} AS hour_n
    FROM (
        SELECT contract_id, metric, day, platform, COALESCE(store_id, 0) AS store_id, channel,
               EXTRACT(HOUR FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS h,
               SUM(quantity) AS q, SUM(night_quantity) AS n
        FROM contracts_usagerecord
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    ) per_hour
    GROUP BY contract_id, metric, day, platform, store_id, channel
) x
WHERE d.contract_id = x.contract_id AND d.metric = x.metric AND d.day = x.day AND d.platform = x.platform
  AND d.store_id = x.store_id AND d.channel = x.channel
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0011_usage_daily_hours")]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
