"""Usage records range-partitioned by the local month of `created_at`; the business key moves to the
narrow unpartitioned key table `contracts_usagekey` (issue #19, docs/operations.md "Partitioned
usage records").

Postgres requires every unique index of a partitioned table to contain the partition key, and the
business key (contract, metric, source, source_key) has no time in it on purpose. So:

- `contracts_usagekey` (id, contract, metric, source, source_key, created_at) holds the business
  key, unique (`usage_business_key_uniq`, the name it had on the records), one row per record with
  the record's id and `created_at` — together the record's primary key;
- `contracts_usagerecord` is partitioned on `created_at` (when the record was received: set once,
  never updated, so a row never moves between partitions), one partition per local month
  `contracts_usagerecord_yYYYYmMM` plus `contracts_usagerecord_default`, primary key (id,
  created_at). Ids still come from one sequence, whose position is kept; Django keeps `id` as the
  model's primary key;
- statement-level triggers on the partitioned table: the daily rollup's three (functions of 0005 and
  0011, unchanged; they see the rows of every partition) and three that keep the key table equal
  to the records' keys whatever path writes them (a record whose key or id another record holds is
  refused with a unique violation).

One migration, so one transaction: the old table is renamed aside, the new one created without
triggers or indexes, the rows copied month by month with their ids (the rollup is not touched: the
same rows, the same sums), the keys copied (the key table has no index yet either), then keys,
indexes, foreign keys and triggers built and the old table dropped. If anything fails nothing has changed.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD = "contracts_usagerecord_unpartitioned"
TZ = "Asia/Shanghai"
MONTHS_BACK = 120  # a partition per received month of the last 10 years that has rows (usage is kept with
# the statements), and this month to three ahead; rows received earlier wait in the DEFAULT partition
COLUMNS = (
    "id, metric, source, source_key, quantity, night_quantity, occurred_at, day, platform, channel, "
    "created_at, contract_id, store_id"
)
KEY_COLUMNS = "id, contract_id, metric, source, source_key, created_at"

# Django's names (0001_initial) of the indexes and foreign keys, kept on the new table.
CONTRACT_IDX = "contracts_usagerecord_contract_id_b699b505"
STORE_IDX = "contracts_usagerecord_store_id_a3400cf0"
CONTRACT_FK = "contracts_usagerecor_contract_id_b699b505_fk_contracts"
STORE_FK = "contracts_usagerecord_store_id_a3400cf0_fk_clients_store_id"
KEY_CONTRACT_FK = "contracts_usagekey_contract_id_9cfd70de_fk_contracts"

ASIDE = f"""
ALTER TABLE contracts_usagerecord RENAME TO {OLD};
ALTER TABLE {OLD} RENAME CONSTRAINT contracts_usagerecord_pkey TO {OLD}_pkey;
ALTER TABLE {OLD} RENAME CONSTRAINT usage_business_key_uniq TO {OLD}_key_uniq;
ALTER INDEX {CONTRACT_IDX} RENAME TO {OLD}_contract_idx;
ALTER INDEX {STORE_IDX} RENAME TO {OLD}_store_idx;
ALTER INDEX usage_contract_day_idx RENAME TO {OLD}_day_idx;
ALTER SEQUENCE contracts_usagerecord_id_seq RENAME TO {OLD}_id_seq;

CREATE SEQUENCE contracts_usagerecord_id_seq AS bigint;
CREATE TABLE contracts_usagerecord (
    id bigint NOT NULL DEFAULT nextval('contracts_usagerecord_id_seq'),
    metric varchar(32) NOT NULL,
    source varchar(16) NOT NULL,
    source_key varchar(128) NOT NULL,
    quantity numeric(14, 4) NOT NULL,
    night_quantity numeric(14, 4) NOT NULL,
    occurred_at timestamptz NOT NULL,
    day date NOT NULL,
    platform varchar(16) NOT NULL,
    channel varchar(16) NOT NULL,
    created_at timestamptz NOT NULL,
    contract_id bigint NOT NULL,
    store_id bigint,
    CONSTRAINT usage_night_range CHECK (night_quantity >= 0 AND night_quantity <= quantity),
    CONSTRAINT usage_quantity_gte_0 CHECK (quantity >= 0)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE contracts_usagerecord_id_seq OWNED BY contracts_usagerecord.id;
SELECT setval('contracts_usagerecord_id_seq', last_value, is_called) FROM {OLD}_id_seq;
CREATE TABLE contracts_usagerecord_default PARTITION OF contracts_usagerecord DEFAULT;

DO $$
DECLARE
    tz constant text := '{TZ}';
    this_month date := date_trunc('month', now() AT TIME ZONE tz)::date;
    m date;
BEGIN
    FOR m IN
        SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE tz)::date FROM {OLD}
        WHERE created_at >= (this_month - interval '{MONTHS_BACK} months')::timestamp AT TIME ZONE tz
        UNION
        SELECT generate_series(this_month, this_month + interval '3 months', interval '1 month')::date
        ORDER BY 1
    LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF contracts_usagerecord FOR VALUES FROM (%L) TO (%L)',
            'contracts_usagerecord_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'),
            (m::timestamp AT TIME ZONE tz), ((m + interval '1 month')::timestamp AT TIME ZONE tz));
    END LOOP;
