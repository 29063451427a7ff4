"""The pricing engine: a contract's terms plus a period's usage in, an invoice's lines out.

Pure Python: no ORM, no clock, no I/O. The billing run turns models into these dataclasses, calls
`price_period`, and writes what comes back. Amounts are CNY; quantities are units of the charge's
metric; rates and shares are fractions (0.06 = 6 %).

The rules (issue #14; they are the contract, and the engine follows them exactly):

1. Exact arithmetic, one rounding per line. Quantities and prices stay exact (the engine works in
   `fractions.Fraction` internally); a fraction such as days/days-in-period is applied as a product
   and divided once. Only a line's amount is rounded, half up (away from zero), to the fen. A
   prorated allowance of 21,000 × 7/30 is exactly 4,900 units; a prorated base fee of
   20,000.26 × 1/28 is 714.30. VAT is charged once per rate on the sum of the rounded lines.
2. Tier boundaries. Unit k (1-based) belongs to the tier with lower < k ≤ upper. Graduated: each
   unit at its own tier's price. Volume: every unit at the price of the tier holding the last unit
   (1,000 units on (0, 1,000] @ 1.50, (1,000, 5,000] @ 1.20 cost 1,500.00). A tier's flat fee is
   added once when the tier holds a unit (graduated) or holds the last unit (volume). Tiers restart
   in each peak window: the window's units count from zero.
3. Peak windows are half-open local-time ranges [start, end) in Asia/Shanghai, to the hour (Double
   11 from 20:00 on 10 Nov; the 00:00–02:00 rush). A window has exactly one of a multiplier (each
   unit's normal price × the multiplier, tier by tier, under the charge's model), its own tiers
   (counted from zero, under the charge's model when it is graduated or volume, graduated
   otherwise) or its own flat unit price (every unit in the window at that price, whatever the
   charge model, package included). Windows of one charge never overlap.
4. Night surcharge. Night units are surcharged at the price they were billed at in their own
   segment (off-peak, or one window): (segment amount ÷ segment billed units) × rate, i.e. the unit
   price for a flat or standard segment, the tier's price for volume, the segment's average price for
   graduated and package segments. One night line per segment; never a blend of two segments.
5. Allowance. The included units (prorated exactly, rule 1) are consumed by off-peak units first,
   then by the windows in date order; within a segment they are shared between day and night units
   pro rata (a segment's billed night units = night × billed / used).
6. Minimum with true-up. A charge's minimum (prorated, rounded) is compared with the sum of that
   charge's rounded lines in its version; the monthly minimum (each version's minimum × its days /
   days in the month, summed exactly, rounded once) with the sum of all the month's rounded fee
   lines. A true-up line makes that subtotal exactly the minimum (the monthly one at the VAT rate of
   the last version in force). Minimums come before SLA credits.
7. SLA credits are computed on the invoiced (rounded) fees the pool applies to (base fees, usage
   lines, the minimum true-up — each can be switched off per version): pool = fees × at-risk share,
   split over the KPIs by weight (over all the pool's weights), a missed KPI costs its whole share,
   capped at its own cap × fees; the total is capped at the SLA cap × fees (0: no cap), the rows
   scaled down together. The credit is the exact total rounded once; each KPI row is rounded and the
   residue goes to the row with the largest exact credit (the first in the pool's order on a tie),
   so the rows add up exactly to the credit. When the fees carry two VAT rates the credit is split
   over them pro rata to the applicable fees at each rate, each part rounded, the residue to the
   rate with the largest fees (the lowest rate on a tie): one credit line per rate.
8. Earn-back. A credit for KPI X in month M is earned back only by over-performance of the same
   KPI X (measured, meets its target and its earn-back target) in a later month N with
   1 ≤ N − M ≤ the contract's earn-back window (default 3 months, 1–12), as a separate positive
   line in month N that names month M, for the whole outstanding amount of month M's KPI row. Every
   outstanding credit of X inside the window comes back (one line each); a credit comes back once.
   One KPI never cancels another's credit, and never in the same month.
9. Packages charge partial blocks by the charge's rounding option: up (default, every started
   block), pro rata (quantity ÷ size × price), or down (whole blocks only).
10. No usage, no silent base-fee-only invoice. A contract whose versions in force have usage
    charges and no usage of a charged metric (quantity > 0) on their days gets the problem
    `no_usage` ("no usage recorded — check imports"); the billing run flags the draft and
    approving it needs an explicit confirmation with a reason.

Decisions where the rules are silent (also in docs/billing_rules.md). They were checked against the
blind reference (tests/contracts/blind, its README's D1–D17), which made the same choices:
- Proration: a version's share of the month is its days in force / days in the month (leap February
  has 29); base fees, allowances and both minimums are prorated by it. Each version is priced on
  its own (its usage is that of its local days; tiers, windows and the allowance restart in it).
- The SLA pool, caps and earn-back window of the last version in force apply to the month. An
  earn-back line and the monthly true-up carry that version's VAT rate; a charge may have a VAT
  rate of its own (empty: the version's).
- A KPI with no measurement owes no credit and earns nothing back.
- A window multiplier also multiplies tier flat fees and a package's block price; a window's own
  flat price ignores the model (no blocks).
- Lines: one off-peak line per usage charge and version (even at 0, it shows the allowance), one
  per window with usage, one night line per segment with billed night units.
- Usage given per day (no hour) on a day that a window splits inside the day is refused: the
  billing run reads such days per local hour from the records.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, Inexact, localcontext
from fractions import Fraction

from apps.core.money import round_money

ZERO = Decimal("0")
ONE = Decimal("1")
F0 = Fraction(0)

STANDARD = "standard"
GRADUATED = "graduated"
VOLUME = "volume"
PACKAGE = "package"
MODELS = (STANDARD, GRADUATED, VOLUME, PACKAGE)

# Package rounding of a partial block (rule 9).
ROUND_UP = "up"
ROUND_PRO_RATA = "pro_rata"
ROUND_DOWN = "down"
PACKAGE_ROUNDINGS = (ROUND_UP, ROUND_PRO_RATA, ROUND_DOWN)

# Line kinds
BASE = "base"
USAGE = "usage"
PEAK = "peak"
NIGHT = "night"
CHARGE_MINIMUM = "charge_minimum"
MINIMUM = "minimum"
SLA_CREDIT = "sla_credit"
EARN_BACK = "earn_back"
ADJUSTMENT = "adjustment"

GTE = "gte"
LTE = "lte"

# Problems a priced invoice can carry (rule 10).
NO_USAGE = "no_usage"
NO_USAGE_MESSAGE = "no usage recorded — check imports"

DEFAULT_EARN_BACK_MONTHS = 3

# What an SLA pool may apply to (rule 7): base-fee lines; usage lines (usage, peak, night and charge
# minimum); the monthly-minimum true-up.
SLA_ON_BASE = "base"
SLA_ON_USAGE = "usage"
SLA_ON_MINIMUM = "minimum"
SLA_ALL = frozenset({SLA_ON_BASE, SLA_ON_USAGE, SLA_ON_MINIMUM})
_SLA_KIND = {BASE: SLA_ON_BASE, USAGE: SLA_ON_USAGE, PEAK: SLA_ON_USAGE, NIGHT: SLA_ON_USAGE}
_SLA_KIND.update({CHARGE_MINIMUM: SLA_ON_USAGE, MINIMUM: SLA_ON_MINIMUM})


class PricingError(ValueError):
    """The terms cannot be priced (gaps in tiers, a model without its prices, ...)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------------------- exact numbers


