"""Writing a billing run's statements: the first statement of a month, a re-priced draft, or a
supplementary statement for usage that arrived after issue (never a change to an issued one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection

from apps.contracts import pricing
from apps.contracts.choices import (
    InvoiceKind,
    InvoiceProblem,
    InvoiceStatus,
)
from apps.contracts.models import (
    BillingRun,
    Contract,
    Invoice,
    InvoiceLine,
    SlaResult,
)

if TYPE_CHECKING:
    from apps.contracts.services.runs import ContractBill

UNROUNDED = Decimal("0.000000000001")

# --------------------------------------------------------------------------- writing invoices


def problem_labels(problems) -> list[dict]:
    """Problems of a priced invoice as {code, message} in the user's language."""
    labels = dict(InvoiceProblem.choices)
    return [{"code": code, "message": str(labels.get(code, code))} for code in problems]


def _line_rows(invoice: Invoice, lines) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice=invoice,
            position=i,
            kind=line.kind,
            code=line.code[:80],
            description=line.description[:255],
            metric=line.metric,
            quantity=line.quantity.quantize(Decimal("0.000001")),
            unit_price=None if line.unit_price is None else line.unit_price.quantize(Decimal("0.000001")),
            tiers=list(line.tiers),
            amount_unrounded=line.amount_unrounded.quantize(UNROUNDED),
            amount=line.amount,
            vat_rate=line.vat_rate,
            details=line.details,
        )
        for i, line in enumerate(lines, start=1)
    ]


def _sla_rows(invoice: Invoice, priced: pricing.PricedInvoice) -> list[SlaResult]:
    rows = []
    for o in priced.sla:
        # The engine's per-KPI row: the rows add up exactly to the credit lines (rule 7).
        share = o.credit
        rows.append(
            SlaResult(
                invoice=invoice,
                kpi=o.kpi,
                name=o.name[:128],
                measured=None if o.measured is None else o.measured.quantize(Decimal("0.0001")),
                target=o.target,
                comparison=o.comparison,
                met=o.met,
                credit_amount=share,
                details=o.details,
            )
        )
    return rows


def _refunds_as_of(bill: ContractBill):
    """The commission base's cut-off when the statement prices one (not when it copies issued lines)."""
    inputs = bill.commission
    if inputs is None or inputs.frozen is not None or inputs.terms is None:
        return None
    return inputs.cutoff


def _set_totals(invoice: Invoice, priced: pricing.PricedInvoice) -> None:
    invoice.problems = list(priced.problems)
    invoice.subtotal = priced.subtotal
    invoice.vat_amount = priced.vat_total
    invoice.total = priced.total
    invoice.vat_breakdown = [{"rate": str(r), "amount": str(a)} for r, a in priced.vat]


def _lines_from_db(invoice: Invoice) -> list[pricing.PricedLine]:
    return [ln.as_priced() for ln in invoice.lines.all()]


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    supplementary: int = 0
    parked: list[dict] = field(default_factory=list)


def _bill_one(*, bill: ContractBill, period_start: date, period_end: date, run: BillingRun | None, out: BatchOutcome):
    """Write one contract's bill under its contract row lock (callers hold the transaction)."""
    contract = bill.contract
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    invoices = list(Invoice.objects.filter(contract=contract, period_start=period_start).order_by("kind", "sequence"))
    periodic = next((i for i in invoices if i.kind == InvoiceKind.PERIODIC), None)
    if periodic is None:
        invoice = Invoice(
            contract=contract,
            entity_id=contract.entity_id,
            kind=InvoiceKind.PERIODIC,
            period_start=period_start,
            period_end=period_end,
        )
        _write_statement(invoice, bill, bill.invoice, run)
        out.created += 1
    elif any(bill.fingerprint == i.source_fingerprint or bill.input_digest == i.input_digest for i in invoices):
        out.unchanged += 1
    elif periodic.status == InvoiceStatus.DRAFT:
        periodic.lines.all().delete()
        periodic.sla_results.all().delete()
        _write_statement(periodic, bill, bill.invoice, run)
        out.updated += 1
    elif periodic.status == InvoiceStatus.APPROVED:
        reason = "the approved invoice no longer matches the usage; return it to draft to re-bill"
        out.parked.append({"contract": contract.pk, "code": contract.code, "reason": reason})
    else:
        _bill_after_issue(bill=bill, invoices=invoices, periodic=periodic, run=run, out=out)


def _write_statement(invoice: Invoice, bill: ContractBill, priced: pricing.PricedInvoice, run) -> None:
    """Save a statement with its totals, lines and (for a periodic one) SLA rows; `priced` is what it bills."""
    _set_totals(invoice, priced)
    invoice.fingerprint = priced.fingerprint() if priced is not bill.invoice else bill.fingerprint
    invoice.source_fingerprint = bill.fingerprint
    invoice.input_digest = bill.input_digest
    invoice.billing_run = run
    if priced is bill.invoice:
        invoice.refunds_as_of = _refunds_as_of(bill)
    invoice.save()
    InvoiceLine.objects.bulk_create(_line_rows(invoice, priced.lines))
    if priced is bill.invoice:
        SlaResult.objects.bulk_create(_sla_rows(invoice, priced))


