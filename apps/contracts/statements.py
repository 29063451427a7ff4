"""Writes after a statement is issued: the official fapiao finance recorded against it, payments
received, the brand's confirmation or dispute and the account manager's answer, and the PDFs.

What Tideline issues is the vendor's service fee statement (服务费结算单) and its corrections
(credit notes, supplementary statements); the legal tax invoice (数电发票) is issued on the tax
platform and only recorded here. Rules (decided where the issue was silent; see docs/statements.md):

- Fapiao: tax must be the amount × rate rounded half-up to the fen (the tax platform's rule); the
  rate must be one of the statement's VAT rates; the amounts excluding tax recorded at a rate never
  exceed the statement's subtotal at that rate, less corrections at that rate.
- Payments: partial payments are allowed; a payment never exceeds what is open (total − corrections
  − payments); the statement becomes paid when nothing is open.
- Confirmation: only a client viewer of the brand (or a superuser acting for it) answers; one open
  dispute at a time; a confirmed statement is not disputed again unless a correction followed.
  A dispute is answered by the account manager with a correction (credit note) or a written reply.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.contracts import receivables
from apps.contracts.choices import InvoiceKind, InvoiceStatus, StatementAnswer
from apps.contracts.models import CreditNote, Fapiao, Invoice, Payment, StatementResponse
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.money import round_money, to_decimal

ISSUED = (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update().select_related("contract", "contract__client", "entity").get(pk=invoice.pk)
    )


def _money(value, *, field: str) -> Decimal:
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        raise DomainError(_("This is not a number."), field=field) from None
    if amount != round_money(amount):
        raise DomainError(_("At most 2 decimals."), field=field)
    return amount


def _date(value, *, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("This is not a date (YYYY-MM-DD)."), field=field) from None


def _need_issued(invoice: Invoice) -> None:
    if invoice.status not in ISSUED:
        raise DomainError(_("Only an issued statement can take this; this one is not issued yet."), field="status")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --------------------------------------------------------------------------- fapiao


@transaction.atomic
def fapiao_record(*, invoice: Invoice, number: str, issued_on, amount, vat_rate, tax, actor) -> Fapiao:
    """Record an official fapiao issued on the tax platform against an issued statement."""
    invoice = _locked(invoice)
    _need_issued(invoice)
    number = (number or "").strip()
    if not number.isdigit() or not 8 <= len(number) <= 20:
        raise DomainError(_("The fapiao number is 8 to 20 digits."), field="number")
    if Fapiao.objects.filter(number=number).exists():
        raise DomainError(_("Fapiao %(number)s is already recorded.") % {"number": number}, field="number")
    issued_on = _date(issued_on, field="issued_on")
    if issued_on < timezone.localtime(invoice.issued_at).date():
        raise DomainError(_("The fapiao cannot be dated before the statement was issued."), field="issued_on")
    amount = _money(amount, field="amount")
    tax = _money(tax, field="tax")
    try:
        rate = to_decimal(vat_rate)
    except (TypeError, ValueError, ArithmeticError):
        raise DomainError(_("This is not a number."), field="vat_rate") from None
    if amount <= 0:
        raise DomainError(_("The fapiao amount must be positive."), field="amount")
    room = receivables.fapiao_room(invoice)
    if rate not in room:
        rates = "、".join(f"{r * 100:.0f}%" for r in sorted(room)) or "—"
        raise DomainError(
            _("The statement has no fees at this tax rate; its rates are %(rates)s.") % {"rates": rates},
            field="vat_rate",
        )
    expected = round_money(amount * rate)
    if tax != expected:
        raise DomainError(
            _("The tax does not match the amount: %(amount)s × %(rate)s is %(tax)s.")
            % {"amount": amount, "rate": f"{rate * 100:.0f}%", "tax": expected},
            field="tax",
        )
    if amount > room[rate]:
        raise DomainError(
            _("The fapiao amount exceeds what is left to invoice at this rate on the statement (%(left)s).")
            % {"left": room[rate]},
            field="amount",
        )
    fapiao = Fapiao.objects.create(
        invoice=invoice,
        number=number,
        issued_on=issued_on,
        amount=amount,
        vat_rate=rate,
        tax=tax,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="statement.fapiao",
        target=invoice,
        client=invoice.contract.client,
        data={"fapiao": number, "amount": str(amount), "tax": str(tax), "rate": str(rate)},
    )
    return fapiao


# --------------------------------------------------------------------------- payments


@transaction.atomic
def payment_record(*, invoice: Invoice, amount, received_on, actor, reference: str = "", note: str = "") -> Payment:
    """Record money received; the statement turns paid when nothing is left open."""
    invoice = _locked(invoice)
    _need_issued(invoice)
    amount = _money(amount, field="amount")
    if amount <= 0:
        raise DomainError(_("The payment must be positive."), field="amount")
    received_on = _date(received_on, field="received_on")
    if received_on > timezone.localdate():
        raise DomainError(_("A payment cannot be received in the future."), field="received_on")
    open_amount = receivables.open_amount(invoice)
    if amount > open_amount:
        raise DomainError(
            _("The payment exceeds what is open on statement %(number)s (%(open)s).")
            % {"number": invoice.number, "open": open_amount},
            field="amount",
        )
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        received_on=received_on,
        reference=(reference or "").strip()[:64],
        note=(note or "").strip()[:255],
        recorded_by=_user(actor),
    )
    if amount == open_amount and invoice.status == InvoiceStatus.ISSUED:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = timezone.now()
        invoice.save(update_fields=["status", "paid_at"])
    audit_record(
        actor=actor,
        action="statement.payment",
        target=invoice,
        client=invoice.contract.client,
        reason=note,
        data={"amount": str(amount), "received_on": received_on.isoformat(), "reference": payment.reference},
    )
    return payment


# --------------------------------------------------------------------------- the brand's answer


@transaction.atomic
def statement_answer(*, invoice: Invoice, answer: str, actor, reason: str = "") -> StatementResponse:
    """The brand confirms the statement or disputes it with a reason."""
    invoice = _locked(invoice)
    _need_issued(invoice)
    if answer not in StatementAnswer.values:
        raise DomainError(_("Answer confirmed or disputed."), field="answer")
    reason = (reason or "").strip()
    if answer == StatementAnswer.DISPUTED and not reason:
        raise DomainError(_("Say what is wrong with the statement."), field="reason")
    state = receivables.confirmation_state(invoice)
    if state == "disputed":
        raise DomainError(
            _("The brand's dispute is still open; wait for the account manager's answer."), field="answer"
        )
    if state == "confirmed":
        raise DomainError(_("The statement is already confirmed."), field="answer")
    response = StatementResponse.objects.create(invoice=invoice, kind=answer, reason=reason, created_by=_user(actor))
    audit_record(
        actor=actor,
        action=f"statement.{answer}",
        target=invoice,
        reason=reason,
        client=invoice.contract.client,
    )
    return response


@transaction.atomic
def dispute_answer(*, invoice: Invoice, actor, reply: str, correction_total=None) -> StatementResponse:
    """Answer the open dispute: a written reply, optionally with a correction (credit note) of
    `correction_total` (VAT included) issued at once."""
    from apps.contracts import services

    invoice = _locked(invoice)
    dispute = (
        StatementResponse.objects.select_for_update()
        .filter(invoice=invoice, kind=StatementAnswer.DISPUTED, resolved_at__isnull=True)
        .first()
    )
    if dispute is None:
        raise DomainError(_("This statement has no open dispute."), field="status")
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(_("Write the answer to the brand."), field="reply")
    note = None
    if correction_total not in (None, ""):
        note = services.credit_note_create(invoice=invoice, total=correction_total, reason=reply, actor=actor)
    dispute.reply = reply
    dispute.correction = note
    dispute.resolved_by = _user(actor)
    dispute.resolved_at = timezone.now()
    dispute.save(update_fields=["reply", "correction", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="statement.dispute_answered",
        target=invoice,
        reason=reply,
        client=invoice.contract.client,
        data={"correction": note.number if note else ""},
    )
    return dispute


# --------------------------------------------------------------------------- PDFs on issue


def documents_render_on_commit(*, invoice_id: int | None = None, credit_note_id: int | None = None) -> None:
    """After commit, print the issued statement or correction at once and re-render the brand's
    monthly report of the period when a correction changed the amount it shows."""
    from apps.contracts.tasks import statement_documents_task

    transaction.on_commit(lambda: statement_documents_task.delay(invoice_id, credit_note_id))


def documents_render(*, invoice_id: int | None = None, credit_note_id: int | None = None) -> list[str]:
    """Render the PDF(s) through the reports app's services; returns what was done."""
    from apps.reports import services as reports

    done = []
    if invoice_id:
        invoice = Invoice.objects.select_related("contract").get(pk=invoice_id)
        doc = reports.document_render(kind="invoice", object_id=invoice_id)
        done.append(f"statement {doc.number}")
        if invoice.kind == InvoiceKind.SUPPLEMENTARY:
            done += _report_refresh(invoice)
    if credit_note_id:
        note = CreditNote.objects.select_related("invoice__contract").get(pk=credit_note_id)
        doc = reports.document_render(kind="credit_note", object_id=credit_note_id)
        done.append(f"correction {doc.number}")
        done += _report_refresh(note.invoice)
    return done


def _report_refresh(invoice: Invoice) -> list[str]:
    """The brand's monthly report of the period shows the statement: the reports app re-renders a
    draft with the corrected amount and marks an issued one superseded by a new run (reports own
    their state; billing only asks)."""
    from apps.reports import services as reports

    why = _("statement %(number)s was corrected") % {"number": invoice.number}
    return reports.monthly_reports_refresh(
        client_id=invoice.contract.client_id, period_start=invoice.period_start, reason=why
    )
