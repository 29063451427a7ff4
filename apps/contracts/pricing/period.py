"""Pricing a contract's month: versions, monthly minimum, SLA and earn-back, VAT (rules 1–10); the
difference between a new pricing and what was billed. Pure."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from apps.contracts.pricing.charges import _line, _price_usage_charge, days_between, dedupe_usage
from apps.contracts.pricing.sla import _earn_back_lines, _sla
from apps.contracts.pricing.terms import (
    _SLA_KIND,
    BASE,
    F0,
    MINIMUM,
    NO_USAGE,
    ONE,
    ZERO,
    PricedInvoice,
    PricedLine,
    PricingError,
    PriorCredit,
    SlaMeasurement,
    SlaOutcome,
    VersionSpec,
    _f,
    fen,
    validate_windows,
)
from apps.core.money import round_money

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
    commission: tuple[PricedLine, ...] | list[PricedLine] = (),
) -> PricedInvoice:
    """Price one contract for the period [period_start, period_end) by rules 1–10 (module docstring).

    `versions` are the contract's versions clipped to the period (they must not overlap). Usage of
    a day no version covers is ignored. `measurements` feed the SLA of the last version;
    `prior_credits` are the KPI credit rows of earlier months not yet earned back. `commission` are
    the statement's commission lines (commission.statement_commission_lines): they follow the fee
    lines and the monthly minimum, and count towards neither the monthly minimum nor the SLA pool.
    """
    if period_end <= period_start:
        raise PricingError("the period must end after it starts", field="period_end")
    period_days = days_between(period_start, period_end)
    active = _active_versions(versions, period_start, period_end)
    items = dedupe_usage(usage)
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
        sla_outcomes = _last_version_lines(
            active[-1][0],
            lines,
            minimum,
            commission=commission,
            measurements=measurements or {},
            prior_credits=tuple(prior_credits),
            period_start=period_start,
        )
    if not active:
        lines.extend(commission)
    lines.extend(adjustments)
    problems = (NO_USAGE,) if any_usage_charge and not any_usage else ()
    return assemble(period_start=period_start, period_end=period_end, lines=lines, sla=sla_outcomes, problems=problems)


def _active_versions(versions, period_start: date, period_end: date) -> list[tuple[VersionSpec, date, date]]:
    """The versions in force in [period_start, period_end), oldest first, each with the part of the
    period it covers; versions that overlap are a PricingError."""
    ordered = sorted(versions, key=lambda v: v.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise PricingError(f"versions {a.label} and {b.label} overlap", field="versions")
    return [
        (v, max(v.start, period_start), min(v.end, period_end))
        for v in ordered
        if min(v.end, period_end) > max(v.start, period_start)
    ]


def _last_version_lines(
    version: VersionSpec, lines: list[PricedLine], minimum, *, commission, measurements, prior_credits, period_start
) -> list[SlaOutcome]:
    """Rules 6–8 by the last version in force, appended to `lines` (the fee lines so far): the
    monthly minimum's true-up, the commission lines, the SLA credit lines and the earn-back lines.
    Returns the SLA outcomes."""
    if minimum:
        lines.extend(_minimum_line(fen(minimum), lines, version.vat_rate))
    lines.extend(commission)
    if not 1 <= version.earn_back_months <= 12:
        raise PricingError("the earn-back window must be 1 to 12 months", field="earn_back_months")
    fees_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if _SLA_KIND.get(line.kind) in version.sla_applies_to:
            fees_by_rate[line.vat_rate] += line.amount
    credit_lines, sla_outcomes = _sla(version, dict(fees_by_rate), measurements)
    lines.extend(credit_lines)
    lines.extend(_earn_back_lines(version, sla_outcomes, prior_credits, period_start))
    return sla_outcomes


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
