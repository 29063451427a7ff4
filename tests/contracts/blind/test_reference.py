"""The blind reference engine on hand-computed cases, and its invariants on random contract-months.

No database: the reference is pure Python.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings

from tests.contracts.blind import spec
from tests.contracts.blind.generate import contract_months, random_month_sequence
from tests.contracts.blind.reference import FEN, history_after, price_month, round_fen

LOCAL = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(*parts: int) -> datetime:
    """A local Asia/Shanghai instant, returned as an aware UTC datetime."""
    return datetime(*parts, tzinfo=LOCAL).astimezone(ZoneInfo("UTC"))


def events(unit: str, *pairs: tuple[datetime, str | int]) -> tuple[spec.UsageEvent, ...]:
    return tuple(spec.UsageEvent(when, D(str(q)), unit) for when, q in pairs)


def month_of(
    *charges: spec.UsageCharge,
    month: date = date(2026, 10, 1),
    start: date = date(2025, 1, 1),
    evs: tuple[spec.UsageEvent, ...] = (),
    base: tuple[spec.BaseFee, ...] = (),
    minimum: str = "0",
    sla: spec.SlaPool | None = None,
    history: tuple[spec.PastCredit, ...] = (),
    earn_back_months: int = 3,
) -> spec.ContractMonth:
    terms = spec.Terms(date(2025, 1, 1), None, D("0.06"), base, charges, D(minimum), sla)
    contract = spec.Contract("k1", start, None, (terms,), earn_back_months)
    return spec.ContractMonth(contract, month, evs, history)


def conv(model: str = spec.STANDARD, **kwargs) -> spec.UsageCharge:
    kwargs.setdefault("unit_price", D("1.00") if model == spec.STANDARD else None)
    return spec.UsageCharge("conv", "conversations", spec.CONVERSATION, model, **kwargs)


TWO_TIERS = (
    spec.Tier(D(0), D(1000), D("1.50")),
    spec.Tier(D(1000), D(5000), D("1.20")),
    spec.Tier(D(5000), None, D(1)),
)


def amounts(statement, kind: str) -> list[Decimal]:
    return [ln.amount for ln in statement.lines if ln.kind == kind]


# --- rule 1: exact arithmetic ------------------------------------------------------------------


def test_prorated_allowance_is_exactly_4900_units():
    # 2026-06 has 30 days; a start on the 24th leaves 7 active days: 21,000 x 7/30 = 4,900.
    charge = conv(included=D(21000))
    cm = month_of(
        charge,
        month=date(2026, 6, 1),
        start=date(2026, 6, 24),
        evs=events(spec.CONVERSATION, (at(2026, 6, 25, 12), 4901)),
    )
    usage = price_month(cm).lines[0]
    assert usage.quantity == 1
    assert usage.amount == D("1.00")


def test_prorated_base_fee_of_one_day_in_february_2027():
    # 20,000.26 x 1/28 = 714.295 -> 714.30 (half-up, once).
    base = (spec.BaseFee("seats", "seats", D("20000.26")),)
    cm = month_of(month=date(2027, 2, 1), start=date(2027, 2, 28), base=base)
    assert amounts(price_month(cm), "base") == [D("714.30")]


def test_half_a_fen_rounds_up_once_per_line():
    assert round_fen(D("0.005")) == D("0.01")
    assert round_fen(D("-0.005")) == D("-0.01")
    cm = month_of(
        conv(unit_price=D("0.005")), evs=events(spec.CONVERSATION, (at(2026, 10, 5, 12), 1), (at(2026, 10, 6, 12), 2))
    )
    assert amounts(price_month(cm), "usage") == [D("0.02")]  # 3 x 0.005 = 0.015 -> 0.02, not 0.01 + 0.01


# --- rule 2: tiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "units", "expected"),
    [
        (spec.VOLUME, 1000, "1500.00"),
        (spec.VOLUME, 1001, "1201.20"),
        (spec.GRADUATED, 1000, "1500.00"),
        (spec.GRADUATED, 1001, "1501.20"),
        (spec.GRADUATED, 6000, "7300.00"),  # 1,500 + 4,000 x 1.20 + 1,000 x 1
    ],
)
def test_tier_boundary_lower_exclusive_upper_inclusive(model, units, expected):
    cm = month_of(conv(model, tiers=TWO_TIERS), evs=events(spec.CONVERSATION, (at(2026, 10, 3, 10), units)))
    assert amounts(price_month(cm), "usage") == [D(expected)]


# --- rule 3: windows ---------------------------------------------------------------------------


def test_window_with_own_tiers_counts_from_zero():
    tiers = (spec.Tier(D(0), D(100), D(1)), spec.Tier(D(100), None, D("0.5")))
    own = (spec.Tier(D(0), D(10), D(3)), spec.Tier(D(10), None, D(2)))
    window = spec.PeakWindow("double11", datetime(2026, 11, 10, 20), datetime(2026, 11, 12), tiers=own)
    evs = events(spec.CONVERSATION, (at(2026, 11, 10, 19, 59, 59), 150), (at(2026, 11, 10, 20), 15))
    st = price_month(month_of(conv(spec.GRADUATED, tiers=tiers, windows=(window,)), month=date(2026, 11, 1), evs=evs))
    assert amounts(st, "usage") == [D("125.00")]  # 100 x 1 + 50 x 0.5
    assert amounts(st, "peak") == [D("40.00")]  # 10 x 3 + 5 x 2, not the charge's tiers


def test_window_multiplier_tier_by_tier_and_flat_price_ignores_model():
    rush = spec.PeakWindow("rush", datetime(2026, 10, 9), datetime(2026, 10, 9, 2), multiplier=D(2))
    cm = month_of(
        conv(spec.VOLUME, tiers=TWO_TIERS, windows=(rush,)),
        evs=events(spec.CONVERSATION, (at(2026, 10, 9, 1, 59, 59), 1001)),
    )
    assert amounts(price_month(cm), "peak") == [D("2402.40")]  # volume 1,001 x 1.20 x 2
    flat = spec.PeakWindow("rush", datetime(2026, 10, 9), datetime(2026, 10, 9, 2), unit_price=D("0.70"))
    cm = month_of(conv(spec.PACKAGE, package_size=D(100), package_price=D(50), windows=(flat,)),
                  evs=events(spec.CONVERSATION, (at(2026, 10, 9, 0), 250), (at(2026, 10, 9, 2), 1)))  # fmt: skip
    st = price_month(cm)
    assert amounts(st, "peak") == [D("175.00")]
    assert amounts(st, "usage") == [D("50.00")]  # 02:00 is outside [00:00, 02:00): one partial block, up


# --- rule 4: night -----------------------------------------------------------------------------


def test_night_units_in_a_window_are_surcharged_at_the_window_price():
    window = spec.PeakWindow("promo", datetime(2026, 10, 20, 20), datetime(2026, 10, 21, 2), unit_price=D("2.00"))
    charge = conv(night_rate=D("0.30"), windows=(window,))
    evs = events(spec.CONVERSATION, (at(2026, 10, 20, 23), 10), (at(2026, 10, 22, 23), 10), (at(2026, 10, 22, 12), 5))
    st = price_month(month_of(charge, evs=evs))
    assert amounts(st, "usage") == [D("15.00")]
    assert amounts(st, "peak") == [D("20.00")]
    assert sorted(amounts(st, "night")) == [D("3.00"), D("6.00")]  # 10 x 1 x 0.3 and 10 x 2 x 0.3


# --- rule 5: allowance -------------------------------------------------------------------------


def test_allowance_off_peak_first_then_windows_in_date_order_shared_day_night():
    early = spec.PeakWindow("early", datetime(2026, 10, 5), datetime(2026, 10, 6), multiplier=D(2))
    late = spec.PeakWindow("late", datetime(2026, 10, 25), datetime(2026, 10, 26), multiplier=D(3))
    charge = conv(included=D(50), night_rate=D("0.30"), windows=(late, early))
    evs = events(
        spec.CONVERSATION,
        (at(2026, 10, 10, 12), 30),  # off-peak day
        (at(2026, 10, 10, 23), 10),  # off-peak night
        (at(2026, 10, 5, 12), 6),  # early window
        (at(2026, 10, 25, 12), 8),  # late window
    )
    st = price_month(month_of(charge, evs=evs))
    # 50 = 40 off-peak + 6 early + 4 of the late window's 8.
    assert amounts(st, "usage") == [D("0.00")]
    assert amounts(st, "peak") == [D("0.00"), D("12.00")]  # early fully covered; late 4 x 1 x 3
    assert amounts(st, "night") == []


def test_allowance_shared_pro_rata_between_day_and_night():
    charge = conv(included=D(20), night_rate=D("0.30"))
    evs = events(spec.CONVERSATION, (at(2026, 10, 10, 12), 30), (at(2026, 10, 10, 23), 10))
    st = price_month(month_of(charge, evs=evs))
    assert amounts(st, "usage") == [D("20.00")]  # 15 day + 5 night billable
    assert amounts(st, "night") == [D("1.50")]  # 5 x 1.00 x 0.30


# --- rule 6: minimum ---------------------------------------------------------------------------


def test_minimum_true_up_makes_the_rounded_subtotal_exact():
    base = (spec.BaseFee("a", "a", D("100.005")), spec.BaseFee("b", "b", D("33.334")))
    st = price_month(month_of(base=base, minimum="500"))
    assert amounts(st, "base") == [D("100.01"), D("33.33")]
    assert amounts(st, "minimum") == [D("366.66")]
    assert st.subtotal == D("500.00")


def test_minimum_is_prorated_and_applies_before_sla_credits():
    pool = spec.SlaPool(D("0.10"), (spec.Kpi("qa", D(1), D("0.9"), spec.GTE, D("0.5")),))
    st = price_month(month_of(month=date(2026, 6, 1), start=date(2026, 6, 16), minimum="3000", sla=pool))
    assert amounts(st, "minimum") == [D("1500.00")]  # 3,000 x 15/30
    assert amounts(st, "sla_credit") == [D("-150.00")]
    assert st.subtotal == D("1350.00")


# --- rule 7: SLA -------------------------------------------------------------------------------


def test_sla_rows_add_up_to_the_credit_line_with_the_residue_on_the_largest_row():
    kpis = tuple(spec.Kpi(k, D(1), D("0.9"), spec.GTE, D("0.8")) for k in ("a", "b", "c"))
    base = (spec.BaseFee("seats", "seats", D("1000.01")),)
    st = price_month(month_of(base=base, sla=spec.SlaPool(D("0.10"), kpis)))
    assert amounts(st, "sla_credit") == [D("-100.00")]  # 100.001 rounded once
    assert [r.credit for r in st.sla_rows] == [D("33.34"), D("33.33"), D("33.33")]
    assert [r.residue for r in st.sla_rows] == [D("0.01"), D(0), D(0)]


def test_sla_weights_caps_and_unmeasured_kpis():
    kpis = (
        spec.Kpi("a", D(3), D(30), spec.LTE, D(45), cap=D("0.02")),  # 0.12 x 3/6 = 6 % capped to 2 %
        spec.Kpi("b", D(2), D(30), spec.LTE, D(31)),  # 4 %
        spec.Kpi("c", D(1), D(30), spec.LTE, None),  # not measured: no credit
    )
    st = price_month(month_of(base=(spec.BaseFee("s", "s", D(10000)),), sla=spec.SlaPool(D("0.12"), kpis)))
    assert [r.credit for r in st.sla_rows] == [D("200.00"), D("400.00"), D("0.00")]
    assert [r.met for r in st.sla_rows] == [False, False, None]
    assert amounts(st, "sla_credit") == [D("-600.00")]


def test_sla_credit_split_across_two_vat_rates():
    base = (spec.BaseFee("s", "s", D(3000)), spec.BaseFee("t", "t", D(1000), vat_rate=D("0.13")))
    pool = spec.SlaPool(D("0.10"), (spec.Kpi("a", D(1), D(1), spec.GTE, D(0)),))
    st = price_month(month_of(base=base, sla=pool))
    credits = {ln.vat_rate: ln.amount for ln in st.lines if ln.kind == "sla_credit"}
    assert credits == {D("0.06"): D("-300.00"), D("0.13"): D("-100.00")}
    assert [(v.rate, v.base, v.vat) for v in st.vat] == [
        (D("0.06"), D("2700.00"), D("162.00")),
        (D("0.13"), D("900.00"), D("117.00")),
    ]
    assert st.total == D("3879.00")


# --- rule 8: earn-back -------------------------------------------------------------------------


def _pool(measured_a: str, measured_b: str) -> spec.SlaPool:
    return spec.SlaPool(
        D("0.10"),
        (
            spec.Kpi("a", D(1), D("0.90"), spec.GTE, D(measured_a), earn_back_target=D("0.95")),
            spec.Kpi("b", D(1), D("0.90"), spec.GTE, D(measured_b), earn_back_target=D("0.95")),
        ),
    )


def test_earn_back_across_months_same_kpi_only_naming_the_month():
    base = (spec.BaseFee("s", "s", D(10000)),)
    october = month_of(base=base, sla=_pool("0.80", "0.99"))
    st_oct = price_month(october)
    assert amounts(st_oct, "sla_credit") == [D("-500.00")]  # b over-performs in October: nothing to earn back
    assert amounts(st_oct, "earn_back") == []
    november = month_of(
        base=base, month=date(2026, 11, 1), sla=_pool("0.96", "0.80"), history=history_after(october, st_oct)
    )
    st_nov = price_month(november)
    back = [ln for ln in st_nov.lines if ln.kind == "earn_back"]
    assert [(ln.amount, ln.code) for ln in back] == [(D("500.00"), "earn_back:a:2026-10")]
    assert "2026-10" in back[0].description
    assert amounts(st_nov, "sla_credit") == [D("-500.00")]  # b's miss is not cancelled by a
    december = month_of(
        base=base, month=date(2026, 12, 1), sla=_pool("0.99", "0.99"), history=history_after(november, st_nov)
    )
    assert [ln.code for ln in price_month(december).lines if ln.kind == "earn_back"] == ["earn_back:b:2026-11"]


def test_earn_back_only_inside_the_window_and_above_the_earn_back_target():
    history = (spec.PastCredit(date(2026, 7, 1), "a", D(100)), spec.PastCredit(date(2026, 8, 1), "a", D(50), D(20)))
    base = (spec.BaseFee("s", "s", D(1000)),)
    st = price_month(month_of(base=base, month=date(2026, 11, 1), sla=_pool("0.96", "0.9"), history=history))
    assert [(ln.code, ln.amount) for ln in st.lines if ln.kind == "earn_back"] == [("earn_back:a:2026-08", D("30.00"))]
    st = price_month(month_of(base=base, month=date(2026, 11, 1), sla=_pool("0.94", "0.9"), history=history))
    assert amounts(st, "earn_back") == []  # met but not over-performed


# --- rule 9: packages --------------------------------------------------------------------------


@pytest.mark.parametrize(("rounding", "expected"), [("up", "150.00"), ("prorata", "125.00"), ("down", "100.00")])
def test_package_partial_block_rounding(rounding, expected):
    charge = conv(spec.PACKAGE, package_size=D(100), package_price=D(50), package_rounding=rounding)
    st = price_month(month_of(charge, evs=events(spec.CONVERSATION, (at(2026, 10, 2, 9), 250))))
    assert amounts(st, "usage") == [D(expected)]


# --- rule 10 and calendar edges ----------------------------------------------------------------


def test_no_usage_is_flagged():
    st = price_month(month_of(conv(), base=(spec.BaseFee("s", "s", D(100)),)))
    assert st.no_usage
    assert st.problems == ("no usage recorded — check imports",)
    assert not price_month(month_of(base=(spec.BaseFee("s", "s", D(100)),))).no_usage


def test_leap_february_prorates_by_29_days_and_midnight_belongs_to_march():
    base = (spec.BaseFee("s", "s", D(2900)),)
    evs = events(
        spec.CONVERSATION, (at(2028, 2, 29, 23, 59, 59), 20), (at(2028, 3, 1, 0, 0, 0), 1000), (at(2028, 2, 15), 3)
    )
    charge = conv(included=D(29))
    st = price_month(month_of(charge, month=date(2028, 2, 1), start=date(2028, 2, 15), base=base, evs=evs))
    assert amounts(st, "base") == [D("1500.00")]  # 2,900 x 15/29
    assert amounts(st, "usage") == [D("8.00")]  # 23 units - 15 allowance; 1 March 00:00 local is March
    assert st.ignored_events == 1


def test_version_change_mid_month_prorates_each_version():
    old = spec.Terms(date(2025, 1, 1), date(2026, 10, 11), D("0.06"), (spec.BaseFee("s", "s", D(3100)),), (conv(),))
    new = spec.Terms(date(2026, 10, 11), None, D("0.13"), (spec.BaseFee("s", "s", D(6200)),), (conv(unit_price=D(2)),))
    evs = events(spec.CONVERSATION, (at(2026, 10, 10, 23, 59, 59), 5), (at(2026, 10, 11), 5))
    cm = spec.ContractMonth(spec.Contract("k", date(2025, 1, 1), None, (old, new)), date(2026, 10, 1), evs)
    st = price_month(cm)
    assert amounts(st, "base") == [D("1000.00"), D("4200.00")]  # 3,100 x 10/31, 6,200 x 21/31
    assert amounts(st, "usage") == [D("5.00"), D("10.00")]
    assert [v.rate for v in st.vat] == [D("0.06"), D("0.13")]


def test_bad_windows_are_refused():
    a = spec.PeakWindow("a", datetime(2026, 10, 1), datetime(2026, 10, 3), multiplier=D(2))
    b = spec.PeakWindow("b", datetime(2026, 10, 2), datetime(2026, 10, 4), unit_price=D(2))
    with pytest.raises(ValueError, match="overlap"):
        price_month(month_of(conv(windows=(a, b))))
    both = spec.PeakWindow("c", datetime(2026, 10, 1), datetime(2026, 10, 3), multiplier=D(2), unit_price=D(1))
    with pytest.raises(ValueError, match="exactly one"):
        price_month(month_of(conv(windows=(both,))))
    with pytest.raises(ValueError, match="earn_back_months"):
        price_month(month_of(earn_back_months=0))


# --- invariants on random contract-months ------------------------------------------------------


@settings(max_examples=300)
@given(contract_months())
def test_statement_invariants(cm):
    st = price_month(cm)
    for ln in st.lines:
        assert ln.amount == round_fen(ln.exact)
        assert ln.amount == ln.amount.quantize(FEN)
    assert st.subtotal == sum(ln.amount for ln in st.lines)
    assert st.total == st.subtotal + sum(v.vat for v in st.vat)
    credit = -sum(ln.amount for ln in st.lines if ln.kind == "sla_credit")
    assert sum(r.credit for r in st.sla_rows) == credit
    fees = sum(ln.amount for ln in st.lines if ln.kind not in ("sla_credit", "earn_back"))
    if any(ln.kind == "minimum" for ln in st.lines):
        assert fees == round_fen(_prorated_minimum(cm))
    else:
        assert fees >= round_fen(_prorated_minimum(cm))
    assert credit <= fees


def _prorated_minimum(cm: spec.ContractMonth) -> Fraction:
    dim = calendar.monthrange(cm.month.year, cm.month.month)[1]
    c = cm.contract
    total = Fraction(0)
    for v in c.versions:
        days = 0
        for i in range(dim):
            d = cm.month + timedelta(days=i)
            if (
                c.start <= d
                and (c.end is None or d < c.end)
                and v.valid_from <= d
                and (v.valid_to is None or d < v.valid_to)
            ):
                days += 1
        total += Fraction(v.monthly_minimum) * days / dim
    return total


def test_month_sequences_keep_earn_back_within_what_was_credited():
    import random

    for seed in range(40):
        history: tuple[spec.PastCredit, ...] = ()
        for cm in random_month_sequence(random.Random(seed), 4):
            cm = spec.ContractMonth(cm.contract, cm.month, cm.events, history)
            st = price_month(cm)
            history = history_after(cm, st)
            assert all(p.earned_back <= p.amount for p in history)
