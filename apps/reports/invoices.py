"""Billing's invoices, credit notes and SLA results (apps.contracts) as printable documents.

Reads only: an issued invoice is never written to. Amounts are the invoice's own (billing rounded
them); this module only chooses what to print and how to label it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.contracts.wording import line_description
from apps.reports import documents as d
from apps.reports.templatetags.report_format import cny, num, one, pct

RATE_KPIS = {
    "first_response_within_30s_rate",
    "three_minute_rate",
    "qa_pass_rate",
    "conversion_rate",
    "satisfaction_rate",
}
# A line whose quantity is money (the net GMV a commission is a rate of) and whose unit price is a rate.
GMV_METRIC = "gmv"
# Lines that are an amount, not a quantity × a price (the engine stores quantity 1): printed without either.
LUMP_KINDS = {"commission_minimum", "commission_cap", "commission_clawback"}
SECOND_KPIS = {"first_response_avg_s", "response_avg_s"}


def format_kpi_value(kpi: str, value: Decimal | None) -> str:
    """A KPI value as the report prints it: rates as %, seconds with 's', scores with one decimal."""
    if value is None:
        return "—"
    if kpi in RATE_KPIS:
        return pct(value)
    if kpi in SECOND_KPIS:
        return _("%(s)s s") % {"s": one(value)}
    return one(value)


def format_target(kpi: str, target: Decimal, comparison: str) -> str:
    sign = "≥" if comparison == "gte" else "≤"
    return f"{sign} {format_kpi_value(kpi, target)}"


def measurement_basis(details: dict) -> str:
    """What the measurement was taken over, from the SLA result's stored details."""
    details = details or {}
    if details.get("source") == "qa":
        return _("over %(n)s QA-scored conversations") % {"n": num(details.get("scored", 0))}
    if details.get("source") == "conversations":
        return _("over %(n)s human-handled conversations") % {"n": num(details.get("human_handled", 0))}
    if details.get("source") == "orders" and "consulting" in details:
        return _("%(paying)s paying of %(n)s consulting buyers") % {
            "paying": num(details.get("paying", 0)),
            "n": num(details["consulting"]),
        }
    if details.get("source") == "evaluations" and "evaluations" in details:
        return _("%(satisfied)s satisfied of %(n)s evaluations") % {
            "satisfied": num(details.get("satisfied", 0)),
            "n": num(details["evaluations"]),
        }
    return ""


def _local_date(value):
    return None if value is None else timezone.localtime(value, timezone.get_default_timezone()).date()


def _party_seller(entity) -> d.Party:
    return d.Party(
        name=entity.legal_name,
        legal_name=entity.legal_name,
        uscc=entity.uscc,
        address=entity.address,
        bank_name=entity.bank_name,
        bank_account=entity.bank_account,
    )


def _party_buyer(client) -> d.Party:
    return d.Party(
        name=client.name,
        legal_name=client.legal_name,
        uscc=client.uscc,
        address=client.address,
        bank_name=client.bank_name,
        bank_account=client.bank_account,
    )


def _tier_label(tier: dict, *, money: bool = False) -> str:
    """A tier's bounds: '1,000–5,000' (units), or '¥0.00–¥50,000.00' for the GMV of a commission."""
    shown = cny if money else num
    lower = Decimal(str(tier.get("lower", "0")))
    upper = tier.get("upper")
    if upper is None:
        return f"{shown(lower)}+"
    return f"{shown(lower)}–{shown(Decimal(str(upper)))}"


def _tiers(line) -> list[dict]:
    money = line.metric == GMV_METRIC
    return [
        {
            "label": _tier_label(t, money=money),
            "quantity": Decimal(str(t.get("quantity", "0"))),
            "unit_price": Decimal(str(t.get("unit_price", "0"))),
            "amount": Decimal(str(t.get("amount", "0"))),
        }
        for t in (line.tiers or [])
        if Decimal(str(t.get("quantity", "0")))
    ]


def _line_note(line) -> str:
    details = line.details or {}
    notes = []
    if line.kind == "peak" and details.get("window") and str(details["window"]) not in line_description(line):
        notes.append(str(details["window"]))
    if details.get("included") and Decimal(str(details["included"])) > 0:
        notes.append(_("included in the base fee: %(n)s") % {"n": num(Decimal(str(details["included"])))})
    return " · ".join(notes)


