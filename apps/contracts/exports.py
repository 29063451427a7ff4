"""Exports for finance: the statements' lines (CSV with BOM and XLSX), the e-fapiao batch sheet of
issued statements for the tax platform, and receivables with age and bucket (in Chinese)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from apps.contracts.wording import line_description

HEADER = [
    "结算单号",
    "状态",
    "类型",
    "品牌",
    "合同",
    "服务期间起",
    "服务期间止",
    "开具时间",
    "到期日",
    "行号",
    "行类型",
    "摘要",
    "数量",
    "单价",
    "金额",
    "税率",
    "结算单小计（不含税）",
    "结算单税额",
    "结算单价税合计",
    "币种",
]
STATUS_ZH = {"draft": "草稿", "approved": "已审批", "issued": "已开具", "paid": "已付清"}
KIND_ZH = {"periodic": "服务费结算单", "supplementary": "补充结算单"}


def invoice_rows(invoices):
    """One row per statement line; amounts and quantities as Decimals, times in local time."""
    from django.utils import timezone

    for inv in invoices:
        for line in inv.lines.all():
            yield [
                inv.number or "（草稿）",
                STATUS_ZH.get(inv.status, inv.status),
                KIND_ZH.get(inv.kind, inv.kind),
                inv.contract.client.name,
                inv.contract.code,
                inv.period_start,
                inv.period_end - timedelta(days=1),
                timezone.localtime(inv.issued_at).replace(tzinfo=None) if inv.issued_at else None,
                inv.due_date,
                line.position,
                line.get_kind_display(),
                line_description(line),
                line.quantity.normalize(),
                None if line.unit_price is None else line.unit_price.normalize(),
                line.amount,
                line.vat_rate,
                inv.subtotal,
                inv.vat_amount,
                inv.total,
                inv.currency,
            ]


def _csv_cell(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def invoices_csv(invoices) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([_csv_cell(v) for v in row] for row in invoice_rows(invoices))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def invoices_xlsx(invoices) -> bytes:
    return _xlsx(
        "服务费结算单明细",
        HEADER,
        invoice_rows(invoices),
        money={"金额", "结算单小计（不含税）", "结算单税额", "结算单价税合计"},
        rates={"税率"},
        dates={"服务期间起", "服务期间止", "到期日"},
        times={"开具时间"},
    )


# --------------------------------------------------------------------------- e-fapiao batch and receivables

FAPIAO_HEADER = [
    "序号",
    "结算单号",
    "服务期间",
    "购买方名称",
    "购买方纳税人识别号（统一社会信用代码）",
    "购买方地址",
    "购买方开户银行",
    "购买方银行账号",
    "项目名称",
    "商品和服务税收分类编码",
    "金额（不含税）",
    "税率",
    "税额",
    "价税合计",
    "备注",
]


def fapiao_batch_rows(invoices):
    """One row per issued statement and VAT rate with what is still to be invoiced on the tax
    platform (the statement's fees at that rate, less corrections and fapiao already recorded)."""
    from apps.contracts.receivables import fapiao_room
    from apps.core.money import round_money

    n = 0
    for inv in invoices:
        client, entity = inv.contract.client, inv.entity
        for rate, amount in sorted(fapiao_room(inv).items()):
            if amount <= 0:
                continue
            n += 1
            tax = round_money(amount * rate)
            yield [
                n,
                inv.number,
                f"{inv.period_start:%Y-%m-%d}至{(inv.period_end - timedelta(days=1)):%Y-%m-%d}",
                client.legal_name,
                client.uscc,
                client.address,
                client.bank_name,
                client.bank_account,
                entity.fapiao_item_name,
                entity.tax_category_code,
                amount,
                rate,
                tax,
                amount + tax,
                f"服务费结算单 {inv.number}",
            ]


def fapiao_batch_xlsx(invoices) -> bytes:
    return _xlsx(
        "待开数电发票",
        FAPIAO_HEADER,
        fapiao_batch_rows(invoices),
        money={"金额（不含税）", "税额", "价税合计"},
        rates={"税率"},
        text={"购买方纳税人识别号（统一社会信用代码）", "购买方银行账号", "商品和服务税收分类编码"},
    )


RECEIVABLES_HEADER = [
    "品牌",
    "购买方",
    "结算单号",
    "类型",
    "状态",
    "服务期间起",
    "服务期间止",
    "开具时间",
    "到期日",
    "价税合计",
    "已冲减",
    "已收款",
    "未收金额",
    "账龄（天）",
    "账龄区间",
    "是否逾期",
    "客户确认",
    "已登记发票（价税合计）",
]
CONFIRMATION_ZH = {"awaiting": "待确认", "confirmed": "已确认", "disputed": "有异议", "answered": "异议已答复"}
BUCKET_ZH = {"0-30": "0–30天", "31-60": "31–60天", "61-90": "61–90天", "90+": "90天以上"}


def receivable_rows(rows):
    from django.utils import timezone

    for r in rows:
        inv = r.invoice
        yield [
            inv.contract.client.name,
            inv.contract.client.legal_name,
            inv.number,
            "补充结算单" if inv.kind == "supplementary" else "服务费结算单",
            "已付清" if inv.status == "paid" else "已开具",
            inv.period_start,
            inv.period_end - timedelta(days=1),
            timezone.localtime(inv.issued_at).replace(tzinfo=None) if inv.issued_at else None,
            inv.due_date,
            inv.total,
            r.credited,
            r.paid,
            r.open,
            r.age_days,
            BUCKET_ZH[r.bucket] if r.open else "",
            "是" if r.overdue else "否",
            CONFIRMATION_ZH[r.confirmation],
            r.fapiao_total,
        ]


def receivables_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECEIVABLES_HEADER)
    writer.writerows([_csv_cell(v) for v in row] for row in receivable_rows(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def receivables_xlsx(rows) -> bytes:
    return _xlsx(
        "应收账款",
        RECEIVABLES_HEADER,
        receivable_rows(rows),
        money={"价税合计", "已冲减", "已收款", "未收金额", "已登记发票（价税合计）"},
        dates={"服务期间起", "服务期间止", "到期日"},
        times={"开具时间"},
    )


def _xlsx(title, header, rows, *, money=(), rates=(), text=(), dates=(), times=()) -> bytes:
    """A one-sheet workbook: numbers stay numbers (formatted), dates and local times are real dates."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    formats = {}
    for i, name in enumerate(header, start=1):
        if name in money:
            formats[i] = "#,##0.00"
        elif name in rates:
            formats[i] = "0%"
        elif name in text:
            formats[i] = "@"
        elif name in dates:
            formats[i] = "yyyy-mm-dd"
        elif name in times:
            formats[i] = "yyyy-mm-dd hh:mm"
    for row in rows:
        ws.append(row)
    for col, fmt in formats.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, len(name) * 2 + 2)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
