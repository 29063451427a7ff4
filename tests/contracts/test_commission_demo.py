"""The contracts demo step puts two brands on a base + commission contract: their November statements
show the commission lines and a clawback line naming October (refunds recorded after October's
statement was issued), on a small setup: the demo brands, a few chats and orders, not the full demo."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from apps.clients import demo as clients_demo
from apps.clients.models import Client
from apps.contracts import demo
from apps.contracts.models import Invoice
from apps.contracts.wording import line_description
from apps.conversations.models import Conversation
from apps.core.demo import DemoContext
from apps.orders.attribution import LOCAL
from apps.orders.services import attribution_refresh, order_rows_import


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL)


def _sales() -> None:
    """Per brand: a human presale chat on 11 Oct and 12 Nov, each followed by a paid order of ¥100,000;
    October's order is refunded ¥20,000 on 15 Nov, after October's statement (issued 3 Nov)."""
    chats, orders, refunds, stores = [], [], [], []
    for client in Client.objects.order_by("code"):
        store = client.stores.order_by("pk").first()
        stores.append(store.id)
        for month, day in ((10, 11), (11, 12)):
            start = _at(month, day, 14)
            chats.append(
                Conversation(
                    store=store, platform_conversation_id=f"sale-{client.code}-{month}", started_at=start,
                    ended_at=start, handled_by="human", buyer_pseudonym=f"buyer-{client.code}", message_count=4,
                )
            )  # fmt: skip
            row = (
                store.id,
                f"{client.code}-{month}",
                f"buyer-{client.code}",
                _at(month, day, 15),
                _at(month, day, 15, 5),
            )
            orders.append((*row, Decimal("100000.00"), Decimal("0.00"), "paid", 1))
            if month == 10:
                refunds.append((*row, Decimal("100000.00"), Decimal("20000.00"), "completed", 1))
    Conversation.objects.bulk_create(chats)
    order_rows_import(rows=orders, file_name="orders.csv", recorded_at=_at(10, 31, 12))
    order_rows_import(rows=refunds, file_name="refunds.csv", recorded_at=_at(11, 15, 10))
    attribution_refresh(store_ids=stores)


@pytest.mark.django_db
def test_two_brands_november_statements_show_commission_and_a_clawback_of_october():
    ctx = DemoContext()
    clients_demo.seed(ctx)
    _sales()
    demo.seed(ctx)
    november = Invoice.objects.filter(period_start="2026-11-01", kind="periodic", lines__kind="commission").distinct()
    assert november.count() == 2
    for invoice in november:
        kinds = list(invoice.lines.values_list("kind", flat=True))
        assert "commission" in kinds and "commission_clawback" in kinds
        clawback = invoice.lines.get(kind="commission_clawback")
        assert clawback.details["month"] == "2026-10" and clawback.amount < 0
        with translation.override("zh-hans"):
            assert "原账期 2026-10" in line_description(clawback)
    october = Invoice.objects.filter(period_start="2026-10-01", kind="periodic", lines__kind="commission").distinct()
    assert {i.status for i in october} == {"paid"}
    # October's statements billed the order in full (the refund came after their cut-off)
    assert all(i.lines.get(kind="commission").quantity == Decimal("100000") for i in october)
    before = sorted(Invoice.objects.values_list("pk", "fingerprint"))
    demo.seed(ctx)
    assert sorted(Invoice.objects.values_list("pk", "fingerprint")) == before
