"""Demo step: the vendor's billing entity, one contract per demo brand, usage, and the October and
November 2026 invoices (October issued and paid, November issued), with an SLA credit and a credit note.

Brands are taken from the clients demo step by their Client rows in order of code, so the exact
codes do not matter. Together the six contracts use every charge model, an allowance, Double 11 peak
windows to the hour (from 20:00 on 10 Nov: a multiplier, own tiers, and the 00:00–02:00 rush at a
flat price of its own on a volume charge) with surge seats, night surcharges (night units inside the
window at the window's price), a pro-rata package, a monthly minimum, a mid-month start
(proration), one contract whose first-response target is strict enough for the demo data to miss,
and an SLA earn-back: a QA pass rate missed in October and beaten in November. Two brands are on a
base + commission contract (issue #17 §3): their November statements carry the commission lines and
a clawback line naming October (refunds the orders demo records after October's statement).
Re-running finds what it made before: contracts by code, versions by start date, charges by code,
invoices by (contract, month); the billing run skips unchanged contracts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.clients.selectors import clients_by_code
from apps.clients.validators import uscc_check_character
from apps.contracts import services
from apps.contracts.choices import InvoiceStatus
from apps.contracts.models import (
    BillingEntity,
    Charge,
    Contract,
    ContractVersion,
    CreditNote,
    Invoice,
    PeakWindow,
    SlaTerm,
    Tier,
)
from apps.core.choices import Role

if TYPE_CHECKING:
    from apps.clients.models import Client

D = Decimal
OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)
DECEMBER = date(2026, 12, 1)
# Double 11 from 20:00 on 10 Nov (local time) to midnight after the 12th; the midnight rush 00:00–02:00.
DOUBLE_11 = {"start_date": date(2026, 11, 10), "start_hour": 20, "end_date": date(2026, 11, 13), "end_hour": 0}
RUSH = {"start_date": date(2026, 11, 11), "start_hour": 0, "end_date": date(2026, 11, 11), "end_hour": 2}
CREDIT_REASON = "10月12日系统故障导致2小时服务中断，协商补偿 / outage on 12 Oct, agreed compensation"

# One plan per brand, in order of client code. Tiers: (lower, upper, unit price).
PLANS = [
    {
        "name": "基础费 + 增量服务（大促扩容）",
        "base": "30000",
        "minimum": "0",
        "charges": [
            {
                "code": "human",
                "name": "人工会话（阶梯累进）",
                "metric": "human_conversations",
                "model": "graduated",
                "included_quantity": D(100),
                "tiers": [(0, 300, "1.50"), (300, 1000, "1.20"), (1000, None, "0.95")],
                "night_surcharge_rate": D("0.30"),
                "peak": {"multiplier": D("1.5")},
            },
            {
                "code": "hours",
                "name": "坐席工时",
                "metric": "agent_hours",
                "unit_price": D("52.00"),
                "night_surcharge_rate": D("0.30"),
            },
            {"code": "surge", "name": "大促临时坐席（人天）", "metric": "surge_seat_days", "unit_price": D("450.00")},
        ],
        # A month that misses the 60-second average first response is earned back by a later month
        # at 45 s or better.
        "sla": [("first_response_avg_s", "60", "lte", 1, "45"), ("three_minute_rate", "0.80", "gte", 1)],
    },
    {
        "name": "机器人 + 消息包",
        "base": "15000",
        "minimum": "0",
        "charges": [
            {
                "code": "bot",
                "name": "机器人会话（量级统价）",
                "metric": "bot_conversations",
                "model": "volume",
                "tiers": [(0, 2000, "0.40"), (2000, 8000, "0.30"), (8000, None, "0.22")],
            },
            {
                "code": "msg",
                "name": "消息包（每千条）",
                "metric": "messages",
                "model": "package",
                "package_size": D(1000),
                "package_price": D("60.00"),
            },
        ],
        # 口福记 is short-handed in November: its 30-second first-response rate falls below target.
        "sla": [("first_response_within_30s_rate", "0.70", "gte", 2), ("qa_pass_rate", "0.85", "gte", 1)],
    },
    {
        "name": "按量计费 + 月度保底",
        "base": "8000",
        "minimum": "12000",
        "charges": [
            {
                "code": "human",
                "name": "人工会话",
                "metric": "human_conversations",
                "unit_price": D("1.20"),
                "included_quantity": D(50),
            },
        ],
        # Base + commission: 2 % of the first ¥200,000 of net attributed GMV, 1.5 % above, capped; the
        # inquiry conversion rate (询单转化率) and satisfaction (满意度) in the SLA pool.
        "commission": {
            "name": "销售提成（阶梯累进）",
            "model": "graduated",
            "tiers": [(0, 200000, "0.02"), (200000, None, "0.015")],
            "minimum_amount": D("500"),
            "cap_amount": D("30000"),
        },
        "sla": [
            ("three_minute_rate", "0.95", "gte", 1),
            ("qa_average_score", "85", "gte", 1),
            ("conversion_rate", "0.40", "gte", 1),
            ("satisfaction_rate", "0.80", "gte", 1),
        ],
    },
    {
        "name": "基础费 + 阶梯（双11专属价）+ 严格SLA",
        "base": "12000",
        "minimum": "0",
        "charges": [
            {
                "code": "human",
                "name": "人工会话（阶梯累进）",
                "metric": "human_conversations",
                "model": "graduated",
                "tiers": [(0, 2000, "1.40"), (2000, None, "1.10")],
                "peak": {"tiers": [(0, 2000, "1.80"), (2000, None, "1.50")]},
            },
            {"code": "bot", "name": "机器人会话", "metric": "bot_conversations", "unit_price": D("0.25")},
        ],
        # Base + commission: 3 % of net attributed GMV, 4 % on orders paid in the Double 11 hours.
        "commission": {
            "name": "销售提成",
            "rate": D("0.03"),
            "minimum_amount": D("0"),
            "peak": {"unit_price": D("0.04")},
        },
        # Strict on purpose: a 10-second average first response that the demo agents miss.
        "sla": [("first_response_avg_s", "10", "lte", 2), ("three_minute_rate", "0.50", "gte", 1)],
    },
    {
        "name": "消息计费",
        "base": "10000",
        "minimum": "0",
        "charges": [
            {
                "code": "msg",
                "name": "消息包（每五百条）",
                "metric": "messages",
                "model": "package",
                "package_size": D(500),
                "package_price": D("35.00"),
                "package_rounding": "pro_rata",
            },
            {"code": "bot", "name": "机器人会话", "metric": "bot_conversations", "unit_price": D("0.30")},
        ],
        # 山野 misses its QA pass rate in October (91.5 % against 92 %) and beats its earn-back target
        # of 92.5 % in November (92.7 %): November's statement earns October's credit back.
        "sla": [("response_avg_s", "45", "lte", 1), ("qa_pass_rate", "0.92", "gte", 1, "0.925")],
    },
    {
        "name": "新签（10月16日起）量级统价",
        "base": "9000",
        "minimum": "0",
        "start": date(2026, 10, 16),
        "charges": [
            {
                "code": "human",
                "name": "人工会话（量级统价）",
                "metric": "human_conversations",
                "model": "volume",
                "tiers": [(0, 1000, "1.60"), (1000, 5000, "1.30"), (5000, None, "1.05")],
                # The midnight rush at a flat price of its own, on a volume charge.
                "peak": {"name": "双11零点冲刺", "window": RUSH, "unit_price": D("2.20")},
            },
        ],
        "sla": [("first_response_avg_s", "45", "lte", 1), ("qa_average_score", "85", "gte", 1)],
    },
]


def _entity() -> BillingEntity:
    body = "91310115MA1H7TDL0"
    entity, _ = BillingEntity.objects.update_or_create(
        code="tideline-sh",
        defaults={
            "legal_name": "上海潮汐客户服务外包有限公司",
            "uscc": body + uscc_check_character(body),
            "bank_name": "招商银行上海张江支行",
            "bank_account": "1219 0876 5432 101",
            "address": "上海市浦东新区张江路88号",
            "invoice_series": "TL",
            "credit_series": "TLR",
        },
    )
    return entity


def _tiers(charge: Charge, tiers, window=None) -> None:
    Tier.objects.filter(charge=charge, peak_window=window).delete()
    Tier.objects.bulk_create(
        [
            Tier(
                charge=charge,
                peak_window=window,
                lower=D(lower),
                upper=None if upper is None else D(upper),
                unit_price=D(price),
            )
            for lower, upper, price in tiers
        ]
    )


@transaction.atomic
def _contract(client: Client, entity: BillingEntity, index: int, plan: dict) -> Contract:
    contract, _ = Contract.objects.update_or_create(
        code=f"demo-{client.code}",
        defaults={"client": client, "entity": entity, "name": f"{client.name} · {plan['name']}", "is_active": True},
    )
    version, _ = ContractVersion.objects.update_or_create(
        contract=contract,
        valid_from=plan.get("start", date(2026, 1, 1)),
        defaults={
            "billing_day": 1 + index,
            "payment_terms_days": 30,
            "vat_rate": D("0.06"),
            "monthly_minimum": D(plan["minimum"]),
            "sla_at_risk_share": D("0.10") if plan["sla"] else D(0),
            "sla_cap": D("0.12"),
        },
    )
    Charge.objects.update_or_create(
        version=version, code="base", defaults={"name": "基础服务费", "kind": "base", "amount": D(plan["base"])}
    )
    for spec in plan["charges"]:
        spec = dict(spec)
        tiers = spec.pop("tiers", None)
        peak = spec.pop("peak", None)
        charge, _ = Charge.objects.update_or_create(version=version, code=spec.pop("code"), defaults=spec)
        if tiers:
            _tiers(charge, tiers)
        if peak:
            window, _ = PeakWindow.objects.update_or_create(
                charge=charge,
                name=peak.get("name", "双11"),
                defaults={
                    **peak.get("window", DOUBLE_11),
                    "multiplier": peak.get("multiplier"),
                    "unit_price": peak.get("unit_price"),
                },
            )
            if peak.get("tiers"):
                _tiers(charge, peak["tiers"], window)
        services.charge_validate(charge=charge)
    if plan.get("commission"):
        _commission(version, plan["commission"])
    for kpi, target, comparison, weight, *earn_back in plan["sla"]:
        SlaTerm.objects.update_or_create(
            version=version,
            kpi=kpi,
            defaults={
                "target": D(target),
                "comparison": comparison,
                "weight": D(weight),
                "earn_back": bool(earn_back),
                "earn_back_target": D(earn_back[0]) if earn_back else None,
            },
        )
    return contract


def _commission(version: ContractVersion, spec: dict) -> Charge:
    """The brand's sales commission (issue #17 §3) on its attributed orders (the orders demo step)."""
    spec = dict(spec)
    tiers = spec.pop("tiers", None)
    peak = spec.pop("peak", None)
    charge, _ = Charge.objects.update_or_create(
        version=version,
        code="commission",
        defaults={"kind": "commission", "metric": "", "model": spec.pop("model", "standard"), **spec},
    )
    if tiers:
        _tiers(charge, tiers)
    if peak:
        PeakWindow.objects.update_or_create(
            charge=charge, name="双11", defaults={**DOUBLE_11, "multiplier": None, "unit_price": peak["unit_price"]}
        )
    services.charge_validate(charge=charge)
    return charge


