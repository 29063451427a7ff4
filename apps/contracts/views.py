"""Server-rendered pages of the contracts app (mounted at /billing/): the month's statements per
brand with receivables and ageing, one statement's page with its actions, and the exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from apps.contracts import exports, receivables, selectors, services, statements
from apps.contracts.choices import InvoiceStatus, Metric
from apps.contracts.wording import COMMISSION_KINDS, commission_rates, line_description, percent
from apps.core import calendar
from apps.core.choices import Role
from apps.core.errors import DomainError
from apps.core.money import format_cny
from apps.core.roles import has_role, visible_client_ids

# The unit a quantity of each metric is counted in, as the statement prints it.
UNITS = {
    Metric.HUMAN_CONVERSATIONS: "条",
    Metric.BOT_CONVERSATIONS: "条",
    Metric.MESSAGES: "条",
    Metric.AGENT_HOURS: "小时",
    Metric.SURGE_SEAT_DAYS: "人天",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return calendar.previous_month(timezone.localdate())[0]


def _is_client(user) -> bool:
    return visible_client_ids(user) is not None


@login_required
def billing_page(request):
    period = _period(request)
    brands = selectors.billing_month_summary(user=request.user, period_start=period)
    grand = sum((b["total"] for b in brands), 0)
    rows = receivables.receivables(invoices=selectors.invoice_list(user=request.user))
    by_invoice = {r.invoice.pk: r for r in rows}
    for brand in brands:
        for inv in brand["invoices"]:
            inv.receivable = by_invoice.get(inv.pk)
    ageing = receivables.ageing_by_brand(rows)
    totals = {b: sum((a.buckets[b] for a in ageing), Decimal(0)) for b in receivables.BUCKETS}
    return render(
        request,
        "contracts/billing.html",
        {
            "period": period,
            "brands": brands,
            "grand_total": grand,
            "ageing": ageing,
            "buckets": receivables.BUCKETS,
            "bucket_totals": [totals[b] for b in receivables.BUCKETS],
            "open_total": sum((a.open for a in ageing), Decimal(0)),
            "overdue_total": sum((a.overdue for a in ageing), Decimal(0)),
            "is_client": _is_client(request.user),
        },
    )


@login_required
def billing_export(request):
    """?file=xlsx|csv: the month's statement lines; ?file=fapiao: the e-fapiao batch sheet of the
    month's issued statements."""
    period = _period(request)
    invoices = list(selectors.invoice_list(user=request.user, period_start=period).prefetch_related("lines"))
    kind = request.GET.get("file")
    if kind == "fapiao":
        issued = [inv for inv in invoices if inv.status in receivables.ISSUED]
        response = HttpResponse(exports.fapiao_batch_xlsx(issued), content_type=XLSX)
        name = f"fapiao-batch-{period:%Y-%m}.xlsx"
    elif kind == "xlsx":
        response = HttpResponse(exports.invoices_xlsx(invoices), content_type=XLSX)
        name = f"statements-{period:%Y-%m}.xlsx"
    else:
        response = HttpResponse(exports.invoices_csv(invoices), content_type="text/csv; charset=utf-8")
        name = f"statements-{period:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def receivables_export(request):
    """Every issued statement the user may see with its open amount, due date, age and bucket."""
    rows = receivables.receivables(invoices=selectors.invoice_list(user=request.user))
    if request.GET.get("file") == "xlsx":
        response = HttpResponse(exports.receivables_xlsx(rows), content_type=XLSX)
        name = "receivables.xlsx"
    else:
        response = HttpResponse(exports.receivables_csv(rows), content_type="text/csv; charset=utf-8")
        name = "receivables.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- one statement


def _statement(request, pk: int):
    invoice = receivables.statement_for_page(queryset=selectors.invoice_list(user=request.user), pk=pk)
    if invoice is None:
        raise Http404(_("No such statement."))
    return invoice


def _units(first: Decimal, last: Decimal) -> str:
    def n(v: Decimal) -> str:
        v = v.normalize()
        return f"{int(v):,}" if v == v.to_integral_value() else f"{v:,}"

    return f"{n(first)}–{n(last)}"


def tier_words(line) -> list[str]:
    """'1–5,000 条 × ¥1.50 = ¥7,500.00' for each tier the line used (units counted from 1); a commission
    line's tiers as GMV ranges at a rate: '¥0.00–¥200,000.00 × 2% = ¥4,000.00'."""
    if line.kind == "commission":
        return [
            f"{commission_rates(_one_tier(line, tier))} = {format_cny(Decimal(str(tier.get('amount') or 0)))}"
            for tier in line.tiers or []
            if Decimal(str(tier.get("quantity") or "0"))
        ]
    unit = UNITS.get(line.metric, "")
    out = []
    for tier in line.tiers or []:
        qty = Decimal(str(tier.get("quantity") or "0"))
        if not qty:
            continue
        lower = Decimal(str(tier.get("lower") or "0"))
        whole = qty == qty.to_integral_value() and lower == lower.to_integral_value()
        first, last = (lower + 1, lower + qty) if whole else (lower, lower + qty)
        price = Decimal(str(tier.get("unit_price") or "0"))
        text = f"{_units(first, last)} {unit} × {_price(price)} = {format_cny(Decimal(str(tier.get('amount') or 0)))}"
        flat = Decimal(str(tier.get("flat_fee") or "0"))
        if flat:
            text += " " + _("(flat fee %(fee)s included)") % {"fee": format_cny(flat)}
        out.append(text)
    return out


