"""Usage records partitioned by received month (migration 0014): the business key in the key table
still counts a usage once, across partitions and whatever path writes; the rollup triggers see the
rows of every partition; creating a month moves rows out of the DEFAULT partition and changes no sum."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from apps.contracts import services
from apps.contracts.models import UsageDaily, UsageKey, UsageRecord
from apps.conversations import partitions
from tests.contracts.factories import add_usage, make_contract

pytestmark = pytest.mark.django_db
TABLE = "contracts_usagerecord"


def _row(contract, key, quantity="3", day="2026-11-05T10:00:00+08:00"):
    return {
        "contract": contract.code,
        "metric": "messages",
        "source_key": key,
        "quantity": quantity,
        "occurred_at": day,
    }


def _state(contract):
    """Records, keys and the rollup of a contract, as the billing run and the key check see them."""
    records = sorted(UsageRecord.objects.filter(contract=contract).values_list("id", "source_key", "quantity"))
    keys = sorted(UsageKey.objects.filter(contract=contract).values_list("id", "source_key"))
    daily = list(
        UsageDaily.objects.filter(contract=contract)
        .order_by("day", "metric")
        .values_list("day", "metric", "quantity", "records", "sum_record_id", "hour_quantity")
    )
    return records, keys, daily


def _partition_of(record_id: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [record_id])
        return cur.fetchone()[0]


def test_the_table_is_partitioned_on_created_at_with_id_and_created_at_as_its_key():
    assert partitions.partition_key(TABLE) == "created_at"
    assert TABLE in partitions.monthly_partitioned_tables()  # the beat task keeps its months ahead
    with connection.cursor() as cur:
        cur.execute(
            "SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i "
            "CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [TABLE],
        )
        assert cur.fetchone()[0] == ["id", "created_at"]


def test_a_posted_record_lands_in_the_partition_of_the_month_it_was_received(brand_a):
    contract = make_contract(client=brand_a)
    partitions.partitions_ensure(TABLE, first=timezone.localdate(), last=timezone.localdate())  # a reused test db
    services.usage_record_bulk(rows=[_row(contract, "a")])
    record = UsageRecord.objects.get(contract=contract)
    assert _partition_of(record.pk) == partitions.partition_for(timezone.localdate(), TABLE).name
    key = UsageKey.objects.get(contract=contract)
    assert (key.pk, key.created_at, key.metric, key.source, key.source_key) == (
        record.pk,
        record.created_at,
        "messages",
        "api",
        "a",
    )


def test_posting_the_same_usage_again_writes_nothing_and_draws_no_id(brand_a):
    contract = make_contract(client=brand_a)
    rows = [_row(contract, f"k{i}", quantity=str(i + 1)) for i in range(5)]
    first = services.usage_record_bulk(rows=rows)
    before = _state(contract)
    with connection.cursor() as cur:
        cur.execute("SELECT last_value FROM contracts_usagerecord_id_seq")
        sequence = cur.fetchone()[0]
    again = services.usage_record_bulk(rows=rows)
    assert (first.inserted, again.inserted, again.duplicates) == (5, 0, 5)
    assert _state(contract) == before
    with connection.cursor() as cur:
        cur.execute("SELECT last_value FROM contracts_usagerecord_id_seq")
        assert cur.fetchone()[0] == sequence


def test_copies_inside_one_post_count_once_and_the_last_copy_is_kept(brand_a):
    contract = make_contract(client=brand_a)
    result = services.usage_record_bulk(rows=[_row(contract, "x", "2"), _row(contract, "x", "7")])
    assert (result.inserted, result.duplicates) == (1, 1)
    assert UsageRecord.objects.get(contract=contract).quantity == Decimal(7)


def test_a_key_stored_by_another_path_is_not_written_again(brand_a):
    contract = make_contract(client=brand_a)
    add_usage(contract, metric="messages", day=date(2026, 11, 5), quantity=3, key="orm")
    result = services.usage_record_bulk(rows=[_row(contract, "orm"), _row(contract, "new")])
    assert (result.inserted, result.duplicates) == (1, 1)
    assert (
        UsageRecord.objects.filter(contract=contract).count() == UsageKey.objects.filter(contract=contract).count() == 2
    )


def test_a_second_record_with_a_stored_key_is_refused_as_before(brand_a):
    contract = make_contract(client=brand_a)
    add_usage(contract, metric="messages", day=date(2026, 11, 5), quantity=3, key="k")
    with pytest.raises(IntegrityError, match="usage_business_key_uniq"), transaction.atomic():
        add_usage(contract, metric="messages", day=date(2026, 11, 6), quantity=4, key="k")


def test_a_record_that_reuses_the_id_of_a_stored_record_is_refused(brand_a):
    contract = make_contract(client=brand_a)
    record = add_usage(contract, metric="messages", day=date(2026, 11, 5), quantity=3, key="k")
    copy = UsageRecord.objects.get(pk=record.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageRecord.objects.bulk_create([copy])  # same id and key, another received time: another partition row
    assert UsageRecord.objects.filter(contract=contract).count() == 1


def test_deleting_a_record_frees_its_key_and_an_update_moves_it(brand_a):
    contract = make_contract(client=brand_a)
    services.usage_record_bulk(rows=[_row(contract, "a"), _row(contract, "b")])
    UsageRecord.objects.filter(contract=contract, source_key="a").delete()
    assert services.usage_record_bulk(rows=[_row(contract, "a")]).inserted == 1  # as before the partitioning
    UsageRecord.objects.filter(contract=contract, source_key="b").update(source_key="c")
    assert sorted(UsageKey.objects.filter(contract=contract).values_list("source_key", flat=True)) == ["a", "c"]
    assert services.usage_record_bulk(rows=[_row(contract, "b"), _row(contract, "c")]).inserted == 1


def test_the_rollup_sees_every_partition_and_a_month_created_later_moves_rows_without_changing_a_sum(brand_a):
    contract = make_contract(client=brand_a)
    future = date(2031, 5, 1)  # a received month with no partition: its rows wait in the DEFAULT partition
    assert future not in {p.month for p in partitions.partitions_list(TABLE)}
    services.usage_record_bulk(rows=[_row(contract, "now", "2")])
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {TABLE} (contract_id, metric, source, source_key, quantity, night_quantity, occurred_at,"
            " day, platform, channel, created_at) VALUES"
            " (%s, 'messages', 'api', 'later1', 5, 1, %s, '2026-11-05', '', '', %s),"
            " (%s, 'messages', 'api', 'later2', 7, 0, %s, '2026-11-05', '', '', %s)",
            [contract.pk, datetime.fromisoformat("2026-11-05T01:00:00+08:00"), datetime(2031, 5, 9, 3, tzinfo=UTC)] * 2,
        )
    later = UsageRecord.objects.filter(contract=contract, source_key__startswith="later")
    assert {_partition_of(r.pk) for r in later} == {f"{TABLE}_default"}
    daily = UsageDaily.objects.get(contract=contract)
    assert (daily.quantity, daily.night_quantity, daily.records) == (Decimal(14), Decimal(1), 3)
    assert daily.sum_record_id == sum(UsageRecord.objects.filter(contract=contract).values_list("id", flat=True))
    before = _state(contract)

    assert partitions.partitions_ensure(TABLE, first=future, last=future) == [f"{TABLE}_y2031m05"]
    assert {_partition_of(r.pk) for r in later} == {f"{TABLE}_y2031m05"}
    assert _state(contract) == before  # the move touched the partitions directly: no trigger fired
    assert UsageDaily.objects.filter(contract=contract).aggregate(q=Sum("quantity"))["q"] == Decimal(14)
    assert services.usage_record_bulk(rows=[_row(contract, "later1")]).inserted == 0
