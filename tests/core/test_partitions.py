"""The message table partitioned by month (apps.conversations.partitions, migrations 0008–0010):
partitions ahead, rows moved out of the DEFAULT partition, the import's business key across
partitions, and retention dropping whole expired months."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from apps.clients import offboarding
from apps.conversations import partitions
from apps.conversations.models import Conversation, Message
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from apps.core.models import AuditEvent
from tests import factories
from tests.qa.factories import make_conversation

pytestmark = pytest.mark.django_db

HEADER = "platform,shop,conversation_id,message_id,sent_at,sender_role,agent,buyer,msg_type,content\n"


@pytest.fixture(autouse=True)
def _no_post_import_tasks(monkeypatch):
    from apps.conversations import pipeline

    monkeypatch.setattr(pipeline, "CONSUMERS", [], raising=False)


@pytest.fixture
def write_file(tmp_path):
    def _write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def _rows_by_partition() -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text, count(*) FROM conversations_message GROUP BY 1")
        return dict(cur.fetchall())


def _names() -> list[str]:
    return [p.name for p in partitions.message_partitions()]


def test_the_message_table_is_partitioned_by_range_of_sent_at():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'conversations_message'::regclass"
        )
        assert cur.fetchone() == ("r", "sent_at")
        cur.execute("SELECT to_regclass('conversations_message_default')")
        assert cur.fetchone()[0] is not None


def test_local_month_bounds_are_half_open_at_midnight_in_shanghai():
    part = partitions.partition_for(date(2025, 2, 17))
    assert part.name == "conversations_message_y2025m02"
    assert part.start == datetime(2025, 1, 31, 16, 0, tzinfo=UTC)
    assert part.end == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
    assert partitions.local_month(datetime(2025, 2, 28, 16, 0, tzinfo=UTC)) == date(2025, 3, 1)


def test_partitions_ahead_creates_this_and_the_next_three_months_once():
    created = partitions.message_partitions_ahead(today=date(2031, 5, 20))
    assert created == [f"conversations_message_y2031m{m:02d}" for m in (5, 6, 7, 8)]
    assert partitions.message_partitions_ahead(today=date(2031, 5, 20)) == []
    assert set(created) <= set(_names())


def test_creating_a_month_moves_its_rows_out_of_the_default_partition(brand_a):
    store = factories.make_store(client=brand_a)
    sent = datetime(2024, 3, 31, 17, 0, tzinfo=UTC)  # 1 April 01:00 in Shanghai: April, not March
    conv = make_conversation(store=store, messages=[("buyer", 0, "在吗"), ("agent", 20, "亲在的")], start=sent)
    assert _rows_by_partition() == {"conversations_message_default": 2}
    ids = sorted(Message.objects.filter(conversation=conv).values_list("id", flat=True))

    assert partitions.message_partitions_ensure(first=date(2024, 3, 1), last=date(2024, 4, 1)) == [
        "conversations_message_y2024m03",
        "conversations_message_y2024m04",
    ]

    assert _rows_by_partition() == {"conversations_message_y2024m04": 2}
    assert sorted(Message.objects.filter(conversation=conv).values_list("id", flat=True)) == ids


def test_import_creates_the_months_of_its_file_and_a_reimport_writes_zero_rows(brand_a, write_file):
    factories.make_store(client=brand_a, platform="tmall", shop_id="part-shop")
    text = HEADER + (
        "tmall,part-shop,P1,P1-1,2025-01-31T23:59:00+08:00,buyer,,tb_a,text,在吗\n"
        "tmall,part-shop,P1,P1-2,2025-02-01T00:00:30+08:00,agent,小美,tb_a,text,亲在的\n"
        "tmall,part-shop,P2,P2-1,2025-03-05T10:00:00+08:00,buyer,,tb_b,text,发货了吗\n"
    )
    path = write_file("months.csv", text)
    first = import_file(path=path, file_format="canonical_csv")
    assert first.status == RunStatus.SUCCEEDED and first.messages_imported == 3
    assert {
        "conversations_message_y2025m01",
        "conversations_message_y2025m02",
        "conversations_message_y2025m03",
    } <= set(_names())
    assert _rows_by_partition() == {
        "conversations_message_y2025m01": 1,
        "conversations_message_y2025m02": 1,
        "conversations_message_y2025m03": 1,
    }

    again = import_file(path=path, file_format="canonical_csv")
    assert (again.messages_imported, again.conversations_imported, again.duplicates) == (0, 0, 3)
    assert Message.objects.count() == 3


def test_a_message_id_already_stored_stays_a_duplicate_even_with_another_time(brand_a, write_file):
    """The unique index holds (conversation, message id, sent_at); the importer keeps (conversation,
    message id) unique by dropping stored ids first, so a shifted timestamp is no second copy."""
    factories.make_store(client=brand_a, platform="tmall", shop_id="part-shop")
    import_file(
        path=write_file("a.csv", HEADER + "tmall,part-shop,P9,M1,2025-01-31T23:00:00+08:00,buyer,,tb_a,text,在吗\n"),
        file_format="canonical_csv",
    )
    shifted = HEADER + (
        "tmall,part-shop,P9,M1,2025-02-01T01:00:00+08:00,buyer,,tb_a,text,在吗\n"
        "tmall,part-shop,P9,M2,2025-02-01T01:00:20+08:00,agent,小美,tb_a,text,亲在的\n"
    )
    run = import_file(path=write_file("b.csv", shifted), file_format="canonical_csv")
    assert (run.messages_imported, run.duplicates) == (1, 1)
    assert list(Message.objects.order_by("seq").values_list("message_id", flat=True)) == ["M1", "M2"]


def test_the_database_refuses_a_second_copy_of_a_message_in_its_partition(brand_a):
    conv = make_conversation(store=factories.make_store(client=brand_a), messages=[("buyer", 0, "在吗")])
    stored = Message.objects.get(conversation=conv)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            conversation=conv, message_id=stored.message_id, seq=2, sent_at=stored.sent_at, sender_role="buyer"
        )


def test_drop_expired_drops_whole_months_that_ended_before_the_cutoff_and_never_the_default(brand_a):
    store = factories.make_store(client=brand_a)
    partitions.message_partitions_ensure(first=date(2024, 1, 1), last=date(2024, 3, 1))
    jan = make_conversation(store=store, messages=[("buyer", 0, "一月")], start=datetime(2024, 1, 10, tzinfo=UTC))
    feb = make_conversation(store=store, messages=[("buyer", 0, "二月")], start=datetime(2024, 2, 10, tzinfo=UTC))
    make_conversation(store=store, messages=[("buyer", 0, "很久以前")], start=datetime(2019, 5, 1, tzinfo=UTC))

    cutoff = partitions.partition_for(date(2024, 2, 1)).end - timedelta(seconds=1)  # Feb not over yet
    assert partitions.message_partitions_drop_expired(before=cutoff) == ["conversations_message_y2024m01"]

    assert not Message.objects.filter(conversation=jan).exists()
    assert Message.objects.filter(conversation=feb).count() == 1
    assert Conversation.objects.filter(pk=jan.pk).exists()  # the conversation row (its KPIs) stays
    assert _rows_by_partition()["conversations_message_default"] == 1
    assert "conversations_message_y2024m02" in _names()


def test_retention_drops_a_month_only_when_the_longest_keeping_brand_let_it_expire(brand_a, brand_b):
    brand_a.message_retention_days = 30
    brand_a.save(update_fields=["message_retention_days"])
    brand_b.message_retention_days = 365
    brand_b.save(update_fields=["message_retention_days"])
    store_a = factories.make_store(client=brand_a)
    partitions.message_partitions_ensure(first=date(2024, 1, 1), last=date(2024, 12, 1))
    early = make_conversation(store=store_a, messages=[("buyer", 0, "一月")], start=datetime(2024, 1, 10, tzinfo=UTC))
    late = make_conversation(store=store_a, messages=[("buyer", 0, "十一月")], start=datetime(2024, 11, 10, tzinfo=UTC))
    now = datetime(2025, 2, 10, tzinfo=UTC)  # brand B (365 days) keeps everything since 2024-02-10

    runs = offboarding.retention_purge_all(now=now)

    assert not Message.objects.filter(conversation=early).exists()  # January 2024: every brand expired
    assert "conversations_message_y2024m01" not in _names()
    assert "conversations_message_y2024m02" in _names()  # brand B still keeps part of February
    kept = Message.objects.get(conversation=late)
    assert kept.content == ""  # brand A's own 30 days: blanked row by row, the row stays
    audit = AuditEvent.objects.get(action="client.retention_purged", client=brand_a)
    assert audit.data["month_partitions_dropped"] == ["conversations_message_y2024m01"]
    assert {run.client_id for run in runs} == {brand_a.pk, brand_b.pk}
    assert offboarding.retention_purge_all(now=now) and "conversations_message_y2024m01" not in _names()


def test_the_beat_schedule_holds_the_partition_task():
    from django_celery_beat.models import PeriodicTask

    from apps.conversations.tasks import message_partitions_ahead_task

    call_command("setup_periodic_tasks", verbosity=0)
    task = PeriodicTask.objects.get(name="tideline:conversations-message-partitions")
    assert task.task == message_partitions_ahead_task.name
    assert task.enabled
    assert isinstance(message_partitions_ahead_task.apply().get(), str)


def test_the_generic_api_by_table_name_is_the_message_api_for_messages():
    assert partitions.partition_key("conversations_message") == "sent_at"
    assert "conversations_message" in partitions.monthly_partitioned_tables()
    created = partitions.partitions_ensure("conversations_message", first=date(2032, 1, 1), last=date(2032, 2, 1))
    assert created == ["conversations_message_y2032m01", "conversations_message_y2032m02"]
    assert [p.name for p in partitions.partitions_list("conversations_message")] == _names()
    assert set(partitions.partition_rows("conversations_message")) == {*_names(), "conversations_message_default"}
    with pytest.raises(ValueError, match="clients_client is not a table range-partitioned"):
        partitions.partition_key("clients_client")
