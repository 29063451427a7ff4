"""HTML → PDF with WeasyPrint for client reports, invoices and credit notes.

Pure: it takes the dataclasses of apps.reports.documents and returns bytes; it reads no database.
It needs Django's template engine and translations (configured settings), nothing else.

Fonts: the CJK font is named explicitly everywhere — body, tables, SVG text and each @page margin
box, because margin boxes do not inherit the body's font and a missing CJK font prints boxes
without raising. Font subsetting is HarfBuzz's (libharfbuzz-subset); see apps.reports.checks.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from apps.reports import charts
from apps.reports.documents import ClientReport, InvoiceDoc

FONT_FAMILY = "Noto Sans CJK SC"
CSS_PATH = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "reports" / "pdf"
CATALOGUE = Path(__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


@lru_cache(maxsize=1)
def layout_fingerprint() -> str:
    """A hash of what shapes a PDF besides its data (templates, print CSS, the Chinese catalogue),
    so a stored PDF is made again when the layout changed even if the figures did not."""
    digest = hashlib.sha256()
    for path in [*sorted(TEMPLATE_DIR.glob("*.html")), CSS_PATH, CATALOGUE]:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def document_fingerprint(data_digest: str) -> str:
    """The stored 'data hash' of a PDF: its figures' hash combined with the layout's."""
    return hashlib.sha256(f"{data_digest}:{layout_fingerprint()}".encode()).hexdigest()


@lru_cache(maxsize=1)
def report_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def page_counter_css(language: str) -> str:
    """The page-number content: '第 X 页 / 共 Y 页' in Chinese, 'Page X of Y' otherwise."""
    if language.startswith("zh"):
        return '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    return '"Page " counter(page) " of " counter(pages)'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(*, language: str, header_left: str, header_right: str, footer_left: str) -> str:
    """@page rules with every margin box naming the CJK font (they do not inherit it)."""
    font = f"font-family: '{FONT_FAMILY}'; font-size: 7.5pt; color: #5d6d7e;"
    return f"""
