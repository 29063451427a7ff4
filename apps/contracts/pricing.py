"""The pricing engine: a contract's terms plus a period's usage in, an invoice's lines out.

Pure Python on Decimal: no ORM, no clock, no I/O. The billing run turns models into these
dataclasses, calls `price_period`, and writes what comes back.

Rules (DOMAIN.md, Billing):
- charge models: standard (quantity × unit price), graduated (each unit at its tier's price),
  volume (every unit at the price of the tier the total reaches), package (per started block of
  N units);
- a usage charge's included allowance (part of the base fee) is taken off first: off-peak usage
  uses it before peak usage, so the result never depends on event order;
- a peak window (618, Double 11, custom dates) prices the usage of its days apart, either with the
  charge's own rate card times a multiplier or with a rate card of its own;
- a night surcharge adds `rate` × the charge's average billed unit price per night unit;
- daily proration: a contract version that covers only part of the period has its base fee,
  allowance and minimums scaled by covered days / days in the period;
- minimums (per charge and per month) are trued up by a line of the difference;
- SLA credits come from a pool (`at_risk_share` of the fees) split over KPIs by weight, each KPI
  optionally capped, the total capped at `cap` of the fees; a KPI with earn-back that beats its
  earn-back target wins back its own pool share against the credits of the others;
- every line keeps its unrounded amount and is rounded once with round_money; VAT is charged once
  per rate on the subtotal of the rounded lines, so lines + VAT = total always.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from apps.core.money import round_money

ZERO = Decimal("0")
ONE = Decimal("1")

STANDARD = "standard"
GRADUATED = "graduated"
VOLUME = "volume"
PACKAGE = "package"
MODELS = (STANDARD, GRADUATED, VOLUME, PACKAGE)

# Line kinds
BASE = "base"
USAGE = "usage"
PEAK = "peak"
NIGHT = "night"
CHARGE_MINIMUM = "charge_minimum"
MINIMUM = "minimum"
SLA_CREDIT = "sla_credit"
ADJUSTMENT = "adjustment"

GTE = "gte"
LTE = "lte"


class PricingError(ValueError):
    """The terms cannot be priced (gaps in tiers, a model without its prices, ...)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TierSpec:
    """Units in [lower, upper) cost `unit_price` each; `flat_fee` is added once when the tier is used."""

    lower: Decimal
    upper: Decimal | None
    unit_price: Decimal
    flat_fee: Decimal = ZERO


@dataclass(frozen=True)
class PeakWindowSpec:
    """Local dates [start, end) priced apart: with a multiplier on the charge's card, or a card of its own."""

    name: str
    start: date
    end: date
    multiplier: Decimal | None = None
    unit_price: Decimal | None = None
    tiers: tuple[TierSpec, ...] = ()

    def covers(self, day: date) -> bool:
        return self.start <= day < self.end


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
    included: Decimal = ZERO
    platforms: tuple[str, ...] = ()
    store_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    peak_windows: tuple[PeakWindowSpec, ...] = ()
    night_surcharge: Decimal = ZERO
    minimum: Decimal = ZERO

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


@dataclass(frozen=True)
class SlaMeasurement:
    kpi: str
    value: Decimal | None
    details: dict = field(default_factory=dict)


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
    sla_cap: Decimal = ZERO


@dataclass(frozen=True)
class UsageItem:
    """Usage of one business key. `night_quantity` is the part of `quantity` at night."""

    source: str
    source_key: str
    metric: str
    day: date
    quantity: Decimal
    night_quantity: Decimal = ZERO
    platform: str = ""
    store_id: int | None = None
    channel: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.metric, self.source, self.source_key)


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
    credit: Decimal  # unrounded share of the credit (before the overall cap)
    details: dict


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
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# ---------------------------------------------------------------------------- charge models


def _n(value: Decimal) -> str:
    """A number for a message: 100.0000 -> 100, 0.50 -> 0.5."""
    return f"{value.normalize():f}"


