"""Data migration: copy the stored QA hits into the partitioned table (0011), ids kept, each with
its result's scored_at, month by month so no single statement holds every row; review items get
the scored_at of their hit. The reverse copies the hits back into the old table."""

from django.db import migrations

OLD = "qa_qahit_unpartitioned"
COLUMNS = "id, severity, message_index, span_start, span_end, excerpt, result_id, rule_id, note"


def copy_forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT date_trunc('month', r.scored_at) FROM qa_qaresult r "
            f"WHERE EXISTS (SELECT 1 FROM {OLD} h WHERE h.result_id = r.id) ORDER BY 1"
        )
        for (month,) in cur.fetchall():
            cur.execute(
                f"INSERT INTO qa_qahit ({COLUMNS}, scored_at) "
                f"SELECT {', '.join('h.' + c.strip() for c in COLUMNS.split(','))}, r.scored_at "
                f"FROM {OLD} h JOIN qa_qaresult r ON r.id = h.result_id "
                "WHERE r.scored_at >= %s AND r.scored_at < %s::timestamptz + interval '1 month' ORDER BY h.id",
                [month, month],
            )
        cur.execute(
            "UPDATE qa_reviewitem i SET hit_scored_at = h.scored_at FROM qa_qahit h "
            "WHERE h.id = i.hit_id AND i.hit_id IS NOT NULL"
        )


def copy_backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"INSERT INTO {OLD} ({COLUMNS}) SELECT {COLUMNS} FROM qa_qahit ORDER BY id")
        cur.execute("UPDATE qa_reviewitem SET hit_scored_at = NULL WHERE hit_scored_at IS NOT NULL")


class Migration(migrations.Migration):
    dependencies = [("qa", "0011_qahit_partitioned")]

    operations = [migrations.RunPython(copy_forward, copy_backward)]
