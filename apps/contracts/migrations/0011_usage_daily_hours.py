"""Hourly sums in the daily usage rollup: `hour_quantity`/`hour_night` (24 elements, local hours),
kept by the same statement-level triggers as the daily sums (functions of 0005 replaced)."""

import django.contrib.postgres.fields
from django.db import migrations, models

HOURS = range(24)


def _hours(column: str, sign: str) -> str:
    parts = ", ".join(f"{sign}COALESCE(SUM({column}) FILTER (WHERE h = {h}), 0)" for h in HOURS)
    return f"ARRAY[{parts}]::numeric(20, 4)[]"


ADD = """
    INSERT INTO contracts_usagedaily
        (contract_id, metric, day, platform, store_id, channel, quantity, night_quantity, records, sum_record_id,
         hour_quantity, hour_night)
    SELECT contract_id, metric, day, platform, store_id, channel,
           {sign}SUM(q), {sign}SUM(n), {sign}SUM(c), {sign}SUM(s), {hour_q}, {hour_n}
    FROM (
        SELECT contract_id, metric, day, platform, COALESCE(store_id, 0) AS store_id, channel,
               EXTRACT(HOUR FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS h,
               SUM(quantity) AS q, SUM(night_quantity) AS n, COUNT(*) AS c, SUM(id) AS s
        FROM {table}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    ) per_hour
    GROUP BY contract_id, metric, day, platform, store_id, channel
    ORDER BY contract_id, metric, day, platform, store_id, channel
    ON CONFLICT (contract_id, metric, day, platform, store_id, channel) DO UPDATE SET
        quantity = contracts_usagedaily.quantity + EXCLUDED.quantity,
        night_quantity = contracts_usagedaily.night_quantity + EXCLUDED.night_quantity,
        records = contracts_usagedaily.records + EXCLUDED.records,
        sum_record_id = contracts_usagedaily.sum_record_id + EXCLUDED.sum_record_id,
        hour_quantity = contracts_usage_hours_add(contracts_usagedaily.hour_quantity, EXCLUDED.hour_quantity),
        hour_night = contracts_usage_hours_add(contracts_usagedaily.hour_night, EXCLUDED.hour_night);
"""


def _add(sign: str, table: str) -> str:
    return ADD.format(sign=sign, table=table, hour_q=_hours("q", sign), hour_n=_hours("n", sign))


FORWARD = f"""
CREATE OR REPLACE FUNCTION contracts_usage_hours_add(a numeric[], b numeric[]) RETURNS numeric[] AS $$
    SELECT COALESCE(array_agg(COALESCE(x, 0) + COALESCE(y, 0) ORDER BY i), '{{}}')
    FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i)
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_insert() RETURNS trigger AS $$
BEGIN
    {_add("", "new_rows")}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_delete() RETURNS trigger AS $$
BEGIN
    {_add("-", "old_rows")}
    DELETE FROM contracts_usagedaily WHERE records = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_update() RETURNS trigger AS $$
BEGIN
    {_add("-", "old_rows")}
    {_add("", "new_rows")}
    DELETE FROM contracts_usagedaily WHERE records = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

ALTER TABLE contracts_usagedaily ALTER COLUMN hour_quantity SET DEFAULT '{{}}';
ALTER TABLE contracts_usagedaily ALTER COLUMN hour_night SET DEFAULT '{{}}';
"""

# 0005's functions, to go back.
OLD_ADD = """
    INSERT INTO contracts_usagedaily
        (contract_id, metric, day, platform, store_id, channel, quantity, night_quantity, records, sum_record_id)
    SELECT contract_id, metric, day, platform, COALESCE(store_id, 0), channel,
           {sign} SUM(quantity), {sign} SUM(night_quantity), {sign} COUNT(*), {sign} SUM(id)
    FROM {table}
    GROUP BY contract_id, metric, day, platform, COALESCE(store_id, 0), channel
    ORDER BY contract_id, metric, day, platform, COALESCE(store_id, 0), channel
    ON CONFLICT (contract_id, metric, day, platform, store_id, channel) DO UPDATE SET
        quantity = contracts_usagedaily.quantity + EXCLUDED.quantity,
        night_quantity = contracts_usagedaily.night_quantity + EXCLUDED.night_quantity,
        records = contracts_usagedaily.records + EXCLUDED.records,
        sum_record_id = contracts_usagedaily.sum_record_id + EXCLUDED.sum_record_id;
"""

BACKWARD = f"""
CREATE OR REPLACE FUNCTION contracts_usage_rollup_insert() RETURNS trigger AS $$
BEGIN
    {OLD_ADD.format(sign="", table="new_rows")}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_delete() RETURNS trigger AS $$
BEGIN
    {OLD_ADD.format(sign="-", table="old_rows")}
    DELETE FROM contracts_usagedaily WHERE records = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_update() RETURNS trigger AS $$
BEGIN
    {OLD_ADD.format(sign="-", table="old_rows")}
    {OLD_ADD.format(sign="", table="new_rows")}
    DELETE FROM contracts_usagedaily WHERE records = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION IF EXISTS contracts_usage_hours_add(numeric[], numeric[]);
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0010_statements_fapiao_payments_confirmation")]

    operations = [
        migrations.AddField(
            model_name="usagedaily",
            name="hour_night",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.DecimalField(decimal_places=4, max_digits=20),
                default=list,
                size=24,
                verbose_name="night by hour",
            ),
        ),
        migrations.AddField(
            model_name="usagedaily",
            name="hour_quantity",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.DecimalField(decimal_places=4, max_digits=20),
                default=list,
                size=24,
                verbose_name="quantity by hour",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