def invoice_document(invoice, *, language: str = "zh-hans") -> d.InvoiceDoc:
    """The printable invoice: every line with its tiers, the SLA credit with its measurement, VAT,
    number and dates, seller (the vendor's billing entity) and buyer (the brand's legal entity)."""
    with translation.override(language):
        results = list(invoice.sla_results.all())
        missed = [r for r in results if not r.met and r.credit_amount]
        credits = [
            d.CreditDoc(
                kpi=r.get_kpi_display(),
                target=format_target(r.kpi, r.target, r.comparison),
                measured=format_kpi_value(r.kpi, r.measured),
                amount=-r.credit_amount,
                note=measurement_basis(r.details),
            )
            for r in missed
        ]
        lines = [
            d.InvoiceLineDoc(
                description=line_description(line),
                quantity=line.quantity,
                unit="",
                unit_price=line.unit_price,
                amount=line.amount,
                tiers=_tiers(line),
                note=_line_note(line),
                metric=line.metric or "",
                lump=line.kind in LUMP_KINDS,
            )
            for line in invoice.lines.all()
            if not (line.kind == "sla_credit" and credits)
        ]
        issue_date = _local_date(invoice.issued_at)
        terms = ""
        if issue_date and invoice.due_date:
            terms = _("%(days)s days net") % {"days": (invoice.due_date - issue_date).days}
        return d.InvoiceDoc(
            kind="invoice",
            number=invoice.number,
            status=invoice.get_status_display(),
            issue_date=issue_date,
            due_date=invoice.due_date,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            seller=_party_seller(invoice.entity),
            buyer=_party_buyer(invoice.contract.client),
            lines=lines,
            credits=credits,
            subtotal=invoice.subtotal,
            vat_rate=_vat_rate(invoice),
            vat=invoice.vat_amount,
            total=invoice.total,
            currency=invoice.currency,
            payment_terms=terms,
            language=language,
        )


def _vat_rate(invoice) -> Decimal:
    rates = {Decimal(str(v["rate"])) for v in (invoice.vat_breakdown or []) if "rate" in v}
    if len(rates) == 1:
        return rates.pop()
    lines = {line.vat_rate for line in invoice.lines.all()}
    return lines.pop() if len(lines) == 1 else Decimal("0.06")


def corrections_of(invoice) -> list[d.CorrectionDoc]:
    """The corrections issued against an invoice, oldest first (the monthly report prints them
    under the invoice with the total after them)."""
    notes = invoice.credit_notes.order_by("issued_at", "pk")
    return [d.CorrectionDoc(number=n.number, issue_date=_local_date(n.issued_at), total=-n.total) for n in notes]


def credit_note_document(note, *, language: str = "zh-hans") -> d.InvoiceDoc:
    """A red-letter credit note (红字发票): negative amounts against the invoice it corrects."""
    invoice = note.invoice
    with translation.override(language):
        return d.InvoiceDoc(
            kind="credit_note",
            number=note.number,
            status=_("Issued"),
            issue_date=_local_date(note.issued_at),
            due_date=None,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            seller=_party_seller(invoice.entity),
            buyer=_party_buyer(invoice.contract.client),
            lines=[
                d.InvoiceLineDoc(
                    description=_("Credit against invoice %(number)s") % {"number": invoice.number},
                    quantity=Decimal("1"),
                    unit="",
                    unit_price=None,
                    amount=-note.subtotal,
                )
            ],
            credits=[],
            subtotal=-note.subtotal,
            vat_rate=_vat_rate(invoice),
            vat=-note.vat_amount,
            total=-note.total,
            currency=invoice.currency,
            reference=invoice.number,
            reason=note.reason,
            language=language,
        )


def _shown_measurement(stored: Decimal | None, exact: Decimal | None) -> Decimal | None:
    """Billing stores a measurement to four places (half even); printing that would round twice
    (0.202496 -> 0.2025 -> 20.3 %). When the report's exact figure is the same measurement (it
    rounds to the stored value), print the exact one, so the SLA row and the KPI page agree."""
    if stored is None or exact is None:
        return stored
    return exact if exact.quantize(Decimal("0.0001")) == stored else stored


def sla_section(invoice, exact: dict[str, Decimal | None] | None = None) -> d.SlaSection | None:
    """SLA attainment against the contract, from the invoice's SLA results (none: left out).

    `exact`: the report's unrounded figures by KPI code, printed instead of the stored four-place
    measurement when they are the same measurement (see _shown_measurement)."""
    exact = exact or {}
    results = sorted(invoice.sla_results.all(), key=lambda r: r.kpi)
    if not results:
        return None
    rows = []
    for r in results:
        rag = (
            "green"
            if r.met
            else (d.rag_status(actual=r.measured, target=r.target, higher_is_better=r.comparison == "gte") or "red")
        )
        if not r.met and rag == "green":
            rag = "amber"  # billing says missed (e.g. earn-back rules); never print a miss as met
        rows.append(
            d.SlaRow(
                kpi=r.get_kpi_display(),
                target=format_target(r.kpi, r.target, r.comparison),
                actual=format_kpi_value(r.kpi, _shown_measurement(r.measured, exact.get(r.kpi))),
                met=r.met,
                rag=rag if r.measured is not None else "",
                credit=r.credit_amount or None,
                measurement=measurement_basis(r.details),
                code=r.kpi,
            )
        )
    credit_total = sum((r.credit_amount for r in results), Decimal("0.00"))
    return d.SlaSection(rows=rows, credit_total=credit_total, contract_label=invoice.contract.name)
