"""Whole statements with commission and clawbacks against the blind reference (issue #17 §3).

For each seeded case of tests/orders/blind (terms, November's orders as issued, the refunds known
later) three statements of a base + commission contract are priced as the billing run prices them
(pricing.price_period with the statement's commission part from statement_commission_lines):
November (base fee + commission lines), December (base fee + a clawback naming November for part of
the late refunds) and January (base fee + the clawback of the rest, net of December's). Each is
compared with the blind reference (tests/orders/blind/commission_reference.py, not modified): the
commission and clawback line amounts, and the statement's subtotal, VAT and total worked out from
the reference's lines plus the base fee (one VAT per rate, half up to the fen).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from apps.contracts import pricing
from apps.contracts.pricing import ChargeSpec, VersionSpec
from apps.contracts.pricing.commission import ClawbackInput, statement_commission_lines
from tests.contracts.test_commission_blind import VAT, engine_hours, engine_late_refunds, engine_spec

blind = pytest.importorskip("tests.orders.blind.cases")
reference = pytest.importorskip("tests.orders.blind.commission_reference")

CASES = 600
BASE_FEE = Decimal("8000.00")
MONTHS = (date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1))


def _statement(month: int, commission_lines) -> pricing.PricedInvoice:
    """A base + commission statement of MONTHS[month] as the billing run assembles it."""
    base = ChargeSpec(code="base", name="基础服务费", kind="base", amount=BASE_FEE)
    version = VersionSpec(label="v", start=date(2026, 1, 1), end=date(2099, 1, 1), charges=(base,), vat_rate=VAT)
    return pricing.price_period(
        period_start=MONTHS[month],
        period_end=MONTHS[month + 1],
        versions=[version],
        usage=[],
        commission=tuple(commission_lines),
    )


def _expected_totals(reference_lines) -> tuple[Decimal, Decimal, Decimal]:
    subtotal = BASE_FEE + sum((ln.amount for ln in reference_lines), Decimal(0))
    vat = (subtotal * VAT).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return subtotal, vat, subtotal + vat


def _midway(case, rng: random.Random):
    """The refunds known at December's cut-off: for each order, somewhere between issue and now."""
    issued = {i.order_id: i for i in case["issued_items"]}
    out = []
    for item in case["current_items"]:
        before = issued.get(item.order_id)
        if before is None or item.refunded <= before.refunded:
            out.append(item)
            continue
        share = Decimal(rng.choice([0, 25, 50, 100])) / 100
        refunded = (before.refunded + (item.refunded - before.refunded) * share).quantize(Decimal("0.01"))
        out.append(reference.CommissionItem(item.order_id, item.created_at, item.amount_paid, refunded))
    return out


def _check(problems, label, ours: pricing.PricedInvoice, kinds, theirs) -> None:
    amounts = [ln.amount for ln in ours.lines if ln.kind in kinds and ln.amount]
    wanted = [ln.amount for ln in theirs if ln.amount]
    if amounts != wanted:
        problems.append(f"{label} lines {amounts} != {wanted}")
    if (ours.subtotal, ours.vat_total, ours.total) != _expected_totals(theirs):
        problems.append(f"{label} totals {(ours.subtotal, ours.vat_total, ours.total)} != {_expected_totals(theirs)}")


def compare_statements(seed: int) -> list[str]:
    case = blind.commission_case(seed)
    terms, period = case["terms"], case["period"]
    spec = engine_spec(terms)
    issued, current = case["issued_items"], case["current_items"]
    mid = _midway(case, random.Random(seed * 7919 + 1))
    billed = tuple(engine_hours(issued))
    problems: list[str] = []
    kinds = ("commission", "commission_minimum", "commission_cap")
    november = _statement(0, statement_commission_lines(spec, billed, vat_rate=VAT))
    _check(problems, "November", november, kinds, reference.commission_lines(issued, terms, period=period))

    def clawback(late, already=Decimal(0)):
        c = ClawbackInput(MONTHS[0], spec, billed, tuple(late), VAT, already)
        return statement_commission_lines(None, (), vat_rate=VAT, clawbacks=[c])

    december = _statement(1, clawback(engine_late_refunds(issued, mid)))
    theirs_december = reference.clawback_lines(issued, mid, terms, period=period)
    _check(problems, "December", december, ("commission_clawback",), theirs_december)
    already = sum((ln.amount for ln in december.lines if ln.kind == "commission_clawback"), Decimal(0))
    january = _statement(2, clawback(engine_late_refunds(issued, current), already))
    theirs_january = reference.clawback_lines(issued, current, terms, period=period, already_clawed_back=already)
    _check(problems, "January", january, ("commission_clawback",), theirs_january)
    claws = [ln for st in (december, january) for ln in st.lines if ln.kind == "commission_clawback"]
    if any(ln.details.get("month") != "2026-11" for ln in claws):
        problems.append("a clawback does not name 2026-11")
    return problems


def test_whole_statements_agree_with_the_blind_reference_on_600_cases():
    disagreements = {seed: p for seed in range(CASES) if (p := compare_statements(seed))}
    assert not disagreements, dict(list(disagreements.items())[:5])


def test_the_cases_hold_clawbacks_minimums_and_caps():
    """The comparison is not vacuous: the cases reach every kind of line."""
    seen = set()
    for seed in range(CASES):
        case = blind.commission_case(seed)
        for ln in reference.commission_lines(case["issued_items"], case["terms"], period=case["period"]):
            seen.add(ln.kind)
        if reference.clawback_lines(case["issued_items"], case["current_items"], case["terms"], period=case["period"]):
            seen.add("clawback")
    assert {"commission", "peak", "minimum", "cap", "clawback"} <= seen
