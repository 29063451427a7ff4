"""SLA credits (rule 7) and earn-back (rule 8) on a month's rounded fees. Pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from apps.contracts.pricing.charges import _line
from apps.contracts.pricing.terms import (
    EARN_BACK,
    F0,
    ONE,
    SLA_CREDIT,
    ZERO,
    PricedLine,
    PriorCredit,
    SlaMeasurement,
    SlaOutcome,
    SlaTermSpec,
    VersionSpec,
    _f,
    _n,
    fen,
    to_decimal,
)

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
    outcomes = [_outcome(term, measurements.get(term.kpi), met_by[term.kpi], rows, raw) for term in terms]
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


def _outcome(term: SlaTermSpec, m: SlaMeasurement | None, met: bool, rows, raw) -> SlaOutcome:
    """One KPI's row: measured, met, its share of the credit, and whether it beat its earn-back target."""
    value = None if m is None else m.value
    earned = bool(
        term.earn_back
        and term.earn_back_target is not None
        and value is not None
        and met
        and term.meets(value, term.earn_back_target)
    )
    return SlaOutcome(
        kpi=term.kpi,
        name=term.name,
        measured=value,
        target=term.target,
        comparison=term.comparison,
        met=met,
        credit=rows[term.kpi],
        details={} if m is None else dict(m.details),
        credit_unrounded=to_decimal(raw[term.kpi]),
        earned_back=earned,
    )


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
