"""Input of the blind reference pricing engine: one contract-month as plain frozen dataclasses.

Money and quantities are Decimals (exact); the reference turns them into Fractions. Datetimes of
usage events are timezone-aware (UTC in practice); peak windows are naive local datetimes in
Asia/Shanghai, to the whole hour, half-open [start, end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

STANDARD = "standard"
GRADUATED = "graduated"
VOLUME = "volume"
PACKAGE = "package"
MODELS = (STANDARD, GRADUATED, VOLUME, PACKAGE)

ROUND_UP = "up"
ROUND_PRORATA = "prorata"
ROUND_DOWN = "down"
PACKAGE_ROUNDINGS = (ROUND_UP, ROUND_PRORATA, ROUND_DOWN)

# Units (metrics) a usage charge can bill.
CONVERSATION = "human_conversations"
BOT_CONVERSATION = "bot_conversations"
AGENT_HOUR = "agent_hours"
SURGE_SEAT_DAY = "surge_seat_days"
MESSAGE = "messages"
UNITS = (CONVERSATION, BOT_CONVERSATION, AGENT_HOUR, SURGE_SEAT_DAY, MESSAGE)

GTE = "gte"  # met when measured >= target (rates, scores)
LTE = "lte"  # met when measured <= target (seconds)

# What an SLA pool may apply to: base-fee lines, usage lines (usage, peak, night and
# charge-minimum lines) and the monthly-minimum true-up line.
POOL_BASE = "base"
POOL_USAGE = "usage"
POOL_MINIMUM = "minimum"
POOL_ALL = frozenset({POOL_BASE, POOL_USAGE, POOL_MINIMUM})


@dataclass(frozen=True)
class Tier:
    """Units numbered k (1-based) with lower < k <= upper, at unit_price; upper None = no end."""

    lower: Decimal
    upper: Decimal | None
    unit_price: Decimal


@dataclass(frozen=True)
class PeakWindow:
    """[start, end) in local Asia/Shanghai time, whole hours; exactly one of the three prices."""

    name: str
    start: datetime
    end: datetime
    multiplier: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class UsageCharge:
    """A usage charge of one unit. `included` is the allowance per full month (prorated by days).

    Night: a unit whose local hour h is in [night_start_hour, night_end_hour) (wrapping midnight
    when start > end) is a night unit, surcharged by night_rate (0.30 = +30 %).
    """

    code: str
    name: str
    unit: str
    model: str = STANDARD
    unit_price: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    package_size: Decimal | None = None
    package_price: Decimal | None = None
    package_rounding: str = ROUND_UP
    included: Decimal = Decimal(0)
    night_rate: Decimal = Decimal(0)
    night_start_hour: int = 22
    night_end_hour: int = 8
    windows: tuple[PeakWindow, ...] = ()
    minimum: Decimal = Decimal(0)
    vat_rate: Decimal | None = None  # None: the version's rate


@dataclass(frozen=True)
class BaseFee:
    """A fixed monthly fee (seats, platform), prorated by days."""

    code: str
    name: str
    amount: Decimal
    vat_rate: Decimal | None = None  # None: the version's rate


@dataclass(frozen=True)
class Kpi:
    """One KPI of the SLA pool with this month's measurement (None = not measured)."""

    kpi: str
    weight: Decimal
    target: Decimal
    direction: str
    measured: Decimal | None
    cap: Decimal | None = None  # share of the fees the pool applies to
    earn_back_target: Decimal | None = None  # None: this KPI cannot earn back


@dataclass(frozen=True)
class SlaPool:
    """`share` of the applicable fees at risk, split over the KPIs by weight; `cap` caps the total."""

    share: Decimal
    kpis: tuple[Kpi, ...]
    cap: Decimal | None = Decimal("0.12")
    applies_to: frozenset[str] = POOL_ALL


@dataclass(frozen=True)
class Terms:
    """A contract version: in force on local days valid_from <= d < valid_to (None = open)."""

    valid_from: date
    valid_to: date | None
    vat_rate: Decimal = Decimal("0.06")
    base_fees: tuple[BaseFee, ...] = ()
    charges: tuple[UsageCharge, ...] = ()
    monthly_minimum: Decimal = Decimal(0)
    sla: SlaPool | None = None


@dataclass(frozen=True)
class Contract:
    """The contract runs on local days start <= d < end (None = open); versions must not overlap."""

    code: str
    start: date
    end: date | None
    versions: tuple[Terms, ...]
    earn_back_months: int = 3


@dataclass(frozen=True)
class UsageEvent:
    at: datetime  # aware
    quantity: Decimal
    unit: str


@dataclass(frozen=True)
class PastCredit:
    """An SLA credit of an earlier month (first day of that month) for one KPI, and what came back."""

    month: date
    kpi: str
    amount: Decimal
    earned_back: Decimal = Decimal(0)


@dataclass(frozen=True)
class ContractMonth:
    """What the reference prices: one contract for the calendar month starting at `month`."""

    contract: Contract
    month: date
    events: tuple[UsageEvent, ...] = ()
    history: tuple[PastCredit, ...] = field(default=())
