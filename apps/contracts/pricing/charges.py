"""Pricing one usage charge: charge models (rule 2, 9), peak-window segments (rule 3), night surcharge
(rule 4), allowance (rule 5) and the charge minimum (rule 6). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, Inexact, localcontext
from fractions import Fraction

from apps.contracts.pricing.terms import (
    CHARGE_MINIMUM,
    F0,
    GRADUATED,
    NIGHT,
    ONE,
    PACKAGE,
    PEAK,
    ROUND_DOWN,
    ROUND_PRO_RATA,
    ROUND_UP,
    STANDARD,
    USAGE,
    VOLUME,
    ZERO,
    ChargeSpec,
    PeakWindowSpec,
    PricedLine,
    PricingError,
    TierSpec,
    UsageItem,
    _f,
    _n,
    fen,
    to_decimal,
    validate_tiers,
)


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
            lines.append(_night_line(charge, segment, code, name, billed, amount, vat_rate))
    if charge.minimum:
        lines.extend(_charge_minimum_line(charge, lines, days, period_days, vat_rate, suffix))
    return lines


def _night_line(charge: ChargeSpec, segment: _Segment, code, name, billed, amount, vat_rate) -> PricedLine:
    """Rules 4 and 5: billed night units = night × billed / used, at the segment's own price × rate."""
    night_billed = segment.night * billed / segment.used
    price = amount / billed
    rate = _f(charge.night_surcharge)
    return _line(
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


def _charge_minimum_line(charge: ChargeSpec, lines, days, period_days, vat_rate, suffix) -> list[PricedLine]:
    """Rule 6: the charge's prorated, rounded minimum against the sum of its rounded lines."""
    minimum = fen(_f(charge.minimum) * days / period_days)
    charged = sum((ln.amount for ln in lines), ZERO)
    if charged >= minimum:
        return []
    return [
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
    ]