END
$$;

CREATE TABLE contracts_usagekey (
    id bigint NOT NULL,
    metric varchar(32) NOT NULL,
    source varchar(16) NOT NULL,
    source_key varchar(128) NOT NULL,
    created_at timestamptz NOT NULL,
    contract_id bigint NOT NULL
);
"""

# 0011's trigger functions stay; the triggers are created again on the partitioned table. The key
# triggers: an insert adds the keys of records no writer claimed (a key another record holds fails on
# usage_business_key_uniq) and refuses a record whose claimed key or id belongs to another record; a
# delete drops its records' keys; an update drops the old keys and adds the new ones.
TRIGGERS = """
CREATE TRIGGER contracts_usage_rollup_insert AFTER INSERT ON contracts_usagerecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_insert();
CREATE TRIGGER contracts_usage_rollup_delete AFTER DELETE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_delete();
CREATE TRIGGER contracts_usage_rollup_update AFTER UPDATE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_update();

CREATE FUNCTION contracts_usage_key_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO contracts_usagekey (id, contract_id, metric, source, source_key, created_at)
    SELECT id, contract_id, metric, source, source_key, created_at FROM new_rows
    ON CONFLICT (id) DO NOTHING;
    IF EXISTS (
        SELECT 1 FROM new_rows n JOIN contracts_usagekey k ON k.id = n.id
        WHERE (k.contract_id, k.metric, k.source, k.source_key, k.created_at)
              IS DISTINCT FROM (n.contract_id, n.metric, n.source, n.source_key, n.created_at)
    ) THEN
        RAISE EXCEPTION 'usage record id already names another usage record or business key'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'usage_business_key_uniq',
                  TABLE = 'contracts_usagekey';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION contracts_usage_key_delete() RETURNS trigger AS $$
BEGIN
    DELETE FROM contracts_usagekey k USING old_rows o WHERE k.id = o.id AND k.created_at = o.created_at;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION contracts_usage_key_update() RETURNS trigger AS $$
BEGIN
    DELETE FROM contracts_usagekey k USING old_rows o WHERE k.id = o.id AND k.created_at = o.created_at;
    INSERT INTO contracts_usagekey (id, contract_id, metric, source, source_key, created_at)
    SELECT id, contract_id, metric, source, source_key, created_at FROM new_rows;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_usage_key_insert AFTER INSERT ON contracts_usagerecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_key_insert();