def _one_tier(line, tier):
    from types import SimpleNamespace

    return SimpleNamespace(tiers=[tier], unit_price=line.unit_price)


def _price(value: Decimal) -> str:
    """A unit price: two decimals, up to four when it has them ('¥1.50', '¥0.0125')."""
    d = value.quantize(Decimal("0.0001")).normalize()
    places = max(2, -d.as_tuple().exponent)
    return f"¥{value:,.{places}f}"


def _quantity(line) -> str:
    if line.kind in ("base", "sla_credit", "earn_back", "adjustment", "minimum", "charge_minimum"):
        return ""
    if line.kind in COMMISSION_KINDS:
        return format_cny(line.quantity) if line.kind == "commission" else ""
    q = line.quantity.normalize()
    text = f"{int(q):,}" if q == q.to_integral_value() else f"{q:,}"
    return f"{text} {UNITS.get(line.metric, '')}".strip()


def _unit_price(line) -> str:
    if line.unit_price is None or line.tiers:
        return ""
    return percent(line.unit_price) if line.kind == "commission" else _price(line.unit_price)


def _line_rows(invoice) -> list[dict]:
    rows = []
    for line in invoice.lines.all():
        details = line.details or {}
        notes = []
        if details.get("window"):
            notes.append(str(details["window"]))
        included = details.get("included")
        if included and Decimal(str(included)) > 0:
            n = Decimal(str(included)).normalize()
            notes.append(
                _("%(n)s %(unit)s included in the base fee")
                % {"n": f"{n:,}" if n != n.to_integral_value() else f"{int(n):,}", "unit": UNITS.get(line.metric, "")}
            )
        rows.append(
            {
                "description": line_description(line),
                "kind": line.get_kind_display(),
                "quantity": _quantity(line),
                "unit_price": _unit_price(line),
                "tiers": tier_words(line),
                "notes": notes,
                "amount": line.amount,
                "vat_rate": line.vat_rate,
            }
        )
    return rows


def _sla_rows(invoice) -> list[dict]:
    from apps.reports.invoices import format_kpi_value, format_target, measurement_basis

    earn_back = {}
    for line in invoice.lines.all():
        if line.kind == "earn_back":
            kpi = (line.details or {}).get("kpi", "")
            earn_back.setdefault(kpi, []).append((line.amount, (line.details or {}).get("month", "")))
    rows = []
    for r in sorted(invoice.sla_results.all(), key=lambda r: r.kpi):
        rows.append(
            {
                "kpi": r.get_kpi_display(),
                "target": format_target(r.kpi, r.target, r.comparison),
                "measured": format_kpi_value(r.kpi, r.measured),
                "basis": measurement_basis(r.details),
                "met": r.met,
                "credit": r.credit_amount,
                "earn_back": earn_back.pop(r.kpi, []),
            }
        )
    return rows


def _actions(user, invoice, rec) -> dict:
    staff = has_role(user, Role.ACCOUNT_MANAGER)
    client = has_role(user, Role.CLIENT_VIEWER) and _is_client(user) or user.is_superuser
    status = invoice.status
    return {
        "approve": staff and status == InvoiceStatus.DRAFT,
        "issue": staff and status == InvoiceStatus.APPROVED,
        "payment": staff and status == InvoiceStatus.ISSUED and rec.open > 0,
        "credit": staff and status in receivables.ISSUED and rec.creditable > 0,
        "fapiao": staff and status in receivables.ISSUED and any(v > 0 for v in rec.fapiao_room.values()),
        "answer_dispute": staff and rec.confirmation == "disputed",
        "confirm": client and status in receivables.ISSUED and rec.confirmation in ("awaiting", "answered"),
    }


class _Figures:
    def __init__(self, invoice):
        self.credited = receivables.credited_amount(invoice)
        self.paid = receivables.paid_amount(invoice)
        self.open = receivables.open_amount(invoice)
        self.creditable = selectors.invoice_creditable(invoice)
        self.fapiao_room = receivables.fapiao_room(invoice) if invoice.status in receivables.ISSUED else {}
        self.confirmation = receivables.confirmation_state(invoice)
        today = timezone.localdate()
        self.overdue = bool(self.open and invoice.due_date and invoice.due_date < today)