@page {{
  size: A4; margin: 20mm 16mm 18mm 16mm;
  @top-left {{ content: {_css_string(header_left)}; {font} font-weight: bold; color: #0b4f6c; width: 40%;
              border-bottom: 0.6pt solid #0b4f6c; vertical-align: bottom; padding-bottom: 2mm; }}
  @top-right {{ content: {_css_string(header_right)}; {font} width: 60%; text-align: right;
               border-bottom: 0.6pt solid #0b4f6c; vertical-align: bottom; padding-bottom: 2mm; }}
  @bottom-left {{ content: {_css_string(footer_left)}; {font} }}
  @bottom-right {{ content: {page_counter_css(language)}; {font} }}
}}
@page cover {{
  margin: 0;
  @top-left {{ content: none; border: 0; }}
  @top-right {{ content: none; border: 0; }}
  @bottom-left {{ content: none; }}
  @bottom-right {{ content: none; }}
}}
"""


def html_to_pdf(html: str) -> RenderedPdf:
    """Lay out and write one HTML document; returns the PDF bytes and its page count."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(CSS_PATH.parent)).render()
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


# --- client report ----------------------------------------------------------------------------


def _day_label(day) -> str:
    return f"{day.month}/{day.day}"


def report_charts(report: ClientReport) -> dict[str, str]:
    """The SVG charts of a report, keyed by where the template puts them."""
    out: dict[str, str] = {}
    if report.volume and report.volume.days:
        out.update(_volume_charts(report))
    qa = report.qa
    if qa and qa.days:
        out["qa_trend"] = _qa_trend_chart(qa)
    if qa and qa.violations:
        out["violations"] = _violations_chart(qa)
    out.update(sales_charts(report))
    if report.staffing and report.staffing.days:
        out["staffing"] = _staffing_chart(report.staffing)
    return out


def _volume_charts(report: ClientReport) -> dict[str, str]:
    """Volume against the forecast (the promotion shaded) and the bot/human mix, per day."""
    from django.utils.translation import gettext as _

    volume = report.volume
    labels = [_day_label(d.day) for d in volume.days]
    as_of = report.generated_on
    # A running period's days after the report date have no volume yet: a gap, not a zero.
    actual = [None if as_of and d.day > as_of and not d.actual else d.actual for d in volume.days]
    series = [charts.Series(_("Actual conversations"), actual, color=charts.PALETTE[0])]
    if any(d.forecast is not None for d in volume.days):
        series.append(
            charts.Series(_("Forecast"), [d.forecast for d in volume.days], color=charts.PALETTE[2], dashed=True)
        )
    bands = []
    if report.promo is not None:
        idx = [i for i, d in enumerate(volume.days) if report.promo.presale_start <= d.day <= report.promo.end_date]
        if idx:
            bands.append(charts.Band(idx[0], idx[-1], report.promo.name))
    return {
        "volume": charts.line_chart(
            x_labels=labels,
            series=series,
            title=_("Volume: actual vs forecast"),
            y_label=_("conversations"),
            bands=bands,
        ),
        "mix": charts.stacked_bar_chart(
            x_labels=labels,
            series=[
                charts.Series(_("Bot-handled"), [d.bot for d in volume.days], color=charts.PALETTE[1]),
                charts.Series(_("Human-handled"), [d.human for d in volume.days], color=charts.PALETTE[0]),
            ],
            title=_("Bot vs human"),
            y_label=_("conversations"),
        ),
    }


def _qa_trend_chart(qa) -> str:
    """Average QA score and pass rate per day."""
    from django.utils.translation import gettext as _

    labels = [_day_label(d.day) for d in qa.days]
    scores = [d.average_score for d in qa.days]
    known = [float(s) for s in scores if s is not None]
    return charts.line_chart(
        x_labels=labels,
        series=[
            charts.Series(_("Average QA score"), scores, color=charts.PALETTE[0]),
            charts.Series(
                _("Pass rate × 100"),
                [None if d.pass_rate is None else d.pass_rate * 100 for d in qa.days],
                color=charts.PALETTE[1],
                dashed=True,
            ),
        ],
        title=_("QA score trend"),
        y_label=_("score"),
        y_min=max(0.0, min(known + [100.0]) - 10) if known else 0.0,
        y_max=100.0,
    )


def _violations_chart(qa) -> str:
    """Hits of the ten most violated rules, coloured by severity."""
    from django.utils.translation import gettext as _

    severity_color = {"critical": charts.PALETTE[3], "major": charts.PALETTE[2]}
    top = qa.violations[:10]
    return charts.horizontal_bar_chart(
        labels=[v.rule_name for v in top],
        values=[v.hits for v in top],
        colors=[severity_color.get(v.severity, charts.PALETTE[0]) for v in top],
        title=_("Violation mix (hits per rule)"),
        legend=[
            (_("Critical"), charts.PALETTE[3]),
            (_("Major"), charts.PALETTE[2]),
            (_("Minor"), charts.PALETTE[0]),
        ],
    )


def _staffing_chart(staffing) -> str:
    """Scheduled against required agent-hours per day."""
    from django.utils.translation import gettext as _

    return charts.bar_chart(
        x_labels=[_day_label(d.day) for d in staffing.days],
        series=[
            charts.Series(
                _("Scheduled agent-hours"),
                [d.scheduled_agent_hours for d in staffing.days],
                color=charts.PALETTE[0],
            )
        ],
        overlay=charts.Series(
            _("Required agent-hours"), [d.required_agent_hours for d in staffing.days], color=charts.PALETTE[3]
        ),
        title=_("Staffing vs demand"),
        y_label=_("agent-hours"),
    )


def _promo_bands(days: list, promos: list[tuple[str, object, object]]) -> list[charts.Band]:
    bands = []
    for name, first, last in promos:
        idx = [i for i, day in enumerate(days) if first <= day <= last]
        if idx:
            bands.append(charts.Band(idx[0], idx[-1], name))
    return bands


def sales_charts(report: ClientReport) -> dict[str, str]:
    """The conversion section's funnel, daily conversion and daily GMV (promotions shaded), and the
    satisfaction section's daily rate and grade distribution."""
    from django.utils.translation import gettext as _

    out: dict[str, str] = {}
    c = report.conversion
    if c is not None:
        out["funnel"] = charts.horizontal_bar_chart(
            labels=[_("Consulting buyers"), _("Ordering buyers"), _("Paying buyers")],
            values=[c.consulting, c.ordering, c.paying],
            colors=[charts.PALETTE[0], charts.PALETTE[1], charts.PALETTE[2]],
            title=_("Presale funnel (buyers)"),
        )
    if c is not None and c.days:
        days = [x.day for x in c.days]
        labels = [_day_label(day) for day in days]
        bands = _promo_bands(days, c.promos)
        out["conversion_trend"] = charts.line_chart(
            x_labels=labels,
            series=[
                charts.Series(_("Inquiry conversion rate"), [x.conversion for x in c.days], color=charts.PALETTE[0])
            ],
            title=_("Inquiry conversion rate by day"),
            percent=True,
            bands=bands,
        )
        out["gmv_trend"] = charts.stacked_bar_chart(
            x_labels=labels,
            series=[
                charts.Series(_("Agent-attributed"), [x.attributed_gmv for x in c.days], color=charts.PALETTE[0]),
                charts.Series(_("Bot-assisted"), [x.bot_gmv for x in c.days], color=charts.PALETTE[1]),
                charts.Series(_("Silent orders"), [x.silent_gmv for x in c.days], color=charts.PALETTE[5]),
            ],
            title=_("GMV by day of payment"),
            y_label=_("CNY"),
            bands=bands,
        )
    s = report.csat
    if s is not None:
        out["csat_distribution"] = charts.horizontal_bar_chart(
            labels=[label for label, _n in s.distribution],
            values=[n or 0 for _label, n in s.distribution],
            colors=[charts.PALETTE[i] for i in (1, 1, 5, 2, 3)][-len(s.distribution) :],
            title=_("Evaluations by grade"),
        )
    if s is not None and len(s.days) > 1:
        out["csat_trend"] = charts.line_chart(
            x_labels=[_day_label(date.fromisoformat(row.label)) for row in s.days],
            series=[
                charts.Series(
                    pgettext("sales report", "Satisfaction rate"), [row.rate for row in s.days], color=charts.PALETTE[1]
                )
            ],
            title=_("Satisfaction rate by day"),
            percent=True,
        )
    return out


def svg_image(svg: str, *, alt: str = "") -> str:
    """An SVG chart as an <img> with a data URI. WeasyPrint draws it as vector graphics with its own
    SVG engine, so the chart's hundreds of nodes skip the HTML style cascade (~15% of a report's
    layout time); its text stays real text (extractable, subset CJK font)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="{alt}" src="data:image/svg+xml;base64,{data}">'


LEDGER_ROWS_PER_BLOCK = 64
LEDGER_WIDTHS = (18, 14, 14, 14, 14, 14, 14)


def display_width(text: str) -> int:
    """Columns a string takes in a monospaced CJK font: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def ledger_line(cells: list[str], widths: tuple[int, ...] = LEDGER_WIDTHS) -> str:
    """One row of a long table as one line: first column left-aligned, the others right-aligned."""
    out = []
    for index, (cell, width) in enumerate(zip(cells, widths, strict=False)):
        gap = " " * max(1, width - display_width(cell))
        out.append(cell + gap if index == 0 else gap + cell)
    return "".join(out)


def ledger_blocks(header: list[str], rows: list[list[str]], *, size: int = LEDGER_ROWS_PER_BLOCK) -> list[dict]:
    """A long table printed as monospaced ledger blocks, one line per row, a header on each block.

    WeasyPrint lays text out box by box; a 200-row × 7-column HTML table is 1,400 boxes and the
    slowest part of a report (~0.9 s). As one line per row it is 200 lines in a few blocks (~0.25 s)
    and prints the same aligned grid, with zebra stripes from a background of the line pitch.
    """
    head = ledger_line(header)
    return [
        {"header": head, "body": "\n".join(ledger_line(row) for row in rows[i : i + size])}
        for i in range(0, len(rows), size)
    ]


def report_chapters(report: ClientReport) -> list[tuple[str, str]]:
    """(key, title) of the chapters the report holds, in order; numbered 1.. on the cover and in
    the headings, so a left-out section leaves no gap in the numbering."""
    from django.utils.translation import gettext as _

    present = [
        ("summary", _("Summary"), True),
        ("volume", _("Volume and channel mix"), report.volume is not None),
        ("conversion", _("Sales conversion"), report.conversion is not None),
        ("csat", _("Customer satisfaction"), report.csat is not None),
        ("qa", _("Quality assurance"), report.qa is not None),
        ("staffing", _("Staffing and promotions"), report.staffing is not None or report.promo is not None),
        ("topics", _("What shoppers asked about"), report.topics is not None),
        ("billing", _("SLA credits and invoice"), report.billing is not None or report.sla is not None),
        ("commentary", _("Commentary and actions"), True),
    ]
    return [(key, title) for key, title, shown in present if shown]


def _relative(before, after) -> str:
    from apps.reports.templatetags.report_format import signed_pct

    if before is None or after is None or not before:
        return "—"
    return signed_pct(Decimal(after) / Decimal(before) - 1)


def _points(before, after) -> str:
    """A change of a rate in percentage points, one decimal, rounded once: '+1.2 个百分点'."""
    from django.utils.translation import gettext as _

    from apps.reports.templatetags.report_format import one

    if before is None or after is None:
        return "—"
    diff = (Decimal(after) - Decimal(before)) * 100
    text = one(diff)
    return _("%(n)s pp") % {"n": text if text.startswith("-") else f"+{text}"}


def _difference(before, after) -> str:
    from apps.reports.templatetags.report_format import one

    if before is None or after is None:
        return "—"
    text = one(Decimal(after) - Decimal(before))
    return text if text.startswith("-") else f"+{text}"


def quarter_rows(report: ClientReport) -> list[list[str]]:
    """The QBR comparison as printed rows: measure, the quarter before, this quarter, the change
    (relative for counts and money, in percentage points for rates, in points for the QA score)."""
    from django.utils.translation import gettext as _

    from apps.reports.templatetags.report_format import cny, num, one, pct

    if len(report.quarters) != 2:
        return []
    before, after = report.quarters
    measures = [
        (_("Conversations"), "conversations", num, _relative),
        (_("Bot share"), "bot_share", pct, _points),
        (_("QA average"), "qa_average", one, _difference),
        (_("Consulting buyers"), "consulting", num, _relative),
        (_("Paying buyers"), "paying", num, _relative),
        (_("Inquiry conversion rate"), "conversion", pct, _points),
        (_("GMV (all orders, net of refunds)"), "gmv", cny, _relative),
        (_("Agent-attributed GMV"), "attributed_gmv", cny, _relative),
        (pgettext("sales report", "Satisfaction rate"), "satisfaction", pct, _points),
        (_("Evaluations"), "evaluations", num, _relative),
        (_("Invoiced"), "invoice_total", cny, _relative),
    ]
    return [
        [
            label,
            shown(getattr(before, attr)),
            shown(getattr(after, attr)),
            change(getattr(before, attr), getattr(after, attr)),
        ]
        for label, attr, shown, change in measures
    ]


def report_html(report: ClientReport) -> str:
    """The report's HTML (inline CSS and SVG), in the report's own language."""
    from django.utils.translation import gettext as _

    with translation.override(report.language):
        chapters = report_chapters(report)
        footer = _("Confidential · prepared for %(client)s") % {"client": report.client_name}
        context = {
            "r": report,
            "chapters": chapters,
            "no": {key: index for index, (key, _title) in enumerate(chapters, start=1)},
            "charts": {name: svg_image(svg, alt=name) for name, svg in report_charts(report).items()},
            "css": report_css(),
            "page_css": page_css(
                language=report.language,
                header_left=report.vendor.name,
                header_right=f"{report.client_name} · {report.title} · {report.period_label}",
                footer_left=footer,
            ),
            "font": FONT_FAMILY,
            "quarter_rows": quarter_rows(report),
            "appendix_blocks": ledger_blocks(
                [
                    _("Date"),
                    _("Conversations"),
                    _("Bot"),
                    _("Human"),
                    _("Forecast"),
                    _("QA average"),
                    _("Scheduled agent-hours"),
                ],
                report.extra_rows,
            )
            if report.extra_rows
            else [],
        }
        return render_to_string("reports/pdf/report.html", context)


def render_report(report: ClientReport) -> RenderedPdf:
    return html_to_pdf(report_html(report))


# --- invoices and credit notes ---------------------------------------------------------------


def invoice_html(doc: InvoiceDoc) -> str:
    from django.utils.translation import gettext as _

    with translation.override(doc.language):
        title = _("Credit note") if doc.kind == "credit_note" else _("Invoice")
        context = {
            "d": doc,
            "title": title,
            "css": report_css(),
            "page_css": page_css(
                language=doc.language,
                header_left=doc.seller.legal_name or doc.seller.name,
                header_right=f"{title} {doc.number}",
                footer_left=_("Amounts in %(currency)s") % {"currency": doc.currency},
            ),
            "vat_percent": (doc.vat_rate * 100).quantize(Decimal("0.01")).normalize(),
            "font": FONT_FAMILY,
        }
        return render_to_string("reports/pdf/invoice.html", context)


def render_invoice(doc: InvoiceDoc) -> RenderedPdf:
    return html_to_pdf(invoice_html(doc))
