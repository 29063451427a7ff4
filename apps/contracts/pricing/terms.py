"""Pricing terms and results: the dataclasses the engine takes and returns, exact-number helpers, and the
checks of tiers and peak windows (rules 2 and 3). Pure: no ORM, no clock, no I/O."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

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