@login_required
def statement_page(request, pk: int):
    invoice = _statement(request, pk)
    rec = _Figures(invoice)
    from apps.contracts.choices import ConfirmationState

    return render(
        request,
        "contracts/statement.html",
        {
            "inv": invoice,
            "rec": rec,
            "confirmation_label": ConfirmationState(rec.confirmation).label,
            "lines": _line_rows(invoice),
            "sla": _sla_rows(invoice),
            "vat_rows": receivables.vat_rows(invoice),
            "actions": _actions(request.user, invoice, rec),
            "responses": list(invoice.responses.all()),
            "problems": services.problem_labels(invoice.problems) if invoice.status == InvoiceStatus.DRAFT else [],
            "fapiao_rates": sorted(rec.fapiao_room.items()),
            "today": timezone.localdate(),
            "is_client": _is_client(request.user),
        },
    )


@login_required
def statement_pdf(request, pk: int):
    """The statement's PDF (printed at issue; printed now if that has not happened yet)."""
    invoice = _statement(request, pk)
    if invoice.status not in receivables.ISSUED:
        raise Http404(_("A draft has no PDF; it is printed when it is issued."))
    return _printed_pdf("invoice", invoice.pk, invoice.number)


def _printed_pdf(kind: str, object_id: int, number: str) -> FileResponse:
    """The printed PDF of a statement or a correction, printed now if that has not happened yet."""
    from apps.reports import selectors as report_selectors
    from apps.reports import services as reports

    doc = report_selectors.rendered_document_of(kind=kind, object_id=object_id)
    if doc is None or not doc.pdf or not doc.pdf.storage.exists(doc.pdf.name):
        doc = reports.document_render(kind=kind, object_id=object_id)
    return FileResponse(doc.pdf.open("rb"), content_type="application/pdf", filename=f"{number}.pdf")


@login_required
def credit_note_pdf(request, pk: int, note_pk: int):
    """A correction's PDF, from its statement's page."""
    invoice = _statement(request, pk)
    note = get_object_or_404(invoice.credit_notes.all(), pk=note_pk)
    return _printed_pdf("credit_note", note.pk, note.number)


def _act(request, invoice, what: str):
    """Run one transition of the statement page; POST fields are the service's arguments."""
    p, user = request.POST, request.user
    reason = p.get("reason", "").strip()
    if what == "approve":
        services.invoice_approve(invoice=invoice, actor=user, reason=reason, confirm_problems=bool(p.get("confirm")))
        return _("Statement approved.")
    if what == "issue":
        done = services.invoice_issue(invoice=invoice, actor=user, reason=reason)
        return _("Statement %(number)s issued; its PDF is being printed.") % {"number": done.number}
    if what == "payment":
        statements.payment_record(
            invoice=invoice,
            amount=p.get("amount", ""),
            received_on=p.get("received_on", ""),
            reference=p.get("reference", ""),
            note=reason,
            actor=user,
        )
        return _("Payment recorded.")
    if what == "credit":
        note = services.credit_note_create(invoice=invoice, total=p.get("amount", ""), reason=reason, actor=user)
        return _("Correction %(number)s issued.") % {"number": note.number}
    if what == "fapiao":
        statements.fapiao_record(
            invoice=invoice,
            number=p.get("number", ""),
            issued_on=p.get("issued_on", ""),
            amount=p.get("amount", ""),
            vat_rate=p.get("vat_rate", ""),
            tax=p.get("tax", ""),
            actor=user,
        )
        return _("Fapiao recorded.")
    if what == "answer_dispute":
        statements.dispute_answer(invoice=invoice, actor=user, reply=reason, correction_total=p.get("amount") or None)
        return _("Answer sent to the brand.")
    raise DomainError(_("Unknown action."), field="action")


@require_POST
@login_required
def statement_act(request, pk: int):
    """The account manager's transitions (approve, issue, payment, credit, fapiao, answer_dispute)."""
    invoice = _statement(request, pk)
    if not has_role(request.user, Role.ACCOUNT_MANAGER):
        raise Http404
    try:
        messages.success(request, _act(request, invoice, request.POST.get("action", "")))
    except DomainError as exc:
        messages.error(request, _error(exc))
    return redirect("contracts:statement", pk=pk)


@require_POST
@login_required
def statement_answer(request, pk: int):
    """The brand confirms the statement or disputes it with a reason."""
    invoice = _statement(request, pk)
    try:
        statements.statement_answer(
            invoice=invoice,
            answer=request.POST.get("answer", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        messages.success(request, _("Thank you; your answer is recorded."))
    except DomainError as exc:
        messages.error(request, _error(exc))
    return redirect("contracts:statement", pk=pk)


FIELD_LABELS = {
    "amount": _l("Amount"),
    "total": _l("Amount"),
    "tax": _l("Tax"),
    "vat_rate": _l("Tax rate"),
    "number": _l("Fapiao number"),
    "issued_on": _l("Fapiao date"),
    "received_on": _l("Received on"),
    "reason": _l("Reason"),
    "reply": _l("Answer"),
    "status": _l("Status"),
    "answer": _l("Answer"),
    "confirm_problems": _l("Confirmation"),
}


def _error(exc: DomainError) -> str:
    label = FIELD_LABELS.get(exc.field or "", exc.field or "")
    return f"{label}：{exc.message}" if label else exc.message