CREATE TRIGGER contracts_usage_key_delete AFTER DELETE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_key_delete();
CREATE TRIGGER contracts_usage_key_update AFTER UPDATE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_key_update();
"""

FINISH = f"""
DROP TABLE {OLD};
ALTER TABLE contracts_usagerecord ADD CONSTRAINT contracts_usagerecord_pkey PRIMARY KEY (id, created_at);
CREATE INDEX {CONTRACT_IDX} ON contracts_usagerecord (contract_id);
CREATE INDEX {STORE_IDX} ON contracts_usagerecord (store_id);
CREATE INDEX usage_contract_day_idx ON contracts_usagerecord (contract_id, day);
ALTER TABLE contracts_usagerecord ADD CONSTRAINT {CONTRACT_FK}
    FOREIGN KEY (contract_id) REFERENCES contracts_contract (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE contracts_usagerecord ADD CONSTRAINT {STORE_FK}
    FOREIGN KEY (store_id) REFERENCES clients_store (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE contracts_usagekey ADD CONSTRAINT contracts_usagekey_pkey PRIMARY KEY (id);
ALTER TABLE contracts_usagekey ADD CONSTRAINT usage_business_key_uniq UNIQUE (contract_id, metric, source, source_key);
ALTER TABLE contracts_usagekey ADD CONSTRAINT {KEY_CONTRACT_FK}
    FOREIGN KEY (contract_id) REFERENCES contracts_contract (id) DEFERRABLE INITIALLY DEFERRED;
{TRIGGERS}
"""

# Backwards: the old table again, with its keys, ids and sequence position, then its triggers.
UNFINISH = f"""
DROP TRIGGER contracts_usage_key_insert ON contracts_usagerecord;
DROP TRIGGER contracts_usage_key_delete ON contracts_usagerecord;
DROP TRIGGER contracts_usage_key_update ON contracts_usagerecord;
DROP FUNCTION contracts_usage_key_insert();
DROP FUNCTION contracts_usage_key_delete();
DROP FUNCTION contracts_usage_key_update();
DROP TRIGGER contracts_usage_rollup_insert ON contracts_usagerecord;
DROP TRIGGER contracts_usage_rollup_delete ON contracts_usagerecord;
DROP TRIGGER contracts_usage_rollup_update ON contracts_usagerecord;
CREATE TABLE {OLD} (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    metric varchar(32) NOT NULL,
    source varchar(16) NOT NULL,
    source_key varchar(128) NOT NULL,
    quantity numeric(14, 4) NOT NULL,
    night_quantity numeric(14, 4) NOT NULL,
    occurred_at timestamptz NOT NULL,
    day date NOT NULL,
    platform varchar(16) NOT NULL,
    channel varchar(16) NOT NULL,
    created_at timestamptz NOT NULL,
    contract_id bigint NOT NULL,
    store_id bigint,
    CONSTRAINT usage_night_range CHECK (night_quantity >= 0 AND night_quantity <= quantity),
    CONSTRAINT usage_quantity_gte_0 CHECK (quantity >= 0)
);
"""

UNASIDE = f"""
DROP TABLE contracts_usagerecord;
DROP TABLE contracts_usagekey;
ALTER TABLE {OLD} RENAME TO contracts_usagerecord;
ALTER SEQUENCE {OLD}_id_seq RENAME TO contracts_usagerecord_id_seq;
ALTER TABLE contracts_usagerecord ADD CONSTRAINT contracts_usagerecord_pkey PRIMARY KEY (id);
ALTER TABLE contracts_usagerecord ADD CONSTRAINT usage_business_key_uniq
    UNIQUE (contract_id, metric, source, source_key);
CREATE INDEX {CONTRACT_IDX} ON contracts_usagerecord (contract_id);
CREATE INDEX {STORE_IDX} ON contracts_usagerecord (store_id);
CREATE INDEX usage_contract_day_idx ON contracts_usagerecord (contract_id, day);
ALTER TABLE contracts_usagerecord ADD CONSTRAINT {CONTRACT_FK}
    FOREIGN KEY (contract_id) REFERENCES contracts_contract (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE contracts_usagerecord ADD CONSTRAINT {STORE_FK}
    FOREIGN KEY (store_id) REFERENCES clients_store (id) DEFERRABLE INITIALLY DEFERRED;
CREATE TRIGGER contracts_usage_rollup_insert AFTER INSERT ON contracts_usagerecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_insert();
CREATE TRIGGER contracts_usage_rollup_delete AFTER DELETE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_delete();
CREATE TRIGGER contracts_usage_rollup_update AFTER UPDATE ON contracts_usagerecord
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_usage_rollup_update();
"""


def copy_forward(apps, schema_editor):
    """The records month by month (received month, local), ids kept; then their keys."""
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE %s)::date FROM {OLD} ORDER BY 1", [TZ]
        )
        for (month,) in cur.fetchall():
            cur.execute(
                f"INSERT INTO contracts_usagerecord ({COLUMNS}) SELECT {COLUMNS} FROM {OLD} "
                "WHERE created_at >= (%s::date)::timestamp AT TIME ZONE %s "
                "AND created_at < (%s::date + interval '1 month')::timestamp AT TIME ZONE %s ORDER BY id",
                [month, TZ, month, TZ],
            )
        # no index on either table yet: the keys' primary key and unique index are built after the copy
        cur.execute(f"INSERT INTO contracts_usagekey ({KEY_COLUMNS}) SELECT {KEY_COLUMNS} FROM {OLD}")


def copy_backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {OLD} ({COLUMNS}) OVERRIDING SYSTEM VALUE SELECT {COLUMNS} FROM contracts_usagerecord ORDER BY id"
        )
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{OLD}', 'id'), last_value, is_called) "
            "FROM contracts_usagerecord_id_seq"
        )


class Migration(migrations.Migration):
    dependencies = [("contracts", "0013_commission_charge")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ASIDE, UNASIDE)],
            state_operations=[
                migrations.RemoveConstraint(model_name="usagerecord", name="usage_business_key_uniq"),
                migrations.CreateModel(
                    name="UsageKey",
                    fields=[
                        ("id", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="record id")),
                        ("metric", models.CharField(max_length=32, verbose_name="metric")),
                        ("source", models.CharField(max_length=16, verbose_name="source")),
                        ("source_key", models.CharField(max_length=128, verbose_name="source key")),
                        ("created_at", models.DateTimeField(verbose_name="received")),
                        (
                            "contract",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="contracts.contract",
                                verbose_name="contract",
                            ),
                        ),
                    ],
                    options={"verbose_name": "usage key", "verbose_name_plural": "usage keys"},
                ),
                migrations.AddConstraint(
                    model_name="usagekey",
                    constraint=models.UniqueConstraint(
                        fields=("contract", "metric", "source", "source_key"), name="usage_business_key_uniq"
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_forward, copy_backward),
        migrations.RunSQL(FINISH, UNFINISH),
    ]
