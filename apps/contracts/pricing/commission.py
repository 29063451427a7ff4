"""Sales commission (issue #17 §3): a rate on the net attributed GMV of the period. Pure: no ORM.

The rules (C1–C6; also in docs/billing_rules.md), on top of rules 1–2 of the billing rules:

C1. Base. The base is the net attributed GMV: Σ (amount paid − refunded) of the orders attributed to
    the agents' inquiries (apps.orders), grouped by the local hour of payment. Orders credited to a
    bot-only chat count only when the charge says `include_bot`. Refunds are those known at the
    run's cut-off (the statement's issue); later ones are clawed back (C6).
C2. Rates over GMV. GMV is a continuous amount in CNY, priced like units under rule 2 with the rate
    as the unit price: standard (one rate on all of it), graduated (each yuan at the rate of its
    tier, lower < g ≤ upper) or volume (all of it at the rate of the tier holding the total).
C3. Peak windows, to the hour of payment (rule 3): a window has exactly one of a multiplier (each
    rate × the multiplier, tier by tier), its own tiers of rates (counted from zero inside the
    window) or its own flat rate. GMV paid in a window is commissioned apart from the rest.
C4. Exact arithmetic, one rounding per line (rule 1): one line for the GMV outside windows (even at
    0) and one per window with GMV; each line's exact amount is rounded once, half up, to the fen.
C5. Minimum and cap on the sum of the charge's rounded lines: below the minimum a true-up line
    makes it exactly the minimum; above the cap a negative line brings it down to exactly the cap.
    A cap below the minimum is refused.
C6. Clawback. Refunds recorded after a period's statement was issued, on orders of that period,
    never change that statement: the next statement carries one line per original period, (the
    period re-priced by C1–C5 with all refunds known now) − (its lines as billed + the clawbacks
    already billed for it), only when that is negative (a refund never raises a charge, even where
    a lower GMV falls into a dearer volume tier), so no more than was billed is ever taken back;
    the line names the original month.
Conversion rate (询单转化率) and satisfaction (满意度) are SLA-pool KPIs like the others (rule 7):
they reach the engine as measurements, with no rule of their own here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from apps.contracts.pricing.charges import _line, price_quantity
from apps.contracts.pricing.terms import (
    GRADUATED,
    ONE,
    STANDARD,
    VOLUME,
    ZERO,
    PeakWindowSpec,
    PricedLine,
    PricingError,
    TierSpec,
    _f,
    to_decimal,
    validate_tiers,
    validate_windows,
)

COMMISSION = "commission"
COMMISSION_MINIMUM = "commission_minimum"
COMMISSION_CAP = "commission_cap"
COMMISSION_CLAWBACK = "commission_clawback"
HUMAN = "human"
BOT = "bot"


@dataclass(frozen=True)
class CommissionSpec:
    """A commission charge. `rate` and tier `unit_price` are fractions of GMV (0.035 = 3.5 %); tier
    bounds are CNY of net GMV; `minimum` and `cap` are CNY for the month (cap None: no cap)."""

    code: str
    name: str
    model: str = STANDARD  # standard, graduated or volume
    rate: Decimal | None = None
    tiers: tuple[TierSpec, ...] = ()
    peak_windows: tuple[PeakWindowSpec, ...] = ()
    minimum: Decimal = ZERO
    cap: Decimal | None = None
    include_bot: bool = False


@dataclass(frozen=True)
class GmvHour:
    """Attributed orders paid in one local hour (`hour`: naive Asia/Shanghai, on the hour)."""

    hour: datetime
    kind: str  # "human" or "bot" (bot-assisted)
    orders: int
    paid: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.paid - self.refunded


def validate_commission(spec: CommissionSpec) -> None:
    """A model with its rates, windows valid and apart, a cap not below the minimum."""
    field = f"{spec.code}"
    if spec.model == STANDARD:
        if spec.rate is None or spec.rate < ZERO:
            raise PricingError("a commission needs a rate of 0 or more", field=f"{field}.rate")
    elif spec.model in (GRADUATED, VOLUME):
        validate_tiers(spec.tiers, field=f"{field}.tiers")
    else:
        raise PricingError(f"a commission is standard, graduated or volume, not {spec.model!r}", field=f"{field}.model")
    validate_windows(spec.peak_windows, field=f"{field}.peak_windows")
    if spec.cap is not None and spec.cap < spec.minimum:
        raise PricingError("the commission cap is below its minimum", field=f"{field}.cap")


def _segment_of(spec: CommissionSpec, hour: datetime) -> int:
    """0 outside every window, else 1 + the window's index in date order (rule C3)."""
    for i, window in enumerate(sorted(spec.peak_windows, key=lambda w: w.start), start=1):
        if window.covers(hour.date(), hour.hour):
            return i
    return 0


