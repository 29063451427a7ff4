"""The report's conversion (询单转化) and satisfaction (满意度) sections, and the quarter comparison of
the quarterly business review (issue #17 §5).

Every figure is read through apps.orders.selectors.sales_report (the sales page's own selector, so
the report and the page agree to the digit) and, for the QA averages beside them, through
apps.qa.selectors.period_results (the results the QA section reads). Nothing here reads another
app's tables. Figures stay exact; the template rounds them once.

Definitions (docs/sales.md, apps.orders.kpis): consulting buyers are distinct buyers with a presale
chat in the period; paying buyers those of them whose credited order is paid; 询单转化率 = paying ÷
consulting; 客单价 = net of the credited paid orders ÷ paying buyers; GMV is net of refunds and keyed
by the local day of payment (agent-attributed, bot-assisted, silent). Satisfied = 很满意 or 满意
(score 4–5) over all evaluations of the period; dissatisfied = 不满意 or 很不满意 (score 1–2).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.contracts import selectors as contracts_selectors
from apps.conversations.metrics import conversation_metrics
from apps.core import calendar
from apps.orders import selectors as orders_selectors
from apps.qa import selectors as qa_selectors
from apps.reports import documents as d
from apps.reports.templatetags.report_format import cny, num, pct

AGENTS_SHOWN = 20
ZERO = Decimal("0")


def score_labels() -> dict[int, str]:
    """The platforms' five grades in the report's language."""
    return {5: _("Very satisfied"), 4: _("Satisfied"), 3: _("Neutral"), 2: _("Dissatisfied"), 1: _("Very dissatisfied")}


def sales_data(*, client_id: int, start: date, end: date):
    """The brand's SalesReport for local dates [start, end) (apps.orders.selectors.sales_report)."""
    return orders_selectors.sales_report(client_id=client_id, start=start, end=end)


def qa_by_agent(*, client_id: int, start: date, end: date) -> dict[int, tuple[Decimal, int]]:
    """Agent id -> (exact average QA score, scored chats) over the period's scored results."""
    rows = (
        qa_selectors.period_results(client_id=client_id, start=start, end=end)
        .filter(status="scored", agent__isnull=False)
        .values("agent_id")
        .annotate(n=Count("id"), points=Sum("score"))
    )
    return {r["agent_id"]: (Decimal(r["points"] or 0) / Decimal(r["n"]), r["n"]) for r in rows if r["n"]}


def _shown_days(start: date, end: date) -> list[date]:
    """The period's days, without the days of a running period after today (a gap, not a zero)."""
    today = timezone.localdate()
    return [day for day in calendar.days_between(start, end) if day <= today]


def _promos(start: date, end: date) -> list[tuple[str, date, date]]:
    """(name, first day, last day) of each promotion (presale to end) inside the period."""
    last = end - timedelta(days=1)
    return [
        (p.name, max(p.presale_start, start), min(p.end_date, last))
        for p in calendar.promo_periods(start=start, end=end)
    ]


def conversion_section(report, *, client_id: int, start: date, end: date) -> d.ConversionSection | None:
    """Funnel, 询单转化率, 客单价, GMV split, daily trend and per agent with the QA average beside it;
    None when the brand has neither presale chats with buyers nor orders in the period."""
    brand = report.brand
    if not brand.consulting and not brand.total_gmv:
        return None
    days = []
    for day in _shown_days(start, end):
        k = report.by_day.get(day)
        days.append(
            d.ConversionDay(
                day=day,
                consulting=k.consulting if k else 0,
                paying=k.paying if k else 0,
                conversion=k.conversion if k else None,
                attributed_gmv=k.attributed_gmv if k else ZERO,
                bot_gmv=k.bot_gmv if k else ZERO,
                silent_gmv=k.silent_gmv if k else ZERO,
            )
        )
    qa = qa_by_agent(client_id=client_id, start=start, end=end)
    agents = [
        d.AgentConversion(
            name=report.agent_names.get(agent_id) or "—",
            consulting=k.consulting,
            paying=k.paying,
            conversion=k.conversion,
            attributed_gmv=k.attributed_gmv,
            qa_average=qa.get(agent_id, (None, 0))[0],
            qa_scored=qa.get(agent_id, (None, 0))[1],
        )
        for agent_id, k in report.by_agent.items()
        if agent_id is not None and k.consulting
    ]
    # the agents who served the most buyers, then shown by conversion, best first
    busiest = sorted(agents, key=lambda a: (-a.consulting, a.name))[:AGENTS_SHOWN]
    shown = sorted(busiest, key=lambda a: (a.conversion is None, -(a.conversion or 0), -a.consulting, a.name))
    return d.ConversionSection(
        consulting=brand.consulting,
        ordering=brand.ordering,
        paying=brand.paying,
        conversion=brand.conversion,
        average_order_value=brand.average_order_value,
        attributed_gmv=brand.attributed_gmv,
        bot_gmv=brand.bot_gmv,
        silent_gmv=brand.silent_gmv,
        silent_share=brand.silent_share,
        window_days=report.window_days,
        days=days,
        agents=shown,
        agents_total=len(agents),
        promos=_promos(start, end),
    )