def validate_tiers(tiers: tuple[TierSpec, ...] | list[TierSpec], *, field: str = "tiers") -> None:
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


def _tier_dict(tier: TierSpec, quantity: Decimal, amount: Decimal) -> dict:
    return {
        "lower": str(tier.lower),
        "upper": None if tier.upper is None else str(tier.upper),
        "unit_price": str(tier.unit_price),
        "flat_fee": str(tier.flat_fee),
        "quantity": str(quantity),
        "amount": str(amount),
    }


def price_quantity(
    *,
    model: str,
    quantity: Decimal,
    unit_price: Decimal | None = None,
    tiers: tuple[TierSpec, ...] = (),
    package_size: Decimal | None = None,
    package_price: Decimal | None = None,
    multiplier: Decimal = ONE,
) -> tuple[Decimal, tuple[dict, ...], Decimal | None]:
    """(unrounded amount, tier breakdown, unit price or None) of `quantity` units under `model`."""
    if quantity < ZERO:
        raise PricingError(f"quantity {quantity} is negative", field="quantity")
    if model == STANDARD:
        if unit_price is None:
            raise PricingError("a standard charge needs a unit price", field="unit_price")
        price = unit_price * multiplier
        return quantity * price, (), price
    if model == PACKAGE:
        if not package_size or package_size <= ZERO or package_price is None:
            raise PricingError("a package charge needs a package size and price", field="package_size")
        blocks = (quantity / package_size).to_integral_value(rounding=ROUND_CEILING)
        price = package_price * multiplier
        breakdown = ({"packages": str(blocks), "package_size": str(package_size), "package_price": str(price)},)
        return blocks * price, breakdown, None
    if model not in (GRADUATED, VOLUME):
        raise PricingError(f"unknown charge model {model!r}", field="model")
    validate_tiers(tiers)
    ordered = sorted(tiers, key=lambda t: t.lower)
    if quantity == ZERO:
        return ZERO, (), None
    if model == VOLUME:
        for tier in ordered:
            if tier.upper is None or quantity < tier.upper:
                amount = (quantity * tier.unit_price + tier.flat_fee) * multiplier
                return amount, (_tier_dict(tier, quantity, amount),), tier.unit_price * multiplier
    total = ZERO
    breakdown = []
    for tier in ordered:
        if quantity <= tier.lower:
            break
        top = quantity if tier.upper is None else min(quantity, tier.upper)
        units = top - tier.lower
        amount = (units * tier.unit_price + tier.flat_fee) * multiplier
        total += amount
        breakdown.append(_tier_dict(tier, units, amount))
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
        item.quantity,
        item.night_quantity,
        item.platform,
        item.store_id or 0,
        item.channel,
    )


def _line(kind, code, description, metric, quantity, unit_price, tiers, amount, vat_rate, details=None) -> PricedLine:
    return PricedLine(
        kind=kind,
        code=code,
        description=description,
        metric=metric,
        quantity=quantity,
        unit_price=unit_price,
        tiers=tuple(tiers),
        amount_unrounded=amount,
        amount=round_money(amount),
        vat_rate=vat_rate,
        details=details or {},
    )


