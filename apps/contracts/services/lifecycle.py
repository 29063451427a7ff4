"""The statement lifecycle: edit a draft, approve, reopen, issue (gapless numbers), mark paid, credit notes."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.contracts import pricing, selectors
from apps.contracts.choices import (
    InvoiceStatus,
)
from apps.contracts.models import (
    ContractVersion,
    CreditNote,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
)
from apps.contracts.services.invoice_writes import _line_rows, _lines_from_db, _set_totals, problem_labels
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.money import round_money, to_decimal

# --------------------------------------------------------------------------- invoice lifecycle


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update().select_related("contract", "contract__client", "entity").get(pk=invoice.pk)
    )


def _need_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise DomainError("a reason is required", field="reason")


@transaction.atomic
def invoice_edit_draft(
    *, invoice: Invoice, actor, reason: str, note: str | None = None, adjustment: dict | None = None
) -> Invoice:
    """Change a draft: its note, and/or add an adjustment line {description, amount}. Audited with the reason."""
    _need_reason(reason)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(f"only a draft can be edited; this invoice is {invoice.status}", field="status")
    data = {}
    if note is not None:
        data["note"] = {"old": invoice.note, "new": note}
        invoice.note = note
    if adjustment:
        description = str(adjustment.get("description") or "").strip()
        if not description:
            raise DomainError("an adjustment needs a description", field="description")
        try:
            amount = to_decimal(adjustment.get("amount"))
        except (TypeError, ValueError):
            raise DomainError("the adjustment amount is not a number", field="amount") from None
        if amount != round_money(amount):
            raise DomainError("the adjustment amount has more than 2 decimals", field="amount")
        lines = _lines_from_db(invoice)
        rate = lines[0].vat_rate if lines else Decimal("0.06")
        lines.append(
            pricing.PricedLine(
                kind=pricing.ADJUSTMENT,
                code=f"adjustment:{len(lines) + 1}",
                description=description[:255],
                metric="",
                quantity=Decimal(1),
                unit_price=amount,
                tiers=(),
                amount_unrounded=amount,
                amount=amount,
                vat_rate=rate,
                details={"reason": reason},
            )
        )
        priced = pricing.assemble(
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            lines=lines,
            problems=tuple(invoice.problems),
        )
        if priced.total < 0:
            raise DomainError("the adjustment would make the invoice negative", field="amount")
        invoice.lines.all().delete()
        InvoiceLine.objects.bulk_create(_line_rows(invoice, priced.lines))
        _set_totals(invoice, priced)
        invoice.fingerprint = priced.fingerprint()
        data["adjustment"] = {"description": description, "amount": str(amount)}
    invoice.save()
    audit_record(
        actor=actor, action="invoice.edit", target=invoice, reason=reason, data=data, client=invoice.contract.client
    )
    return invoice


@transaction.atomic
def invoice_approve(*, invoice: Invoice, actor, reason: str = "", confirm_problems: bool = False) -> Invoice:
    """Approve a draft. A draft the run flagged (no usage recorded …) needs `confirm_problems` and a reason."""
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(f"only a draft can be approved; this invoice is {invoice.status}", field="status")
    fields = ["status", "approved_at", "approved_by"]
    if invoice.problems:
        labels = "; ".join(p["message"] for p in problem_labels(invoice.problems))
        if not confirm_problems:
            raise DomainError(
                _("This draft has problems (%(problems)s): confirm that it is right to approve it.")
                % {"problems": labels},
                field="confirm_problems",
                code="needs_confirmation",
            )
        if not (reason or "").strip():
            raise DomainError(_("Say why the draft is right despite its problems."), field="reason")
        invoice.problems_confirmed = reason.strip()
        fields.append("problems_confirmed")
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_at = timezone.now()
    invoice.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="invoice.approve",
        target=invoice,
        reason=reason,
        data={"problems": list(invoice.problems)} if invoice.problems else None,
        client=invoice.contract.client,
    )
    return invoice


@transaction.atomic
def invoice_reopen(*, invoice: Invoice, actor, reason: str) -> Invoice:
    """Send an approved invoice back to draft (e.g. to re-bill late usage before issue)."""
    _need_reason(reason)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise DomainError("only an approved invoice can be reopened", field="status")
    invoice.status = InvoiceStatus.DRAFT
    invoice.approved_at = None
    invoice.approved_by = None
    invoice.source_fingerprint = invoice.input_digest = ""
    invoice.save(update_fields=["status", "approved_at", "approved_by", "source_fingerprint", "input_digest"])
    audit_record(actor=actor, action="invoice.reopen", target=invoice, reason=reason, client=invoice.contract.client)
    return invoice


def _next_number(*, entity_id: int, year: int, series: str) -> str:
    """The next gapless number of (entity, year, series), taken under the counter row's lock."""
    InvoiceCounter.objects.get_or_create(entity_id=entity_id, year=year, series=series)
    counter = InvoiceCounter.objects.select_for_update().get(entity_id=entity_id, year=year, series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{series}{year}{counter.last_number:06d}"


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor, reason: str = "", at: datetime | None = None) -> Invoice:
    """Give the approved invoice its number (under the counter's row lock) and freeze it."""
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise DomainError(f"only an approved invoice can be issued; this invoice is {invoice.status}", field="status")
    at = at or timezone.now()
    version = (
        ContractVersion.objects.filter(contract_id=invoice.contract_id, valid_from__lt=invoice.period_end)
        .order_by("-valid_from")
        .first()
    )
    terms = version.payment_terms_days if version else 30
    local = timezone.localtime(at)
    invoice.number = _next_number(entity_id=invoice.entity_id, year=local.year, series=invoice.entity.invoice_series)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = at
    invoice.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.due_date = local.date() + timedelta(days=terms)
    invoice.save(update_fields=["number", "status", "issued_at", "issued_by", "due_date"])
    audit_record(
        actor=actor,
        action="invoice.issue",
        target=invoice,
        reason=reason,
        client=invoice.contract.client,
        data={"number": invoice.number, "total": str(invoice.total)},
    )
    from apps.contracts.statements import documents_render_on_commit

    documents_render_on_commit(invoice_id=invoice.pk)
    return invoice


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, actor, paid_at: datetime | None = None, reason: str = "") -> Invoice:
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.ISSUED:
        raise DomainError(
            f"only an issued invoice can be marked paid; this invoice is {invoice.status}", field="status"
        )
    from apps.contracts import receivables
    from apps.contracts.models import Payment

    # Paid in full: what was still open is recorded as one payment, so receivables add up.
    left = receivables.open_amount(invoice)
    invoice.status = InvoiceStatus.PAID
    invoice.paid_at = paid_at or timezone.now()
    if left > 0:
        Payment.objects.create(
            invoice=invoice,
            amount=left,
            received_on=timezone.localtime(invoice.paid_at).date(),
            note=(reason or "")[:255],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    invoice.save(update_fields=["status", "paid_at"])
    audit_record(actor=actor, action="invoice.mark_paid", target=invoice, reason=reason, client=invoice.contract.client)
    return invoice


@transaction.atomic
def credit_note_create(*, invoice: Invoice, total, reason: str, actor, at: datetime | None = None) -> CreditNote:
    """A red-letter credit note of `total` (VAT included) against an issued invoice, within what is left."""
    _need_reason(reason)
    invoice = _locked(invoice)
    if invoice.status not in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
        raise DomainError(_("Only an issued or paid statement can be corrected."), field="invoice")
    try:
        total = to_decimal(total)
    except (TypeError, ValueError):
        raise DomainError(_("The correction amount is not a number."), field="total") from None
    if total <= 0 or total != round_money(total):
        raise DomainError(_("The correction amount must be positive, with at most 2 decimals."), field="total")
    creditable = selectors.invoice_creditable(invoice)
    if total > creditable:
        raise DomainError(
            _("Only %(left)s of statement %(number)s is left to correct.")
            % {"left": creditable, "number": invoice.number},
            field="total",
        )
    rate = Decimal(invoice.vat_breakdown[0]["rate"]) if invoice.vat_breakdown else Decimal("0.06")
    subtotal = round_money(total / (1 + rate))
    at = at or timezone.now()
    number = _next_number(
        entity_id=invoice.entity_id, year=timezone.localtime(at).year, series=invoice.entity.credit_series
    )
    note = CreditNote.objects.create(
        invoice=invoice,
        number=number,
        subtotal=subtotal,
        vat_amount=total - subtotal,
        total=total,
        reason=reason,
        issued_at=at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="invoice.credit",
        target=invoice,
        reason=reason,
        client=invoice.contract.client,
        data={"credit_note": number, "total": str(total)},
    )
    from apps.contracts.statements import documents_render_on_commit

    documents_render_on_commit(credit_note_id=note.pk)
    return note


def invoice_lines_sum_check(invoice: Invoice) -> bool:
    """Lines + VAT = total for a stored invoice."""
    subtotal = sum((ln.amount for ln in invoice.lines.all()), Decimal(0))
    return subtotal == invoice.subtotal and invoice.subtotal + invoice.vat_amount == invoice.total
