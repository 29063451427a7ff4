"""Billing runs and the invoice lifecycle against real Postgres."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.contracts import selectors, services
from apps.contracts.models import CreditNote, Invoice, InvoiceLine, UsageRecord
from apps.conversations.models import Conversation
from apps.core.errors import DomainError
from apps.core.models import AuditEvent
from tests import factories
from tests.contracts.factories import add_charge, add_sla, add_usage, make_contract

NOV = date(2026, 11, 1)


def snapshot():
    return sorted(
        (i.contract_id, i.kind, i.sequence, i.total, i.fingerprint, tuple(i.lines.values_list("code", "amount")))
        for i in Invoice.objects.all()
    )


@pytest.fixture
def priced(brand_a):
    contract = make_contract(client=brand_a, base_fee="20000")
    add_charge(
        contract,
        code="human",
        name="人工会话",
        metric="human_conversations",
        model="graduated",
        included_quantity=Decimal(100),
        tiers=[(0, 1000, "1.5"), (1000, None, "1.2")],
    )
    add_usage(contract, metric="human_conversations", day=date(2026, 11, 3), quantity=700, key="a")
    add_usage(contract, metric="human_conversations", day=date(2026, 11, 20), quantity=600, key="b")
    return contract


@pytest.mark.django_db
def test_run_creates_a_draft_with_exact_lines(priced):
    run = services.billing_run_now(period_start=NOV)
    assert run.status == "succeeded" and run.invoices_created == 1
    invoice = Invoice.objects.get(contract=priced)
    assert invoice.status == "draft" and invoice.number == ""
    # 1300 - 100 included = 1200: 1000 × 1.5 + 200 × 1.2 = 1740.00
    assert dict(invoice.lines.values_list("code", "amount")) == {
        "base": Decimal("20000.00"),
        "human": Decimal("1740.00"),
    }
    assert invoice.vat_amount == Decimal("1304.40") and invoice.total == Decimal("23044.40")
    assert services.invoice_lines_sum_check(invoice)


@pytest.mark.django_db
def test_rerun_writes_nothing(priced, django_assert_max_num_queries):
    services.billing_run_now(period_start=NOV)
    before = snapshot()
    with connection.cursor() as cur:
        cur.execute("SELECT xmin::text FROM contracts_invoice")
        xmins = cur.fetchall()
    run = services.billing_run_now(period_start=NOV)
    assert run.invoices_unchanged == 1 and run.invoices_created == run.invoices_updated == 0
    assert snapshot() == before
    with connection.cursor() as cur:
        cur.execute("SELECT xmin::text FROM contracts_invoice")
        assert cur.fetchall() == xmins


@pytest.mark.django_db
def test_batches_give_the_same_invoices(brand_a, brand_b):
    contracts = [make_contract(client=c, base_fee=str(1000 * (i + 1))) for i, c in enumerate([brand_a, brand_b] * 3)]
    for i, c in enumerate(contracts):
        add_charge(c, code="msg", name="消息", metric="messages", unit_price=Decimal("0.05"))
        add_usage(c, metric="messages", day=date(2026, 11, 2 + i), quantity=1000 + i, key=f"k{i}")
    services.billing_run_now(period_start=NOV, batch_size=1)
    one = snapshot()
    Invoice.objects.all().delete()
    services.billing_run_now(period_start=NOV, batch_size=4)
    assert snapshot() == one


@pytest.mark.django_db
def test_a_failing_contract_is_parked_and_the_others_complete(priced, brand_b):
    broken = make_contract(client=brand_b)
    add_charge(broken, code="bad", name="坏", metric="messages", model="graduated", tiers=[(0, 10, 1), (20, None, 1)])
    run = services.billing_run_now(period_start=NOV)
    assert run.status == "succeeded" and run.invoices_created == 1
    assert [p["contract"] for p in run.parked] == [broken.pk]
    assert "gap" in run.parked[0]["reason"]


@pytest.mark.django_db
def test_changed_usage_updates_the_draft(priced):
    services.billing_run_now(period_start=NOV)
    add_usage(priced, metric="human_conversations", day=date(2026, 11, 21), quantity=100, key="c")
    run = services.billing_run_now(period_start=NOV)
    assert run.invoices_updated == 1
    assert Invoice.objects.get(contract=priced).lines.get(code="human").amount == Decimal("1860.00")


@pytest.mark.django_db
def test_lifecycle_numbers_are_gapless_and_audited(brand_a, brand_b, account_manager):
    a = make_contract(client=brand_a)
    b = make_contract(client=brand_b, entity=a.entity)
    services.billing_run_now(period_start=NOV)
    numbers = []
    for contract in (a, b):
        invoice = Invoice.objects.get(contract=contract)
        services.invoice_approve(invoice=invoice, actor=account_manager)
        numbers.append(services.invoice_issue(invoice=invoice, actor=account_manager, reason="month end").number)
    year = timezone.localdate().year
    assert numbers == [f"TL{year}000001", f"TL{year}000002"]
    paid = services.invoice_mark_paid(invoice=Invoice.objects.get(contract=a), actor=account_manager)
    assert paid.status == "paid" and paid.paid_at is not None
    actions = list(AuditEvent.objects.filter(target_type="contracts.invoice").values_list("action", flat=True))
    assert sorted(set(actions)) == ["invoice.approve", "invoice.issue", "invoice.mark_paid"]


@pytest.mark.django_db
def test_issue_needs_approval(priced, account_manager):
    services.billing_run_now(period_start=NOV)
    with pytest.raises(DomainError, match="approved"):
        services.invoice_issue(invoice=Invoice.objects.get(contract=priced), actor=account_manager)


@pytest.mark.django_db
def test_edit_draft_needs_a_reason_and_keeps_the_sum(priced, account_manager):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=priced)
    with pytest.raises(DomainError) as exc:
        services.invoice_edit_draft(invoice=invoice, actor=account_manager, reason="", note="x")
    assert exc.value.field == "reason"
    edited = services.invoice_edit_draft(
        invoice=invoice,
        actor=account_manager,
        reason="agreed discount",
        adjustment={"description": "折扣", "amount": "-740.00"},
    )
    assert edited.subtotal == Decimal("21000.00") and edited.total == Decimal("22260.00")
    assert services.invoice_lines_sum_check(edited)


@pytest.mark.django_db
def test_credit_notes_are_capped_by_what_is_left(priced, account_manager):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=priced)
    services.invoice_approve(invoice=invoice, actor=account_manager)
    invoice = services.invoice_issue(invoice=invoice, actor=account_manager)
    note = services.credit_note_create(
        invoice=invoice, total=Decimal("1060.00"), reason="SLA dispute", actor=account_manager
    )
    assert note.subtotal == Decimal("1000.00") and note.vat_amount == Decimal("60.00")
    with pytest.raises(DomainError) as exc:
        services.credit_note_create(invoice=invoice, total=invoice.total, reason="too much", actor=account_manager)
    assert exc.value.field == "total"
    assert CreditNote.objects.count() == 1


@pytest.mark.django_db
def test_late_usage_after_issue_goes_to_a_supplementary_invoice(priced, account_manager):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=priced)
    services.invoice_approve(invoice=invoice, actor=account_manager)
    services.invoice_issue(invoice=invoice, actor=account_manager)
    row = {
        "contract": priced.code,
        "metric": "human_conversations",
        "source_key": "late-1",
        "quantity": "50",
        "occurred_at": "2026-11-28T10:00:00+08:00",
    }
    with pytest.raises(DomainError, match="late=true"):
        services.usage_record_bulk(rows=[row])
    services.usage_record_bulk(rows=[row], late=True)
    run = services.billing_run_now(period_start=NOV)
    assert run.supplementary_created == 1
    supp = Invoice.objects.get(contract=priced, kind="supplementary")
    assert supp.subtotal == Decimal("60.00") and supp.total == Decimal("63.60")
    again = services.billing_run_now(period_start=NOV)
    assert again.supplementary_created == 0 and again.invoices_unchanged == 1


@pytest.mark.django_db
def test_sla_credit_line_shows_the_measurement(brand_a):
    store = factories.make_store(client=brand_a)
    contract = make_contract(client=brand_a, sla_at_risk_share=Decimal("0.10"))
    add_sla(contract, kpi="first_response_avg_s", target=Decimal(30), comparison="lte", weight=Decimal(1))
    at = timezone.make_aware(datetime(2026, 11, 5, 10))
    for i, seconds in enumerate([20, 80]):
        Conversation.objects.create(
            store=store,
            platform_conversation_id=f"p{i}",
            started_at=at,
            ended_at=at,
            handled_by="human",
            buyer_pseudonym="b",
            first_response_seconds=seconds,
        )
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contract)
    credit = invoice.lines.get(kind="sla_credit")
    assert credit.amount == Decimal("-1000.00")
    assert Decimal(credit.details["kpis"][0]["measured"]) == Decimal(50)
    result = selectors.sla_results_for_invoice(invoice)[0]
    assert not result.met and result.credit_amount == Decimal("1000.00") and result.details["conversations"] == 2


@pytest.mark.django_db
def test_qa_kpi_uses_the_qa_summary(brand_a, monkeypatch):
    import types

    fake = types.SimpleNamespace(
        conversations=10,
        scored=10,
        unscorable=0,
        passed=7,
        pass_rate=Decimal("0.7"),
        average_score=Decimal(80),
        critical_hits=1,
    )
    module = types.ModuleType("apps.qa.selectors")
    module.qa_period_summary = lambda **kw: fake
    monkeypatch.setitem(__import__("sys").modules, "apps.qa.selectors", module)
    contract = make_contract(client=brand_a, sla_at_risk_share=Decimal("0.10"))
    add_sla(contract, kpi="qa_pass_rate", target=Decimal("0.9"), comparison="gte")
    services.billing_run_now(period_start=NOV)
    assert Invoice.objects.get(contract=contract).lines.get(kind="sla_credit").amount == Decimal("-1000.00")


@pytest.mark.django_db
def test_usage_from_conversations_is_idempotent(brand_a):
    store = factories.make_store(client=brand_a, platform="jd")
    contract = make_contract(client=brand_a)
    night = timezone.make_aware(datetime(2026, 11, 5, 3))
    day = timezone.make_aware(datetime(2026, 11, 5, 15))
    for i, (at, who) in enumerate([(night, "human"), (day, "bot"), (day, "human")]):
        Conversation.objects.create(
            store=store,
            platform_conversation_id=f"c{i}",
            started_at=at,
            ended_at=at,
            handled_by=who,
            buyer_pseudonym="b",
            message_count=4,
        )
    first = services.usage_derive_from_conversations(contract=contract, start=NOV, end=date(2026, 12, 1))
    again = services.usage_derive_from_conversations(contract=contract, start=NOV, end=date(2026, 12, 1))
    assert (first, again) == (6, 0)
    human = UsageRecord.objects.filter(contract=contract, metric="human_conversations")
    assert human.count() == 2 and sum(u.night_quantity for u in human) == 1
    assert set(human.values_list("platform", flat=True)) == {"jd"}


@pytest.mark.django_db
def test_usage_from_roster_uses_the_workforce_selectors(brand_a, monkeypatch):
    import types

    module = types.ModuleType("apps.workforce.selectors")
    module.worked_hours_by_day = lambda **kw: [(date(2026, 11, 11), Decimal("120.5"), Decimal("30"))]
    module.surge_seats_by_day = lambda **kw: [(date(2026, 11, 11), 12)]
    monkeypatch.setitem(__import__("sys").modules, "apps.workforce.selectors", module)
    contract = make_contract(client=brand_a)
    assert services.usage_derive_from_roster(contract=contract, start=NOV, end=date(2026, 12, 1)) == 2
    assert services.usage_derive_from_roster(contract=contract, start=NOV, end=date(2026, 12, 1)) == 0
    assert UsageRecord.objects.get(contract=contract, metric="agent_hours").night_quantity == Decimal("30")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_make_one_invoice(brand_a):
    contract = make_contract(client=brand_a)
    add_usage(contract, metric="messages", day=date(2026, 11, 2), quantity=5, key="x")
    errors = []
    barrier = threading.Barrier(2)

    def bill():
        try:
            barrier.wait()
            services.billing_run_now(period_start=NOV)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=bill) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Invoice.objects.filter(contract=contract).count() == 1
    assert InvoiceLine.objects.filter(invoice__contract=contract).count() == 1


@pytest.mark.django_db
def test_billing_day_bills_the_previous_month_for_due_contracts(brand_a, brand_b, django_capture_on_commit_callbacks):
    due = make_contract(client=brand_a, billing_day=5)
    make_contract(client=brand_b, billing_day=10)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.billing_day_run(today=date(2026, 12, 5))
    run.refresh_from_db()
    assert (run.period_start, run.contract_ids, run.status) == (NOV, [due.pk], "succeeded")
    assert list(Invoice.objects.values_list("contract_id", flat=True)) == [due.pk]


def test_schedule_is_declared_for_beat():
    from apps.contracts.schedules import PERIODIC_TASKS
    from apps.contracts.tasks import billing_day_task

    assert [t["task"] for t in PERIODIC_TASKS] == [billing_day_task.name]
    assert PERIODIC_TASKS[0]["name"].startswith("tideline:")


@pytest.mark.django_db
def test_usage_that_falls_after_issue_asks_for_a_credit_note(priced, account_manager):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=priced)
    services.invoice_approve(invoice=invoice, actor=account_manager)
    services.invoice_issue(invoice=invoice, actor=account_manager)
    UsageRecord.objects.filter(contract=priced, source_key="b").delete()
    run = services.billing_run_now(period_start=NOV)
    assert run.supplementary_created == 0 and "credit note" in run.parked[0]["reason"]
    assert Invoice.objects.filter(contract=priced).count() == 1
