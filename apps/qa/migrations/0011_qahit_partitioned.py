"""Schema migration: the QA hit table becomes range-partitioned by local month on `scored_at`, a
new column copied from the hit's result (docs/operations.md, "Partitioned QA hits").

Postgres requires every unique key of a partitioned table, the primary key included, to contain
the partition key, so the primary key becomes (id, scored_at); Django's state keeps `id` as the
primary key (ids still come from one sequence, whose position is kept). The one foreign key into
the table, ReviewItem.hit, can then only reference (id, scored_at): review items get
`hit_scored_at`, and their old foreign key is dropped here; 0013 adds the composite one once 0012
has filled the column. The old table is renamed aside here, its rows are copied by the data
migration 0012 and it is dropped by 0013. Monthly partitions are created for every month of the
stored hits (at most 36 back) up to three months ahead, plus a DEFAULT partition; from then on
`apps.conversations.partitions` keeps them.
"""

from django.db import migrations, models

OLD = "qa_qahit_unpartitioned"
REVIEW_FK = "qa_reviewitem_hit_id_dfb5d092_fk_qa_qahit_id"

FORWARD = f"""
ALTER TABLE qa_reviewitem DROP CONSTRAINT {REVIEW_FK};
ALTER TABLE qa_reviewitem ADD COLUMN hit_scored_at timestamptz NULL;

ALTER TABLE qa_qahit RENAME TO {OLD};
ALTER TABLE {OLD} RENAME CONSTRAINT qa_qahit_pkey TO {OLD}_pkey;
ALTER INDEX qa_qahit_result_id_548999e9 RENAME TO {OLD}_result_idx;
ALTER INDEX qa_qahit_rule_id_87e1a2c3 RENAME TO {OLD}_rule_idx;
ALTER SEQUENCE qa_qahit_id_seq RENAME TO {OLD}_id_seq;

CREATE SEQUENCE qa_qahit_id_seq AS bigint;
CREATE TABLE qa_qahit (
    id bigint NOT NULL DEFAULT nextval('qa_qahit_id_seq'),
    severity varchar(16) NOT NULL,
    message_index integer CONSTRAINT qa_qahit_message_index_check CHECK (message_index >= 0),
    span_start integer CONSTRAINT qa_qahit_span_start_check CHECK (span_start >= 0),
    span_end integer CONSTRAINT qa_qahit_span_end_check CHECK (span_end >= 0),
    excerpt varchar(255) NOT NULL,
    result_id bigint NOT NULL
        CONSTRAINT qa_qahit_result_id_548999e9_fk_qa_qaresult_id REFERENCES qa_qaresult (id)
        DEFERRABLE INITIALLY DEFERRED,
    rule_id bigint NOT NULL
        CONSTRAINT qa_qahit_rule_id_87e1a2c3_fk_qa_rule_id REFERENCES qa_rule (id)
        DEFERRABLE INITIALLY DEFERRED,
    note varchar(255) NOT NULL,
    scored_at timestamptz NOT NULL,
    CONSTRAINT qa_qahit_pkey PRIMARY KEY (id, scored_at)
) PARTITION BY RANGE (scored_at);
CREATE INDEX qa_qahit_result_id_548999e9 ON qa_qahit (result_id);
CREATE INDEX qa_qahit_rule_id_87e1a2c3 ON qa_qahit (rule_id);
ALTER SEQUENCE qa_qahit_id_seq OWNED BY qa_qahit.id;
SELECT setval('qa_qahit_id_seq', last_value, is_called) FROM {OLD}_id_seq;
CREATE TABLE qa_qahit_default PARTITION OF qa_qahit DEFAULT;

DO $$
DECLARE
    tz constant text := 'Asia/Shanghai';
    this_month date := date_trunc('month', now() AT TIME ZONE tz)::date;
    lo timestamptz;
    hi timestamptz;
    first_month date;
    last_month date;
    m date;
BEGIN
    SELECT min(r.scored_at), max(r.scored_at) INTO lo, hi
        FROM qa_qaresult r WHERE EXISTS (SELECT 1 FROM {OLD} h WHERE h.result_id = r.id);
    first_month := greatest(COALESCE(date_trunc('month', lo AT TIME ZONE tz)::date, this_month),
                            (this_month - interval '36 months')::date);
    last_month := greatest(COALESCE(date_trunc('month', hi AT TIME ZONE tz)::date, this_month),
                           (this_month + interval '3 months')::date);
    m := first_month;
    WHILE m <= last_month LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF qa_qahit FOR VALUES FROM (%L) TO (%L)',
            'qa_qahit_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'),
            (m::timestamp AT TIME ZONE tz), ((m + interval '1 month')::timestamp AT TIME ZONE tz));
        m := (m + interval '1 month')::date;
    END LOOP;
END
$$;
"""

BACKWARD = f"""
DROP TABLE qa_qahit;
ALTER SEQUENCE {OLD}_id_seq RENAME TO qa_qahit_id_seq;
ALTER INDEX {OLD}_rule_idx RENAME TO qa_qahit_rule_id_87e1a2c3;
ALTER INDEX {OLD}_result_idx RENAME TO qa_qahit_result_id_548999e9;
ALTER TABLE {OLD} RENAME CONSTRAINT {OLD}_pkey TO qa_qahit_pkey;
ALTER TABLE {OLD} RENAME TO qa_qahit;

ALTER TABLE qa_reviewitem DROP COLUMN hit_scored_at;
ALTER TABLE qa_reviewitem ADD CONSTRAINT {REVIEW_FK} FOREIGN KEY (hit_id) REFERENCES qa_qahit (id)
    DEFERRABLE INITIALLY DEFERRED;
"""


class Migration(migrations.Migration):
    dependencies = [("qa", "0010_agent_moved_to_people")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.AddField(
                    model_name="qahit",
                    name="scored_at",
                    field=models.DateTimeField(editable=False, verbose_name="scored"),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name="reviewitem",
                    name="hit_scored_at",
                    field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="hit scored"),
                ),
                migrations.AlterField(
                    model_name="reviewitem",
                    name="hit",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=models.deletion.CASCADE,
                        related_name="review_items",
                        to="qa.qahit",
                        verbose_name="hit",
                    ),
                ),
            ],
        )
    ]
