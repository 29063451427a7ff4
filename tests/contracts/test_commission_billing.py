"""Commission on the statement (issue #17 §3): the charge's rules, the billing run's commission lines,
the clawback of refunds recorded after October's statement on November's, and re-runs that write
nothing. A small factory setup: one shop, two chats a month, three attributed orders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.contracts import services
from apps.contracts.choices import InvoiceStatus
from apps.contracts.models import Charge, Invoice, InvoiceLine
from apps.contracts.wording import line_description
from apps.conversations.models import Conversation, Message
from apps.orders.attribution import LOCAL
from apps.orders.services import attribution_refresh, order_rows_import
from tests import factories
from tests.contracts.factories import add_charge, add_sla, make_contract

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)
OCTOBER_ISSUED = datetime(2026, 11, 3, 10, tzinfo=LOCAL)
NOVEMBER_ISSUED = datetime(2026, 12, 1, 10, tzinfo=LOCAL)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL)


def _chat(store, agent, n: int, buyer: str, start: datetime) -> None:
    conv = Conversation.objects.create(
        store=store, platform_conversation_id=f"C{n}", started_at=start, ended_at=start + timedelta(minutes=5),
        handled_by="human", agent=agent, buyer_pseudonym=buyer,
    )  # fmt: skip
    Message.objects.create(
        conversation=conv, message_id="1", seq=1, sent_at=start, sender_role="buyer", content="有货吗"
    )


@pytest.fixture
def sales(brand_a):
    """October: two human-attributed orders (1,000 and 2,000) and a silent one; November: one of 4,000."""
    store = factories.make_store(client=brand_a, platform="tmall", shop_id="comm-01")
    agent = factories.make_agent(nick="comm-agent")
    _chat(store, agent, 1, "b1", at(10, 10, 9))
    _chat(store, agent, 2, "b2", at(10, 20, 9))
    _chat(store, agent, 3, "b3", at(11, 12, 9))
    rows = [
        (store.id, "O1", "b1", at(10, 10, 10), at(10, 10, 10, 5), Decimal("1000.00"), Decimal("0.00"), "paid", 1),
        (store.id, "O2", "b2", at(10, 20, 11), at(10, 20, 11, 5), Decimal("2000.00"), Decimal("0.00"), "paid", 1),
        (store.id, "O9", "b9", at(10, 21, 11), at(10, 21, 11, 5), Decimal("500.00"), Decimal("0.00"), "paid", 1),
        (store.id, "O3", "b3", at(11, 12, 10), at(11, 12, 10, 5), Decimal("4000.00"), Decimal("0.00"), "paid", 1),
    ]
    order_rows_import(rows=rows, file_name="orders.csv", recorded_at=at(11, 30, 20))
    # O2: 200 refunded before October's statement, 300 more after it (clawed back in November)
    early = [(*rows[1][:6], Decimal("200.00"), "completed", 1)]
    order_rows_import(rows=early, file_name="early.csv", recorded_at=at(10, 31, 22))
    late = [(*rows[1][:6], Decimal("500.00"), "completed", 1)]
    order_rows_import(rows=late, file_name="late.csv", recorded_at=at(11, 15, 10))
    attribution_refresh(store_ids=[store.id])
    return store


@pytest.fixture
def contract(brand_a):
    c = make_contract(client=brand_a, base_fee="1000")
    add_charge(c, code="commission", name="销售提成", kind="commission", model="standard", rate=Decimal("0.03"))
    return c


def _issue(invoice: Invoice, actor, when: datetime) -> Invoice:
    invoice = services.invoice_approve(invoice=invoice, actor=actor, reason="review", confirm_problems=True)
    return services.invoice_issue(invoice=invoice, actor=actor, reason="month end", at=when)


def _bill(contract, month: date, cutoff: datetime):
    run = services.billing_run_now(period_start=month, contract_ids=[contract.pk], refunds_as_of=cutoff)
    assert not run.parked, run.parked
    return run


def _lines(contract, month: date) -> list[tuple[str, Decimal]]:
    invoice = Invoice.objects.get(contract=contract, period_start=month, kind="periodic")
    return [(ln.kind, ln.amount) for ln in invoice.lines.order_by("position")]


def test_october_bills_commission_on_the_net_known_at_the_cutoff(sales, contract):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    # (1,000 + 2,000 − 200 refunded before the cut-off) × 3 % = 84.00; the silent order earns nothing
    assert _lines(contract, OCTOBER) == [("base", Decimal("1000.00")), ("commission", Decimal("84.00"))]


def test_november_claws_back_october_refunds_after_issue(sales, contract, account_manager):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    october = Invoice.objects.get(contract=contract, period_start=OCTOBER)
    _issue(october, account_manager, OCTOBER_ISSUED)
    _bill(contract, NOVEMBER, NOVEMBER_ISSUED)
    # November: 4,000 × 3 % = 120.00; October's 300 refunded after its statement: −9.00, naming 2026-10
    assert _lines(contract, NOVEMBER) == [
        ("base", Decimal("1000.00")),
        ("commission", Decimal("120.00")),
        ("commission_clawback", Decimal("-9.00")),
    ]
    clawback = InvoiceLine.objects.get(invoice__period_start=NOVEMBER, kind="commission_clawback")
    assert clawback.details["month"] == "2026-10"
    assert _lines(contract, OCTOBER) == [("base", Decimal("1000.00")), ("commission", Decimal("84.00"))]


def test_rerunning_both_months_writes_nothing(sales, contract, account_manager):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    _issue(Invoice.objects.get(contract=contract, period_start=OCTOBER), account_manager, OCTOBER_ISSUED)
    _bill(contract, NOVEMBER, NOVEMBER_ISSUED)
    october = _bill(contract, OCTOBER, NOVEMBER_ISSUED)  # later cut-off: the issued month keeps its lines
    november = _bill(contract, NOVEMBER, NOVEMBER_ISSUED)
    for run in (october, november):
        assert (run.invoices_created, run.invoices_updated, run.supplementary_created) == (0, 0, 0)
        assert run.invoices_unchanged == 1


def test_the_clawback_is_billed_once(sales, contract, account_manager):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    _issue(Invoice.objects.get(contract=contract, period_start=OCTOBER), account_manager, OCTOBER_ISSUED)
    _bill(contract, NOVEMBER, NOVEMBER_ISSUED)
    _issue(Invoice.objects.get(contract=contract, period_start=NOVEMBER), account_manager, NOVEMBER_ISSUED)
    _bill(contract, date(2026, 12, 1), datetime(2027, 1, 2, 10, tzinfo=LOCAL))
    kinds = [k for k, _ in _lines(contract, date(2026, 12, 1))]
    assert "commission_clawback" not in kinds


def test_lines_read_in_chinese_with_the_base_in_words(sales, contract, account_manager):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    _issue(Invoice.objects.get(contract=contract, period_start=OCTOBER), account_manager, OCTOBER_ISSUED)
    _bill(contract, NOVEMBER, NOVEMBER_ISSUED)
    november = Invoice.objects.get(contract=contract, period_start=NOVEMBER)
    october = Invoice.objects.get(contract=contract, period_start=OCTOBER)
    with translation.override("zh-hans"):
        words = [line_description(ln) for ln in october.lines.order_by("position")]
        claw = [line_description(ln) for ln in november.lines.filter(kind="commission_clawback")]
    assert words[1] == ("销售提成：订单 2 单，实付 ¥3,000.00，扣除退款 ¥200.00，净成交额 ¥2,800.00；× 3%")
    assert claw == [
        "销售提成 · 退款追回 · 原账期 2026-10：该期结算单开具后退款 1 单 ¥300.00（原计提成 ¥84.00，重算后 ¥75.00）"
    ]


def test_a_cap_below_the_minimum_is_refused_naming_the_field(contract):
    charge = Charge.objects.get(version__contract=contract, kind="commission")
    charge.minimum_amount = Decimal("500")
    charge.cap_amount = Decimal("100")
    with pytest.raises(ValidationError) as exc:
        charge.full_clean()
    assert "cap_amount" in exc.value.message_dict


def test_a_standard_commission_needs_a_rate_and_no_metric(contract):
    version = contract.versions.get()
    with pytest.raises(ValidationError) as exc:
        Charge(version=version, code="c2", name="x", kind="commission", model="standard").full_clean()
    assert "rate" in exc.value.message_dict or "kind" in exc.value.message_dict
    charge = Charge.objects.get(version=version, kind="commission")
    charge.metric = "human_conversations"
    with pytest.raises(ValidationError) as exc:
        charge.full_clean()
    assert "metric" in exc.value.message_dict


def test_api_creates_a_graduated_commission_and_refuses_a_cap_below_the_minimum(contract, account_manager, api):
    client = api(account_manager)
    version = contract.versions.get()
    Charge.objects.filter(version=version, kind="commission").delete()
    body = {
        "version": version.pk,
        "code": "comm",
        "name": "销售提成（阶梯）",
        "kind": "commission",
        "model": "graduated",
        "tiers": [
            {"lower": "0", "upper": "100000", "unit_price": "0.03"},
            {"lower": "100000", "upper": None, "unit_price": "0.02"},
        ],
        "minimum_amount": "500",
        "cap_amount": "100",
    }
    refused = client.post("/api/v1/contracts/charges/", body, format="json")
    assert refused.status_code == 400
    assert "cap_amount" in str(refused.json())
    body["cap_amount"] = "20000"
    made = client.post("/api/v1/contracts/charges/", body, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["cap_amount"] == "20000.00" and len(made.json()["tiers"]) == 2


def test_no_usage_problem_is_not_raised_by_a_commission_charge(sales, contract):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    assert Invoice.objects.get(contract=contract, period_start=OCTOBER).problems == []
    assert Invoice.objects.get(contract=contract, period_start=OCTOBER).status == InvoiceStatus.DRAFT


def test_conversion_below_target_earns_a_credit_and_satisfaction_without_evaluations_none(sales, brand_a):
    store = sales
    _chat(store, None, 4, "b4", at(10, 25, 9))  # a fourth consulting buyer who never orders: 2 of 3 pay
    contract = make_contract(client=brand_a, base_fee="1000", sla_at_risk_share=Decimal("0.10"))
    add_sla(contract, kpi="conversion_rate", target=Decimal("0.9"), comparison="gte")
    add_sla(contract, kpi="satisfaction_rate", target=Decimal("0.8"), comparison="gte")
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    invoice = Invoice.objects.get(contract=contract, period_start=OCTOBER)
    results = {r.kpi: r for r in invoice.sla_results.all()}
    conversion, satisfaction = results["conversion_rate"], results["satisfaction_rate"]
    assert conversion.measured == Decimal("0.6667") and not conversion.met
    assert conversion.details["consulting"] == 3 and conversion.details["paying"] == 2
    assert conversion.credit_amount == Decimal("50.00")  # half of the 10 % pool on the ¥1,000 base fee
    assert satisfaction.measured is None and satisfaction.credit_amount == 0
    assert ("sla_credit", Decimal("-50.00")) in _lines(contract, OCTOBER)


def test_admin_edits_a_commission_charge_inline(contract, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root-comm", "root@example.com", "x")
    client.force_login(admin)
    charge = Charge.objects.get(version__contract=contract, kind="commission")
    page = client.get(f"/admin/contracts/charge/{charge.pk}/change/")
    assert page.status_code == 200
    for field in ("rate", "cap_amount", "include_bot", "attribution_window_days"):
        assert f'name="{field}"' in page.content.decode()
    version = client.get(f"/admin/contracts/contractversion/{charge.version_id}/change/")
    assert 'name="charges-0-cap_amount"' in version.content.decode()


def test_the_openapi_schema_names_the_commission_fields(client, account_manager):
    client.force_login(account_manager)
    schema = client.get("/api/schema/").content.decode()
    assert "cap_amount" in schema and "attribution_window_days" in schema and "commission" in schema


def test_the_statement_page_shows_the_commission_base_and_the_clawback(sales, contract, account_manager, client):
    _bill(contract, OCTOBER, OCTOBER_ISSUED)
    _issue(Invoice.objects.get(contract=contract, period_start=OCTOBER), account_manager, OCTOBER_ISSUED)
    _bill(contract, NOVEMBER, NOVEMBER_ISSUED)
    november = Invoice.objects.get(contract=contract, period_start=NOVEMBER)
    client.force_login(account_manager)
    page = client.get(f"/billing/statements/{november.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "订单 1 单，实付 ¥4,000.00，扣除退款 ¥0.00，净成交额 ¥4,000.00；× 3%" in page
    assert "原账期 2026-10" in page and "-¥9.00" in page
    assert "0.030000" not in page and "4000.000000" not in page
