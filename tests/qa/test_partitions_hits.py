"""The QA hit table partitioned by local month of scored_at (qa migrations 0011–0013,
apps.conversations.partitions): hits land in their result's month, review items carry the composite
foreign key (hit_id, hit_scored_at), a month created later takes its hits out of the DEFAULT
partition without losing their review items, and deletes still cascade."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from apps.conversations import partitions
from apps.qa import services
from apps.qa.models import QAHit, QAResult, ReviewItem
from tests.qa.factories import make_conversation

pytestmark = pytest.mark.django_db

BAD = [
    ("buyer", 0, "这个是最低价吗"),
    ("agent", 10, "亲，您好，我们是全网最低价，加我vx私聊"),
    ("buyer", 20, "好的"),
]


@pytest.fixture
def card(brand_a):
    return services.scorecard_install_default(client=brand_a)


@pytest.fixture
def scored(card, brand_a):
    conv = make_conversation(client=brand_a, messages=BAD)
    services.score_conversation_batch(conversation_ids=[conv.pk])
    return QAResult.objects.get(conversation=conv)


def _hits_by_partition() -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text, count(*) FROM qa_qahit GROUP BY 1")
        return dict(cur.fetchall())


def _immediate():
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_hit_table_is_partitioned_by_scored_at_with_a_default_partition():
    assert partitions.partition_key("qa_qahit") == "scored_at"
    assert "qa_qahit" in partitions.monthly_partitioned_tables()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'qa_qahit'::regclass AND i.indisprimary ORDER BY 1"
        )
        assert [r[0] for r in cur.fetchall()] == ["id", "scored_at"]
        cur.execute("SELECT to_regclass('qa_qahit_default')")
        assert cur.fetchone()[0] is not None


def test_the_scorer_writes_hits_into_their_results_month_and_review_items_with_both_keys(scored):
    hits = list(QAHit.objects.filter(result=scored))
    assert hits and {h.scored_at for h in hits} == {scored.scored_at}
    month = partitions.partition_for(partitions.local_month(scored.scored_at), "qa_qahit").name
    assert _hits_by_partition() == {month: len(hits)}
    items = list(ReviewItem.objects.filter(result=scored, hit__isnull=False))
    assert items
    assert all(i.hit_scored_at == i.hit.scored_at for i in items)


def test_a_review_item_with_a_hit_but_no_hit_scored_at_fails_at_the_database(scored):
    hit = QAHit.objects.filter(result=scored).exclude(review_items__isnull=False).first()
    with pytest.raises(IntegrityError, match="qa_review_hit_with_scored_at"), transaction.atomic():
        ReviewItem.objects.bulk_create([ReviewItem(result=scored, hit=hit, reason="violation", severity="major")])


def test_a_review_item_pointing_at_a_hit_with_the_wrong_scored_at_fails_at_the_database(scored):
    hit = QAHit.objects.filter(result=scored).exclude(review_items__isnull=False).first()
    wrong = datetime(2020, 1, 1, tzinfo=UTC)
    with pytest.raises(IntegrityError, match="qa_reviewitem_hit_scored_fk"), transaction.atomic():
        ReviewItem.objects.bulk_create(
            [ReviewItem(result=scored, hit=hit, hit_scored_at=wrong, reason="violation", severity="major")]
        )
        _immediate()


def test_the_orm_fills_the_partition_keys_from_the_result_and_the_hit(scored):
    rule = scored.scorecard.rules.first()
    hit = QAHit.objects.create(result=scored, rule=rule, severity="major", excerpt="加我")
    item = ReviewItem.objects.create(result=scored, hit=hit, reason="violation", severity="major")
    assert hit.scored_at == scored.scored_at and item.hit_scored_at == scored.scored_at
    _immediate()  # the deferred foreign key holds


def test_ids_come_from_one_sequence_so_an_id_names_one_hit(scored):
    ids = list(QAHit.objects.filter(result=scored).values_list("id", flat=True))
    assert len(ids) == len(set(ids))
    assert QAHit.objects.get(pk=ids[0]).result_id == scored.pk


def test_deleting_a_result_deletes_its_hits_and_their_review_items(scored):
    hit_ids = list(QAHit.objects.filter(result=scored).values_list("id", flat=True))
    scored.delete()
    assert not QAHit.objects.filter(pk__in=hit_ids).exists()
    assert not ReviewItem.objects.filter(hit_id__in=hit_ids).exists()


def test_the_database_cascades_a_raw_delete_of_a_hit_to_its_review_items(scored):
    item = ReviewItem.objects.filter(result=scored, hit__isnull=False).first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM qa_qahit WHERE id = %s", [item.hit_id])
    assert not ReviewItem.objects.filter(pk=item.pk).exists()


def test_creating_a_month_moves_its_hits_out_of_the_default_partition_keeping_their_review_items(scored):
    """A hit scored in a month without a partition waits in DEFAULT; creating the month moves it,
    and the review item that points at it survives (an ON DELETE CASCADE key would have deleted it
    on the move; the key is lifted for the move and validated again)."""
    old = datetime(2019, 6, 15, 4, 0, tzinfo=UTC)
    rule = scored.scorecard.rules.first()
    hit = QAHit.objects.create(result=scored, rule=rule, severity="major", excerpt="旧的", scored_at=old)
    item = ReviewItem.objects.create(result=scored, hit=hit, reason="violation", severity="major")
    assert _hits_by_partition()["qa_qahit_default"] == 1

    created = partitions.partitions_ensure("qa_qahit", first=date(2019, 6, 1), last=date(2019, 6, 1))

    assert created == ["qa_qahit_y2019m06"]
    assert _hits_by_partition()["qa_qahit_y2019m06"] == 1 and "qa_qahit_default" not in _hits_by_partition()
    assert ReviewItem.objects.get(pk=item.pk).hit_id == hit.pk
    with connection.cursor() as cur:  # the composite key is back, and still cascades
        cur.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'qa_reviewitem_hit_scored_fk' "
            "AND conparentid = 0"
        )
        assert "MATCH FULL ON DELETE CASCADE" in cur.fetchone()[0]
        cur.execute("DELETE FROM qa_qahit WHERE id = %s", [hit.pk])
    assert not ReviewItem.objects.filter(pk=item.pk).exists()


def test_the_beat_task_keeps_months_ahead_for_messages_and_hits():
    created = partitions.partitions_ahead_all(today=date(2033, 3, 5))
    assert set(created) >= {
        f"{table}_y2033m{m:02d}" for table in ("conversations_message", "qa_qahit") for m in (3, 4, 5, 6)
    }
    assert partitions.partitions_ahead_all(today=date(2033, 3, 5)) == []


def test_retention_purges_the_excerpts_of_partitioned_hits(scored):
    assert QAHit.objects.filter(result=scored).exclude(excerpt="").exists()
    services.qa_hit_excerpts_purge(conversation_ids=[scored.conversation_id])
    assert not QAHit.objects.filter(result=scored).exclude(excerpt="").exists()
    assert QAHit.objects.filter(result=scored).exists()  # the rows stay
