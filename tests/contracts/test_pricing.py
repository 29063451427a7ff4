"""Golden scenarios of the pricing engine, exact to the fen, and its invariants (Hypothesis)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.contracts import pricing as p

D = Decimal
NOV = (date(2026, 11, 1), date(2026, 12, 1))
OCT = (date(2026, 10, 1), date(2026, 11, 1))
TIERS = (
    p.TierSpec(D(0), D(1000), D("1.5")),
    p.TierSpec(D(1000), D(5000), D("1.2")),
    p.TierSpec(D(5000), None, D("0.9")),
)


def usage(metric, day, quantity, key, night=0, **dims):
    return p.UsageItem(
        source="test",
        source_key=str(key),
        metric=metric,
        day=day,
        quantity=D(quantity),
        night_quantity=D(night),
        **dims,
    )


def bill(charges, items, *, period=NOV, minimum=p.ZERO, start=None, end=None, **extra):
    version = p.VersionSpec(
        label="v1",
        start=start or period[0],
        end=end or period[1],
        charges=tuple(charges),
        monthly_minimum=minimum,
        **extra,
    )
    return p.price_period(period_start=period[0], period_end=period[1], versions=[version], usage=items)


def amounts(invoice):
    return {line.code: line.amount for line in invoice.lines}


def test_standard_with_allowance():
    charge = p.ChargeSpec(
        code="human", name="Human", metric="human_conversations", unit_price=D("1.2"), included=D(200)
    )
    inv = bill([charge], [usage("human_conversations", date(2026, 11, 3), 1000, 1)])
    assert amounts(inv) == {"human": D("960.00")}
    assert inv.lines[0].quantity == D(800)
    assert inv.vat_total == D("57.60") and inv.total == D("1017.60")


def test_graduated_prices_each_unit_in_its_tier():
    charge = p.ChargeSpec(code="g", name="G", metric="messages", model=p.GRADUATED, tiers=TIERS)
    inv = bill([charge], [usage("messages", date(2026, 11, 3), 6000, 1)])
    assert amounts(inv) == {"g": D("7200.00")}
    assert [t["amount"] for t in inv.lines[0].tiers] == ["1500", "4800", "900"]
    assert inv.total == D("7632.00")


def test_volume_prices_all_units_at_the_reached_tier():
    charge = p.ChargeSpec(code="v", name="V", metric="messages", model=p.VOLUME, tiers=TIERS)
    assert amounts(bill([charge], [usage("messages", date(2026, 11, 3), 6000, 1)])) == {"v": D("5400.00")}
    assert amounts(bill([charge], [usage("messages", date(2026, 11, 3), 4999, 1)])) == {"v": D("5998.80")}


def test_package_bills_started_blocks():
    charge = p.ChargeSpec(
        code="pk", name="P", metric="bot_conversations", model=p.PACKAGE, package_size=D(500), package_price=D(400)
    )
    assert amounts(bill([charge], [usage("bot_conversations", date(2026, 11, 3), 1001, 1)])) == {"pk": D("1200.00")}


def test_peak_window_with_multiplier_and_own_card():
    d11 = p.PeakWindowSpec(name="Double 11", start=date(2026, 11, 10), end=date(2026, 11, 13), multiplier=D("1.5"))
    charge = p.ChargeSpec(code="h", name="H", metric="human_conversations", unit_price=D("1.0"), peak_windows=(d11,))
    items = [
        usage("human_conversations", date(2026, 11, 3), 100, 1),
        usage("human_conversations", date(2026, 11, 11), 50, 2),
    ]
    assert amounts(bill([charge], items)) == {"h": D("100.00"), "h:peak:0": D("75.00")}
    own = p.PeakWindowSpec(name="D11 card", start=date(2026, 11, 10), end=date(2026, 11, 13), unit_price=D("1.3333"))
    charge = p.ChargeSpec(code="h", name="H", metric="human_conversations", unit_price=D("1.0"), peak_windows=(own,))
    assert amounts(bill([charge], items)) == {"h": D("100.00"), "h:peak:0": D("66.67")}


def test_allowance_is_used_off_peak_first():
    d11 = p.PeakWindowSpec(name="Double 11", start=date(2026, 11, 10), end=date(2026, 11, 13), multiplier=D(2))
    charge = p.ChargeSpec(
        code="h", name="H", metric="human_conversations", unit_price=D(1), included=D(120), peak_windows=(d11,)
    )
    items = [
        usage("human_conversations", date(2026, 11, 3), 100, 1),
        usage("human_conversations", date(2026, 11, 11), 50, 2),
    ]
    assert amounts(bill([charge], items)) == {"h": D("0.00"), "h:peak:0": D("60.00")}


def test_night_surcharge_on_night_units():
    charge = p.ChargeSpec(code="hrs", name="Hours", metric="agent_hours", unit_price=D(50), night_surcharge=D("0.3"))
    inv = bill([charge], [usage("agent_hours", date(2026, 11, 3), "10", 1, night="4")])
    assert amounts(inv) == {"hrs": D("500.00"), "hrs:night": D("60.00")}


def test_proration_of_a_mid_month_start():
    base = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(30000))
    inv = bill([base], [], start=date(2026, 11, 16))
    assert amounts(inv) == {"base": D("15000.00")}
    base = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(10000))
    inv = bill([base], [], period=OCT, start=date(2026, 10, 11))
    assert amounts(inv) == {"base": D("6774.19")}
    assert inv.lines[0].amount_unrounded != inv.lines[0].amount


def test_proration_of_a_change_mid_period():
    v1 = p.VersionSpec(
        label="v1",
        start=date(2026, 9, 1),
        end=date(2026, 10, 16),
        charges=(p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(10000)),),
    )
    v2 = p.VersionSpec(
        label="v2",
        start=date(2026, 10, 16),
        end=date(2027, 1, 1),
        charges=(p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(12400)),),
    )
    inv = p.price_period(period_start=OCT[0], period_end=OCT[1], versions=[v2, v1], usage=[])
    assert amounts(inv) == {"base@2026-10-01": D("4838.71"), "base@2026-10-16": D("6400.00")}
    assert inv.vat_total == D("674.32")
    assert inv.total == D("11913.03")


def test_overlapping_versions_are_refused():
    v1 = p.VersionSpec(label="v1", start=date(2026, 10, 1), end=date(2026, 10, 20))
    v2 = p.VersionSpec(label="v2", start=date(2026, 10, 16), end=date(2026, 11, 1))
    with pytest.raises(p.PricingError, match="overlap"):
        p.price_period(period_start=OCT[0], period_end=OCT[1], versions=[v1, v2], usage=[])


def test_monthly_minimum_true_up():
    charge = p.ChargeSpec(code="human", name="Human", metric="human_conversations", unit_price=D("1.2"))
    inv = bill([charge], [usage("human_conversations", date(2026, 11, 3), 800, 1)], minimum=D(5000))
    assert amounts(inv) == {"human": D("960.00"), "minimum": D("4040.00")}
    assert inv.total == D("5300.00")


def test_prorated_minimum_and_charge_minimum():
    charge = p.ChargeSpec(code="h", name="H", metric="human_conversations", unit_price=D(1), minimum=D(3000))
    inv = bill([charge], [usage("human_conversations", date(2026, 11, 20), 100, 1)], start=date(2026, 11, 16))
    assert amounts(inv) == {"h": D("100.00"), "h:minimum": D("1400.00")}


def test_sla_credit_from_the_pool_with_cap():
    base = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(10000))
    terms = (
        p.SlaTermSpec(kpi="first_response_avg_s", name="FRT", target=D(30), comparison=p.LTE, weight=D(1)),
        p.SlaTermSpec(kpi="three_minute_rate", name="3min", target=D("0.9"), weight=D(1)),
    )
    version = p.VersionSpec(
        label="v",
        start=NOV[0],
        end=NOV[1],
        charges=(base,),
        sla_terms=terms,
        sla_at_risk_share=D("0.10"),
        sla_cap=D("0.12"),
    )
    measured = {
        "first_response_avg_s": p.SlaMeasurement("first_response_avg_s", D("41.5"), {"conversations": 10}),
        "three_minute_rate": p.SlaMeasurement("three_minute_rate", D("0.95")),
    }
    inv = p.price_period(period_start=NOV[0], period_end=NOV[1], versions=[version], usage=[], measurements=measured)
    assert amounts(inv) == {"base": D("10000.00"), "sla_credit": D("-500.00")}
    assert inv.total == D("10070.00")
    kpis = {k["kpi"]: k for k in inv.lines[-1].details["kpis"]}
    assert kpis["first_response_avg_s"]["measured"] == "41.5" and not kpis["first_response_avg_s"]["met"]


def _earn_back_version(window=3):
    base = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(10000))
    terms = (
        p.SlaTermSpec(kpi="a", name="A", target=D("0.9"), weight=D(1)),
        p.SlaTermSpec(kpi="b", name="B", target=D("0.9"), weight=D(3), earn_back=True, earn_back_target=D("0.95")),
    )
    return p.VersionSpec(
        label="v",
        start=NOV[0],
        end=NOV[1],
        charges=(base,),
        sla_terms=terms,
        sla_at_risk_share=D("0.12"),
        earn_back_months=window,
    )


def test_over_performance_never_cancels_another_kpis_credit_in_the_same_month():
    measured = {"a": p.SlaMeasurement("a", D("0.5")), "b": p.SlaMeasurement("b", D("0.99"))}
    inv = p.price_period(
        period_start=NOV[0], period_end=NOV[1], versions=[_earn_back_version()], usage=[], measurements=measured
    )
    assert amounts(inv) == {"base": D("10000.00"), "sla_credit": D("-300.00")}


def test_earn_back_of_an_earlier_months_credit_of_the_same_kpi_inside_the_window():
    measured = {"a": p.SlaMeasurement("a", D("0.95")), "b": p.SlaMeasurement("b", D("0.99"))}
    prior = (
        p.PriorCredit(kpi="b", month=date(2026, 10, 1), amount=D("900.00")),
        p.PriorCredit(kpi="a", month=date(2026, 10, 1), amount=D("300.00")),  # a has no earn-back
        p.PriorCredit(kpi="b", month=date(2026, 7, 1), amount=D("50.00")),  # outside the 3-month window
    )
    inv = p.price_period(
        period_start=NOV[0],
        period_end=NOV[1],
        versions=[_earn_back_version()],
        usage=[],
        measurements=measured,
        prior_credits=prior,
    )
    assert amounts(inv) == {"base": D("10000.00"), "earn_back:b:2026-10": D("900.00")}
    assert "2026-10" in inv.lines[-1].description
    wide = p.price_period(
        period_start=NOV[0],
        period_end=NOV[1],
        versions=[_earn_back_version(window=4)],
        usage=[],
        measurements=measured,
        prior_credits=prior,
    )
    assert amounts(wide)["earn_back:b:2026-07"] == D("50.00")


def test_rounding_per_line_then_vat_once():
    charge = p.ChargeSpec(code="m", name="M", metric="messages", unit_price=D("0.3333"))
    inv = bill([charge], [usage("messages", date(2026, 11, 3), 3, 1)])
    assert inv.lines[0].amount_unrounded == D("0.9999") and inv.lines[0].amount == D("1.00")
    assert inv.vat_total == D("0.06") and inv.total == D("1.06")


def test_filters_by_platform_store_and_channel():
    charge = p.ChargeSpec(
        code="h", name="H", metric="human_conversations", unit_price=D(1), platforms=("tmall",), channels=("chat",)
    )
    items = [
        usage("human_conversations", date(2026, 11, 3), 10, 1, platform="tmall", channel="chat"),
        usage("human_conversations", date(2026, 11, 3), 20, 2, platform="jd", channel="chat"),
        usage("human_conversations", date(2026, 11, 3), 40, 3, platform="tmall", channel="voice"),
    ]
    assert amounts(bill([charge], items)) == {"h": D("10.00")}


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ((p.TierSpec(D(0), D(10), D(1)), p.TierSpec(D(12), None, D(1))), "gap"),
        ((p.TierSpec(D(0), D(10), D(1)), p.TierSpec(D(8), None, D(1))), "overlap"),
        ((p.TierSpec(D(1), None, D(1)),), "start at 0"),
        ((p.TierSpec(D(0), D(10), D(1)),), "open-ended"),
    ],
)
def test_tiers_with_gaps_or_overlaps_are_refused(tiers, message):
    with pytest.raises(p.PricingError, match=message):
        p.validate_tiers(tiers)


# ---------------------------------------------------------------------------- properties

METRICS = ["human_conversations", "bot_conversations", "messages", "agent_hours"]
usage_items = st.lists(
    st.builds(
        lambda m, d, q, n, k: usage(m, date(2026, 11, 1) + timedelta(days=d), q, k, night=min(n, q)),
        st.sampled_from(METRICS),
        st.integers(0, 29),
        st.integers(0, 5000),
        st.integers(0, 100),
        st.integers(0, 10**6),
    ),
    max_size=40,
)


def full_contract():
    d11 = p.PeakWindowSpec(name="Double 11", start=date(2026, 11, 10), end=date(2026, 11, 13), multiplier=D("1.5"))
    return [
        p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(20000)),
        p.ChargeSpec(
            code="human",
            name="Human",
            metric="human_conversations",
            model=p.GRADUATED,
            tiers=TIERS,
            included=D(1000),
            peak_windows=(d11,),
        ),
        p.ChargeSpec(code="bot", name="Bot", metric="bot_conversations", model=p.VOLUME, tiers=TIERS),
        p.ChargeSpec(
            code="msg", name="Msgs", metric="messages", model=p.PACKAGE, package_size=D(1000), package_price=D(90)
        ),
        p.ChargeSpec(code="hrs", name="Hours", metric="agent_hours", unit_price=D("45.5"), night_surcharge=D("0.3")),
    ]


@settings(max_examples=60, deadline=None)
@given(usage_items)
def test_billing_twice_gives_the_same_invoice(items):
    assert bill(full_contract(), items) == bill(full_contract(), items)


@settings(max_examples=60, deadline=None)
@given(usage_items, st.randoms(use_true_random=False))
def test_shuffled_and_duplicated_usage_gives_the_same_invoice(items, rnd):
    noisy = items + rnd.sample(items, k=len(items) // 2)
    rnd.shuffle(noisy)
    a, b = bill(full_contract(), items), bill(full_contract(), noisy)
    assert a == b and a.fingerprint() == b.fingerprint()


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 20000), st.integers(0, 5000))
def test_graduated_never_falls_as_usage_grows(quantity, more):
    low, _, _ = p.price_quantity(model=p.GRADUATED, quantity=D(quantity), tiers=TIERS)
    high, _, _ = p.price_quantity(model=p.GRADUATED, quantity=D(quantity + more), tiers=TIERS)
    assert high >= low


@settings(max_examples=60, deadline=None)
@given(usage_items, st.sampled_from([D(0), D(5000), D(90000)]))
def test_lines_plus_vat_equal_total(items, minimum):
    inv = bill(full_contract(), items, minimum=minimum)
    assert sum(line.amount for line in inv.lines) + inv.vat_total == inv.total
    assert inv.vat_total == sum(a for _, a in inv.vat)


@settings(max_examples=40, deadline=None)
@given(usage_items, st.integers(1, 5))
def test_splitting_usage_into_batches_changes_nothing(items, parts):
    rnd = random.Random(parts)
    batches = [[] for _ in range(parts)]
    for item in items:
        batches[rnd.randrange(parts)].append(item)
    joined = [item for batch in batches for item in batch]
    assert bill(full_contract(), joined) == bill(full_contract(), items)


# ---------------------------------------------------------------------------- the ten rules of issue #14


def test_rule1_prorated_allowance_and_base_fee_are_exact():
    charge = p.ChargeSpec(code="h", name="H", metric="messages", unit_price=D(1), included=D(21000))
    inv = bill([charge], [usage("messages", date(2026, 11, 26), 4901, 1)], start=date(2026, 11, 24))
    assert inv.lines[0].quantity == D(1) and amounts(inv)["h"] == D("1.00")
    feb = (date(2027, 2, 1), date(2027, 3, 1))
    base = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D("20000.26"))
    assert amounts(bill([base], [], period=feb, start=date(2027, 2, 28)))["base"] == D("714.30")


def test_rule2_volume_boundary_unit_stays_in_the_lower_tier():
    charge = p.ChargeSpec(code="v", name="V", metric="messages", model=p.VOLUME, tiers=TIERS)
    assert amounts(bill([charge], [usage("messages", date(2026, 11, 3), 1000, 1)])) == {"v": D("1500.00")}
    assert amounts(bill([charge], [usage("messages", date(2026, 11, 3), 1001, 1)])) == {"v": D("1201.20")}


def hourly(day, hour, quantity, key, night=0):
    return p.UsageItem(
        source="t",
        source_key=str(key),
        metric="messages",
        day=day,
        hour=hour,
        quantity=D(quantity),
        night_quantity=D(night),
    )


def test_rule3_hour_window_with_its_own_price_on_a_graduated_charge():
    d11 = p.PeakWindowSpec(
        name="Double 11", start=datetime(2026, 11, 10, 20), end=datetime(2026, 11, 12), unit_price=D("2")
    )
    charge = p.ChargeSpec(code="g", name="G", metric="messages", model=p.GRADUATED, tiers=TIERS, peak_windows=(d11,))
    items = [hourly(date(2026, 11, 10), 19, 100, 1), hourly(date(2026, 11, 10), 20, 10, 2)]
    items.append(usage("messages", date(2026, 11, 11), 5, 3))
    assert amounts(bill([charge], items)) == {"g": D("150.00"), "g:peak:0": D("30.00")}
    with pytest.raises(p.PricingError, match="per hour"):
        bill([charge], [usage("messages", date(2026, 11, 10), 5, 4)])


def test_rule3_a_window_with_two_prices_or_overlapping_windows_is_refused():
    two = p.PeakWindowSpec(name="x", start=date(2026, 11, 1), end=date(2026, 11, 2), multiplier=D(2), unit_price=D(1))
    with pytest.raises(p.PricingError, match="exactly one"):
        p.validate_window(two)
    a = p.PeakWindowSpec(name="a", start=datetime(2026, 11, 10, 20), end=datetime(2026, 11, 11, 2), multiplier=D(2))
    b = p.PeakWindowSpec(name="b", start=datetime(2026, 11, 11, 1), end=datetime(2026, 11, 12), multiplier=D(3))
    with pytest.raises(p.PricingError, match="overlap"):
        p.validate_windows((a, b))


def test_rule4_night_units_surcharged_at_their_own_segments_price():
    d11 = p.PeakWindowSpec(name="D11", start=date(2026, 11, 11), end=date(2026, 11, 12), unit_price=D("3"))
    charge = p.ChargeSpec(
        code="m", name="M", metric="messages", unit_price=D(1), night_surcharge=D("0.5"), peak_windows=(d11,)
    )
    items = [
        usage("messages", date(2026, 11, 3), 100, 1, night=10),
        usage("messages", date(2026, 11, 11), 20, 2, night=4),
    ]
    got = amounts(bill([charge], items))
    assert got == {"m": D("100.00"), "m:night": D("5.00"), "m:peak:0": D("60.00"), "m:peak:0:night": D("6.00")}


def test_rule6_minimum_compares_with_the_rounded_lines():
    charge = p.ChargeSpec(code="m", name="M", metric="messages", unit_price=D("0.3333"))
    inv = bill([charge], [usage("messages", date(2026, 11, 3), 3, 1)], minimum=D("10"))
    assert amounts(inv) == {"m": D("1.00"), "minimum": D("9.00")}
    assert sum(line.amount for line in inv.lines) == D("10.00")


def test_rule7_kpi_rows_add_up_to_credit_lines_split_over_two_vat_rates():
    base6 = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D("1000.01"))
    terms = tuple(p.SlaTermSpec(kpi=k, name=k, target=D(1)) for k in ("a", "b", "c"))
    v1 = p.VersionSpec(label="v1", start=NOV[0], end=date(2026, 11, 16), charges=(base6,), vat_rate=D("0.06"))
    v2 = p.VersionSpec(
        label="v2",
        start=date(2026, 11, 16),
        end=NOV[1],
        charges=(base6,),
        vat_rate=D("0.09"),
        sla_terms=terms,
        sla_at_risk_share=D("0.1"),
    )
    measured = {k: p.SlaMeasurement(k, D("0.5")) for k in ("a", "b", "c")}
    inv = p.price_period(period_start=NOV[0], period_end=NOV[1], versions=[v1, v2], usage=[], measurements=measured)
    credits = [ln for ln in inv.lines if ln.kind == p.SLA_CREDIT]
    assert {ln.vat_rate for ln in credits} == {D("0.06"), D("0.09")}
    assert sum(o.credit for o in inv.sla) == -sum(ln.amount for ln in credits)


@pytest.mark.parametrize(("rounding", "expected"), [("up", "1200.00"), ("pro_rata", "800.80"), ("down", "800.00")])
def test_rule9_package_partial_blocks_follow_the_rounding_option(rounding, expected):
    charge = p.ChargeSpec(
        code="pk",
        name="P",
        metric="messages",
        model=p.PACKAGE,
        package_size=D(500),
        package_price=D(400),
        package_rounding=rounding,
    )
    assert amounts(bill([charge], [usage("messages", date(2026, 11, 3), 1001, 1)])) == {"pk": D(expected)}


def test_rule10_no_usage_is_a_problem():
    charge = p.ChargeSpec(code="m", name="M", metric="messages", unit_price=D(1))
    base = p.ChargeSpec(code="base", name="Base", kind=p.BASE, amount=D(100))
    assert bill([base, charge], []).problems == (p.NO_USAGE,)
    assert bill([base, charge], [usage("messages", date(2026, 11, 3), 1, 1)]).problems == ()
    assert bill([base], []).problems == ()