def _price_segment(spec: CommissionSpec, window: PeakWindowSpec | None, gmv: Fraction):
    if window is None:
        return price_quantity(model=spec.model, quantity=gmv, unit_price=spec.rate, tiers=spec.tiers)
    if window.unit_price is not None:
        return price_quantity(model=STANDARD, quantity=gmv, unit_price=window.unit_price)
    if window.tiers:
        model = spec.model if spec.model in (GRADUATED, VOLUME) else GRADUATED
        return price_quantity(model=model, quantity=gmv, tiers=window.tiers)
    return price_quantity(
        model=spec.model, quantity=gmv, unit_price=spec.rate, tiers=spec.tiers, multiplier=window.multiplier
    )


def commission_lines(
    spec: CommissionSpec, hours: list[GmvHour] | tuple[GmvHour, ...], *, vat_rate: Decimal, suffix: str = ""
) -> list[PricedLine]:
    """The commission lines of one period (rules C1–C5): a line per segment, then a minimum or cap line.

    Each line's details say the base in words: orders, paid, refunds deducted, net GMV, and the
    rate of each tier (the line's `tiers`).
    """
    validate_commission(spec)
    windows = sorted(spec.peak_windows, key=lambda w: w.start)
    sums: dict[int, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for h in hours:
        if h.kind == BOT and not spec.include_bot:
            continue
        if h.paid < ZERO or h.refunded < ZERO or h.refunded > h.paid:
            raise PricingError(f"hour {h.hour:%Y-%m-%d %H}:00 has a refund outside 0..paid", field="orders")
        s = sums[_segment_of(spec, h.hour)]
        s[0] += h.orders
        s[1] += h.paid
        s[2] += h.refunded
    lines = []
    for index in [0, *(i for i in range(1, len(windows) + 1) if i in sums)]:
        orders, paid, refunded = sums[index]
        window = windows[index - 1] if index else None
        net = _f(paid) - _f(refunded)
        amount, tiers, rate = _price_segment(spec, window, net)
        code = spec.code + suffix + (f":peak:{index - 1}" if window else "")
        name = spec.name + (f" · {window.name}" if window else "")
        details = {
            "orders": orders,
            "paid": str(paid),
            "refunded": str(refunded),
            "net_gmv": str(to_decimal(net)),
            "rate": None if rate is None else str(rate),
        }
        if window is not None:
            details.update(window=window.name, start=window.start.isoformat(), end=window.end.isoformat())
        lines.append(_line(COMMISSION, code, name, "gmv", net, rate, tiers, amount, vat_rate, details))
    return lines + _bounds_line(spec, lines, vat_rate=vat_rate, suffix=suffix)


def _bounds_line(spec: CommissionSpec, lines: list[PricedLine], *, vat_rate: Decimal, suffix: str) -> list[PricedLine]:
    """Rule C5: a true-up to the minimum or a negative line down to the cap, against the rounded lines."""
    charged = sum((ln.amount for ln in lines), ZERO)
    details = {
        "charged": str(charged),
        "minimum": str(spec.minimum),
        "cap": None if spec.cap is None else str(spec.cap),
    }
    if charged < spec.minimum:
        return [
            _line(
                COMMISSION_MINIMUM,
                f"{spec.code}{suffix}:minimum",
                f"{spec.name} · minimum true-up",
                "",
                ONE,
                None,
                (),
                spec.minimum - charged,
                vat_rate,
                details,
            )
        ]
    if spec.cap is not None and charged > spec.cap:
        return [
            _line(
                COMMISSION_CAP,
                f"{spec.code}{suffix}:cap",
                f"{spec.name} · cap",
                "",
                ONE,
                None,
                (),
                spec.cap - charged,
                vat_rate,
                details,
            )
        ]
    return []


def _hours_with_late_refunds(billed_hours: list[GmvHour], late_refunds: list[GmvHour]) -> list[GmvHour]:
    """The billed hours (one row per hour and kind, however the caller split them) with the late
    refunds added to their refunded amount, never above what was paid. A negative late refund, or
    one of an hour and kind that was not billed, is a PricingError."""
    late: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    for r in late_refunds:
        if r.refunded < ZERO:
            raise PricingError("a late refund cannot be negative", field="refunded")
        late[(r.hour, r.kind)][0] += r.orders
        late[(r.hour, r.kind)][1] += r.refunded
    billed: dict[tuple, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for h in billed_hours:
        row = billed[(h.hour, h.kind)]
        row[0] += h.orders
        row[1] += h.paid
        row[2] += h.refunded
    reduced = []
    for (at, kind), (orders, paid, refunded) in billed.items():
        more = late.pop((at, kind), [0, ZERO])[1]
        reduced.append(GmvHour(at, kind, orders, paid, min(paid, refunded + more)))
    if late:
        hour, kind = next(iter(late))
        raise PricingError(f"a refund of {hour:%Y-%m-%d %H}:00 ({kind}) has no billed orders", field="late_refunds")
    return reduced


def commission_clawback_line(
    spec: CommissionSpec,
    *,
    month: date,
    billed_hours: list[GmvHour],
    late_refunds: list[GmvHour],
    vat_rate: Decimal,
    already_clawed_back: Decimal = ZERO,
) -> list[PricedLine]:
    """Rule C6: what refunds recorded after `month`'s statement take back, as one line naming `month`.

    `billed_hours` are the hours the month was billed on; `late_refunds` all the refund increments
    recorded since its issue, by original paid hour and kind (their `paid` is ignored);
    `already_clawed_back` the sum (≤ 0) of the clawback lines already billed for the month. The
    amount is the re-priced total minus (the billed total + earlier clawbacks): a difference of
    rounded totals, no new rounding; no line unless it is negative.
    """
    reduced = _hours_with_late_refunds(billed_hours, late_refunds)
    before = sum((ln.amount for ln in commission_lines(spec, billed_hours, vat_rate=vat_rate)), ZERO)
    before += already_clawed_back
    after = sum((ln.amount for ln in commission_lines(spec, reduced, vat_rate=vat_rate)), ZERO)
    if after >= before:
        return []  # a refund never raises a charge (under volume tiers a lower GMV can cost more)
    counted = [r for r in late_refunds if r.kind != BOT or spec.include_bot]
    details = {
        "month": f"{month:%Y-%m}",
        "orders": sum(r.orders for r in counted),
        "refunded": str(sum((r.refunded for r in counted), ZERO)),
        "billed": str(before),
        "recomputed": str(after),
    }
    return [
        _line(
            COMMISSION_CLAWBACK,
            f"{spec.code}:clawback:{month:%Y-%m}",
            f"{spec.name} · refunds after issue · {month:%Y-%m}",
            "",
            ONE,
            None,
            (),
            after - before,
            vat_rate,
            details,
        )
    ]


@dataclass(frozen=True)
class ClawbackInput:
    """One earlier month's clawback inputs (rule C6): its terms, the hours it was billed on, the refund
    increments recorded since its cut-off, and the clawbacks already billed for it (≤ 0)."""

    month: date
    spec: CommissionSpec
    billed_hours: tuple[GmvHour, ...]
    late_refunds: tuple[GmvHour, ...]
    vat_rate: Decimal
    already_clawed_back: Decimal = ZERO


def statement_commission_lines(
    spec: CommissionSpec | None,
    hours: list[GmvHour] | tuple[GmvHour, ...],
    *,
    vat_rate: Decimal,
    clawbacks: list[ClawbackInput] | tuple[ClawbackInput, ...] = (),
) -> list[PricedLine]:
    """A statement's commission part: the month's lines (C1–C5; none without a spec), then one clawback
    line per earlier month (C6), oldest month first.

    A late refund on an hour and kind that holds no billed order belongs to an order that was not on
    that month's statement (first seen after its cut-off): it was never commissioned, so it is not
    clawed back.
    """
    lines = commission_lines(spec, hours, vat_rate=vat_rate) if spec is not None else []
    for c in sorted(clawbacks, key=lambda c: c.month):
        billed = {(h.hour, h.kind) for h in c.billed_hours}
        late = [r for r in c.late_refunds if (r.hour, r.kind) in billed]
        if not late:
            continue
        lines.extend(
            commission_clawback_line(
                c.spec,
                month=c.month,
                billed_hours=list(c.billed_hours),
                late_refunds=late,
                vat_rate=c.vat_rate,
                already_clawed_back=c.already_clawed_back,
            )
        )
    return lines


__all__ = [
    "BOT",
    "ClawbackInput",
    "statement_commission_lines",
    "COMMISSION",
    "COMMISSION_CAP",
    "COMMISSION_CLAWBACK",
    "COMMISSION_MINIMUM",
    "HUMAN",
    "CommissionSpec",
    "GmvHour",
    "commission_clawback_line",
    "commission_lines",
    "validate_commission",
]
