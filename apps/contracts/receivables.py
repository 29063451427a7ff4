"""Reads about issued statements: what is open, overdue and how old, what fapiao are recorded, where
the brand stands, and the statement page's figures in words.

Rules (docs/statements.md):
- open = total − corrections (credit notes) − payments; a paid statement has nothing open.
- overdue: something is open and the due date (issue date + the contract's payment terms) has passed.
- ageing counts whole days from the statement's issue date (Asia/Shanghai) to `today`, into the buckets
  0–30, 31–60, 61–90 and 90+ days, for open amounts only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils import timezone

from apps.contracts.choices import InvoiceStatus, StatementAnswer
from apps.contracts.models import CreditNote, Fapiao, Invoice, InvoiceLine, Payment, StatementResponse

ZERO = Decimal("0.00")
BUCKETS = ("0-30", "31-60", "61-90", "90+")
ISSUED = (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


def credited_amount(invoice: Invoice) -> Decimal:
    return CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total"))["s"] or ZERO


def paid_amount(invoice: Invoice) -> Decimal:
    return Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or ZERO


def open_amount(invoice: Invoice) -> Decimal:
    """What the brand still owes on an issued statement (0 once paid or not yet issued)."""
    if invoice.status != InvoiceStatus.ISSUED:
        return ZERO
    return max(ZERO, invoice.total - credited_amount(invoice) - paid_amount(invoice))


def _bases(invoice: Invoice) -> dict[Decimal, Decimal]:
    """The statement's subtotal per VAT rate, from its lines (credits are negative lines)."""
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in invoice.lines.all():
        bases[line.vat_rate.normalize()] += line.amount
    return dict(bases)


def fapiao_room(invoice: Invoice) -> dict[Decimal, Decimal]:
    """Per VAT rate: the statement's subtotal at that rate, less corrections and fapiao recorded.

    Corrections are taken at the statement's first rate (credit_note_create credits at that rate).
    """
    room = _bases(invoice)
    if room and invoice.vat_breakdown:
        first = Decimal(str(invoice.vat_breakdown[0]["rate"])).normalize()
        room[first] = room.get(first, ZERO) - (
            CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("subtotal"))["s"] or ZERO
        )
    for rate, amount in Fapiao.objects.filter(invoice=invoice).values_list("vat_rate", "amount"):
        key = rate.normalize()
        room[key] = room.get(key, ZERO) - amount
    return {rate: max(ZERO, left) for rate, left in room.items()}


def confirmation_state(invoice: Invoice) -> str:
    """awaiting / confirmed / disputed (open) / answered (the dispute had an answer, not yet confirmed)."""
    last = StatementResponse.objects.filter(invoice=invoice).order_by("-created_at", "-id").first()
    return _state_of(last)


def _state_of(last: StatementResponse | None) -> str:
    if last is None:
        return "awaiting"
    if last.kind == StatementAnswer.CONFIRMED:
        return "confirmed"
    return "disputed" if last.resolved_at is None else "answered"


def age_bucket(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


@dataclass
class Receivable:
    """One issued statement as finance follows it."""

    invoice: Invoice
    credited: Decimal
    paid: Decimal
    open: Decimal
    issue_date: date | None
    age_days: int
    bucket: str
    overdue: bool
    confirmation: str
    fapiao_total: Decimal


@dataclass
class BrandAgeing:
    client: object
    buckets: dict[str, Decimal] = field(default_factory=lambda: {b: ZERO for b in BUCKETS})
    open: Decimal = ZERO
    overdue: Decimal = ZERO


def receivables(*, invoices, today: date | None = None) -> list[Receivable]:
    """Issued statements of `invoices` (a queryset already scoped to the user) with their sums."""
    today = today or timezone.localdate()
    rows = list(
        invoices.filter(status__in=ISSUED)
        .select_related("contract", "contract__client", "entity")
        .prefetch_related("credit_notes", "payments", "fapiaos", "responses")
        .order_by("contract__client__name", "issued_at", "number")
    )
    out = []
    for inv in rows:
        credited = sum((n.total for n in inv.credit_notes.all()), ZERO)
        paid = sum((p.amount for p in inv.payments.all()), ZERO)
        left = max(ZERO, inv.total - credited - paid) if inv.status == InvoiceStatus.ISSUED else ZERO
        issue_date = timezone.localtime(inv.issued_at).date() if inv.issued_at else None
        days = (today - issue_date).days if issue_date else 0
        responses = sorted(inv.responses.all(), key=lambda r: (r.created_at, r.pk))
        out.append(
            Receivable(
                invoice=inv,
                credited=credited,
                paid=paid,
                open=left,
                issue_date=issue_date,
                age_days=max(days, 0),
                bucket=age_bucket(max(days, 0)),
                overdue=bool(left and inv.due_date and inv.due_date < today),
                confirmation=_state_of(responses[-1] if responses else None),
                fapiao_total=sum((f.total for f in inv.fapiaos.all()), ZERO),
            )
        )
    return out


def ageing_by_brand(rows: list[Receivable]) -> list[BrandAgeing]:
    """Open amounts per brand in the ageing buckets (only statements with something open)."""
    brands: dict[int, BrandAgeing] = {}
    for row in rows:
        if not row.open:
            continue
        client = row.invoice.contract.client
        brand = brands.setdefault(client.pk, BrandAgeing(client=client))
        brand.buckets[row.bucket] += row.open
        brand.open += row.open
        if row.overdue:
            brand.overdue += row.open
    return sorted(brands.values(), key=lambda b: b.client.name)


# --------------------------------------------------------------------------- the statement page


def statement_for_page(*, queryset, pk: int) -> Invoice | None:
    """One statement with everything its page shows, from a queryset already scoped to the user."""
    return (
        queryset.filter(pk=pk)
        .select_related("contract", "contract__client", "entity", "approved_by", "issued_by")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
            "sla_results",
            "credit_notes",
            "payments",
            "fapiaos",
            Prefetch("responses", queryset=StatementResponse.objects.select_related("created_by", "correction")),
        )
        .first()
    )


def vat_rows(invoice: Invoice) -> list[dict]:
    """VAT per rate as the statement prints it: rate, fees at that rate, VAT (as billing stored it)."""
    bases = _bases(invoice)
    rows = []
    for row in invoice.vat_breakdown or []:
        rate = Decimal(str(row["rate"]))
        rows.append({"rate": rate, "base": bases.get(rate.normalize(), ZERO), "vat": Decimal(str(row["amount"]))})
    return rows