def _price_usage_charge(
    charge: ChargeSpec, items: list[UsageItem], *, fraction: Decimal, vat_rate: Decimal, suffix: str
) -> list[PricedLine]:
    lines: list[PricedLine] = []
    off_peak = ZERO
    night = ZERO
    by_window: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        night += item.night_quantity
        for index, window in enumerate(charge.peak_windows):
            if window.covers(item.day):
                by_window[index] += item.quantity
                break
        else:
            off_peak += item.quantity
    allowance = charge.included * fraction
    used_off_peak = min(allowance, off_peak)
    left = allowance - used_off_peak
    billable = off_peak - used_off_peak
    total_billed_units = ZERO
    total_amount = ZERO
    amount, tiers, unit = price_quantity(
        model=charge.model,
        quantity=billable,
        unit_price=charge.unit_price,
        tiers=charge.tiers,
        package_size=charge.package_size,
        package_price=charge.package_price,
    )
    lines.append(
        _line(
            USAGE,
            charge.code + suffix,
            charge.name,
            charge.metric,
            billable,
            unit,
            tiers,
            amount,
            vat_rate,
            {"usage": str(off_peak), "included": str(allowance), "included_used": str(used_off_peak)},
        )
    )
    total_billed_units += billable
    total_amount += amount
    for index, window in enumerate(charge.peak_windows):
        if index not in by_window:
            continue
        used = min(left, by_window[index])
        left -= used
        quantity = by_window[index] - used
        own_card = window.unit_price is not None or bool(window.tiers)
        amount, tiers, unit = price_quantity(
            model=charge.model,
            quantity=quantity,
            unit_price=window.unit_price if own_card and window.unit_price is not None else charge.unit_price,
            tiers=window.tiers if own_card and window.tiers else charge.tiers,
            package_size=charge.package_size,
            package_price=window.unit_price if own_card and charge.model == PACKAGE else charge.package_price,
            multiplier=ONE if own_card or window.multiplier is None else window.multiplier,
        )
        lines.append(
            _line(
                PEAK,
                f"{charge.code}{suffix}:peak:{index}",
                f"{charge.name} · {window.name}",
                charge.metric,
                quantity,
                unit,
                tiers,
                amount,
                vat_rate,
                {
                    "window": window.name,
                    "start": window.start.isoformat(),
                    "end": window.end.isoformat(),
                    "usage": str(by_window[index]),
                    "included_used": str(used),
                    "multiplier": None if window.multiplier is None else str(window.multiplier),
                },
            )
        )
        total_billed_units += quantity
        total_amount += amount
    if charge.night_surcharge and night > ZERO:
        total_usage = off_peak + sum(by_window.values(), ZERO)
        average = total_amount / total_billed_units if total_billed_units else ZERO
        # Night units share the allowance pro rata with day units.
        night_billable = night * total_billed_units / total_usage if total_usage else ZERO
        amount = night_billable * average * charge.night_surcharge
        lines.append(
            _line(
                NIGHT,
                f"{charge.code}{suffix}:night",
                f"{charge.name} · night +{charge.night_surcharge * 100:f}%",
                charge.metric,
                night_billable,
                None,
                (),
                amount,
                vat_rate,
                {"night_usage": str(night), "rate": str(charge.night_surcharge), "average_price": str(average)},
            )
        )
        total_amount += amount
    minimum = charge.minimum * fraction
    if minimum and total_amount < minimum:
        lines.append(
            _line(
                CHARGE_MINIMUM,
                f"{charge.code}{suffix}:minimum",
                f"{charge.name} · minimum true-up",
                charge.metric,
                ONE,
                None,
                (),
                minimum - total_amount,
                vat_rate,
                {"minimum": str(minimum), "charged": str(total_amount)},
            )
        )
    return lines


def _sla_credit(
    version: VersionSpec, fees: Decimal, measurements: dict[str, SlaMeasurement]
) -> tuple[Decimal, list[SlaOutcome]]:
    terms = version.sla_terms
    if not terms:
        return ZERO, []
    total_weight = sum((t.weight for t in terms), ZERO)
    pool = fees * version.sla_at_risk_share
    outcomes: list[SlaOutcome] = []
    credits = ZERO
    earned = ZERO
    for term in sorted(terms, key=lambda t: t.kpi):
        m = measurements.get(term.kpi)
        value = None if m is None else m.value
        share = pool * term.weight / total_weight if total_weight else ZERO
        if term.cap is not None:
            share = min(share, fees * term.cap)
        if value is None:
            met = True  # nothing measured (no conversations): no credit is owed
        elif term.comparison == LTE:
            met = value <= term.target
        else:
            met = value >= term.target
        credit = ZERO if met else share
        if met and term.earn_back and value is not None and term.earn_back_target is not None:
            beats = value <= term.earn_back_target if term.comparison == LTE else value >= term.earn_back_target
            if beats:
                earned += share
        credits += credit
        outcomes.append(
            SlaOutcome(
                kpi=term.kpi,
                name=term.name,
                measured=value,
                target=term.target,
                comparison=term.comparison,
                met=met,
                credit=credit,
                details={} if m is None else dict(m.details),
            )
        )
    net = max(ZERO, credits - earned)
    net = min(net, fees * version.sla_cap) if version.sla_cap else net
    return net, outcomes


