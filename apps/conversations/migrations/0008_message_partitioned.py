"""Schema migration: the message table becomes range-partitioned by local month on `sent_at`.

Postgres requires every unique index of a partitioned table, the primary key included, to contain
the partition key, so the primary key becomes (id, sent_at) and the business key (conversation,
message id, sent_at). Django's state keeps `id` as the primary key (ids still come from one
sequence, so an id alone still finds one row) and learns the new business key; nothing references
a message by foreign key. The old table is renamed aside here, its rows are copied by the data
migration 0009 and it is dropped by 0010. Monthly partitions are created for every month of the
stored messages (at most 36 back) up to three months ahead, plus a DEFAULT partition; from then on
`apps.conversations.partitions` keeps them (docs/operations.md).
"""

from django.db import migrations, models

OLD = "conversations_message_unpartitioned"

FORWARD = f"""
ALTER TABLE conversations_message RENAME TO {OLD};
ALTER TABLE {OLD} RENAME CONSTRAINT conversations_message_pkey TO {OLD}_pkey;
ALTER TABLE {OLD} RENAME CONSTRAINT message_conv_msgid_uniq TO {OLD}_uniq;
ALTER TABLE {OLD} RENAME CONSTRAINT conversations_message_seq_check TO {OLD}_seq_check;
ALTER SEQUENCE conversations_message_id_seq RENAME TO {OLD}_id_seq;

CREATE SEQUENCE conversations_message_id_seq AS bigint;
CREATE TABLE conversations_message (
    id bigint NOT NULL DEFAULT nextval('conversations_message_id_seq'),
    message_id varchar(128) NOT NULL,
    seq integer NOT NULL CONSTRAINT conversations_message_seq_check CHECK (seq >= 0),
    sent_at timestamptz NOT NULL,
    sender_role varchar(8) NOT NULL,
    msg_type varchar(8) NOT NULL,
    content text NOT NULL,
    conversation_id bigint NOT NULL
        CONSTRAINT conversations_message_conversation_fk REFERENCES conversations_conversation (id)
        DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT conversations_message_pkey PRIMARY KEY (id, sent_at),
    CONSTRAINT message_conv_msgid_sent_uniq UNIQUE (conversation_id, message_id, sent_at)
) PARTITION BY RANGE (sent_at);
ALTER SEQUENCE conversations_message_id_seq OWNED BY conversations_message.id;
SELECT setval('conversations_message_id_seq', COALESCE((SELECT max(id) FROM {OLD}), 0) + 1, false);
CREATE TABLE conversations_message_default PARTITION OF conversations_message DEFAULT;

DO $$
DECLARE
    tz constant text := 'Asia/Shanghai';
    this_month date := date_trunc('month', now() AT TIME ZONE tz)::date;
    first_month date := greatest(
        COALESCE(date_trunc('month', (SELECT min(sent_at) FROM {OLD}) AT TIME ZONE tz)::date, this_month),
        (this_month - interval '36 months')::date);
    last_month date := greatest(
        COALESCE(date_trunc('month', (SELECT max(sent_at) FROM {OLD}) AT TIME ZONE tz)::date, this_month),
        (this_month + interval '3 months')::date);
    m date := first_month;
BEGIN
    WHILE m <= last_month LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF conversations_message FOR VALUES FROM (%L) TO (%L)',
            'conversations_message_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'),
            (m::timestamp AT TIME ZONE tz), ((m + interval '1 month')::timestamp AT TIME ZONE tz));
        m := (m + interval '1 month')::date;
    END LOOP;
END
$$;
"""

BACKWARD = f"""
DROP TABLE conversations_message;
ALTER SEQUENCE {OLD}_id_seq RENAME TO conversations_message_id_seq;
ALTER TABLE {OLD} RENAME CONSTRAINT {OLD}_pkey TO conversations_message_pkey;
ALTER TABLE {OLD} RENAME CONSTRAINT {OLD}_uniq TO message_conv_msgid_uniq;
ALTER TABLE {OLD} RENAME CONSTRAINT {OLD}_seq_check TO conversations_message_seq_check;
ALTER TABLE {OLD} RENAME TO conversations_message;
"""


class Migration(migrations.Migration):
    dependencies = [("conversations", "0007_recompute_timing")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveConstraint(model_name="message", name="message_conv_msgid_uniq"),
                migrations.AddConstraint(
                    model_name="message",
                    constraint=models.UniqueConstraint(
                        fields=("conversation", "message_id", "sent_at"), name="message_conv_msgid_sent_uniq"
                    ),
                ),
            ],
        )
    ]
