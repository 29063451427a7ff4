"""Commission inputs of a billing run (issue #17 §3): a contract's commission terms, the month's base
and the clawbacks of earlier months, read from contracts' own tables and through the orders app's
readers (apps.orders.selectors: commission_base_by_hour, commission_clawbacks; never its tables).

The rules are the engine's (apps/contracts/pricing/commission.py, C1–C6). What this module decides:
- The base of a month is read with the refunds recorded up to the run's cut-off (`refunds_as_of`);
  the statement keeps that cut-off and the hours it was billed on (the first commission line's
  `base_hours`), so a later month re-prices exactly what was billed.
- A month whose periodic statement is issued (or paid) keeps its commission part as billed: a re-run
  copies those lines, never re-prices them (refunds after issue are clawed back on a later statement).
- Clawbacks: for every earlier month in the last twelve whose periodic statement is issued with a
  commission line, the refund increments recorded after that statement's cut-off and up to this
  run's cut-off on orders paid in that month (less the clawbacks already billed for it, rule C6).
- Terms: the commission charge of the last version in force in the month that has one; the GMV of
  the days from the first such version's start to the last one's end counts; minimum and cap are
  monthly amounts, not prorated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q

from apps.contracts import pricing
from apps.contracts.choices import ChargeKind, InvoiceKind, InvoiceStatus, LineKind
from apps.contracts.models import Charge, Invoice, InvoiceLine

COMMISSION_KINDS = (
    LineKind.COMMISSION,
    LineKind.COMMISSION_MINIMUM,
    LineKind.COMMISSION_CAP,
    LineKind.COMMISSION_CLAWBACK,
)
ISSUED = (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


@dataclass(frozen=True)
class CommissionTerms:
    spec: pricing.CommissionSpec
    vat_rate: Decimal
    window_days: int
    start: date  # GMV paid on local days [start, end) counts
    end: date


@dataclass
class CommissionInputs:
    """What a statement's commission part is priced from; `frozen`: the lines of an issued statement."""

    cutoff: datetime
    terms: CommissionTerms | None = None
    hours: tuple[pricing.GmvHour, ...] = ()
    clawbacks: tuple[pricing.ClawbackInput, ...] = ()
    frozen: tuple[pricing.PricedLine, ...] | None = None

    def digest_key(self) -> tuple:
        """Everything the lines depend on except the cut-off itself (an unchanged re-run writes nothing)."""
        if self.frozen is not None:
            return ("frozen", tuple(repr(ln.as_dict()) for ln in self.frozen))
        return (self.terms, self.hours, self.clawbacks)

    def lines(self) -> tuple[pricing.PricedLine, ...]:
        if self.frozen is not None:
            return self.frozen
        spec = self.terms.spec if self.terms else None
        vat = self.terms.vat_rate if self.terms else Decimal("0.06")
        lines = pricing.statement_commission_lines(spec, self.hours, vat_rate=vat, clawbacks=self.clawbacks)
        if spec is not None and lines:
            first = lines[0]
            lines[0] = replace(first, details={**first.details, "base_hours": hours_as_json(self.hours)})
        return tuple(lines)


# --------------------------------------------------------------------------- terms


def _tier(t) -> pricing.TierSpec:
    return pricing.TierSpec(lower=t.lower, upper=t.upper, unit_price=t.unit_price)


def commission_spec(charge: Charge) -> pricing.CommissionSpec:
    """A commission charge (tiers and peak windows prefetched) as the engine's spec."""
    tiers = list(charge.tiers.all())
    windows = [
        pricing.PeakWindowSpec(
            name=w.name,
            start=w.starts_at,
            end=w.ends_at,
            multiplier=w.multiplier,
            unit_price=w.unit_price,
            tiers=tuple(_tier(t) for t in tiers if t.peak_window_id == w.pk),
        )
        for w in charge.peak_windows.all()
    ]
    return pricing.CommissionSpec(
        code=charge.code,
        name=charge.name,
        model=charge.model,
        rate=charge.rate,
        tiers=tuple(_tier(t) for t in tiers if t.peak_window_id is None),
        peak_windows=tuple(sorted(windows, key=lambda w: w.start)),
        minimum=charge.minimum_amount or Decimal(0),
        cap=charge.cap_amount,
        include_bot=charge.include_bot,
    )


