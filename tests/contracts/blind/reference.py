"""A second pricing engine for one contract-month, written blind from the rules of issue 14.

It reads only `spec.ContractMonth` and returns a `Statement`; standard library only. All arithmetic
is on `fractions.Fraction` (exact); a line's amount is the only thing rounded, half-up (away from
zero on a tie) to the fen, once.

The rules (issue 14), as this engine applies them
--------------------------------------------------
1. Exact arithmetic, one rounding per line: 21,000 x 7/30 = 4,900 units exactly; 20,000.26 x 1/28
   = 714.30.
2. Tier boundaries: unit k belongs to the tier with lower < k <= upper. Graduated: each unit at its
   tier's price; volume: every unit at the price of the tier holding the last unit. Tiers restart
   in each peak window (the window's units count from zero).
3. Peak windows: local Asia/Shanghai [start, end), to the hour. A window has exactly one of a
   multiplier (the normal price x multiplier, tier by tier), its own tiers (counted from zero) or its
   own flat unit price (every unit in the window at that price, whatever the charge model).
4. Night surcharge: night units are surcharged at the price they were billed at in their own
   segment (window price inside a window, normal price outside), x the surcharge rate.
5. Allowance: consumed by off-peak units first, then windows in date order, prorated exactly,
   shared between day and night units pro rata.
6. Minimum with true-up: the minimum is compared with the sum of the rounded fee lines; a true-up
   line makes that sum exactly the minimum. Minimum before SLA credits.
7. SLA credits on the rounded invoiced fees the pool applies to; the per-KPI rows add up exactly
   to the credit (the rounding residue goes to the largest row); with two VAT rates the credit is
   split across them in proportion to the applicable fees.
8. Earn-back: a credit for KPI X in month M comes back only through over-performance of X in a
   later month inside the earn-back window, as a separate positive line naming month M.
9. Packages: partial blocks by the charge's rounding: up (default), pro rata, down.
10. No usage: a contract with usage charges and no usage in the period is flagged
    ("no usage recorded — check imports").

Decisions (where the rules are silent)
--------------------------------------
D1. Proration: a month's days are split by contract version; a version's share is (its active days)
    / (days in the month), active meaning inside both [contract.start, contract.end) and
    [valid_from, valid_to). Base fees, allowances, charge minimums and the monthly minimum are
    prorated by that share (product first, one division). Leap February has 29 days.
D2. Each version segment is priced on its own: its usage events are those whose local
    (Asia/Shanghai) day falls in the segment; tiers and windows count from zero within a segment.
    Events outside the month or on days the contract is not active are not billed (counted in
    `Statement.ignored_events`). Allowance left unused in one version does not carry into the next.
D3. Allowance counts units, not money: it is taken off before any price, multiplier or window
    price applies; the billable units then count from zero in the tiers (unit 1 = first billable).
D4. Shared pro rata (rule 5): a segment (off-peak, or one window) with day units d, night units n
    and allowance c used in it bills d - c*d/(d+n) day units and n - c*n/(d+n) night units.
D5. The price of a segment is the charge's model applied to all its billable units (day + night
    together). The night surcharge of the segment is (segment amount) x (night billable / all
    billable) x rate: for standard/volume/flat price this is night units x unit price x rate; for
    graduated and packages it is the night units' pro rata share of the segment amount (their
    average price). One night line per segment that has billable night units and a rate > 0.
D6. A window's own tiers use the charge's model when it is graduated or volume; for standard and
    package charges they are graduated. A multiplier on a package charge multiplies the package
    price. A window's flat unit price ignores the model (also packages: no blocks).
D7. A night unit: its local hour h lies in [night_start_hour, night_end_hour) of the charge, the
    range wrapping midnight when start > end (default 22:00-08:00). An event is wholly night or
    wholly day; a whole event is in one window or off-peak by its instant.
D8. Lines: one base line per base fee and version; one off-peak usage line per usage charge and
    version (even with 0 units: it shows the allowance); one peak line per window that has usage in
    the segment (0.00 when the allowance covers it all); night lines per D5 (none without billable
    night units). Line quantities are billable units, after the allowance.
D9. Charge minimum (`UsageCharge.minimum`, prorated per D1 and rounded): compared with the sum of
    the charge's rounded usage, peak and night lines of the segment; a `charge_minimum` true-up
    line makes up the difference.
D10. Monthly minimum: sum over versions of minimum x share (exact), rounded once; compared with the
    sum of all rounded fee lines (base, usage, peak, night, charge_minimum). The true-up line uses
    the VAT rate of the last version in force in the month ("the primary rate").
D11. SLA: the pool of the last version in force in the month applies. Applicable fees F = sum of
    rounded lines whose kind the pool applies to ("base": base lines; "usage": usage, peak, night
    and charge-minimum lines; "minimum": the monthly true-up). A missed KPI costs its whole
    allocation share x F x weight / (sum of all weights), no scaling by the size of the shortfall,
    capped by its own cap x F. The total is capped by pool.cap x F (rows scaled down
    proportionally). A KPI without measurement is neither met nor missed: no credit, no earn-back.
D12. Credit rounding: the credit line total = round(total); each row = round(its exact share); the
    residue (total - sum of rows) is added to the row with the largest exact credit (first in the
    pool's order on a tie) and shown as `residue` on that row.
D13. VAT split of the credit: part per rate = round(credit x F_rate / F); the residue goes to the
    rate with the largest applicable fees (lowest rate on a tie). One `sla_credit` line per rate
    with a non-zero part, negative amount; its `exact` is that allocated part (the unrounded credit
    is on the SLA rows).
D14. Earn-back: KPI X over-performs in this month when it is measured, meets its target and meets
    its earn_back_target (same direction). Then every earlier credit of X from month M with
    1 <= (months from M to this month) <= earn_back_months and an outstanding amount
    (amount - earned_back > 0) comes back in full, one positive `earn_back` line per M, oldest
    first, at the primary VAT rate. No cap; never in the same month, never across KPIs.
D15. VAT per rate = round(sum of that rate's rounded lines x rate), credits and earn-backs
    included; subtotal = sum of the rounded lines; total = subtotal + VAT.
D16. No usage (rule 10): flagged when some version in force has a usage charge and no event of a
    charged unit with quantity > 0 falls on an active day of the month.
D17. Validation (ValueError): tiers must start at 0, be contiguous and end open; a window has exactly
    one price kind, whole-hour bounds, end > start, and windows of one charge do not overlap;
    earn-back window 1..12 months; versions do not overlap.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from tests.contracts.blind import spec

LOCAL = ZoneInfo("Asia/Shanghai")
FEN = Decimal("0.01")
NO_USAGE = "no usage recorded — check imports"
FEE_KINDS = ("base", "usage", "peak", "night", "charge_minimum", "minimum")


@dataclass(frozen=True)
class TierPart:
    """Units of one tier in a line: lower < k <= upper, at unit_price (window multiplier included).

    Volume pricing gives one part: the tier that holds the last unit, with quantity = all units.
    """

    lower: Fraction
    upper: Fraction | None
    quantity: Fraction
    unit_price: Fraction
    amount: Fraction


@dataclass(frozen=True)
class Line:
    kind: str  # base, usage, peak, night, charge_minimum, minimum, sla_credit, earn_back
    code: str
    description: str
    quantity: Fraction
    unit_price: Fraction | None
    tiers: tuple[TierPart, ...]
    exact: Fraction
    amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class SlaRow:
    kpi: str
    target: Decimal
    direction: str
    measured: Decimal | None
    met: bool | None
    over_performed: bool
    exact: Fraction
    credit: Decimal
    residue: Decimal


@dataclass(frozen=True)
class VatRow:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Statement:
    lines: tuple[Line, ...]
    sla_rows: tuple[SlaRow, ...]
    vat: tuple[VatRow, ...]
    subtotal: Decimal
    vat_total: Decimal
    total: Decimal
    no_usage: bool
    problems: tuple[str, ...]
    ignored_events: int


# --- arithmetic -------------------------------------------------------------------------------


def round_fen(x: Fraction | Decimal) -> Decimal:
    """Half-up (away from zero on a tie) to 0.01, from an exact fraction."""
    x = Fraction(x)
    sign = -1 if x < 0 else 1
    cents = abs(x) * 100
    whole = cents.numerator // cents.denominator
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(sign * whole) / 100).quantize(FEN, rounding=ROUND_HALF_UP)


def _f(value: Decimal | int) -> Fraction:
    return Fraction(value)


def _fmt(x: Fraction) -> str:
    """A readable number: integers plain, else up to 6 decimals."""
    if x.denominator == 1:
        return f"{x.numerator:,}"
    return f"{Decimal(x.numerator) / Decimal(x.denominator):,.6f}".rstrip("0").rstrip(".")


# --- calendar ---------------------------------------------------------------------------------


def days_in_month(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def _month_days(month: date) -> list[date]:
    return [month + timedelta(days=i) for i in range(days_in_month(month))]


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _local(at: datetime) -> datetime:
    return at.astimezone(LOCAL).replace(tzinfo=None)


def _is_night(hour: int, charge: spec.UsageCharge) -> bool:
    start, end = charge.night_start_hour, charge.night_end_hour
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


# --- validation -------------------------------------------------------------------------------


def _check_tiers(tiers: tuple[spec.Tier, ...], where: str) -> None:
    if not tiers:
        raise ValueError(f"{where}: tiers are empty")
    if tiers[0].lower != 0:
        raise ValueError(f"{where}: the first tier must start at 0")
    for a, b in zip(tiers, tiers[1:], strict=False):
        if a.upper is None or a.upper != b.lower:
            raise ValueError(f"{where}: tiers must be contiguous")
    if tiers[-1].upper is not None:
        raise ValueError(f"{where}: the last tier must be open-ended")
    for t in tiers:
        if t.upper is not None and t.upper <= t.lower:
            raise ValueError(f"{where}: tier upper must be above lower")
        if t.unit_price < 0:
            raise ValueError(f"{where}: negative tier price")


def validate(cm: spec.ContractMonth) -> None:
    """Raise ValueError naming the field when the input breaks a rule of D17."""
    c = cm.contract
    if not 1 <= c.earn_back_months <= 12:
        raise ValueError("earn_back_months: must be 1..12")
    if cm.month.day != 1:
        raise ValueError("month: must be the first day of a month")
    versions = sorted(c.versions, key=lambda v: v.valid_from)
    for a, b in zip(versions, versions[1:], strict=False):
        if a.valid_to is None or a.valid_to > b.valid_from:
            raise ValueError(f"versions: {a.valid_from} overlaps {b.valid_from}")
    for v in versions:
        for ch in v.charges:
            where = f"charge {ch.code}"
            if ch.unit not in spec.UNITS:
                raise ValueError(f"{where}.unit: unknown {ch.unit}")
            if ch.model == spec.STANDARD and ch.unit_price is None:
                raise ValueError(f"{where}.unit_price: required")
            elif ch.model in (spec.GRADUATED, spec.VOLUME):
                _check_tiers(ch.tiers, where)
            elif ch.model == spec.PACKAGE:
                if not ch.package_size or ch.package_size <= 0 or ch.package_price is None:
                    raise ValueError(f"{where}.package_size: size and price required")
                if ch.package_rounding not in spec.PACKAGE_ROUNDINGS:
                    raise ValueError(f"{where}.package_rounding: unknown")
            elif ch.model not in spec.MODELS:
                raise ValueError(f"{where}.model: unknown {ch.model}")
            wins = sorted(ch.windows, key=lambda w: w.start)
            for w in wins:
                kinds = (w.multiplier is not None) + bool(w.tiers) + (w.unit_price is not None)
                if kinds != 1:
                    raise ValueError(f"{where} window {w.name}: exactly one of multiplier/tiers/unit_price")
                if w.end <= w.start:
                    raise ValueError(f"{where} window {w.name}: end must be after start")
                for t in (w.start, w.end):
                    if (t.minute, t.second, t.microsecond) != (0, 0, 0) or t.tzinfo is not None:
                        raise ValueError(f"{where} window {w.name}: naive local whole hours only")
                if w.multiplier is not None and w.multiplier <= 0:
                    raise ValueError(f"{where} window {w.name}.multiplier: must be positive")
                if w.tiers:
                    _check_tiers(w.tiers, f"{where} window {w.name}")
            for a, b in zip(wins, wins[1:], strict=False):
                if b.start < a.end:
                    raise ValueError(f"{where}: windows {a.name} and {b.name} overlap")


# --- pricing of a quantity --------------------------------------------------------------------


def _graduated(q: Fraction, tiers: tuple[spec.Tier, ...], m: Fraction) -> tuple[Fraction, tuple[TierPart, ...]]:
    parts = []
    for t in tiers:
        lower = _f(t.lower)
        upper = None if t.upper is None else _f(t.upper)
        top = q if upper is None else min(q, upper)
        n = top - lower
        if n > 0:
            price = _f(t.unit_price) * m
            parts.append(TierPart(lower, upper, n, price, n * price))
    return sum((p.amount for p in parts), Fraction(0)), tuple(parts)


def _volume(q: Fraction, tiers: tuple[spec.Tier, ...], m: Fraction) -> tuple[Fraction, tuple[TierPart, ...]]:
    if q <= 0:
        return Fraction(0), ()
    for t in tiers:
        lower = _f(t.lower)
        upper = None if t.upper is None else _f(t.upper)
        if lower < q and (upper is None or q <= upper):
            price = _f(t.unit_price) * m
            return q * price, (TierPart(lower, upper, q, price, q * price),)
    raise AssertionError("validated tiers cover every quantity")


@dataclass(frozen=True)
class Priced:
    amount: Fraction
    unit_price: Fraction | None  # a single price when there is one
    tiers: tuple[TierPart, ...]
    note: str


def _package(q: Fraction, ch: spec.UsageCharge, m: Fraction) -> Priced:
    size = _f(ch.package_size)
    exact_blocks = q / size
    if ch.package_rounding == spec.ROUND_PRORATA:
        blocks = exact_blocks
    elif ch.package_rounding == spec.ROUND_DOWN:
        blocks = Fraction(exact_blocks.numerator // exact_blocks.denominator)
    else:
        blocks = Fraction(-((-exact_blocks.numerator) // exact_blocks.denominator))
    price = _f(ch.package_price) * m
    note = f"{_fmt(blocks)} x {_fmt(size)} units @ {_fmt(price)} ({ch.package_rounding})"
    return Priced(blocks * price, price, (), note)


def price_quantity(q: Fraction, ch: spec.UsageCharge, window: spec.PeakWindow | None) -> Priced:
    """The amount of q billable units of the charge in a segment (off-peak or one window)."""
    if window is not None and window.unit_price is not None:
        price = _f(window.unit_price)
        return Priced(q * price, price, (), f"flat {_fmt(price)}")
    m = Fraction(1) if window is None or window.multiplier is None else _f(window.multiplier)
    if window is not None and window.tiers:
        model = ch.model if ch.model in (spec.GRADUATED, spec.VOLUME) else spec.GRADUATED
        tiers = window.tiers
    else:
        model = ch.model
        tiers = ch.tiers
    if model == spec.STANDARD:
        price = _f(ch.unit_price) * m
        return Priced(q * price, price, (), f"@ {_fmt(price)}")
    if model == spec.PACKAGE:
        return _package(q, ch, m)
    if model == spec.GRADUATED:
        amount, parts = _graduated(q, tiers, m)
        return Priced(amount, parts[0].unit_price if len(parts) == 1 else None, parts, "graduated")
    amount, parts = _volume(q, tiers, m)
    return Priced(amount, parts[0].unit_price if parts else None, parts, "volume")


def _tier_text(parts: tuple[TierPart, ...], volume: bool) -> str:
    if volume:
        p = parts[0]
        upper = "∞" if p.upper is None else _fmt(p.upper)
        return f"all {_fmt(p.quantity)} x {_fmt(p.unit_price)}, volume tier {_fmt(p.lower)}–{upper}"
    out = []
    for p in parts:
        first = p.lower + 1 if p.lower.denominator == 1 else p.lower
        last = p.lower + p.quantity
        out.append(f"{_fmt(first)}–{_fmt(last)} x {_fmt(p.unit_price)}")
    return "; ".join(out)


# --- one version segment ----------------------------------------------------------------------


@dataclass
class _Units:
    day: Fraction = Fraction(0)
    night: Fraction = Fraction(0)

    @property
    def total(self) -> Fraction:
        return self.day + self.night


def _split_usage(
    ch: spec.UsageCharge, events: list[tuple[datetime, spec.UsageEvent]]
) -> tuple[_Units, list[_Units], int]:
    """Off-peak units and units per window (windows sorted by start); and the raw event count."""
    windows = sorted(ch.windows, key=lambda w: w.start)
    off = _Units()
    per_window = [_Units() for _ in windows]
    count = 0
    for local, ev in events:
        if ev.unit != ch.unit:
            continue
        count += 1
        q = _f(ev.quantity)
        bucket = off
        for i, w in enumerate(windows):
            if w.start <= local < w.end:
                bucket = per_window[i]
                break
        if _is_night(local.hour, ch):
            bucket.night += q
        else:
            bucket.day += q
    return off, per_window, count


def _segment_lines(
    ch: spec.UsageCharge,
    window: spec.PeakWindow | None,
    units: _Units,
    used: Fraction,
    vat_rate: Decimal,
    tag: str,
) -> list[Line]:
    total = units.total
    if total > 0:
        day = units.day - used * units.day / total
        night = units.night - used * units.night / total
    else:
        day = night = Fraction(0)
    q = day + night
    priced = price_quantity(q, ch, window)
    lines = []
    if window is None:
        kind, code, label = "usage", f"{ch.code}{tag}", ch.name
    else:
        kind, code, label = "peak", f"{ch.code}:{window.name}{tag}", f"{ch.name} · {window.name}"
    detail = _tier_text(priced.tiers, priced.note == "volume") if priced.tiers else priced.note
    allowance = f", allowance {_fmt(used)} of {_fmt(total)}" if used else ""
    if window is None or total > 0:
        lines.append(
            Line(
                kind=kind,
                code=code,
                description=f"{label}: {_fmt(q)} units ({detail}){allowance}",
                quantity=q,
                unit_price=priced.unit_price,
                tiers=priced.tiers,
                exact=priced.amount,
                amount=round_fen(priced.amount),
                vat_rate=vat_rate,
            )
        )
    rate = _f(ch.night_rate)
    if night > 0 and rate > 0 and q > 0:
        exact = priced.amount * night * rate / q
        unit = priced.amount * rate / q
        lines.append(
            Line(
                kind="night",
                code=f"{code}:night",
                description=f"{label} night surcharge: {_fmt(night)} units x {_fmt(unit)}",
                quantity=night,
                unit_price=unit,
                tiers=(),
                exact=exact,
                amount=round_fen(exact),
                vat_rate=vat_rate,
            )
        )
    return lines


def _charge_lines(
    ch: spec.UsageCharge,
    events: list[tuple[datetime, spec.UsageEvent]],
    share: Fraction,
    version_rate: Decimal,
    tag: str,
) -> tuple[list[Line], int]:
    vat_rate = ch.vat_rate if ch.vat_rate is not None else version_rate
    off, per_window, count = _split_usage(ch, events)
    left = _f(ch.included) * share
    used_off = min(left, off.total)
    left -= used_off
    lines = _segment_lines(ch, None, off, used_off, vat_rate, tag)
    for w, units in zip(sorted(ch.windows, key=lambda w: w.start), per_window, strict=True):
        used = min(left, units.total)
        left -= used
        lines += _segment_lines(ch, w, units, used, vat_rate, tag)
    minimum = round_fen(_f(ch.minimum) * share)
    billed = sum((ln.amount for ln in lines), Decimal(0))
    if minimum > billed:
        gap = minimum - billed
        lines.append(
            Line(
                "charge_minimum",
                f"{ch.code}:minimum{tag}",
                f"{ch.name} minimum {minimum} true-up",
                Fraction(1),
                _f(gap),
                (),
                _f(gap),
                gap,
                vat_rate,
            )
        )
    return lines, count


# --- the month --------------------------------------------------------------------------------


def _segments(cm: spec.ContractMonth) -> list[tuple[spec.Terms, list[date]]]:
    """Versions in force in the month with their active local days (D1)."""
    c = cm.contract
    out = []
    for v in sorted(c.versions, key=lambda v: v.valid_from):
        days = [
            d
            for d in _month_days(cm.month)
            if c.start <= d
            and (c.end is None or d < c.end)
            and v.valid_from <= d
            and (v.valid_to is None or d < v.valid_to)
        ]
        if days:
            out.append((v, days))
    return out


def _sla(
    pool: spec.SlaPool, fee_lines: list[Line], primary: Decimal
) -> tuple[list[SlaRow], list[Line], dict[str, bool]]:
    applicable = set()
    if spec.POOL_BASE in pool.applies_to:
        applicable.add("base")
    if spec.POOL_USAGE in pool.applies_to:
        applicable |= {"usage", "peak", "night", "charge_minimum"}
    if spec.POOL_MINIMUM in pool.applies_to:
        applicable.add("minimum")
    by_rate: dict[Decimal, Fraction] = {}
    for ln in fee_lines:
        if ln.kind in applicable:
            by_rate[ln.vat_rate] = by_rate.get(ln.vat_rate, Fraction(0)) + _f(ln.amount)
    fees = sum(by_rate.values(), Fraction(0))
    weights = sum((_f(k.weight) for k in pool.kpis), Fraction(0))
    exacts, mets, over = [], [], {}
    for k in pool.kpis:
        if k.measured is None:
            met = None
        elif k.direction == spec.GTE:
            met = k.measured >= k.target
        else:
            met = k.measured <= k.target
        credit = Fraction(0)
        if met is False and fees > 0 and weights > 0:
            credit = _f(pool.share) * fees * _f(k.weight) / weights
            if k.cap is not None:
                credit = min(credit, _f(k.cap) * fees)
        eb = k.earn_back_target
        over[k.kpi] = bool(
            met and eb is not None and (k.measured >= eb if k.direction == spec.GTE else k.measured <= eb)
        )
        exacts.append(credit)
        mets.append(met)
    raw = sum(exacts, Fraction(0))
    total = raw if pool.cap is None else min(raw, _f(pool.cap) * fees)
    if raw > 0 and total != raw:
        exacts = [e * total / raw for e in exacts]
    credit = round_fen(total)
    rounded = [round_fen(e) for e in exacts]
    residue = credit - sum(rounded, Decimal(0))
    largest = max(range(len(exacts)), key=lambda i: (exacts[i], -i)) if exacts else None
    rows = []
    for i, k in enumerate(pool.kpis):
        res = residue if i == largest else Decimal(0)
        rows.append(
            SlaRow(k.kpi, k.target, k.direction, k.measured, mets[i], over[k.kpi], exacts[i], rounded[i] + res, res)
        )
    lines = []
    if credit > 0:
        rates = sorted(by_rate)
        parts = {r: round_fen(_f(credit) * by_rate[r] / fees) for r in rates}
        biggest = max(rates, key=lambda r: (by_rate[r], -r))
        parts[biggest] += credit - sum(parts.values(), Decimal(0))
        for r in rates:
            if parts[r]:
                lines.append(
                    Line(
                        "sla_credit",
                        f"sla:{r}",
                        f"SLA credit (VAT {r})",
                        Fraction(1),
                        -_f(parts[r]),
                        (),
                        -_f(parts[r]),
                        -parts[r],
                        r,
                    )
                )
    return rows, lines, over


def _earn_back(cm: spec.ContractMonth, over: dict[str, bool], primary: Decimal) -> list[Line]:
    lines = []
    for past in sorted(cm.history, key=lambda p: (p.month, p.kpi)):
        gap = _months_between(past.month, cm.month)
        left = past.amount - past.earned_back
        if over.get(past.kpi) and 1 <= gap <= cm.contract.earn_back_months and left > 0:
            lines.append(
                Line(
                    "earn_back",
                    f"earn_back:{past.kpi}:{past.month:%Y-%m}",
                    f"Earn-back of the {past.kpi} credit of {past.month:%Y-%m}",
                    Fraction(1),
                    _f(left),
                    (),
                    _f(left),
                    left,
                    primary,
                )
            )
    return lines


def price_month(cm: spec.ContractMonth) -> Statement:
    """Price one contract-month by the rules and decisions of this module's docstring."""
    validate(cm)
    dim = days_in_month(cm.month)
    segments = _segments(cm)
    located = [(_local(ev.at), ev) for ev in cm.events]
    in_month = {d for _, days in segments for d in days}
    ignored = sum(1 for local, _ in located if local.date() not in in_month)
    multi = len(segments) > 1
    fee_lines: list[Line] = []
    usage_counted = 0
    has_usage_charges = False
    minimum_exact = Fraction(0)
    for v, days in segments:
        share = Fraction(len(days), dim)
        tag = f"@{v.valid_from:%m-%d}" if multi else ""
        minimum_exact += _f(v.monthly_minimum) * share
        for fee in v.base_fees:
            exact = _f(fee.amount) * len(days) / dim
            rate = fee.vat_rate if fee.vat_rate is not None else v.vat_rate
            prorate = "" if len(days) == dim else f" x {len(days)}/{dim} days"
            fee_lines.append(
                Line(
                    "base",
                    f"{fee.code}{tag}",
                    f"{fee.name}: {fee.amount}{prorate}",
                    _f(len(days)) / dim,
                    _f(fee.amount),
                    (),
                    exact,
                    round_fen(exact),
                    rate,
                )
            )
        day_set = set(days)
        events = [(local, ev) for local, ev in located if local.date() in day_set]
        for ch in v.charges:
            has_usage_charges = True
            lines, _ = _charge_lines(ch, events, share, v.vat_rate, tag)
            fee_lines += lines
            usage_counted += sum(1 for _, ev in events if ev.unit == ch.unit and ev.quantity > 0)
    primary = segments[-1][0].vat_rate if segments else cm.contract.versions[-1].vat_rate
    minimum = round_fen(minimum_exact)
    billed = sum((ln.amount for ln in fee_lines), Decimal(0))
    if minimum > billed:
        gap = minimum - billed
        fee_lines.append(
            Line(
                "minimum",
                "minimum",
                f"Monthly minimum {minimum} true-up",
                Fraction(1),
                _f(gap),
                (),
                _f(gap),
                gap,
                primary,
            )
        )
    sla_rows: list[SlaRow] = []
    sla_lines: list[Line] = []
    over: dict[str, bool] = {}
    pool = segments[-1][0].sla if segments else None
    if pool is not None:
        sla_rows, sla_lines, over = _sla(pool, fee_lines, primary)
    eb_lines = _earn_back(cm, over, primary)
    lines = fee_lines + sla_lines + eb_lines
    bases: dict[Decimal, Decimal] = {}
    for ln in lines:
        bases[ln.vat_rate] = bases.get(ln.vat_rate, Decimal(0)) + ln.amount
    vat = tuple(VatRow(r, bases[r], round_fen(_f(bases[r]) * _f(r))) for r in sorted(bases))
    subtotal = sum((ln.amount for ln in lines), Decimal("0.00"))
    vat_total = sum((row.vat for row in vat), Decimal("0.00"))
    no_usage = has_usage_charges and usage_counted == 0
    return Statement(
        lines=tuple(lines),
        sla_rows=tuple(sla_rows),
        vat=vat,
        subtotal=subtotal,
        vat_total=vat_total,
        total=subtotal + vat_total,
        no_usage=no_usage,
        problems=(NO_USAGE,) if no_usage else (),
        ignored_events=ignored,
    )


def credits_of(statement: Statement, month: date) -> tuple[spec.PastCredit, ...]:
    """This month's per-KPI credits as history for the next months (earned back nothing yet)."""
    return tuple(spec.PastCredit(month, r.kpi, r.credit) for r in statement.sla_rows if r.credit > 0)


def history_after(cm: spec.ContractMonth, statement: Statement) -> tuple[spec.PastCredit, ...]:
    """The history the next month sees: earned-back amounts booked, this month's credits added."""
    came_back: dict[tuple[str, date], Decimal] = {}
    for ln in statement.lines:
        if ln.kind == "earn_back":
            _, kpi, month = ln.code.split(":")
            came_back[(kpi, date.fromisoformat(month + "-01"))] = ln.amount
    kept = tuple(
        spec.PastCredit(p.month, p.kpi, p.amount, p.earned_back + came_back.get((p.kpi, p.month), Decimal(0)))
        for p in cm.history
    )
    return kept + credits_of(statement, cm.month)