def _distribution(csat: dict, dissatisfied: list[dict]) -> list[tuple[str, int | None]]:
    """Counts per grade, 很满意 first. Without the selector's per-score counts, 很满意 and 满意 are
    printed as one figure (the satisfied), the others from the dissatisfied list and the rest."""
    labels = score_labels()
    scores = csat.get("scores")
    if scores:
        return [(labels[s], int(scores.get(s, 0))) for s in (5, 4, 3, 2, 1)]
    total, satisfied = csat["brand"]
    low = {s: sum(1 for e in dissatisfied if e["score"] == s) for s in (1, 2)}
    neutral = total - satisfied - low[1] - low[2]
    return [
        (f"{labels[5]} / {labels[4]}", satisfied),
        (labels[3], neutral),
        (labels[2], low[2]),
        (labels[1], low[1]),
    ]


def _local(at):
    return None if at is None else timezone.localtime(at, calendar.local_tz())


def csat_section(report, *, start: date, end: date) -> d.CsatSection | None:
    """Satisfaction rate of the brand, per day and per agent, the grades' distribution and the
    dissatisfied chats with their QA outcome; None when no evaluation falls in the period."""
    csat = report.csat
    total, satisfied = csat["brand"]
    if not total:
        return None
    labels = score_labels()
    days = [
        d.CsatRow(day.isoformat(), *csat["days"].get(day, (0, 0)))
        for day in _shown_days(start, end)
        if day in csat["days"]
    ]
    agents = sorted(
        (
            d.CsatRow(report.agent_names.get(agent_id) or "—", n, sat)
            for agent_id, (n, sat) in csat["agents"].items()
            if agent_id is not None and n
        ),
        key=lambda row: (row.rate, -row.evaluations, row.label),
    )
    # failed QA first (the chats to look at), then 很不满意 before 不满意, then by time
    bad = sorted(
        report.dissatisfied,
        key=lambda e: (e["qa_passed"] is not False, e["score"], e["evaluated_at"], e["conversation"]),
    )
    dissatisfied = [
        d.DissatisfiedChat(
            conversation=e["conversation"],
            store=e["store"],
            agent=e["agent"],
            score=e["score"],
            evaluated_at=_local(e["evaluated_at"]),
            qa_score=e["qa_score"],
            qa_passed=e["qa_passed"],
            score_label=labels.get(e["score"], str(e["score"])),
        )
        for e in bad
    ]
    return d.CsatSection(
        evaluations=total,
        satisfied=satisfied,
        distribution=_distribution(csat, report.dissatisfied),
        days=days,
        agents=agents,
        dissatisfied=dissatisfied,
        dissatisfied_total=len(dissatisfied),
    )


def quarter_row(
    *,
    client_id: int,
    start: date,
    end: date,
    label: str,
    conversations,
    bot_share,
    qa_average,
    invoice_total,
    report=None,
) -> d.QuarterRow:
    """One quarter of the QBR comparison: the figures the review already compared (conversations,
    bot share, QA average, invoiced) and the quarter's conversion, GMV and satisfaction."""
    if report is None:
        report = sales_data(client_id=client_id, start=start, end=end)
    brand = report.brand
    has_sales = bool(brand.consulting or brand.total_gmv)
    evaluations, satisfied = report.csat["brand"]
    return d.QuarterRow(
        label=label,
        start=start,
        conversations=conversations,
        bot_share=bot_share,
        qa_average=qa_average,
        invoice_total=invoice_total,
        consulting=brand.consulting if has_sales else None,
        paying=brand.paying if has_sales else None,
        conversion=brand.conversion if has_sales else None,
        gmv=brand.total_gmv if has_sales else None,
        attributed_gmv=brand.attributed_gmv if has_sales else None,
        evaluations=evaluations or None,
        satisfaction=Decimal(satisfied) / Decimal(evaluations) if evaluations else None,
    )