def commission_terms_for(contract_ids, start: date, end: date) -> dict[int, CommissionTerms]:
    """The commission terms of each contract for the month [start, end) (module docstring: Terms)."""
    charges = (
        Charge.objects.filter(kind=ChargeKind.COMMISSION, version__contract_id__in=list(contract_ids))
        .filter(version__valid_from__lt=end)
        .filter(Q(version__valid_to__isnull=True) | Q(version__valid_to__gt=start))
        .select_related("version")
        .prefetch_related("tiers", "peak_windows")
        .order_by("version__contract_id", "version__valid_from")
    )
    by_contract: dict[int, list[Charge]] = {}
    for charge in charges:
        by_contract.setdefault(charge.version.contract_id, []).append(charge)
    out = {}
    for cid, found in by_contract.items():
        last = found[-1]
        first_start = max(found[0].version.valid_from, start)
        last_end = min(last.version.valid_to or end, end)
        out[cid] = CommissionTerms(
            spec=commission_spec(last),
            vat_rate=last.vat_rate if last.vat_rate is not None else last.version.vat_rate,
            window_days=last.attribution_window_days,
            start=first_start,
            end=last_end,
        )
    return out


# --------------------------------------------------------------------------- base and clawbacks


def _naive(at: datetime) -> datetime:
    return at.replace(tzinfo=None)


def hours_as_json(hours) -> list[list]:
    return [[f"{h.hour:%Y-%m-%dT%H}", h.kind, h.orders, str(h.paid), str(h.refunded)] for h in hours]


def hours_from_json(rows) -> tuple[pricing.GmvHour, ...]:
    return tuple(
        pricing.GmvHour(datetime.strptime(at, "%Y-%m-%dT%H"), kind, int(n), Decimal(paid), Decimal(refunded))
        for at, kind, n, paid, refunded in rows or ()
    )


def base_hours(*, client_id: int, terms: CommissionTerms, refunds_as_of: datetime) -> tuple[pricing.GmvHour, ...]:
    from apps.orders.selectors import commission_base_by_hour

    rows = commission_base_by_hour(
        client_id=client_id,
        start=terms.start,
        end=terms.end,
        window_days=terms.window_days,
        refunds_as_of=refunds_as_of,
    )
    return tuple(pricing.GmvHour(_naive(r.hour), r.kind, r.orders, r.paid, r.refunded) for r in rows)


def issued_lines(contract_ids, period_start: date) -> dict[int, tuple[pricing.PricedLine, ...]]:
    """{contract: its commission lines as billed (maybe none)} for contracts whose periodic statement
    of the month is issued; two queries, only commission lines loaded."""
    invoices = dict(
        Invoice.objects.filter(
            contract_id__in=list(contract_ids), period_start=period_start, kind=InvoiceKind.PERIODIC, status__in=ISSUED
        ).values_list("id", "contract_id")
    )
    out: dict[int, list] = {cid: [] for cid in invoices.values()}
    if not invoices:
        return {}
    rows = InvoiceLine.objects.filter(invoice_id__in=list(invoices), kind__in=COMMISSION_KINDS).order_by(
        "invoice_id", "position"
    )
    for ln in rows:
        out[invoices[ln.invoice_id]].append(ln.as_priced())
    return {cid: tuple(lines) for cid, lines in out.items()}


def _with_history(contract_ids, period_start: date) -> set[int]:
    """Contracts with an issued commission statement in the twelve months before `period_start` (one query)."""
    since = date(period_start.year - 1, period_start.month, 1)
    return set(
        Invoice.objects.filter(
            contract_id__in=list(contract_ids),
            kind=InvoiceKind.PERIODIC,
            status__in=ISSUED,
            period_start__gte=since,
            period_start__lt=period_start,
            refunds_as_of__isnull=False,
        ).values_list("contract_id", flat=True)
    )


