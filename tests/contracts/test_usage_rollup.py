"""The daily usage rollup's hourly sums and the billing run's bulk readers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.db.models.functions import ExtractHour

from apps.contracts import selectors
from apps.contracts.models import UsageDaily, UsageRecord
from apps.contracts.rollup import usage_rollup_rebuild
from apps.conversations.metrics import conversation_metrics
from apps.conversations.models import Conversation
from apps.conversations.selectors import conversation_metrics_by_client
from tests import factories
from tests.contracts.factories import make_contract

LOCAL = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _record(contract, local: datetime, quantity, key, night=0):
    return UsageRecord.objects.create(
        contract=contract,
        metric="human_conversations",
        source="api",
        source_key=key,
        quantity=Decimal(quantity),
        night_quantity=Decimal(night),
        occurred_at=local.replace(tzinfo=LOCAL),
        day=local.date(),
    )


def _by_hour_from_records(contract) -> dict[int, tuple[Decimal, Decimal]]:
    rows = (
        UsageRecord.objects.filter(contract=contract)
        .annotate(h=ExtractHour("occurred_at", tzinfo=LOCAL))
        .values("h")
        .annotate(q=Sum("quantity"), n=Sum("night_quantity"))
    )
    return {r["h"]: (r["q"], r["n"]) for r in rows if r["q"] or r["n"]}


def _by_hour_from_rollup(contract) -> dict[int, tuple[Decimal, Decimal]]:
    row = UsageDaily.objects.get(contract=contract)
    return {h: (q, n) for h, (q, n) in enumerate(zip(row.hour_quantity, row.hour_night, strict=True)) if q or n}


def test_hourly_sums_follow_inserts_updates_and_deletes(brand_a):
    contract = make_contract(client=brand_a)
    day = date(2026, 11, 10)
    _record(contract, datetime(2026, 11, 10, 0, 0, 0), 3, "a", night=3)
    _record(contract, datetime(2026, 11, 10, 19, 59, 59), 5, "b")
    _record(contract, datetime(2026, 11, 10, 20, 0, 0), 7, "c")
    _record(contract, datetime(2026, 11, 10, 23, 59, 59), 11, "d", night=11)
    assert _by_hour_from_rollup(contract) == {0: (3, 3), 19: (5, 0), 20: (7, 0), 23: (11, 11)}
    UsageRecord.objects.filter(source_key="c").update(quantity=Decimal(2))
    UsageRecord.objects.filter(source_key="d").delete()
    assert _by_hour_from_rollup(contract) == _by_hour_from_records(contract) == {0: (3, 3), 19: (5, 0), 20: (2, 0)}
    rollup = UsageDaily.objects.get(contract=contract)
    assert rollup.day == day and sum(rollup.hour_quantity) == rollup.quantity == 10


def test_rebuild_gives_what_the_triggers_gave(brand_a):
    contract = make_contract(client=brand_a)
    for i, hour in enumerate((1, 1, 8, 20, 21)):
        _record(contract, datetime(2026, 11, 10, hour, 30), i + 1, f"k{i}", night=(i + 1) if hour < 8 else 0)
    kept = list(UsageDaily.objects.values_list("quantity", "night_quantity", "records", "hour_quantity", "hour_night"))
    usage_rollup_rebuild(contract_ids=[contract.pk])
    assert (
        list(UsageDaily.objects.values_list("quantity", "night_quantity", "records", "hour_quantity", "hour_night"))
        == kept
    )


def test_split_days_are_read_per_hour_from_the_rollup(brand_a):
    contract = make_contract(client=brand_a)
    _record(contract, datetime(2026, 11, 10, 19, 0), 4, "before")
    _record(contract, datetime(2026, 11, 10, 20, 15), 6, "inside", night=0)
    _record(contract, datetime(2026, 11, 9, 20, 15), 1, "whole day")
    items = selectors.usage_items_for(
        [contract.pk],
        date(2026, 11, 1),
        date(2026, 12, 1),
        hourly={contract.pk: {(date(2026, 11, 10), "human_conversations")}},
    )[contract.pk]
    got = sorted((i.day, i.hour, i.quantity) for i in items)
    assert got == [(date(2026, 11, 9), None, 1), (date(2026, 11, 10), 19, 4), (date(2026, 11, 10), 20, 6)]


def test_conversation_metrics_of_many_brands_equal_one_call_each(brand_a, brand_b):
    quiet = factories.make_client(code="quiet", name="静默品牌")
    at = datetime(2026, 11, 5, 10, tzinfo=LOCAL)
    for brand, rows in (
        (brand_a, [(12, 3, 3, 80, "human"), (40, 2, 1, 200, "human")]),
        (brand_b, [(None, 0, 0, 0, "bot")]),
    ):
        store = factories.make_store(client=brand)
        for i, (first, rounds, answered, total, who) in enumerate(rows):
            Conversation.objects.create(
                store=store,
                platform_conversation_id=f"{brand.code}-{i}",
                started_at=at,
                ended_at=at,
                handled_by=who,
                buyer_pseudonym="b",
                first_response_seconds=first,
                buyer_rounds=rounds,
                rounds_answered=answered,
                response_seconds_total=total,
            )
    ids = [brand_a.pk, brand_b.pk, quiet.pk]
    many = conversation_metrics_by_client(client_ids=ids, start=date(2026, 11, 1), end=date(2026, 12, 1))
    for cid in ids:
        assert many[cid] == conversation_metrics(client_id=cid, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert many[brand_a.pk].first_response_avg_s == 26 and many[quiet.pk].conversations == 0