def _f(value) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal (28 significant digits) for display and storage."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def fen(value: Fraction) -> Decimal:
    """Round an exact amount to the fen, half up (away from zero): the one rounding of a line."""
    cents = abs(value) * 100
    whole, rest = divmod(cents.numerator, cents.denominator)
    if 2 * rest >= cents.denominator:
        whole += 1
    out = (Decimal(whole) / 100).quantize(Decimal("0.01"))
    return -out if value < 0 else out


def _n(value) -> str:
    """A number for a message: 100.0000 -> 100, 0.50 -> 0.5."""
    value = to_decimal(value) if isinstance(value, Fraction) else value
    return f"{value.normalize():f}"


# ---------------------------------------------------------------------------- terms


@dataclass(frozen=True)
class TierSpec:
    """Unit k is in this tier when lower < k ≤ upper (upper None: open); `flat_fee` once when used."""

    lower: Decimal
    upper: Decimal | None
    unit_price: Decimal
    flat_fee: Decimal = ZERO


def _local(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time())


@dataclass(frozen=True)
class PeakWindowSpec:
    """Local time [start, end) priced apart: a multiplier, own tiers, or an own flat unit price.

    `start`/`end` are naive Asia/Shanghai datetimes on the hour (a date means 00:00 of that day).
    """

    name: str
    start: date | datetime
    end: date | datetime
    multiplier: Decimal | None = None
    unit_price: Decimal | None = None
    tiers: tuple[TierSpec, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "start", _local(self.start))
        object.__setattr__(self, "end", _local(self.end))

    def covers(self, day: date, hour: int | None = None) -> bool:
        """Whether usage of `day` (at local `hour`, or the whole day) falls in the window."""
        if hour is not None:
            at = datetime.combine(day, time(hour))
            return self.start <= at < self.end
        begin = datetime.combine(day, time())
        end = begin + timedelta(days=1)
        if self.start <= begin and end <= self.end:
            return True
        if end <= self.start or self.end <= begin:
            return False
        raise PricingError(
            f"usage of {day.isoformat()} must come per hour: window {self.name} starts or ends within that day",
            field="usage",
        )

    def splits(self, day: date) -> bool:
        """Whether the window starts or ends inside `day` (not at midnight)."""
        begin = datetime.combine(day, time())
        return any(begin < edge < begin + timedelta(days=1) for edge in (self.start, self.end))