def _bill_after_issue(*, bill: ContractBill, invoices, periodic: Invoice, run, out: BatchOutcome) -> None:
    """Issued or paid: bill the difference on a supplementary statement (or ask for a credit note)."""
    contract, priced = bill.contract, bill.invoice
    billed = []
    for inv in invoices:
        if inv.status in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
            billed.extend(_lines_from_db(inv))
    delta = pricing.difference(new=priced, billed_lines=billed)
    delta_invoice = pricing.assemble(period_start=priced.period_start, period_end=priced.period_end, lines=delta)
    if not delta or delta_invoice.subtotal == 0:
        out.unchanged += 1  # what changed does not change the amounts already invoiced
        return
    if delta_invoice.subtotal < 0:
        reason = f"usage fell after issue by {-delta_invoice.total}: issue a credit note"
        out.parked.append({"contract": contract.pk, "code": contract.code, "reason": reason})
        return
    target = next(
        (i for i in invoices if i.kind == InvoiceKind.SUPPLEMENTARY and i.status == InvoiceStatus.DRAFT), None
    )
    if target is not None:
        target.lines.all().delete()
    else:
        target = Invoice(
            contract=contract,
            entity_id=contract.entity_id,
            kind=InvoiceKind.SUPPLEMENTARY,
            sequence=max((i.sequence for i in invoices), default=0) + 1,
            period_start=priced.period_start,
            period_end=priced.period_end,
            note=f"Usage that arrived after invoice {periodic.number} was issued.",
        )
    _write_statement(target, bill, delta_invoice, run)
    out.supplementary += 1


def _bill_new_bulk(bills, *, period_start: date, period_end: date, run, out: BatchOutcome) -> None:
    """First invoices of contracts that had none: a handful of statements for the whole batch.

    The contract rows are locked first (in id order), then the absence of invoices is checked again
    under the locks; a contract that gained one meanwhile goes through the one-by-one path.
    """
    ids = sorted(b.contract.pk for b in bills)
    list(Contract.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    taken = set(
        Invoice.objects.filter(contract_id__in=ids, period_start=period_start).values_list("contract_id", flat=True)
    )
    if taken:
        raise IntegrityError("invoices appeared meanwhile")
    invoices = []
    for bill in bills:
        invoice = Invoice(
            contract=bill.contract,
            entity_id=bill.contract.entity_id,
            kind=InvoiceKind.PERIODIC,
            period_start=period_start,
            period_end=period_end,
            fingerprint=bill.fingerprint,
            source_fingerprint=bill.fingerprint,
            input_digest=bill.input_digest,
            billing_run=run,
            refunds_as_of=_refunds_as_of(bill),
        )
        _set_totals(invoice, bill.invoice)
        invoices.append(invoice)
    Invoice.objects.bulk_create(invoices, batch_size=1000)
    results = []
    for invoice, bill in zip(invoices, bills, strict=True):
        if bill.invoice.sla:
            results.extend(_sla_rows(invoice, bill.invoice))
    _copy_lines([(invoice.pk, bill.invoice.lines) for invoice, bill in zip(invoices, bills, strict=True)])
    SlaResult.objects.bulk_create(results, batch_size=5000)
    out.created += len(invoices)


LINE_COLUMNS = (
    "invoice_id",
    "position",
    "kind",
    "code",
    "description",
    "metric",
    "quantity",
    "unit_price",
    "tiers",
    "amount_unrounded",
    "amount",
    "vat_rate",
    "details",
)


def _copy_lines(invoices_lines) -> None:
    """Write invoice lines with COPY: the bulk path of a billing run (the trigger still guards them)."""
    import json

    if not invoices_lines:
        return
    six = Decimal("0.000001")
    sql = f"COPY contracts_invoiceline ({', '.join(LINE_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for invoice_id, lines in invoices_lines:
            for position, ln in enumerate(lines, start=1):
                copy.write_row(
                    (
                        invoice_id,
                        position,
                        ln.kind,
                        ln.code[:80],
                        ln.description[:255],
                        ln.metric,
                        ln.quantity.quantize(six),
                        None if ln.unit_price is None else ln.unit_price.quantize(six),
                        json.dumps(list(ln.tiers), ensure_ascii=False),
                        ln.amount_unrounded.quantize(UNROUNDED),
                        ln.amount,
                        ln.vat_rate,
                        json.dumps(ln.details, ensure_ascii=False, default=str),
                    )
                )