# The Double 11 surge the first brand ordered: temporary seats per day, 9–12 Nov.
SURGE_ORDER = {date(2026, 11, 9): 4, date(2026, 11, 10): 10, date(2026, 11, 11): 16, date(2026, 11, 12): 8}


def _surge_order(contract: Contract, *, actor) -> None:
    """Post the ordered surge seats through the usage API path when the roster shows none."""
    from apps.contracts.models import UsageRecord

    if UsageRecord.objects.filter(contract=contract, metric="surge_seat_days", source="roster").exists():
        return
    rows = [
        {
            "contract": contract.code,
            "metric": "surge_seat_days",
            "source_key": f"double11-order:{day.isoformat()}",
            "quantity": seats,
            "occurred_at": _at(day, 9).isoformat(),
        }
        for day, seats in SURGE_ORDER.items()
    ]
    services.usage_record_bulk(rows=rows, actor=actor, late=True)


def _actor():
    return get_user_model().objects.filter(groups__name=Role.ACCOUNT_MANAGER).order_by("pk").first()


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def seed(ctx) -> None:
    entity = _entity()
    clients = clients_by_code(limit=len(PLANS))
    if not clients:
        ctx.say("  no demo brands: run the clients step first")
        return
    contracts = [_contract(client, entity, i, PLANS[i]) for i, client in enumerate(clients)]
    for contract in contracts:
        services.usage_derive_from_conversations(contract=contract, start=OCTOBER, end=DECEMBER)
        services.usage_derive_from_roster(contract=contract, start=OCTOBER, end=DECEMBER)
    _surge_order(contracts[0], actor=_actor())
    actor = _actor()
    for month, issue_at, paid_at in (
        (OCTOBER, _at(date(2026, 11, 3)), _at(date(2026, 11, 20), 15)),
        (NOVEMBER, _at(date(2026, 12, 1)), None),
    ):
        # Refunds known at issue are deducted from the commission base; later ones are clawed back on
        # the next statement (the orders demo records some in mid-November: November claws them back).
        run = services.billing_run_now(
            period_start=month, actor=actor, contract_ids=[c.pk for c in contracts], refunds_as_of=issue_at
        )
        for parked in run.parked:
            ctx.say(f"  parked {parked.get('code')}: {parked.get('reason')}")
        for invoice in Invoice.objects.filter(contract__in=contracts, period_start=month).order_by("contract__code"):
            if invoice.status == InvoiceStatus.DRAFT:
                invoice = services.invoice_approve(
                    invoice=invoice,
                    actor=actor,
                    reason="demo month-end review"
                    + ("; no usage this month, base fee only as agreed with the brand" if invoice.problems else ""),
                    confirm_problems=bool(invoice.problems),
                )
            if invoice.status == InvoiceStatus.APPROVED:
                invoice = services.invoice_issue(invoice=invoice, actor=actor, reason="demo month end", at=issue_at)
            if paid_at and invoice.status == InvoiceStatus.ISSUED:
                services.invoice_mark_paid(invoice=invoice, actor=actor, paid_at=paid_at, reason="bank receipt")
    # One credit note (红字) on the second brand's October invoice.
    october = Invoice.objects.filter(contract=contracts[min(1, len(contracts) - 1)], period_start=OCTOBER).first()
    if october is not None and not CreditNote.objects.filter(invoice=october, reason=CREDIT_REASON).exists():
        services.credit_note_create(
            invoice=october, total=D("1060.00"), reason=CREDIT_REASON, actor=actor, at=_at(date(2026, 11, 25))
        )
    _after_issue(contracts, actor=actor)
    issued = Invoice.objects.filter(contract__in=contracts).count()
    credits = Invoice.objects.filter(contract__in=contracts, lines__kind="sla_credit").count()
    ctx.say(f"  {len(contracts)} contracts, {issued} invoices, {credits} with an SLA credit")