def validate_window(window: PeakWindowSpec, *, field: str = "peak_windows") -> None:
    """A window ends after it starts, on the hour, and has exactly one of multiplier/tiers/price."""
    if window.end <= window.start:
        raise PricingError(f"window {window.name} must end after it starts", field=field)
    for edge in (window.start, window.end):
        if edge.minute or edge.second or edge.microsecond:
            raise PricingError(f"window {window.name} must start and end on the hour", field=field)
    kinds = sum((window.multiplier is not None, bool(window.tiers), window.unit_price is not None))
    if kinds != 1:
        raise PricingError(
            f"window {window.name} needs exactly one of a multiplier, its own tiers or its own unit price",
            field=field,
        )
    if window.multiplier is not None and window.multiplier <= ZERO:
        raise PricingError(f"window {window.name}: the multiplier must be positive", field=field)
    if window.unit_price is not None and window.unit_price < ZERO:
        raise PricingError(f"window {window.name}: the unit price must not be negative", field=field)
    if window.tiers:
        validate_tiers(window.tiers, field=field)


def validate_windows(windows, *, field: str = "peak_windows") -> None:
    """Every window valid, and no two windows of one charge overlap."""
    ordered = sorted(windows, key=lambda w: w.start)
    for window in ordered:
        validate_window(window, field=field)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise PricingError(f"windows {a.name} and {b.name} overlap", field=field)


@dataclass(frozen=True)
class ChargeSpec:
    code: str
    name: str
    kind: str = USAGE  # "base" or "usage"
    amount: Decimal = ZERO  # monthly base fee
    metric: str = ""
    model: str = STANDARD
    unit_price: Decimal | None = None
    tiers: tuple[TierSpec, ...] = ()
    package_size: Decimal | None = None
    package_price: Decimal | None = None
    package_rounding: str = ROUND_UP
    included: Decimal = ZERO
    platforms: tuple[str, ...] = ()
    store_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    peak_windows: tuple[PeakWindowSpec, ...] = ()
    night_surcharge: Decimal = ZERO
    minimum: Decimal = ZERO
    vat_rate: Decimal | None = None  # None: the version's rate

    def matches(self, item: UsageItem) -> bool:
        if item.metric != self.metric:
            return False
        if self.platforms and item.platform not in self.platforms:
            return False
        if self.store_ids and item.store_id not in self.store_ids:
            return False
        return not (self.channels and item.channel not in self.channels)


@dataclass(frozen=True)
class SlaTermSpec:
    kpi: str
    name: str
    target: Decimal
    comparison: str = GTE  # measured >= target (rates) or <= target (times)
    weight: Decimal = ONE
    cap: Decimal | None = None  # most this KPI alone may cost, as a share of the fees
    earn_back: bool = False
    earn_back_target: Decimal | None = None

    def meets(self, value: Decimal, target: Decimal) -> bool:
        return value <= target if self.comparison == LTE else value >= target


@dataclass(frozen=True)
class SlaMeasurement:
    kpi: str
    value: Decimal | None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PriorCredit:
    """A KPI's credit row of an earlier month (`month` = its first day) not yet earned back."""

    kpi: str
    month: date
    amount: Decimal  # positive, as on that month's statement


@dataclass(frozen=True)
class VersionSpec:
    """A contract version's terms over the days [start, end) it covers inside the period."""

    label: str
    start: date
    end: date
    charges: tuple[ChargeSpec, ...] = ()
    monthly_minimum: Decimal = ZERO
    vat_rate: Decimal = Decimal("0.06")
    sla_terms: tuple[SlaTermSpec, ...] = ()
    sla_at_risk_share: Decimal = ZERO
    sla_cap: Decimal = ZERO  # 0: no overall cap
    sla_applies_to: frozenset[str] = SLA_ALL  # which lines' fees the pool is a share of
    earn_back_months: int = DEFAULT_EARN_BACK_MONTHS


@dataclass(frozen=True)
class UsageItem:
    """Usage of one business key on a local day (and local hour, when the day is read per hour).

    `night_quantity` is the part of `quantity` at night.
    """

    source: str
    source_key: str
    metric: str
    day: date
    quantity: Decimal
    night_quantity: Decimal = ZERO
    platform: str = ""
    store_id: int | None = None
    channel: str = ""
    hour: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.metric, self.source, self.source_key)


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PricedLine:
    kind: str
    code: str
    description: str
    metric: str
    quantity: Decimal
    unit_price: Decimal | None
    tiers: tuple[dict, ...]
    amount_unrounded: Decimal
    amount: Decimal
    vat_rate: Decimal
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "code": self.code,
            "description": self.description,
            "metric": self.metric,
            "quantity": str(self.quantity),
            "unit_price": None if self.unit_price is None else str(self.unit_price),
            "tiers": list(self.tiers),
            "amount_unrounded": str(self.amount_unrounded),
            "amount": str(self.amount),
            "vat_rate": str(self.vat_rate),
            "details": self.details,
        }