def month_sales(*, client_id: int, start: date, end: date) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(询单转化率, GMV, satisfaction rate) of one month of a QBR, each None without data."""
    report = sales_data(client_id=client_id, start=start, end=end)
    brand = report.brand
    has_sales = bool(brand.consulting or brand.total_gmv)
    evaluations, satisfied = report.csat["brand"]
    return (
        brand.conversion if has_sales else None,
        brand.total_gmv if has_sales else None,
        Decimal(satisfied) / Decimal(evaluations) if evaluations else None,
    )


def _quarter_qa_average(*, client_id: int, start: date, end: date) -> Decimal | None:
    total = (
        qa_selectors.period_results(client_id=client_id, start=start, end=end)
        .filter(status="scored")
        .aggregate(n=Count("id"), points=Sum("score"))
    )
    return Decimal(total["points"] or 0) / Decimal(total["n"]) if total["n"] else None


def _quarter_invoiced(*, client_id: int, start: date, end: date) -> Decimal | None:
    """The sum of the quarter's monthly invoices' totals (None when no month was invoiced)."""
    totals = []
    month = start
    while month < end:
        nxt = calendar.add_months(month, 1)
        invoice = contracts_selectors.invoice_for_client_period(client_id=client_id, start=month, end=nxt)
        if invoice is not None:
            totals.append(invoice.total)
        month = nxt
    return sum(totals, Decimal("0.00")) if totals else None


def quarter_comparison(*, client_id: int, start: date, label_of, current=None) -> list[d.QuarterRow]:
    """The quarter before and this quarter (`start` opens it), side by side; `label_of(start)` names
    a quarter in the report's language; `current`: this quarter's SalesReport when already read."""
    rows = []
    for q_start in (calendar.add_months(start, -3), start):
        q_end = calendar.add_months(q_start, 3)
        metrics = conversation_metrics(client_id=client_id, start=q_start, end=q_end)
        rows.append(
            quarter_row(
                report=current if q_start == start else None,
                client_id=client_id,
                start=q_start,
                end=q_end,
                label=label_of(q_start),
                conversations=metrics.conversations,
                bot_share=metrics.bot_share,
                qa_average=_quarter_qa_average(client_id=client_id, start=q_start, end=q_end),
                invoice_total=_quarter_invoiced(client_id=client_id, start=q_start, end=q_end),
            )
        )
    return rows


def sales_figures(report: d.ClientReport) -> tuple[list[d.Figure], list[str]]:
    """Summary tiles and highlight sentences of the two sections, each made from the figure it states."""
    figures: list[d.Figure] = []
    lines: list[str] = []
    c = report.conversion
    if c is not None:
        figures.append(
            d.Figure(
                _("Inquiry conversion rate"),
                pct(c.conversion),
                _("average order value %(aov)s") % {"aov": cny(c.average_order_value)},
            )
        )
        figures.append(
            d.Figure(
                _("Agent-attributed GMV"), cny(c.attributed_gmv), _("silent share %(s)s") % {"s": pct(c.silent_share)}
            )
        )
        lines.append(
            _(
                "%(consulting)s buyers consulted before buying, %(paying)s of them paid: inquiry conversion "
                "rate %(rate)s; GMV attributed to the agents %(gmv)s, silent orders %(silent)s of all GMV."
            )
            % {
                "consulting": num(c.consulting),
                "paying": num(c.paying),
                "rate": pct(c.conversion),
                "gmv": cny(c.attributed_gmv),
                "silent": pct(c.silent_share),
            }
        )
    s = report.csat
    if s is not None:
        figures.append(
            d.Figure(
                pgettext("sales report", "Satisfaction rate"),
                pct(s.rate),
                _("%(n)s evaluations") % {"n": num(s.evaluations)},
            )
        )
        lines.append(
            _(
                "Satisfaction %(rate)s over %(n)s evaluations; %(bad)s dissatisfied chats, %(failed)s of which "
                "also failed QA."
            )
            % {
                "rate": pct(s.rate),
                "n": num(s.evaluations),
                "bad": num(s.dissatisfied_total),
                "failed": num(s.dissatisfied_failed_qa),
            }
        )
    return figures, lines
