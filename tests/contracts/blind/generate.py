"""Random contract-months that mix every feature the pricing rules name.

`random_contract_month(rng)` builds one from a `random.Random`; `contract_months()` is the Hypothesis
strategy (seeded, so a failure prints a seed anyone can replay); `random_month_sequence(rng, n)` gives
consecutive months of one contract for earn-back across months (chain them with
`reference.history_after`).

Mixed on purpose: all four models with package roundings up/prorata/down, allowances, charge and
monthly minimums, contract starts/ends and version changes mid-month, hour windows of all three kinds
(Double 11 from 20:00 on 10 Nov, the 00:00–02:00 rush, random hour ranges, windows running past the
month), night units, surge seats, agent hours in fractions, SLA pools with KPI and pool caps,
earn-back history inside and outside the window, two VAT rates, prices that land on half a fen,
leap February 2028, and usage within a second of local midnight (both sides).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tests.contracts.blind import spec
from tests.contracts.blind.reference import days_in_month

LOCAL = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
MONTHS = (
    date(2026, 10, 1),
    date(2026, 11, 1),
    date(2026, 11, 1),
    date(2028, 2, 1),
    date(2027, 6, 1),
    date(2026, 12, 1),
)
KPIS = (
    ("first_response_avg_s", spec.LTE, Decimal("30")),
    ("three_minute_rate", spec.GTE, Decimal("0.90")),
    ("qa_pass_rate", spec.GTE, Decimal("0.95")),
    ("response_avg_s", spec.LTE, Decimal("60")),
)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount with cents; sometimes one with a half-fen-prone last digit pair like .26 or .05."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _price(rng: random.Random) -> Decimal:
    """A unit price with up to three decimals (0.005 steps give half-fen amounts)."""
    return rng.choice(
        [
            Decimal(rng.randint(80, 150)) / 100,
            Decimal(rng.randint(800, 1500)) / 1000,
            Decimal(rng.randint(1, 400)) * Decimal("0.005"),
        ]
    )


def _tiers(rng: random.Random) -> tuple[spec.Tier, ...]:
    bounds = sorted(rng.sample([10, 50, 100, 500, 1000, 2000, 5000], rng.randint(1, 3)))
    prices = sorted((_price(rng) for _ in range(len(bounds) + 1)), reverse=True)
    lowers = [0, *bounds]
    uppers = [*bounds, None]
    return tuple(
        spec.Tier(Decimal(lo), None if up is None else Decimal(up), p)
        for lo, up, p in zip(lowers, uppers, prices, strict=True)
    )


def _window_bounds(rng: random.Random, month: date) -> list[tuple[str, datetime, datetime]]:
    """Candidate windows in local time for this month (some running past its edges)."""
    dim = days_in_month(month)
    out = []
    if month.month == 11:
        out.append(("double11", datetime(month.year, 11, 10, 20), datetime(month.year, 11, 12, 0)))
    day = rng.randint(1, dim)
    rush = datetime(month.year, month.month, day)
    out.append(("rush", rush, rush + timedelta(hours=2)))
    start = datetime(month.year, month.month, rng.randint(1, dim), rng.randint(0, 23))
    out.append(("promo", start, start + timedelta(hours=rng.randint(1, 72))))
    edge = datetime(month.year, month.month, dim, 20)
    out.append(("edge", edge, edge + timedelta(hours=rng.randint(4, 30))))
    rng.shuffle(out)
    return out


def _windows(rng: random.Random, month: date) -> tuple[spec.PeakWindow, ...]:
    chosen: list[spec.PeakWindow] = []
    for name, start, end in _window_bounds(rng, month)[: rng.randint(0, 3)]:
        if any(start < w.end and w.start < end for w in chosen):
            continue
        kind = rng.choice(["multiplier", "tiers", "price"])
        if kind == "multiplier":
            w = spec.PeakWindow(
                name, start, end, multiplier=rng.choice([Decimal("1.5"), Decimal("2"), Decimal("1.25")])
            )
        elif kind == "tiers":
            w = spec.PeakWindow(name, start, end, tiers=_tiers(rng))
        else:
            w = spec.PeakWindow(name, start, end, unit_price=_price(rng))
        chosen.append(w)
    return tuple(chosen)


def _charge(rng: random.Random, month: date, code: str, unit: str, second_rate: Decimal) -> spec.UsageCharge:
    model = rng.choice(spec.MODELS)
    kwargs: dict = {}
    if model == spec.STANDARD:
        kwargs["unit_price"] = _price(rng)
    elif model in (spec.GRADUATED, spec.VOLUME):
        kwargs["tiers"] = _tiers(rng)
    else:
        kwargs["package_size"] = Decimal(rng.choice([10, 100, 500, 3]))
        kwargs["package_price"] = _money(rng, 5, 400)
        kwargs["package_rounding"] = rng.choice(spec.PACKAGE_ROUNDINGS)
    if rng.random() < 0.5:
        kwargs["included"] = Decimal(rng.choice([10, 100, 1000, 21000, 7, 333]))
    if rng.random() < 0.6:
        kwargs["night_rate"] = rng.choice([Decimal("0.30"), Decimal("0.25"), Decimal("0.5")])
        kwargs["night_start_hour"], kwargs["night_end_hour"] = rng.choice([(22, 8), (0, 6), (23, 7)])
    if rng.random() < 0.2:
        kwargs["minimum"] = _money(rng, 10, 3000)
    if rng.random() < 0.2:
        kwargs["vat_rate"] = second_rate
    return spec.UsageCharge(code=code, name=code.replace("-", " "), unit=unit, model=model,
                            windows=_windows(rng, month), **kwargs)  # fmt: skip


def _sla(rng: random.Random) -> spec.SlaPool | None:
    if rng.random() < 0.3:
        return None
    kpis = []
    for name, direction, target in rng.sample(KPIS, rng.randint(1, 3)):
        step = target * Decimal("0.05")
        measured = None if rng.random() < 0.1 else target + step * rng.randint(-3, 3)
        better = target + step * 2 if direction == spec.GTE else target - step * 2
        kpis.append(
            spec.Kpi(
                kpi=name,
                weight=Decimal(rng.choice([1, 2, 3, "0.5"])),
                target=target,
                direction=direction,
                measured=measured,
                cap=rng.choice([None, None, Decimal("0.02"), Decimal("0.05")]),
                earn_back_target=rng.choice([None, better, target + step if direction == spec.GTE else target - step]),
            )
        )
    return spec.SlaPool(
        share=rng.choice([Decimal("0.10"), Decimal("0.12"), Decimal("0.05")]),
        kpis=tuple(kpis),
        cap=rng.choice([Decimal("0.12"), Decimal("0.03"), None]),
        applies_to=rng.choice(
            [
                spec.POOL_ALL,
                frozenset({spec.POOL_BASE}),
                frozenset({spec.POOL_USAGE}),
                frozenset({spec.POOL_BASE, spec.POOL_USAGE}),
            ]  # fmt: skip
        ),
    )


def _terms(rng: random.Random, month: date, start: date, end: date | None, rate: Decimal) -> spec.Terms:
    second_rate = Decimal("0.13") if rate == Decimal("0.06") else Decimal("0.06")
    base = tuple(
        spec.BaseFee(
            f"seat-{i}",
            f"seats {i}",
            rng.choice([_money(rng, 800, 60000), Decimal("20000.26")]),
            vat_rate=second_rate if rng.random() < 0.15 else None,
        )  # fmt: skip
        for i in range(rng.randint(0, 2))
    )
    units = [rng.choice(spec.UNITS) for _ in range(rng.randint(0, 3))]
    charges = tuple(_charge(rng, month, f"c{i}-{u}", u, second_rate) for i, u in enumerate(units))
    minimum = rng.choice([Decimal(0), Decimal(0), _money(rng, 1000, 80000)])
    return spec.Terms(start, end, rate, base, charges, minimum, _sla(rng))


def _quantity(rng: random.Random, unit: str) -> Decimal:
    if unit == spec.AGENT_HOUR:
        return Decimal(rng.randint(1, 4000)) / 100
    if unit == spec.SURGE_SEAT_DAY:
        return Decimal(rng.randint(1, 8))
    return Decimal(rng.choice([1, 1, 3, 17, 120, 999, 1000, 1001, 4500]))


def _moment(rng: random.Random, month: date, windows: list[spec.PeakWindow]) -> datetime:
    """A local instant in (or just around) the month: inside windows, at night, at local midnight ±1 s."""
    dim = days_in_month(month)
    pick = rng.random()
    if pick < 0.25 and windows:
        w = rng.choice(windows)
        seconds = int((w.end - w.start).total_seconds())
        local = w.start + timedelta(seconds=rng.choice([0, seconds - 1, rng.randrange(seconds)]))
    elif pick < 0.45:
        midnight = datetime(month.year, month.month, 1) + timedelta(days=rng.randint(0, dim))
        local = midnight + timedelta(seconds=rng.choice([-1, 0]))
    else:
        local = datetime(month.year, month.month, rng.randint(1, dim), rng.randint(0, 23), rng.randint(0, 59))
    return local.replace(tzinfo=LOCAL).astimezone(UTC)


def _events(rng: random.Random, month: date, versions: tuple[spec.Terms, ...]) -> tuple[spec.UsageEvent, ...]:
    if rng.random() < 0.08:
        return ()
    units = sorted({ch.unit for v in versions for ch in v.charges}) or [spec.CONVERSATION]
    windows = [w for v in versions for ch in v.charges for w in ch.windows]
    return tuple(
        spec.UsageEvent(_moment(rng, month, windows), _quantity(rng, u), u)
        for u in (rng.choice(units) for _ in range(rng.randint(1, 40)))
    )


def _history(rng: random.Random, month: date, pool: spec.SlaPool | None) -> tuple[spec.PastCredit, ...]:
    if pool is None:
        return ()
    out = []
    for k in pool.kpis:
        for back in rng.sample(range(1, 6), rng.randint(0, 2)):
            y, m = divmod(month.year * 12 + month.month - 1 - back, 12)
            amount = _money(rng, 1, 3000)
            earned = rng.choice([Decimal(0), Decimal(0), amount, (amount / 2).quantize(Decimal("0.01"))])
            out.append(spec.PastCredit(date(y, m + 1, 1), k.kpi, amount, earned))
    return tuple(out)


def random_contract_month(rng: random.Random) -> spec.ContractMonth:
    """One random contract-month mixing the features listed in this module's docstring."""
    month = rng.choice(MONTHS)
    dim = days_in_month(month)
    start = rng.choice([date(2025, 1, 1), month, month + timedelta(days=rng.randint(1, dim - 1))])
    end = rng.choice([None, None, None, month + timedelta(days=rng.randint(1, dim - 1))])
    if end is not None and end <= start:
        end = None
    rate = rng.choice([Decimal("0.06"), Decimal("0.06"), Decimal("0.13")])
    if rng.random() < 0.35:
        change = month + timedelta(days=rng.randint(1, dim - 1))
        new_rate = rng.choice([rate, rate, Decimal("0.13") if rate == Decimal("0.06") else Decimal("0.06")])
        versions = (_terms(rng, month, date(2025, 1, 1), change, rate), _terms(rng, month, change, None, new_rate))
    else:
        versions = (_terms(rng, month, date(2025, 1, 1), None, rate),)
    contract = spec.Contract(f"k{rng.randint(1, 10**6)}", start, end, versions, rng.choice([3, 3, 1, 2, 12]))
    return spec.ContractMonth(contract, month, _events(rng, month, versions), _history(rng, month, versions[-1].sla))