@dataclass(frozen=True)
class SlaOutcome:
    kpi: str
    name: str
    measured: Decimal | None
    target: Decimal
    comparison: str
    met: bool
    credit: Decimal  # this KPI's row on the statement, rounded; the rows add up to the credit lines
    details: dict
    credit_unrounded: Decimal = ZERO
    earned_back: bool = False  # the measurement beat the earn-back target


@dataclass(frozen=True)
class PricedInvoice:
    period_start: date
    period_end: date
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    vat: tuple[tuple[Decimal, Decimal], ...]  # (rate, amount) once per rate
    vat_total: Decimal
    total: Decimal
    sla: tuple[SlaOutcome, ...] = ()
    problems: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """A stable digest of the whole result: equal digests mean an identical invoice."""
        payload = {
            "period": [self.period_start.isoformat(), self.period_end.isoformat()],
            "lines": [line.as_dict() for line in self.lines],
            "vat": [[str(r), str(a)] for r, a in self.vat],
            "total": str(self.total),
            "sla": [
                [o.kpi, None if o.measured is None else str(o.measured), str(o.target), o.met, str(o.credit)]
                for o in self.sla
            ],
            "problems": list(self.problems),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# ---------------------------------------------------------------------------- charge models


def validate_tiers(tiers, *, field: str = "tiers") -> None:
    """Tiers start at 0, follow each other without gap or overlap, and only the last is open."""
    if not tiers:
        raise PricingError("a tiered charge needs at least one tier", field=field)
    ordered = sorted(tiers, key=lambda t: t.lower)
    if ordered[0].lower != ZERO:
        raise PricingError(f"the first tier must start at 0, not {_n(ordered[0].lower)}", field=field)
    for i, tier in enumerate(ordered):
        if tier.unit_price < ZERO or tier.flat_fee < ZERO:
            raise PricingError(f"tier {i + 1} has a negative price", field=field)
        if tier.upper is not None and tier.upper <= tier.lower:
            raise PricingError(
                f"tier {i + 1} ends at {_n(tier.upper)}, not after its start {_n(tier.lower)}", field=field
            )
        if i + 1 < len(ordered):
            nxt = ordered[i + 1]
            if tier.upper is None:
                raise PricingError(f"tier {i + 1} is open-ended but tier {i + 2} follows it", field=field)
            if nxt.lower > tier.upper:
                raise PricingError(f"gap between {_n(tier.upper)} and {_n(nxt.lower)} in the tiers", field=field)
            if nxt.lower < tier.upper:
                raise PricingError(f"tiers overlap between {_n(nxt.lower)} and {_n(tier.upper)}", field=field)
        elif tier.upper is not None:
            raise PricingError(f"the last tier must be open-ended, not end at {_n(tier.upper)}", field=field)


def _tier_dict(tier: TierSpec, quantity: Fraction, price: Fraction, amount: Fraction) -> dict:
    return {
        "lower": str(tier.lower),
        "upper": None if tier.upper is None else str(tier.upper),
        "unit_price": str(to_decimal(price)),
        "flat_fee": str(tier.flat_fee),
        "quantity": str(to_decimal(quantity)),
        "amount": str(to_decimal(amount)),
    }


def _package_blocks(quantity: Fraction, size: Fraction, rounding: str) -> Fraction:
    blocks = quantity / size
    if rounding == ROUND_PRO_RATA:
        return blocks
    whole = blocks.numerator // blocks.denominator
    if rounding == ROUND_DOWN or whole == blocks:
        return Fraction(whole)
    if rounding == ROUND_UP:
        return Fraction(whole + 1)
    raise PricingError(f"unknown package rounding {rounding!r}", field="package_rounding")


def price_quantity(
    *,
    model: str,
    quantity,
    unit_price=None,
    tiers: tuple[TierSpec, ...] = (),
    package_size=None,
    package_price=None,
    package_rounding: str = ROUND_UP,
    multiplier=ONE,
) -> tuple[Fraction, tuple[dict, ...], Decimal | None]:
    """(exact amount, tier breakdown, unit price or None) of `quantity` units under `model` (rule 2, 9)."""
    quantity, mult = _f(quantity), _f(multiplier)
    if quantity < 0:
        raise PricingError(f"quantity {_n(quantity)} is negative", field="quantity")
    if model == STANDARD:
        if unit_price is None:
            raise PricingError("a standard charge needs a unit price", field="unit_price")
        price = _f(unit_price) * mult
        return quantity * price, (), to_decimal(price)
    if model == PACKAGE:
        if not package_size or package_size <= ZERO or package_price is None:
            raise PricingError("a package charge needs a package size and price", field="package_size")
        blocks = _package_blocks(quantity, _f(package_size), package_rounding)
        price = _f(package_price) * mult
        breakdown = (
            {
                "packages": str(to_decimal(blocks)),
                "package_size": str(package_size),
                "package_price": str(to_decimal(price)),
                "rounding": package_rounding,
            },
        )
        return blocks * price, breakdown, None
    if model not in (GRADUATED, VOLUME):
        raise PricingError(f"unknown charge model {model!r}", field="model")
    validate_tiers(tiers)
    ordered = sorted(tiers, key=lambda t: t.lower)
    if quantity == 0:
        return F0, (), None
    if model == VOLUME:
        for tier in ordered:
            if tier.upper is None or quantity <= tier.upper:  # lower < last unit ≤ upper
                price = _f(tier.unit_price) * mult
                amount = quantity * price + _f(tier.flat_fee) * mult
                return amount, (_tier_dict(tier, quantity, price, amount),), to_decimal(price)
    total = F0
    breakdown = []
    for tier in ordered:
        lower = _f(tier.lower)
        if quantity <= lower:
            break
        top = quantity if tier.upper is None else min(quantity, _f(tier.upper))
        units = top - lower
        price = _f(tier.unit_price) * mult
        amount = units * price + _f(tier.flat_fee) * mult
        total += amount
        breakdown.append(_tier_dict(tier, units, price, amount))
    return total, tuple(breakdown), None


# ---------------------------------------------------------------------------- the period


def days_between(start: date, end: date) -> int:
    return (end - start).days


def dedupe_usage(usage) -> list[UsageItem]:
    """One item per business key (the first in a canonical order), sorted: order and copies do not matter."""
    seen: dict[tuple, UsageItem] = {}
    for item in sorted(usage, key=_usage_sort_key):
        seen.setdefault(item.key, item)
    return list(seen.values())


def _usage_sort_key(item: UsageItem):
    return (
        item.key,
        item.day,
        -1 if item.hour is None else item.hour,
        item.quantity,
        item.night_quantity,
        item.platform,
        item.store_id or 0,
        item.channel,
    )


def _line(kind, code, description, metric, quantity, unit_price, tiers, amount, vat_rate, details=None) -> PricedLine:
    """A line whose exact `amount` (Fraction or Decimal) is rounded here, once."""
    amount = _f(amount)
    return PricedLine(
        kind=kind,
        code=code,
        description=description,
        metric=metric,
        quantity=to_decimal(_f(quantity)),
        unit_price=unit_price,
        tiers=tuple(tiers),
        amount_unrounded=to_decimal(amount),
        amount=fen(amount),
        vat_rate=vat_rate,
        details=details or {},
    )


@dataclass
class _Segment:
    """Off-peak usage of a charge, or one window's: used, night, then what the allowance leaves."""

    index: int | None  # None: off-peak
    window: PeakWindowSpec | None = None
    used: Fraction = F0
    night: Fraction = F0
    included: Fraction = F0


def _segments(charge: ChargeSpec, items: list[UsageItem]) -> list[_Segment]:
    """Usage of the charge per segment. Sums are exact Decimals (Inexact is trapped), then fractions."""
    windows = sorted(charge.peak_windows, key=lambda w: w.start)
    segments = [_Segment(None)] + [_Segment(i, w) for i, w in enumerate(windows)]
    used = [ZERO] * len(segments)
    night = [ZERO] * len(segments)
    where: dict[tuple, int] = {}  # (day, hour) -> segment; most items share a few days
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        for item in items:
            key = (item.day, item.hour)
            index = where.get(key)
            if index is None:
                index = next((i for i, w in enumerate(windows, start=1) if w.covers(item.day, item.hour)), 0)
                where[key] = index
            used[index] += item.quantity
            night[index] += item.night_quantity
    for segment, u, n in zip(segments, used, night, strict=True):
        segment.used, segment.night = Fraction(u), Fraction(n)
    return segments


def _segment_price(charge: ChargeSpec, segment: _Segment, quantity: Fraction):
    window = segment.window
    common = {
        "quantity": quantity,
        "package_size": charge.package_size,
        "package_price": charge.package_price,
        "package_rounding": charge.package_rounding,
    }
    if window is None:
        return price_quantity(model=charge.model, unit_price=charge.unit_price, tiers=charge.tiers, **common)
    if window.unit_price is not None:  # its own flat price, whatever the model
        return price_quantity(model=STANDARD, quantity=quantity, unit_price=window.unit_price)
    if window.tiers:
        model = charge.model if charge.model in (GRADUATED, VOLUME) else GRADUATED
        return price_quantity(model=model, quantity=quantity, tiers=window.tiers)
    return price_quantity(
        model=charge.model,
        unit_price=charge.unit_price,
        tiers=charge.tiers,
        multiplier=window.multiplier,
        **common,
    )


def _price_usage_charge(
    charge: ChargeSpec, items: list[UsageItem], *, days: int, period_days: int, vat_rate: Decimal, suffix: str
) -> list[PricedLine]:
    """The lines of one usage charge in one version: off-peak, each window, night per segment, minimum."""
    lines: list[PricedLine] = []
    segments = _segments(charge, items)
    left = _f(charge.included) * days / period_days  # rule 1: product, then one division
    allowance = left
    for segment in segments:  # rule 5: off-peak first, then windows in date order
        segment.included = min(left, segment.used)
        left -= segment.included
    for segment in segments:
        if segment.window is not None and segment.used == 0:
            continue
        billed = segment.used - segment.included
        amount, tiers, unit = _segment_price(charge, segment, billed)
        if segment.window is None:
            code, kind, name = charge.code + suffix, USAGE, charge.name
            details = {"usage": str(to_decimal(segment.used)), "included": str(to_decimal(allowance))}
        else:
            window = segment.window
            code, kind = f"{charge.code}{suffix}:peak:{segment.index}", PEAK
            name = f"{charge.name} · {window.name}"
            details = {
                "window": window.name,
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
                "usage": str(to_decimal(segment.used)),
                "multiplier": None if window.multiplier is None else str(window.multiplier),
            }
        details["included_used"] = str(to_decimal(segment.included))
        lines.append(_line(kind, code, name, charge.metric, billed, unit, tiers, amount, vat_rate, details))
        if charge.night_surcharge and segment.night > 0 and billed > 0:
            # Rule 4 and 5: billed night units = night × billed / used, at the segment's own price.
            night_billed = segment.night * billed / segment.used
            price = amount / billed
            rate = _f(charge.night_surcharge)
            lines.append(
                _line(
                    NIGHT,
                    f"{code}:night",
                    f"{name} · night +{_n(charge.night_surcharge * 100)}%",
                    charge.metric,
                    night_billed,
                    to_decimal(price * rate),
                    (),
                    night_billed * price * rate,
                    vat_rate,
                    {
                        "night_usage": str(to_decimal(segment.night)),
                        "rate": str(charge.night_surcharge),
                        "segment_price": str(to_decimal(price)),
                    },
                )
            )
    if charge.minimum:
        minimum = fen(_f(charge.minimum) * days / period_days)
        charged = sum((ln.amount for ln in lines), ZERO)
        if charged < minimum:
            lines.append(
                _line(
                    CHARGE_MINIMUM,
                    f"{charge.code}{suffix}:minimum",
                    f"{charge.name} · minimum true-up",
                    charge.metric,
                    ONE,
                    None,
                    (),
                    minimum - charged,
                    vat_rate,
                    {"minimum": str(minimum), "charged": str(charged)},
                )
            )
    return lines


# ---------------------------------------------------------------------------- SLA and earn-back


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _sla(
    version: VersionSpec,
    fees_by_rate: dict[Decimal, Decimal],
    measurements: dict[str, SlaMeasurement],
) -> tuple[list[PricedLine], list[SlaOutcome]]:
    """Credit lines (one per VAT rate) and per-KPI outcomes whose rows add up to them (rule 7)."""
    terms = list(version.sla_terms)  # in the order given (the database gives them by KPI code)
    if not terms:
        return [], []
    fees = _f(sum(fees_by_rate.values(), ZERO))
    total_weight = sum((_f(t.weight) for t in terms), F0)
    pool = fees * _f(version.sla_at_risk_share)
    raw: dict[str, Fraction] = {}
    met_by: dict[str, bool] = {}
    for term in terms:
        m = measurements.get(term.kpi)
        value = None if m is None else m.value
        met = True if value is None else term.meets(value, term.target)  # nothing measured: nothing owed
        met_by[term.kpi] = met
        share = pool * _f(term.weight) / total_weight if total_weight else F0
        if term.cap is not None:
            share = min(share, fees * _f(term.cap))
        raw[term.kpi] = F0 if met else share
    total = sum(raw.values(), F0)
    if version.sla_cap and total > fees * _f(version.sla_cap):
        cap = fees * _f(version.sla_cap)
        raw = {k: v * cap / total for k, v in raw.items()}
        total = cap
    credit = fen(total) if fees > 0 else ZERO
    lines: list[PricedLine] = []
    for rate, part in _split_by_rate(credit, fees_by_rate):
        code = SLA_CREDIT if sum(1 for v in fees_by_rate.values() if v) == 1 else f"{SLA_CREDIT}:{_n(rate)}"
        details = {
            "fees": str(fees_by_rate[rate]),
            "all_fees": str(to_decimal(fees)),
            "credit": str(credit),
            "credit_unrounded": str(to_decimal(total)),
            "at_risk_share": str(version.sla_at_risk_share),
            "cap": str(version.sla_cap),
        }
        lines.append(_line(SLA_CREDIT, code, "SLA credit", "", ONE, None, (), -part, rate, details))
    rows = _kpi_rows(raw, credit, [t.kpi for t in terms])
    outcomes = []
    for term in terms:
        m = measurements.get(term.kpi)
        value = None if m is None else m.value
        earned = bool(
            term.earn_back
            and term.earn_back_target is not None
            and value is not None
            and met_by[term.kpi]
            and term.meets(value, term.earn_back_target)
        )
        outcomes.append(
            SlaOutcome(
                kpi=term.kpi,
                name=term.name,
                measured=value,
                target=term.target,
                comparison=term.comparison,
                met=met_by[term.kpi],
                credit=rows[term.kpi],
                details={} if m is None else dict(m.details),
                credit_unrounded=to_decimal(raw[term.kpi]),
                earned_back=earned,
            )
        )
    if lines:
        kpis = [
            {
                "kpi": o.kpi,
                "name": o.name,
                "measured": None if o.measured is None else str(o.measured),
                "target": str(o.target),
                "comparison": o.comparison,
                "met": o.met,
                "credit": str(o.credit),
                "details": o.details,
            }
            for o in outcomes
        ]
        lines[0].details.update(kpis=kpis, residue_to="the largest KPI row")
    return lines, outcomes


def _kpi_rows(raw: dict[str, Fraction], total: Decimal, order: list[str]) -> dict[str, Decimal]:
    """Each KPI's credit rounded, the residue against `total` given to the largest (rule 7).

    Ties go to the first KPI in `order`.
    """
    rows = {k: fen(v) for k, v in raw.items()}
    residue = total - sum(rows.values(), ZERO)
    if residue and raw:
        largest = max(order, key=lambda k: raw[k])  # max() keeps the first of equals
        rows[largest] += residue
    return rows


def _split_by_rate(credit: Decimal, fees_by_rate: dict[Decimal, Decimal]) -> list[tuple[Decimal, Decimal]]:
    """The rounded credit split over VAT rates pro rata to the fees at each rate (rule 7).

    Each part is rounded; the residue goes to the rate with the largest fees (the lowest rate on a
    tie), so the parts add up to the credit exactly. Parts of 0.00 are left out.
    """
    fees = sum(fees_by_rate.values(), ZERO)
    if not credit or not fees:
        return []
    parts = {rate: fen(_f(credit) * _f(base) / _f(fees)) for rate, base in fees_by_rate.items()}
    largest = max(sorted(fees_by_rate), key=lambda r: fees_by_rate[r])
    parts[largest] += credit - sum(parts.values(), ZERO)
    return [(rate, parts[rate]) for rate in sorted(parts) if parts[rate]]


def _earn_back_lines(
    version: VersionSpec, outcomes: list[SlaOutcome], prior: tuple[PriorCredit, ...], period_start: date
) -> list[PricedLine]:
    """Rule 8: a credit of KPI X in month M comes back when X over-performs in a later month in the window."""
    winners = {o.kpi: o for o in outcomes if o.earned_back}
    window = version.earn_back_months
    lines = []
    for credit in sorted(prior, key=lambda c: (c.kpi, c.month)):
        outcome = winners.get(credit.kpi)
        if outcome is None or credit.amount <= ZERO:
            continue
        if not 1 <= _months_between(credit.month, period_start) <= window:
            continue
        lines.append(
            _line(
                EARN_BACK,
                f"{EARN_BACK}:{credit.kpi}:{credit.month:%Y-%m}",
                f"SLA earn-back · {outcome.name} · {credit.month:%Y-%m}",
                "",
                ONE,
                None,
                (),
                credit.amount,
                version.vat_rate,
                {
                    "kpi": credit.kpi,
                    "month": f"{credit.month:%Y-%m}",
                    "measured": None if outcome.measured is None else str(outcome.measured),
                    "window_months": window,
                },
            )
        )
    return lines


# ---------------------------------------------------------------------------- pricing a period


def _version_lines(version, start, end, period_days, items, suffix) -> tuple[list[PricedLine], bool]:
    days = days_between(start, end)
    lines: list[PricedLine] = []
    used = False
    in_version = [i for i in items if start <= i.day < end]
    for charge in sorted(version.charges, key=lambda c: c.code):
        vat = version.vat_rate if charge.vat_rate is None else charge.vat_rate
        if charge.kind == BASE:
            lines.append(
                _line(
                    BASE,
                    charge.code + suffix,
                    charge.name,
                    "",
                    Fraction(days, period_days),
                    charge.amount,
                    (),
                    _f(charge.amount) * days / period_days,
                    vat,
                    {"days": days, "period_days": period_days, "start": start.isoformat()},
                )
            )
            continue
        validate_windows(charge.peak_windows, field=f"{charge.code}.peak_windows")
        matched = [i for i in in_version if charge.matches(i)]
        used = used or any(i.quantity > ZERO for i in matched)
        lines.extend(
            _price_usage_charge(charge, matched, days=days, period_days=period_days, vat_rate=vat, suffix=suffix)
        )
    return lines, used


def _minimum_line(minimum: Decimal, lines: list[PricedLine], vat_rate: Decimal) -> list[PricedLine]:
    """Rule 6: the true-up that makes the month's rounded fee lines exactly the (prorated) minimum."""
    charged = sum((ln.amount for ln in lines), ZERO)
    if charged >= minimum:
        return []
    details = {"minimum": str(minimum), "charged": str(charged)}
    return [
        _line(MINIMUM, "minimum", "Monthly minimum true-up", "", ONE, None, (), minimum - charged, vat_rate, details)
    ]


def price_period(
    *,
    period_start: date,
    period_end: date,
    versions: list[VersionSpec] | tuple[VersionSpec, ...],
    usage,
    measurements: dict[str, SlaMeasurement] | None = None,
    prior_credits: tuple[PriorCredit, ...] | list[PriorCredit] = (),
    adjustments: tuple[PricedLine, ...] = (),
) -> PricedInvoice:
    """Price one contract for the period [period_start, period_end) by rules 1–10 (module docstring).

    `versions` are the contract's versions clipped to the period (they must not overlap). Usage of
    a day no version covers is ignored. `measurements` feed the SLA of the last version;
    `prior_credits` are the KPI credit rows of earlier months not yet earned back.
    """
    if period_end <= period_start:
        raise PricingError("the period must end after it starts", field="period_end")
    period_days = days_between(period_start, period_end)
    ordered = sorted(versions, key=lambda v: v.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise PricingError(f"versions {a.label} and {b.label} overlap", field="versions")
    items = dedupe_usage(usage)
    active = [
        (v, max(v.start, period_start), min(v.end, period_end))
        for v in ordered
        if min(v.end, period_end) > max(v.start, period_start)
    ]
    lines: list[PricedLine] = []
    any_usage_charge = any(c.kind != BASE for v, _, _ in active for c in v.charges)
    any_usage = False
    minimum = F0
    for version, start, end in active:
        suffix = f"@{start.isoformat()}" if len(active) > 1 else ""
        version_lines, used = _version_lines(version, start, end, period_days, items, suffix)
        any_usage = any_usage or used
        lines.extend(version_lines)
        minimum += _f(version.monthly_minimum) * days_between(start, end) / period_days
    sla_outcomes: list[SlaOutcome] = []
    if active:
        version = active[-1][0]
        if minimum:
            lines.extend(_minimum_line(fen(minimum), lines, version.vat_rate))
        if not 1 <= version.earn_back_months <= 12:
            raise PricingError("the earn-back window must be 1 to 12 months", field="earn_back_months")
        fees_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
        for line in lines:
            if _SLA_KIND.get(line.kind) in version.sla_applies_to:
                fees_by_rate[line.vat_rate] += line.amount
        credit_lines, sla_outcomes = _sla(version, dict(fees_by_rate), measurements or {})
        lines.extend(credit_lines)
        lines.extend(_earn_back_lines(version, sla_outcomes, tuple(prior_credits), period_start))
    lines.extend(adjustments)
    problems = (NO_USAGE,) if any_usage_charge and not any_usage else ()
    return assemble(period_start=period_start, period_end=period_end, lines=lines, sla=sla_outcomes, problems=problems)


def assemble(*, period_start: date, period_end: date, lines, sla=(), problems=()) -> PricedInvoice:
    """Subtotal of the rounded lines, VAT once per rate on it, and the total."""
    by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        by_rate[line.vat_rate] += line.amount
    vat = tuple((rate, round_money(base * rate)) for rate, base in sorted(by_rate.items()))
    subtotal = sum((line.amount for line in lines), ZERO)
    vat_total = sum((amount for _, amount in vat), ZERO)
    return PricedInvoice(
        period_start=period_start,
        period_end=period_end,
        lines=tuple(lines),
        subtotal=round_money(subtotal),
        vat=vat,
        vat_total=round_money(vat_total),
        total=round_money(subtotal + vat_total),
        sla=tuple(sla),
        problems=tuple(problems),
    )


def difference(*, new: PricedInvoice, billed_lines: list[PricedLine]) -> list[PricedLine]:
    """Lines that turn what was billed into `new`: per line code, the change in quantity and amount.

    Used for usage that arrives after an invoice was issued (a supplementary invoice when the sum is
    positive, a credit note otherwise).
    """
    billed: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for line in billed_lines:
        q, u, a = billed.get(line.code, (ZERO, ZERO, ZERO))
        billed[line.code] = (q + line.quantity, u + line.amount_unrounded, a + line.amount)
    out: list[PricedLine] = []
    seen = set()
    for line in new.lines:
        seen.add(line.code)
        q, u, a = billed.get(line.code, (ZERO, ZERO, ZERO))
        if line.amount == a and line.quantity == q:
            continue
        out.append(
            PricedLine(
                kind=line.kind,
                code=line.code,
                description=line.description,
                metric=line.metric,
                quantity=line.quantity - q,
                unit_price=line.unit_price,
                tiers=line.tiers,
                amount_unrounded=line.amount_unrounded - u,
                amount=line.amount - a,
                vat_rate=line.vat_rate,
                details={**line.details, "billed_amount": str(a), "billed_quantity": str(q)},
            )
        )
    for line in billed_lines:
        if line.code not in seen and line.code in billed:
            q, u, a = billed.pop(line.code)
            out.append(
                PricedLine(
                    kind=line.kind,
                    code=line.code,
                    description=line.description,
                    metric=line.metric,
                    quantity=-q,
                    unit_price=line.unit_price,
                    tiers=(),
                    amount_unrounded=-u,
                    amount=-a,
                    vat_rate=line.vat_rate,
                    details={"billed_amount": str(a), "billed_quantity": str(q)},
                )
            )
    return out
