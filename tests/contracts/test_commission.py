"""Commission pricing (issue #17 §3, rules C1–C6 in apps/contracts/pricing/commission.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.contracts.pricing import PeakWindowSpec, PricingError, TierSpec
from apps.contracts.pricing.commission import (
    CommissionSpec,
    GmvHour,
    commission_clawback_line,
    commission_lines,
)

VAT = D("0.06")
TIERS = (
    TierSpec(lower=D(0), upper=D(100000), unit_price=D("0.03")),
    TierSpec(lower=D(100000), upper=None, unit_price=D("0.04")),
)
D11 = PeakWindowSpec(name="双11", start=datetime(2026, 11, 10, 20), end=datetime(2026, 11, 12), unit_price=D("0.05"))


def hour(day, h, paid, refunded="0", kind="human", orders=1):
    return GmvHour(datetime(2026, 11, day, h), kind, orders, D(paid), D(refunded))


def total(lines):
    return sum((ln.amount for ln in lines), D(0))


def test_standard_rate_on_net_gmv_rounded_once():
    spec = CommissionSpec(code="c", name="提成", rate=D("0.035"))
    lines = commission_lines(spec, [hour(3, 10, "100.10"), hour(4, 11, "200.05", refunded="0.01")], vat_rate=VAT)
    # net 300.14 × 3.5 % = 10.5049 -> 10.50 (one rounding of the exact product, not per hour)
    assert [ln.amount for ln in lines] == [D("10.50")]
    assert lines[0].details["orders"] == 2 and lines[0].details["refunded"] == "0.01"
    assert lines[0].details["net_gmv"] == "300.14"


def test_graduated_and_volume_tier_boundaries():
    at_boundary = [hour(3, 10, "100000")]
    graduated = CommissionSpec(code="c", name="提成", model="graduated", tiers=TIERS)
    volume = CommissionSpec(code="c", name="提成", model="volume", tiers=TIERS)
    assert total(commission_lines(graduated, at_boundary, vat_rate=VAT)) == D("3000.00")
    assert total(commission_lines(volume, at_boundary, vat_rate=VAT)) == D("3000.00")  # 100,000 is in (0, 100,000]
    above = [hour(3, 10, "150000")]
    assert total(commission_lines(graduated, above, vat_rate=VAT)) == D("5000.00")  # 3,000 + 50,000 × 4 %
    assert total(commission_lines(volume, above, vat_rate=VAT)) == D("6000.00")  # all at 4 %


def test_a_window_to_the_hour_has_its_own_rate_and_its_own_tiers_count_from_zero():
    spec = CommissionSpec(code="c", name="提成", model="graduated", tiers=TIERS, peak_windows=(D11,))
    lines = commission_lines(spec, [hour(10, 19, "150000"), hour(10, 20, "1000"), hour(11, 0, "1000")], vat_rate=VAT)
    assert [(ln.code, ln.amount) for ln in lines] == [("c", D("5000.00")), ("c:peak:0", D("100.00"))]
    assert lines[1].details["orders"] == 2 and lines[1].description == "提成 · 双11"
    tiered = PeakWindowSpec(name="双11", start=datetime(2026, 11, 10, 20), end=datetime(2026, 11, 12), tiers=TIERS)
    spec = CommissionSpec(code="c", name="提成", model="graduated", tiers=TIERS, peak_windows=(tiered,))
    lines = commission_lines(spec, [hour(10, 19, "150000"), hour(10, 21, "1000")], vat_rate=VAT)
    assert lines[1].amount == D("30.00")  # the window's first 1,000 at its own first tier


def test_a_multiplier_scales_each_tier_rate():
    boosted = PeakWindowSpec(name="618", start=datetime(2026, 11, 1), end=datetime(2026, 11, 2), multiplier=D("1.5"))
    spec = CommissionSpec(code="c", name="提成", model="graduated", tiers=TIERS, peak_windows=(boosted,))
    lines = commission_lines(spec, [hour(1, 9, "150000")], vat_rate=VAT)
    assert lines[1].amount == D("7500.00")  # (3,000 + 2,000) × 1.5


def test_minimum_and_cap_against_the_rounded_lines():
    low = CommissionSpec(code="c", name="提成", rate=D("0.035"), minimum=D("50"))
    lines = commission_lines(low, [hour(3, 10, "300.14")], vat_rate=VAT)
    assert [ln.kind for ln in lines] == ["commission", "commission_minimum"] and total(lines) == D("50.00")
    capped = CommissionSpec(code="c", name="提成", rate=D("0.035"), cap=D("10"))
    lines = commission_lines(capped, [hour(3, 10, "300.14")], vat_rate=VAT)
    assert lines[-1].amount == D("-0.50") and total(lines) == D("10.00")
    with pytest.raises(PricingError):
        commission_lines(
            CommissionSpec(code="c", name="提成", rate=D("0.03"), minimum=D(10), cap=D(5)), [], vat_rate=VAT
        )


def test_bot_assisted_orders_earn_only_when_the_contract_says_so():
    hours = [hour(3, 10, "1000"), hour(3, 10, "1000", kind="bot")]
    assert total(commission_lines(CommissionSpec(code="c", name="提成", rate=D("0.03")), hours, vat_rate=VAT)) == D(
        "30.00"
    )
    with_bot = CommissionSpec(code="c", name="提成", rate=D("0.03"), include_bot=True)
    assert total(commission_lines(with_bot, hours, vat_rate=VAT)) == D("60.00")


def test_a_late_refund_is_clawed_back_on_its_own_line_naming_the_period():
    spec = CommissionSpec(code="c", name="提成", model="graduated", tiers=TIERS, peak_windows=(D11,))
    billed = [hour(5, 10, "150000"), hour(11, 1, "2000")]
    late = [
        GmvHour(datetime(2026, 11, 11, 1), "human", 1, D(0), D("500")),
        GmvHour(datetime(2026, 11, 5, 10), "human", 1, D(0), D("60000")),
    ]
    (line,) = commission_clawback_line(
        spec, month=date(2026, 11, 1), billed_hours=billed, late_refunds=late, vat_rate=VAT
    )
    # window: 500 × 5 % = 25.00; off-peak: 150,000 -> 90,000 is 5,000.00 -> 2,700.00
    assert line.amount == D("-2325.00") and line.details["month"] == "2026-11"
    assert line.code == "c:clawback:2026-11" and "2026-11" in line.description
    assert (
        commission_clawback_line(spec, month=date(2026, 11, 1), billed_hours=billed, late_refunds=[], vat_rate=VAT)
        == []
    )


amounts = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 30), st.integers(0, 23), amounts, st.integers(0, 100)), max_size=12), st.data()
)
def test_clawback_never_takes_back_more_than_was_billed_and_batching_does_not_matter(rows, data):
    spec = CommissionSpec(code="c", name="提成", model="volume", tiers=TIERS, peak_windows=(D11,), minimum=D("100"))
    billed = [
        GmvHour(datetime(2026, 11, d, h), "human", 1, paid, (paid * pct / 100).quantize(D("0.01")))
        for d, h, paid, pct in rows
    ]
    # the same orders split into two rows per hour price the same
    halves = [GmvHour(b.hour, b.kind, 1, b.net, D(0)) for b in billed] + [
        GmvHour(b.hour, b.kind, 0, b.refunded, b.refunded) for b in billed
    ]
    assert total(commission_lines(spec, billed, vat_rate=VAT)) == total(commission_lines(spec, halves, vat_rate=VAT))
    late = [GmvHour(b.hour, b.kind, 1, D(0), b.net * data.draw(st.sampled_from([0, 1, 2])) / 2) for b in billed]
    lines = commission_clawback_line(
        spec, month=date(2026, 11, 1), billed_hours=billed, late_refunds=late, vat_rate=VAT
    )
    billed_total = total(commission_lines(spec, billed, vat_rate=VAT))
    assert all(ln.amount < 0 and -ln.amount <= billed_total for ln in lines)