def price_period(
    *,
    period_start: date,
    period_end: date,
    versions: list[VersionSpec] | tuple[VersionSpec, ...],
    usage,
    measurements: dict[str, SlaMeasurement] | None = None,
    adjustments: tuple[PricedLine, ...] = (),
) -> PricedInvoice:
    """Price one contract for the period [period_start, period_end).

    `versions` are the contract's versions clipped to the period (they must not overlap). Usage of
    a day no version covers is ignored. `measurements` feed the SLA credit of the last version.
    """
    if period_end <= period_start:
        raise PricingError("the period must end after it starts", field="period_end")
    period_days = Decimal(days_between(period_start, period_end))
    ordered = sorted(versions, key=lambda v: v.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise PricingError(f"versions {a.label} and {b.label} overlap", field="versions")
    items = dedupe_usage(usage)
    lines: list[PricedLine] = []
    active = [
        (v, max(v.start, period_start), min(v.end, period_end))
        for v in ordered
        if min(v.end, period_end) > max(v.start, period_start)
    ]
    multi = len(active) > 1
    fees = ZERO
    for version, start, end in active:
        days = Decimal(days_between(start, end))
        fraction = days / period_days
        suffix = f"@{start.isoformat()}" if multi else ""
        vat = version.vat_rate
        version_lines: list[PricedLine] = []
        in_version = [i for i in items if start <= i.day < end]
        for charge in sorted(version.charges, key=lambda c: c.code):
            if charge.kind == BASE:
                version_lines.append(
                    _line(
                        BASE,
                        charge.code + suffix,
                        charge.name,
                        "",
                        fraction.quantize(Decimal("0.000001")),
                        charge.amount,
                        (),
                        charge.amount * fraction,
                        vat,
                        {"days": int(days), "period_days": int(period_days), "start": start.isoformat()},
                    )
                )
                continue
            matched = [i for i in in_version if charge.matches(i)]
            version_lines.extend(_price_usage_charge(charge, matched, fraction=fraction, vat_rate=vat, suffix=suffix))
        version_fees = sum((ln.amount_unrounded for ln in version_lines), ZERO)
        minimum = version.monthly_minimum * fraction
        if minimum and version_fees < minimum:
            version_lines.append(
                _line(
                    MINIMUM,
                    "minimum" + suffix,
                    "Monthly minimum true-up",
                    "",
                    ONE,
                    None,
                    (),
                    minimum - version_fees,
                    vat,
                    {"minimum": str(minimum), "charged": str(version_fees)},
                )
            )
            version_fees = minimum
        fees += version_fees
        lines.extend(version_lines)
    sla_outcomes: list[SlaOutcome] = []
    if active:
        version = active[-1][0]
        credit, sla_outcomes = _sla_credit(version, fees, measurements or {})
        if credit:
            lines.append(
                _line(
                    SLA_CREDIT,
                    "sla_credit",
                    "SLA credit",
                    "",
                    ONE,
                    None,
                    (),
                    -credit,
                    version.vat_rate,
                    {
                        "fees": str(fees),
                        "at_risk_share": str(version.sla_at_risk_share),
                        "cap": str(version.sla_cap),
                        "kpis": [
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
                            for o in sla_outcomes
                        ],
                    },
                )
            )
    lines.extend(adjustments)
    return assemble(period_start=period_start, period_end=period_end, lines=lines, sla=sla_outcomes)


def assemble(*, period_start: date, period_end: date, lines, sla=()) -> PricedInvoice:
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
