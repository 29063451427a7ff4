"""The demo step bills October and November for the demo brands and is safe to re-run."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from apps.clients import demo as clients_demo
from apps.clients.models import Client
from apps.contracts import demo
from apps.contracts.models import Charge, Contract, CreditNote, Fapiao, Invoice, Payment, SlaResult, StatementResponse
from apps.conversations.models import Conversation
from apps.core.demo import DemoContext


def _conversations():
    """Four chats on 3, 11 and 20 Oct and Nov per brand; the first brand answers slowly in October."""
    rows = []
    for index, client in enumerate(Client.objects.order_by("code")):
        store = client.stores.order_by("pk").first()
        for month in (10, 11):
            for day in (3, 11, 20):
                for k in range(4):
                    at = timezone.make_aware(datetime(2026, month, day, 2 if k == 0 else 14))
                    rows.append(
                        Conversation(
                            store=store,
                            platform_conversation_id=f"demo-{client.code}-{month}-{day}-{k}",
                            started_at=at,
                            ended_at=at,
                            handled_by="bot" if k == 3 else "human",
                            buyer_pseudonym="b",
                            message_count=6 + k,
                            first_response_seconds=(95 if index == 0 and month == 10 else 25) + 5 * k,
                            buyer_rounds=2,
                            rounds_in_service_hours=2,
                            rounds_answered_180s=2,
                        )
                    )
    Conversation.objects.bulk_create(rows)


def _state():
    return sorted(
        (i.contract.code, str(i.period_start), i.status, i.number, i.total, i.fingerprint)
        for i in Invoice.objects.select_related("contract")
    )


@pytest.mark.django_db
def test_demo_bills_two_months_and_is_idempotent():
    ctx = DemoContext()
    clients_demo.seed(ctx)
    _conversations()
    demo.seed(ctx)
    invoices = Invoice.objects.all()
    assert invoices.filter(period_start="2026-10-01", status="paid").count() == 6
    assert invoices.filter(period_start="2026-11-01", status="issued").count() == 6
    assert Invoice.objects.filter(lines__kind="sla_credit").exists()
    assert CreditNote.objects.count() == 1
    models_used = set(Charge.objects.filter(kind="usage").values_list("model", flat=True))
    assert models_used == {"standard", "graduated", "volume", "package"}
    assert Invoice.objects.filter(lines__kind="peak").exists()
    assert Invoice.objects.filter(lines__kind="minimum").exists()
    # Chats at 02:00 on 11 Nov fall inside Double 11, which starts at 20:00 on 10 Nov.
    first = Contract.objects.order_by("code").first()
    november = Invoice.objects.get(contract=first, period_start="2026-11-01")
    peak = november.lines.get(kind="peak")
    assert peak.details["start"] == "2026-11-10T20:00:00" and peak.details["usage"] == "3"
    # The first brand misses its first-response target in October and earns the credit back in November.
    october_credit = SlaResult.objects.get(invoice__contract=first, invoice__period_start="2026-10-01", met=False)
    earn_back = november.lines.get(kind="earn_back")
    assert earn_back.amount == october_credit.credit_amount > 0 and "2026-10" in earn_back.description
    before = _state()
    demo.seed(ctx)
    assert _state() == before and CreditNote.objects.count() == 1
    # after issue: a fapiao, payments (October paid in full, half of one November), one confirmation,
    # one dispute answered — each recorded once however often the demo runs
    assert Fapiao.objects.count() >= 1 and Payment.objects.filter(invoice__period_start="2026-11-01").count() == 1
    assert Payment.objects.filter(invoice__period_start="2026-10-01").count() == 6
    answers = sorted((r.kind, r.resolved_at is not None) for r in StatementResponse.objects.all())
    assert answers == [("confirmed", False), ("disputed", True)]