def _clawed_back(contract_id: int, period_start: date) -> dict[str, Decimal]:
    """{'YYYY-MM': sum of the clawback lines billed for that month} on the contract's other statements."""
    clawed: dict[str, Decimal] = {}
    rows = (
        InvoiceLine.objects.filter(invoice__contract_id=contract_id, kind=LineKind.COMMISSION_CLAWBACK)
        .exclude(invoice__period_start=period_start)
        .values_list("details", "amount")
    )
    for details, amount in rows:
        month = (details or {}).get("month", "")
        clawed[month] = clawed.get(month, Decimal(0)) + amount
    return clawed


def clawback_inputs(
    *, contract_id: int, client_id: int, period_start: date, until: datetime
) -> tuple[pricing.ClawbackInput, ...]:
    """Rule C6 for every earlier month of the last twelve with an issued commission statement."""
    from apps.orders.selectors import commission_clawbacks

    since = date(period_start.year - 1, period_start.month, 1)
    earlier = list(
        Invoice.objects.filter(
            contract_id=contract_id,
            kind=InvoiceKind.PERIODIC,
            status__in=ISSUED,
            period_start__gte=since,
            period_start__lt=period_start,
            refunds_as_of__isnull=False,
            refunds_as_of__lt=until,
            lines__kind=LineKind.COMMISSION,
        )
        .distinct()
        .order_by("period_start")
    )
    if not earlier:
        return ()
    clawed = _clawed_back(contract_id, period_start)
    out = []
    for invoice in earlier:
        terms = commission_terms_for([contract_id], invoice.period_start, invoice.period_end).get(contract_id)
        first = InvoiceLine.objects.filter(invoice=invoice, kind=LineKind.COMMISSION).order_by("position").first()
        billed = hours_from_json((first.details or {}).get("base_hours"))
        if terms is None or not billed:
            continue
        late = commission_clawbacks(
            client_id=client_id,
            paid_before=invoice.period_end,
            after=invoice.refunds_as_of,
            until=until,
            window_days=terms.window_days,
        )
        refunds = tuple(
            pricing.GmvHour(_naive(r.hour), r.kind, r.orders, Decimal(0), r.refunded)
            for r in late
            if invoice.period_start <= _naive(r.hour).date() < invoice.period_end
        )
        if refunds:
            out.append(
                pricing.ClawbackInput(
                    month=invoice.period_start,
                    spec=terms.spec,
                    billed_hours=billed,
                    late_refunds=refunds,
                    vat_rate=first.vat_rate,
                    already_clawed_back=clawed.get(f"{invoice.period_start:%Y-%m}", Decimal(0)),
                )
            )
    return tuple(out)


def commission_inputs_for(
    contracts, *, period_start: date, period_end: date, refunds_as_of: datetime
) -> dict[int, CommissionInputs]:
    """The commission inputs of every contract that has a commission part this month (none: absent)."""
    ids = [c.pk for c in contracts]
    terms = commission_terms_for(ids, period_start, period_end)
    frozen = issued_lines(ids, period_start)
    history = _with_history(ids, period_start)
    out: dict[int, CommissionInputs] = {}
    for contract in contracts:
        if contract.pk in frozen:
            if frozen[contract.pk]:
                out[contract.pk] = CommissionInputs(cutoff=refunds_as_of, frozen=frozen[contract.pk])
            continue
        clawbacks = ()
        if contract.pk in history:
            clawbacks = clawback_inputs(
                contract_id=contract.pk, client_id=contract.client_id, period_start=period_start, until=refunds_as_of
            )
        t = terms.get(contract.pk)
        if t is None and not clawbacks:
            continue
        hours = base_hours(client_id=contract.client_id, terms=t, refunds_as_of=refunds_as_of) if t else ()
        out[contract.pk] = CommissionInputs(cutoff=refunds_as_of, terms=t, hours=hours, clawbacks=clawbacks)
    return out
