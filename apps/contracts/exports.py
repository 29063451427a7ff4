"""Invoice exports for the finance system: one row per invoice line, CSV (UTF-8 with BOM) and XLSX."""

from __future__ import annotations

import csv
import io

HEADER = [
    "invoice_number",
    "status",
    "kind",
    "client",
    "contract",
    "period_start",
    "period_end",
    "issued_at",
    "due_date",
    "line",
    "line_kind",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "vat_rate",
    "invoice_subtotal",
    "invoice_vat",
    "invoice_total",
    "currency",
]


def invoice_rows(invoices):
    for inv in invoices:
        for line in inv.lines.all():
            yield [
                inv.number,
                inv.status,
                inv.kind,
                inv.contract.client.name,
                inv.contract.code,
                inv.period_start.isoformat(),
                inv.period_end.isoformat(),
                inv.issued_at.isoformat() if inv.issued_at else "",
                inv.due_date.isoformat() if inv.due_date else "",
                line.position,
                line.kind,
                line.description,
                f"{line.quantity.normalize():f}",
                "" if line.unit_price is None else f"{line.unit_price.normalize():f}",
                str(line.amount),
                str(line.vat_rate),
                str(inv.subtotal),
                str(inv.vat_amount),
                str(inv.total),
                inv.currency,
            ]


def invoices_csv(invoices) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(invoice_rows(invoices))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def invoices_xlsx(invoices) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "invoices"
    ws.append(HEADER)
    money = {HEADER.index(n) for n in ("amount", "invoice_subtotal", "invoice_vat", "invoice_total")}
    for row in invoice_rows(invoices):
        ws.append([Decimal(v) if i in money else v for i, v in enumerate(row)])
    for col in money:
        for cell in ws.iter_cols(min_col=col + 1, max_col=col + 1, min_row=2):
            for c in cell:
                c.number_format = "#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
