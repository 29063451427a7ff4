"""Blind reference for issue #17 §3: the commission charge on the monthly statement, and clawbacks.

Written from issue #17 §3 and the billing rules (issue #14, docs/billing_rules.md) alone, without
reading ``apps/contracts`` or ``apps/orders``. Plain data in, lines (description, amount) out.

THE RULES
C1  commission = rate x net attributed GMV of the period, with graduated or volume tiers over GMV,
    a minimum and a cap, and peak windows with their own rate (issue #17 §3).
C2  Exact arithmetic; one rounding per line, half-up, to the fen (billing rule 1).
C3  A unit numbered k (1-based) belongs to the tier with lower < k <= upper. Graduated: each unit
    at its own tier's rate. Volume: every unit at the rate of the tier that holds the last unit.
    Tiers restart in each peak window: the window's units count from zero (billing rule 2).
C4  Peak windows are local [start, end) ranges in Asia/Shanghai, to the hour; a window has exactly
    one of: a multiplier (each unit's normal rate x multiplier, tier by tier), its own tiers
    (counted from zero), or its own flat rate (every unit in the window at that rate, whatever
    the model). Windows never overlap (billing rule 3).
C5  The minimum is compared with the sum of the rounded lines; a true-up line makes that subtotal
    exactly the minimum (billing rule 6).
C6  Refunds that arrive after a statement was issued are clawed back on the next statement as
    their own line naming the original period, never by changing the issued statement.
C7  The statement shows the base in words: orders, refunds deducted, rate per tier.

DECISIONS (where the rules are silent)
K1  The "unit" of a money amount is the fen (0.01 CNY); tier bounds are written in yuan. The k-th
    fen sits at amount k x 0.01 and belongs to the tier with lower < k x 0.01 <= upper. Hence, for
    a segment's GMV g: graduated = sum over tiers of rate x (min(g, upper) - lower)+, which is the
    same as treating GMV as a continuous amount; volume = g x the rate of the tier with
    lower < g <= upper, so exactly 10,000.00 on (0, 10,000] @ 3% and (10,000, inf) @ 2% is charged
    at 3%, and 10,000.01 at 2% on all of it. GMV of 0 falls in no tier and costs 0. Amounts off the
    fen grid are taken as they are (continuous reading), never rounded before the line.
K2  Tiers must start at 0, be contiguous (each lower = previous upper) and the last one is open
    (upper None); otherwise ValueError. Model 'flat' uses ``rate`` and no tiers; 'graduated' and
    'volume' use ``tiers`` and ignore ``rate``.
K3  The GMV of an order falls at its ``created_at`` (the moment the attribution rules look at); it
    decides both the statement period (the local calendar month of ``created_at``) and the peak
    window (local ``start <= created_at < end``). Items outside the period are ignored.
K4  An item's net GMV = amount_paid - refunded, floored at 0; its order count is shown in words
    even when fully refunded ("refunds deducted"). The caller passes only commissionable items
    (human-attributed orders, plus bot-assisted ones when the contract says so).
K5  Lines: one line per segment that holds at least one item: the off-peak segment first, then the
    windows in start order. Each line's amount is the exact sum of its tier pieces, rounded once
    (half-up to the fen). The tier breakdown is in the description, not separate lines.
K6  A window's own tiers follow the charge's model when it is graduated or volume, else they are
    graduated. A multiplier multiplies every tier rate (or the flat rate) and tiers restart in the
    window. A window's flat rate ignores tiers.
K7  Minimum and cap apply to the sum of the rounded segment lines of the period (the commission
    subtotal): below the minimum, a true-up line brings it to exactly the minimum (also when there
    is no GMV at all); above the cap, a negative cap line brings it to exactly the cap. cap >=
    minimum is required. No proration: the terms are those of the whole period.
K8  Clawback: for an issued period P, the commission is recomputed for P with the items of the
    issued statement and the terms of P, but with the cumulative refunds known now (refunded =
    max(as issued, now): an export that lost a refund never reverses one; orders that were not on
    the statement never enter it). charged = total of P's issued lines + the clawback lines already
    billed for P (``already_clawed_back``, <= 0). clawback = recomputed - charged, as one line per
    original period on the next statement, emitted only when negative; its description names P
    ("原账期 YYYY-MM") and the refunds since issue. Minimum and cap take part: a period held at its
    minimum claws nothing back. Under volume tiers a refund can move GMV down into a tier with a
    higher rate, so the recomputation can exceed the charge: a refund never raises a charge, so no
    line then (and nothing positive is ever billed for an issued period). The amount is exact in
    fen (a difference of rounded totals): no new rounding.
K9  Windows must be to the hour (minute = second = microsecond = 0), end > start, and not overlap;
    given as aware datetimes or naive local datetimes (read in ``tz``). Several of multiplier /
    tiers / flat rate on one window raise ValueError, as does none.
K10 Descriptions are Chinese statement text with the period written YYYY-MM; amounts are Decimal
    with two places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

FEN = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class Tier:
    lower: Decimal
    upper: Decimal | None
    rate: Decimal  # a fraction: 0.03 = 3 %


@dataclass(frozen=True)
class PeakWindow:
    start: dt.datetime
    end: dt.datetime
    multiplier: Decimal | None = None
    tiers: tuple[Tier, ...] | None = None
    rate: Decimal | None = None
    name: str = ""


@dataclass(frozen=True)
class CommissionTerms:
    model: str = "flat"  # 'flat' | 'graduated' | 'volume'
    rate: Decimal = ZERO
    tiers: tuple[Tier, ...] = ()
    minimum: Decimal | None = None
    cap: Decimal | None = None
    windows: tuple[PeakWindow, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CommissionItem:
    order_id: str
    created_at: dt.datetime
    amount_paid: Decimal
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return max(ZERO, Decimal(self.amount_paid) - Decimal(self.refunded))


@dataclass(frozen=True)
class Line:
    description: str
    amount: Decimal
    kind: str = "commission"  # 'commission' | 'peak' | 'minimum' | 'cap' | 'clawback'


def round_fen(value: Fraction | Decimal) -> Decimal:
    """Half-up to the fen, exactly (no float)."""
    frac = Fraction(value)
    scaled = frac * 100
    sign = -1 if scaled < 0 else 1
    scaled = abs(scaled)
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(sign * whole) / 100).quantize(FEN)


def _validate_tiers(tiers: Sequence[Tier]) -> None:
    if not tiers:
        raise ValueError("tiers required")
    expected = ZERO
    for i, tier in enumerate(tiers):
        if Decimal(tier.lower) != expected:
            raise ValueError("tiers must start at 0 and be contiguous")
        last = i == len(tiers) - 1
        if tier.upper is None:
            if not last:
                raise ValueError("only the last tier may be open")
        else:
            if Decimal(tier.upper) <= Decimal(tier.lower):
                raise ValueError("tier upper must exceed lower")
            if last:
                raise ValueError("the last tier must be open (upper None)")
            expected = Decimal(tier.upper)


def _local(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def _validate(terms: CommissionTerms, tz: ZoneInfo) -> list[PeakWindow]:
    if terms.model not in ("flat", "graduated", "volume"):
        raise ValueError(f"unknown model {terms.model!r}")
    if terms.model != "flat":
        _validate_tiers(terms.tiers)
    if terms.minimum is not None and terms.cap is not None and terms.cap < terms.minimum:
        raise ValueError("cap below minimum")
    windows = sorted(terms.windows, key=lambda w: _local(w.start, tz))
    for w in windows:
        kinds = sum(x is not None for x in (w.multiplier, w.tiers, w.rate))
        if kinds != 1:
            raise ValueError("a window has exactly one of multiplier, tiers, rate")
        if w.tiers is not None:
            _validate_tiers(w.tiers)
        for t in (_local(w.start, tz), _local(w.end, tz)):
            if (t.minute, t.second, t.microsecond) != (0, 0, 0):
                raise ValueError("windows are to the hour")
        if not _local(w.end, tz) > _local(w.start, tz):
            raise ValueError("window end must be after start")
    for a, b in zip(windows, windows[1:], strict=False):
        if _local(b.start, tz) < _local(a.end, tz):
            raise ValueError("windows overlap")
    return windows


def _pct(rate: Fraction) -> str:
    pct = Decimal(rate.numerator) / Decimal(rate.denominator) * 100
    return f"{pct.normalize():f}%"


def _money(value: Decimal | Fraction) -> str:
    d = value if isinstance(value, Decimal) else Decimal(value.numerator) / Decimal(value.denominator)
    return f"¥{d:,.2f}"


def _tier_pieces(
    g: Fraction, tiers: Sequence[Tier], model: str, mult: Fraction
) -> list[tuple[Fraction, Fraction, Fraction, Fraction]]:
    """(lower, upper_or_g, base, rate) pieces of GMV g; K1."""
    if g <= 0:
        return []
    if model == "volume":
        for t in tiers:
            lo = Fraction(t.lower)
            hi = None if t.upper is None else Fraction(t.upper)
            if lo < g and (hi is None or g <= hi):
                return [(Fraction(0), g, g, Fraction(t.rate) * mult)]
        raise AssertionError("no tier holds the last unit")
    pieces = []
    for t in tiers:
        lo = Fraction(t.lower)
        hi = None if t.upper is None else Fraction(t.upper)
        if g <= lo:
            break
        top = g if hi is None else min(g, hi)
        pieces.append((lo, top, top - lo, Fraction(t.rate) * mult))
    return pieces


def _segment_line(label: str, items: list[CommissionItem], pieces, kind: str) -> Line:
    paid = sum((Decimal(i.amount_paid) for i in items), ZERO)
    refunds = sum((Decimal(i.amount_paid) - i.net for i in items), ZERO)
    net = sum((i.net for i in items), ZERO)
    exact = sum((base * rate for _, _, base, rate in pieces), Fraction(0))
    parts = "; ".join(f"{_money(lo)}–{_money(hi)} × {_pct(rate)}" for lo, hi, _, rate in pieces) or "无"
    desc = f"{label}: {len(items)} 单, 实付 {_money(paid)}, 退款扣除 {_money(refunds)}, 净额 {_money(net)}; {parts}"
    return Line(desc, round_fen(exact), kind)


def period_bounds(period: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    year, month = (int(x) for x in period.split("-"))
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def commission_lines(
    items: Iterable[CommissionItem],
    terms: CommissionTerms,
    *,
    period: str,
    tz: str = "Asia/Shanghai",
) -> list[Line]:
    """The commission lines of one statement period 'YYYY-MM' (K3-K7)."""
    zone = ZoneInfo(tz)
    windows = _validate(terms, zone)
    p_start, p_end = period_bounds(period, zone)
    off: list[CommissionItem] = []
    in_window: list[list[CommissionItem]] = [[] for _ in windows]
    for item in items:
        if item.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        at = item.created_at.astimezone(zone)
        if not (p_start <= at < p_end):
            continue
        for i, w in enumerate(windows):
            if _local(w.start, zone) <= at < _local(w.end, zone):
                in_window[i].append(item)
                break
        else:
            off.append(item)

    lines: list[Line] = []
    base_tiers = terms.tiers if terms.model != "flat" else (Tier(ZERO, None, terms.rate),)
    base_model = terms.model if terms.model != "flat" else "graduated"
    if off:
        g = sum((Fraction(i.net) for i in off), Fraction(0))
        lines.append(
            _segment_line(
                f"佣金 {period} 非高峰", off, _tier_pieces(g, base_tiers, base_model, Fraction(1)), "commission"
            )
        )
    for w, w_items in zip(windows, in_window, strict=True):
        if not w_items:
            continue
        g = sum((Fraction(i.net) for i in w_items), Fraction(0))
        if w.rate is not None:
            pieces = _tier_pieces(g, (Tier(ZERO, None, w.rate),), "graduated", Fraction(1))
        elif w.tiers is not None:
            model = terms.model if terms.model in ("graduated", "volume") else "graduated"
            pieces = _tier_pieces(g, w.tiers, model, Fraction(1))
        else:
            pieces = _tier_pieces(g, base_tiers, base_model, Fraction(w.multiplier))
        s, e = _local(w.start, zone), _local(w.end, zone)
        label = f"佣金 {period} 高峰 {w.name + ' ' if w.name else ''}{s:%Y-%m-%d %H:%M}–{e:%Y-%m-%d %H:%M}"
        lines.append(_segment_line(label, w_items, pieces, "peak"))

    subtotal = sum((line.amount for line in lines), ZERO)
    if terms.minimum is not None and subtotal < Decimal(terms.minimum):
        minimum = Decimal(terms.minimum).quantize(FEN)
        lines.append(Line(f"佣金 {period} 最低收费补足至 {_money(minimum)}", minimum - subtotal, "minimum"))
    elif terms.cap is not None and subtotal > Decimal(terms.cap):
        cap = Decimal(terms.cap).quantize(FEN)
        lines.append(Line(f"佣金 {period} 封顶 {_money(cap)}", cap - subtotal, "cap"))
    return lines


def commission_total(
    items: Iterable[CommissionItem], terms: CommissionTerms, *, period: str, tz: str = "Asia/Shanghai"
) -> Decimal:
    return sum((line.amount for line in commission_lines(items, terms, period=period, tz=tz)), ZERO)


def clawback_lines(
    issued_items: Iterable[CommissionItem],
    current_items: Iterable[CommissionItem],
    terms: CommissionTerms,
    *,
    period: str,
    already_clawed_back: Decimal = ZERO,
    tz: str = "Asia/Shanghai",
) -> list[Line]:
    """K8: the clawback for issued period ``period`` to put on the next statement ([] or one line).

    ``issued_items`` are the items exactly as on the issued statement; ``current_items`` carry the
    cumulative refunds known now (matched by order_id; orders not issued are ignored);
    ``already_clawed_back`` is the sum (<= 0) of the clawback lines already billed for the period.
    """
    issued = list(issued_items)
    now = {i.order_id: i for i in current_items}
    recomputed = []
    refunds_after_issue = ZERO
    for item in issued:
        cur = now.get(item.order_id)
        refunded = Decimal(item.refunded) if cur is None else max(Decimal(item.refunded), Decimal(cur.refunded))
        new = CommissionItem(item.order_id, item.created_at, item.amount_paid, refunded)
        refunds_after_issue += item.net - new.net
        recomputed.append(new)
    charged = commission_total(issued, terms, period=period, tz=tz) + Decimal(already_clawed_back)
    diff = commission_total(recomputed, terms, period=period, tz=tz) - charged
    if diff >= 0:
        return []
    desc = f"佣金追回 原账期 {period}: 结算单开具后退款 {_money(refunds_after_issue)}"
    return [Line(desc, diff, "clawback")]