def contract_months() -> st.SearchStrategy[spec.ContractMonth]:
    """Hypothesis strategy: a seed, turned into a contract-month (shrinks to small seeds)."""
    return st.integers(min_value=0, max_value=2**32 - 1).map(lambda seed: random_contract_month(random.Random(seed)))


def random_month_sequence(rng: random.Random, n: int = 3) -> list[spec.ContractMonth]:
    """n consecutive months (from October 2026) of one contract; only events and measurements vary.

    History is left empty: build it month by month with `reference.history_after`.
    """
    first = random_contract_month(rng)
    terms = replace(first.contract.versions[-1], valid_from=date(2025, 1, 1), valid_to=None)
    if terms.sla is None:
        terms = replace(terms, sla=_sla(random.Random(rng.random())) or spec.SlaPool(Decimal("0.1"), ()))
    contract = replace(first.contract, start=date(2025, 1, 1), end=None, versions=(terms,))
    out = []
    month = date(2026, 10, 1)
    for _ in range(n):
        kpis = tuple(
            replace(k, measured=k.target + k.target * Decimal("0.05") * rng.randint(-3, 3)) for k in terms.sla.kpis
        )
        version = replace(terms, sla=replace(terms.sla, kpis=kpis))
        c = replace(contract, versions=(version,))
        out.append(spec.ContractMonth(c, month, _events(rng, month, c.versions)))
        month = (month + timedelta(days=32)).replace(day=1)
    return out
