"""Commission lines and the conversion / satisfaction SLA KPIs as the printed invoice and the report's
statement section show them (issue #17 §3–5): GMV as money, the rate as a percentage with every
digit it has, tiers likewise; rates of the two new KPIs as %."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from apps.reports import documents as d
from apps.reports import invoices, rendering
from apps.reports.templatetags.report_format import rate_pct
from tests.reports.conftest import pdf_text


def _doc(lines) -> d.InvoiceDoc:
    party = d.Party(name="悦肤", legal_name="悦肤（上海）化妆品有限公司", uscc="91310000MA1FL0000X")
    return d.InvoiceDoc(
        kind="invoice",
        number="TL-2026-11-0001",
        status="已开具",
        issue_date=date(2026, 12, 2),
        due_date=date(2027, 1, 1),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 12, 1),
        seller=party,
        buyer=party,
        lines=lines,
        credits=[],
        subtotal=Decimal("20084.00"),
        vat_rate=Decimal("0.06"),
        vat=Decimal("1205.04"),
        total=Decimal("21289.04"),
    )


def test_rate_pct_keeps_every_digit_of_the_agreed_rate():
    assert [rate_pct(Decimal(v)) for v in ("0.03", "0.0275", "0.035000", "1")] == ["3%", "2.75%", "3.5%", "100%"]
    assert rate_pct(None) == "—"


def test_conversion_and_satisfaction_kpis_print_as_rates_with_their_basis():
    assert invoices.format_kpi_value("conversion_rate", Decimal("0.3125")) == "31.3%"
    assert invoices.format_target("satisfaction_rate", Decimal("0.9"), "gte") == "≥ 90.0%"
    basis = invoices.measurement_basis({"source": "orders", "consulting": 1200, "paying": 375})
    assert "1,200" in basis and "375" in basis
    assert "80" in invoices.measurement_basis({"source": "evaluations", "evaluations": 80, "satisfied": 70})


def test_commission_tiers_are_money_bounds_and_rates():
    line = SimpleNamespace(
        metric="gmv",
        tiers=[
            {"lower": "0", "upper": "2000", "quantity": "2000", "unit_price": "0.03", "amount": "60"},
            {"lower": "2000", "upper": None, "quantity": "800", "unit_price": "0.035", "amount": "28"},
        ],
    )
    assert [t["label"] for t in invoices._tiers(line)] == ["¥0.00–¥2,000.00", "¥2,000.00+"]


def test_printed_invoice_shows_the_commission_base_as_money_and_the_rate_as_percent(tmp_path):
    lines = [
        d.InvoiceLineDoc(description="基础服务费", quantity=Decimal("1"), unit="", unit_price=Decimal("20000"),
                         amount=Decimal("20000.00")),
        d.InvoiceLineDoc(
            description="销售提成：订单 2 单，净成交额 ¥2,800.00",
            quantity=Decimal("2800.000000"),
            unit="",
            unit_price=Decimal("0.030000"),
            amount=Decimal("84.00"),
            metric="gmv",
            tiers=[{"label": "¥0.00+", "quantity": Decimal("2800"), "unit_price": Decimal("0.03"),
                    "amount": Decimal("84.00")}],
        ),
    ]  # fmt: skip
    text = pdf_text(rendering.render_invoice(_doc(lines)).content, tmp_path)
    assert "¥2,800.00 × 3%" in text  # the tier
    assert "3%" in text and "0.03" not in text  # the line's unit price is the rate, not 0.03 yuan
    assert "2,800" in text and "20,000" in text


def test_a_clawback_prints_its_amount_without_a_quantity_or_price(tmp_path):
    claw = d.InvoiceLineDoc(
        description="销售提成 · 退款追回 · 原账期 2026-10",
        quantity=Decimal("1"),
        unit="",
        unit_price=None,
        amount=Decimal("-67.97"),
        lump=True,
    )
    html = rendering.invoice_html(_doc([claw]))
    row = html.split("退款追回", 1)[1].split("</tr>", 1)[0]
    assert "-67.97" in row and ">1<" not in row.replace(" ", "") and "—" not in row
