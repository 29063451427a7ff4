"""Self-checks of the blind references: the 30 hand-labelled cases, and properties on seeded random
cases that restate the rules independently of the references' own code. Pure tests: no database."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from tests.orders.blind import attribution_reference as A
from tests.orders.blind import cases as C
from tests.orders.blind import commission_reference as M

SEEDS = range(400)
PLUS8 = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991
LABELLED = C.labelled_cases()


def _frac(value):
    return None if value is None else Fraction(value)


def test_thirty_labelled_cases():
    ids = [c["id"] for c in LABELLED]
    assert len(ids) == 30
    assert len(set(ids)) == 30


@pytest.mark.parametrize("case", [c for c in LABELLED if c["kind"] == "attribution"], ids=lambda c: c["id"])
def test_labelled_attribution(case):
    convs = [C.conversation_from_json(d) for d in case["conversations"]]
    orders = [C.order_from_json(d) for d in case["orders"]]
    got = A.attribute(convs, orders, window_days=case["window_days"])
    assert [
        {
            "order": a.order_id,
            "conversation": a.conversation_id,
            "agent": a.agent_id,
            "category": a.category,
            "net_gmv": a.net_gmv,
        }
        for a in got
    ] == [dict(e, net_gmv=Decimal(e["net_gmv"])) for e in case["expected"]]


@pytest.mark.parametrize("case", [c for c in LABELLED if c["kind"] == "kpis"], ids=lambda c: c["id"])
def test_labelled_kpis(case):
    convs = [C.conversation_from_json(d) for d in case["conversations"]]
    orders = [C.order_from_json(d) for d in case["orders"]]
    rows = A.kpis(convs, orders, scope=case["scope"], shop_brand=case["shop_brand"], window_days=case["window_days"])
    money = ("attributed_gmv", "bot_assisted_gmv", "silent_gmv", "total_gmv")
    expected = [
        dict(
            e,
            conversion_rate=_frac(e["conversion_rate"]),
            avg_order_value=_frac(e["avg_order_value"]),
            silent_share=_frac(e["silent_share"]),
            **{f: Decimal(e[f]) for f in money},
        )
        for e in case["expected"]
    ]
    got = [
        {
            "key": r.key,
            "day": r.day.isoformat(),
            "consulting_buyers": r.consulting_buyers,
            "ordering_buyers": r.ordering_buyers,
            "paying_buyers": r.paying_buyers,
            "conversion_rate": r.conversion_rate,
            "avg_order_value": r.avg_order_value,
            **{f: getattr(r, f) for f in money},
            "silent_share": r.silent_share,
        }
        for r in rows
    ]
    assert got == expected


@pytest.mark.parametrize(
    "case", [c for c in LABELLED if c["kind"] in ("commission", "clawback")], ids=lambda c: c["id"]
)
def test_labelled_commission(case):
    terms = C.terms_from_json(case["terms"])
    if case["kind"] == "commission":
        lines = M.commission_lines([C.item_from_json(d) for d in case["items"]], terms, period=case["period"])
    else:
        lines = M.clawback_lines(
            [C.item_from_json(d) for d in case["issued_items"]],
            [C.item_from_json(d) for d in case["current_items"]],
            terms,
            period=case["period"],
            already_clawed_back=Decimal(case.get("already_clawed_back", "0.00")),
        )
        for line in lines:
            assert case["period"] in line.description
    assert [(line.kind, line.amount) for line in lines] == [(e["kind"], Decimal(e["amount"])) for e in case["expected"]]
    for line in lines:
        assert line.amount == line.amount.quantize(Decimal("0.01"))


# -- attribution properties, restated with plain +08:00 arithmetic -----------------------------


def _independent_qualifies(c: A.Conversation, o: A.Order, window_days: int) -> bool:
    if c.kind != "presale" or c.shop_id != o.shop_id or c.buyer != o.buyer:
        return False
    start, created = c.started_at.astimezone(PLUS8), o.created_at.astimezone(PLUS8)
    if start >= created:
        return False
    # the window ends at local midnight after the last allowed day
    window_end = dt.datetime.combine(start.date() + dt.timedelta(days=window_days + 1), dt.time(0), tzinfo=PLUS8)
    return created < window_end


@pytest.mark.parametrize("seed", SEEDS)
def test_attribution_properties(seed):
    convs, orders, window_days = C.attribution_case(seed)
    got = A.attribute(convs, orders, window_days=window_days)
    by_id = {c.conversation_id: c for c in convs}
    assert [a.order_id for a in got] == [o.order_id for o in orders]
    for order, att in zip(orders, got, strict=True):
        qualifying = [c for c in convs if _independent_qualifies(c, order, window_days)]
        # net GMV
        expected_net = Decimal(0) if order.paid_at is None else max(Decimal(0), order.amount_paid - order.refunded)
        assert att.net_gmv == expected_net
        if order.refunded >= order.amount_paid:
            assert att.net_gmv == 0
        if not qualifying:
            assert (att.category, att.conversation_id, att.agent_id) == ("silent", None, None)
            continue
        winner = by_id[att.conversation_id]
        assert winner in qualifying
        latest = max(c.started_at for c in qualifying)
        assert winner.started_at == latest
        assert winner.ended_at == max(c.ended_at for c in qualifying if c.started_at == latest)
        assert winner.kind == "presale"
        human = not winner.bot_only and winner.agent_id is not None
        assert att.category == ("human" if human else "bot_assisted")
        assert att.agent_id == (winner.agent_id if human else None)


@pytest.mark.parametrize("seed", range(100))
def test_attribution_independent_of_input_order(seed):
    convs, orders, window_days = C.attribution_case(seed)
    base = {a.order_id: a for a in A.attribute(convs, orders, window_days=window_days)}
    rng = random.Random(seed)
    rng.shuffle(convs)
    rng.shuffle(orders)
    assert {a.order_id: a for a in A.attribute(convs, orders, window_days=window_days)} == base


@pytest.mark.parametrize("seed", range(200))
def test_kpi_properties(seed):
    convs, orders, window_days = C.attribution_case(seed)
    atts = A.attribute(convs, orders, window_days=window_days)
    store = A.kpis(convs, orders, scope="store", window_days=window_days)
    agent = A.kpis(convs, orders, scope="agent", window_days=window_days)
    one_brand = A.kpis(
        convs, orders, scope="brand", shop_brand={f"s{i}": "B" for i in range(1, 4)}, window_days=window_days
    )
    for rows in (store, agent, one_brand):
        assert [(r.key, r.day) for r in rows] == sorted({(r.key, r.day) for r in rows})
        for r in rows:
            assert r.paying_buyers <= r.ordering_buyers <= r.consulting_buyers
            assert r.conversion_rate == (
                Fraction(r.paying_buyers, r.consulting_buyers) if r.consulting_buyers else None
            )
            assert r.total_gmv == r.attributed_gmv + r.bot_assisted_gmv + r.silent_gmv
    total = sum((a.net_gmv for a in atts), Decimal(0))
    human = sum((a.net_gmv for a in atts if a.category == "human"), Decimal(0))
    assert sum((r.total_gmv for r in store), Decimal(0)) == total
    assert sum((r.total_gmv for r in one_brand), Decimal(0)) == total
    assert sum((r.attributed_gmv for r in agent), Decimal(0)) == human
    assert sum((r.silent_gmv for r in store), Decimal(0)) == sum(
        (a.net_gmv for a in atts if a.category == "silent"), Decimal(0)
    )
    # brand = store when every shop is its own brand
    identity = A.kpis(convs, orders, scope="brand", window_days=window_days)
    assert [(r.key, r.day, r.consulting_buyers, r.paying_buyers, r.total_gmv) for r in identity] == [
        (r.key, r.day, r.consulting_buyers, r.paying_buyers, r.total_gmv) for r in store
    ]


# -- commission properties ---------------------------------------------------------------------


def _half_up(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _graduated(g: Fraction, tiers, mult=Fraction(1)) -> Fraction:
    # by integer fen, the literal reading of "unit k in lower < k <= upper"
    total = Fraction(0)
    for t in tiers:
        lo, hi = Fraction(t.lower), (None if t.upper is None else Fraction(t.upper))
        part = max(Fraction(0), (g if hi is None else min(g, hi)) - lo)
        total += part * Fraction(t.rate) * mult
    return total


def _volume(g: Fraction, tiers, mult=Fraction(1)) -> Fraction:
    if g == 0:
        return Fraction(0)
    fen = g * 100  # the last unit is fen number `fen`; it sits at amount fen/100
    for t in tiers:
        if Fraction(t.lower) * 100 < fen and (t.upper is None or fen <= Fraction(t.upper) * 100):
            return g * Fraction(t.rate) * mult
    raise AssertionError


def _independent_total(items, terms: M.CommissionTerms) -> Decimal:
    start = dt.datetime(2026, 11, 1, tzinfo=PLUS8)
    end = dt.datetime(2026, 12, 1, tzinfo=PLUS8)
    segments: dict[int, Fraction] = {}
    for it in items:
        at = it.created_at.astimezone(PLUS8)
        if not start <= at < end:
            continue
        idx = -1
        for i, w in enumerate(terms.windows):
            if w.start <= at < w.end:
                idx = i
        segments[idx] = segments.get(idx, Fraction(0)) + Fraction(max(Decimal(0), it.amount_paid - it.refunded))
    flat = (M.Tier(Decimal(0), None, terms.rate),)
    lines = []
    for idx, g in segments.items():
        base_tiers = flat if terms.model == "flat" else terms.tiers
        fn = _volume if terms.model == "volume" else _graduated
        if idx == -1:
            exact = fn(g, base_tiers)
        else:
            w = terms.windows[idx]
            if w.rate is not None:
                exact = g * Fraction(w.rate)
            elif w.tiers is not None:
                exact = fn(g, w.tiers)
            else:
                exact = fn(g, base_tiers, Fraction(w.multiplier))
        lines.append(_half_up(exact))
    subtotal = sum(lines, Decimal(0))
    if terms.minimum is not None and subtotal < terms.minimum:
        return terms.minimum
    if terms.cap is not None and subtotal > terms.cap:
        return terms.cap
    return subtotal


@pytest.mark.parametrize("seed", SEEDS)
def test_commission_properties(seed):
    case = C.commission_case(seed)
    terms, items = case["terms"], case["items"]
    lines = M.commission_lines(items, terms, period=case["period"])
    total = sum((line.amount for line in lines), Decimal(0))
    assert total == _independent_total(items, terms)
    for line in lines:
        assert line.amount == line.amount.quantize(Decimal("0.01"))
    if terms.minimum is not None:
        assert total >= terms.minimum
    if terms.cap is not None:
        assert total <= terms.cap
    assert [line.kind for line in lines].count("minimum") + [line.kind for line in lines].count("cap") <= 1
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    assert M.commission_lines(shuffled, terms, period=case["period"]) == lines


@pytest.mark.parametrize("seed", SEEDS)
def test_clawback_properties(seed):
    case = C.commission_case(seed)
    terms, issued, current = case["terms"], case["issued_items"], case["current_items"]
    period = case["period"]
    claw = M.clawback_lines(issued, current, terms, period=period)
    issued_total = M.commission_total(issued, terms, period=period)
    now = {i.order_id: i for i in current}
    recomputed = [
        M.CommissionItem(i.order_id, i.created_at, i.amount_paid, max(i.refunded, now[i.order_id].refunded))
        for i in issued
    ]
    recomputed_total = M.commission_total(recomputed, terms, period=period)
    if terms.model != "volume" and not any(w.tiers is not None for w in terms.windows):
        assert recomputed_total <= issued_total  # only volume tiers can step up on a refund
    if recomputed_total >= issued_total:
        assert claw == []
    else:
        assert len(claw) == 1
        assert claw[0].kind == "clawback"
        assert claw[0].amount == recomputed_total - issued_total < 0
        assert period in claw[0].description
    # the next statement, with that clawback billed, claws nothing more back for the same refunds
    done = sum((line.amount for line in claw), Decimal(0))
    assert M.clawback_lines(issued, current, terms, period=period, already_clawed_back=done) == []
    # the statement plus its clawbacks never exceeds what was issued, and never goes below the recomputation
    assert min(issued_total, recomputed_total) == issued_total + done


def test_graduated_single_open_tier_equals_flat():
    items = [M.CommissionItem("o1", dt.datetime(2026, 11, 3, tzinfo=PLUS8), Decimal("1234.56"))]
    flat = M.CommissionTerms(model="flat", rate=Decimal("0.035"))
    grad = M.CommissionTerms(model="graduated", tiers=(M.Tier(Decimal(0), None, Decimal("0.035")),))
    assert (
        M.commission_total(items, flat, period="2026-11")
        == M.commission_total(items, grad, period="2026-11")
        == Decimal("43.21")
    )


def test_round_fen_half_up_both_signs():
    assert M.round_fen(Fraction(44005, 1000)) == Decimal("44.01")
    assert M.round_fen(Fraction(-44005, 1000)) == Decimal("-44.01")
    assert M.round_fen(Fraction(440049, 10000)) == Decimal("44.00")


@pytest.mark.parametrize(
    "terms",
    [
        M.CommissionTerms(model="graduated", tiers=(M.Tier(Decimal(0), Decimal(100), Decimal("0.03")),)),
        M.CommissionTerms(model="graduated", tiers=(M.Tier(Decimal(10), None, Decimal("0.03")),)),
        M.CommissionTerms(model="flat", rate=Decimal("0.03"), minimum=Decimal(100), cap=Decimal(50)),
        M.CommissionTerms(
            model="flat",
            rate=Decimal("0.03"),
            windows=(
                M.PeakWindow(
                    dt.datetime(2026, 11, 11, 0, 30, tzinfo=PLUS8),
                    dt.datetime(2026, 11, 11, 2, tzinfo=PLUS8),
                    rate=Decimal("0.05"),
                ),
            ),
        ),
        M.CommissionTerms(
            model="flat",
            rate=Decimal("0.03"),
            windows=(
                M.PeakWindow(
                    dt.datetime(2026, 11, 11, 0, tzinfo=PLUS8),
                    dt.datetime(2026, 11, 11, 2, tzinfo=PLUS8),
                    rate=Decimal("0.05"),
                ),
                M.PeakWindow(
                    dt.datetime(2026, 11, 11, 1, tzinfo=PLUS8),
                    dt.datetime(2026, 11, 11, 3, tzinfo=PLUS8),
                    rate=Decimal("0.05"),
                ),
            ),
        ),
        M.CommissionTerms(
            model="flat",
            rate=Decimal("0.03"),
            windows=(
                M.PeakWindow(
                    dt.datetime(2026, 11, 11, 0, tzinfo=PLUS8),
                    dt.datetime(2026, 11, 11, 2, tzinfo=PLUS8),
                    rate=Decimal("0.05"),
                    multiplier=Decimal(2),
                ),
            ),
        ),
    ],
)
def test_bad_terms_refused(terms):
    with pytest.raises(ValueError):
        M.commission_lines([], terms, period="2026-11")


def test_naive_datetimes_refused():
    naive = dt.datetime(2026, 11, 5, 10)
    conv = A.Conversation("c1", "s1", "b1", naive, naive, "a1")
    order = A.Order("s1", "o1", "b1", naive + dt.timedelta(hours=1), None, Decimal("1"))
    with pytest.raises(ValueError):
        A.attribute([conv], [order])
