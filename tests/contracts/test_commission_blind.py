"""The commission engine against the blind reference of issue #17 §3 (tests/orders/blind, written
without reading apps/contracts) on seeded random cases.

The adapter only translates: the reference's items carry one order each, its terms name a flat
model 'flat' (the engine's standard) and a missing minimum (the engine's 0); items are grouped by
their local hour (the reference places an order by `created_at`; the engine by the hour its reader
gives, so the adapter gives that hour); the refunds known now become the engine's late increments
per hour (a refund that an export lost is never reversed, as both sides say). Compared: every
non-zero line amount in order (the engine also writes an off-peak line of 0.00 when the period has
none), the period's total, and the clawback line.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.contracts.pricing import PeakWindowSpec, TierSpec
from apps.contracts.pricing.commission import CommissionSpec, GmvHour, commission_clawback_line, commission_lines

blind = pytest.importorskip("tests.orders.blind.cases")
reference = pytest.importorskip("tests.orders.blind.commission_reference")

LOCAL = ZoneInfo("Asia/Shanghai")
VAT = Decimal("0.06")
NOVEMBER = date(2026, 11, 1)


def _naive(at):
    return (at.astimezone(LOCAL) if at.tzinfo else at).replace(tzinfo=None)


def _tiers(tiers):
    return tuple(TierSpec(lower=t.lower, upper=t.upper, unit_price=t.rate) for t in tiers or ())


def engine_spec(terms) -> CommissionSpec:
    windows = tuple(
        PeakWindowSpec(
            name=w.name or f"w{i}",
            start=_naive(w.start),
            end=_naive(w.end),
            multiplier=w.multiplier,
            unit_price=w.rate,
            tiers=_tiers(w.tiers),
        )
        for i, w in enumerate(terms.windows)
    )
    flat = terms.model == "flat"
    return CommissionSpec(
        code="commission",
        name="佣金",
        model="standard" if flat else terms.model,
        rate=terms.rate if flat else None,
        tiers=() if flat else _tiers(terms.tiers),
        peak_windows=windows,
        minimum=terms.minimum or Decimal(0),
        cap=terms.cap,
    )


def _in_period(item) -> bool:
    local = item.created_at.astimezone(LOCAL)
    return (local.year, local.month) == (2026, 11)


def engine_hours(items) -> list[GmvHour]:
    hours = []
    for item in items:
        if _in_period(item):
            hour = _naive(item.created_at).replace(minute=0, second=0, microsecond=0)
            hours.append(GmvHour(hour, "human", 1, item.amount_paid, min(item.refunded, item.amount_paid)))
    return hours


def engine_late_refunds(issued, current) -> list[GmvHour]:
    now = {i.order_id: i for i in current}
    late: dict = defaultdict(Decimal)
    for item in issued:
        cur = now.get(item.order_id)
        if cur is not None and _in_period(item) and cur.refunded > item.refunded:
            late[_naive(item.created_at).replace(minute=0, second=0, microsecond=0)] += cur.refunded - item.refunded
    return [GmvHour(h, "human", 1, Decimal(0), amount) for h, amount in late.items()]


def compare(seed: int) -> list[str]:
    """The disagreements of one seeded case (empty when both sides agree)."""
    case = blind.commission_case(seed)
    terms, period = case["terms"], case["period"]
    spec = engine_spec(terms)
    ours = commission_lines(spec, engine_hours(case["issued_items"]), vat_rate=VAT)
    theirs = reference.commission_lines(case["issued_items"], terms, period=period)
    problems = []
    ours_amounts = [ln.amount for ln in ours if ln.amount]
    theirs_amounts = [ln.amount for ln in theirs if ln.amount]
    if ours_amounts != theirs_amounts:
        problems.append(f"lines {ours_amounts} != {theirs_amounts}")
    back = commission_clawback_line(
        spec,
        month=NOVEMBER,
        billed_hours=engine_hours(case["issued_items"]),
        late_refunds=engine_late_refunds(case["issued_items"], case["current_items"]),
        vat_rate=VAT,
    )
    theirs_back = reference.clawback_lines(case["issued_items"], case["current_items"], terms, period=period)
    if [ln.amount for ln in back] != [ln.amount for ln in theirs_back]:
        problems.append(f"clawback {[ln.amount for ln in back]} != {[ln.amount for ln in theirs_back]}")
    return problems


def test_commission_agrees_with_the_blind_reference_on_2000_cases():
    disagreements = {seed: p for seed in range(2000) if (p := compare(seed))}
    assert not disagreements, dict(list(disagreements.items())[:5])
