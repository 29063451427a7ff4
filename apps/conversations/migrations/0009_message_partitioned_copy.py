"""Data migration: copy the stored messages into the partitioned table (0008), ids kept, month by
month so no single statement holds every row; the reverse copies them back into the old table."""

from django.db import migrations

OLD = "conversations_message_unpartitioned"
COLUMNS = "id, message_id, seq, sent_at, sender_role, msg_type, content, conversation_id"


def copy_forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT date_trunc('month', sent_at) FROM {OLD} ORDER BY 1")
        for (month,) in cur.fetchall():
            cur.execute(
                f"INSERT INTO conversations_message ({COLUMNS}) SELECT {COLUMNS} FROM {OLD} "
                "WHERE sent_at >= %s AND sent_at < %s::timestamptz + interval '1 month' ORDER BY id",
                [month, month],
            )


def copy_backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"INSERT INTO {OLD} ({COLUMNS}) SELECT {COLUMNS} FROM conversations_message ORDER BY id")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0008_message_partitioned")]

    operations = [migrations.RunPython(copy_forward, copy_backward)]