def _viewer(client: Client):
    return get_user_model().objects.filter(client_membership__client=client).order_by("pk").first()


def _after_issue(contracts: list[Contract], *, actor) -> None:
    """What happens to statements after issue: finance records the official fapiao issued on the
    tax platform for the first brand's October statement; the first brand confirms its November
    statement and pays part of it; the second brand disputes its November statement and the account
    manager answers. Each step is skipped when it was done before (re-runs change nothing)."""
    from apps.contracts import receivables, statements
    from apps.core.money import round_money

    first = Invoice.objects.filter(contract=contracts[0], kind="periodic")
    october, november = first.filter(period_start=OCTOBER).first(), first.filter(period_start=NOVEMBER).first()
    if october is not None and october.status in receivables.ISSUED and not october.fapiaos.exists():
        for n, (rate, amount) in enumerate(sorted(receivables.fapiao_room(october).items()), start=1):
            statements.fapiao_record(
                invoice=october,
                number=f"2631200000{october.pk:06d}{n:04d}",
                issued_on=date(2026, 11, 5),
                amount=amount,
                vat_rate=rate,
                tax=round_money(amount * rate),
                actor=actor,
            )
    if november is not None and november.status == InvoiceStatus.ISSUED:
        viewer = _viewer(contracts[0].client)
        if viewer is not None and receivables.confirmation_state(november) == "awaiting":
            statements.statement_answer(invoice=november, answer="confirmed", actor=viewer)
        if not november.payments.exists():
            part = (november.total / 2).quantize(D("0.01"))
            statements.payment_record(
                invoice=november,
                amount=part,
                received_on=date(2026, 12, 1),
                reference="CMB20261201-0087",
                note="首期付款 50%",
                actor=actor,
            )
    if len(contracts) > 1:
        second = Invoice.objects.filter(contract=contracts[1], kind="periodic", period_start=NOVEMBER).first()
        viewer = _viewer(contracts[1].client)
        if second is not None and viewer is not None and second.status == InvoiceStatus.ISSUED:
            if receivables.confirmation_state(second) == "awaiting":
                statements.statement_answer(
                    invoice=second,
                    answer="disputed",
                    reason="双11零点冲刺时段的会话数与我方后台统计不一致，请核对",
                    actor=viewer,
                )
            if receivables.confirmation_state(second) == "disputed":
                statements.dispute_answer(
                    invoice=second,
                    actor=actor,
                    reply="已核对：冲刺时段按北京时间 00:00–02:00 计，会话明细已发送至贵方邮箱，金额无误",
                )
