"""Statement-level triggers that keep contracts_usagedaily equal to the sums of contracts_usagerecord."""

from django.db import migrations

ADD = """
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

FORWARD = f"""
CREATE OR REPLACE FUNCTION contracts_usage_rollup_insert() RETURNS trigger AS $$
BEGIN
    {ADD.format(sign="", table="new_rows")}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_delete() RETURNS trigger AS $$
BEGIN
    {ADD.format(sign="-", table="old_rows")}
    DELETE FROM contracts_usagedaily WHERE records = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contracts_usage_rollup_update() RETURNS trigger AS $$
BEGIN
    {ADD.format(sign="-", table="old_rows")}
    {ADD.format(sign="", table="new_rows")}
    DELETE FROM contracts_usagedaily WHERE records = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_usage_rollup_insert AFTER INSERT ON contracts_usagerecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_insert();
CREATE TRIGGER contracts_usage_rollup_delete AFTER DELETE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_delete();
CREATE TRIGGER contracts_usage_rollup_update AFTER UPDATE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_update();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS contracts_usage_rollup_update ON contracts_usagerecord;
DROP TRIGGER IF EXISTS contracts_usage_rollup_delete ON contracts_usagerecord;
DROP TRIGGER IF EXISTS contracts_usage_rollup_insert ON contracts_usagerecord;
DROP FUNCTION IF EXISTS contracts_usage_rollup_update();
DROP FUNCTION IF EXISTS contracts_usage_rollup_delete();
DROP FUNCTION IF EXISTS contracts_usage_rollup_insert();
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_usage_daily")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
