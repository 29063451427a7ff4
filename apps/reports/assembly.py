"""Data assembly: read a brand's period through the other apps' selectors (each app is the only
reader of its tables) into the plain dataclasses of apps.reports.documents.

When the app that owns a section's data holds nothing for this brand and period, the section is
None and its name goes into `left_out` — a report never shows invented figures. Figures are taken from the owners' selectors
(conversation_metrics, qa_period_summary, staffing_period_summary, invoice_for_client_period), so
the report agrees with billing, QA and workforce to the digit. Figures stay exact here and are
rounded once, half up, where the template prints them.

Words: every generated sentence is built from the figure it states (rose or fell, met or missed,
how many reviewed and how many open) and says nothing that no row records. The account manager's
commentary is that person's text, printed under their name and date and the reviewer's.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.contracts import selectors as contracts_selectors
from apps.conversations import selectors as conversations_selectors
from apps.conversations import topics as topic_lexicon
from apps.conversations.metrics import conversation_metrics
from apps.core import calendar
from apps.qa import selectors as qa_selectors
from apps.reports import documents as d
from apps.reports import invoices, sales
from apps.reports.templatetags.report_format import cny, num, one, pct, signed_pct, whole
from apps.workforce import selectors as workforce_selectors
from apps.workforce.selectors import StaffingGaps, StaffingPeriodSummary

ZERO = Decimal("0")


# --- periods (the periods themselves come from apps.core.calendar) --------------------------------


def period_label(kind: str, start: date, language: str) -> str:
    zh = language.startswith("zh")
    if kind == "quarterly":
        quarter = (start.month - 1) // 3 + 1
        return f"{start.year}年第{quarter}季度" if zh else f"Q{quarter} {start.year}"
    return f"{start.year}年{start.month}月" if zh else start.strftime("%B %Y")


# --- sections ------------------------------------------------------------------------------------


def daily_volume(*, client_id: int, start: date, end: date) -> dict[date, tuple[int, int, int]]:
    """(total, bot, human) conversations per local day, from the same rows conversation_metrics reads."""
    by_day = conversations_selectors.handled_counts_by_day(client_id=client_id, start=start, end=end)
    return {day: tuple(counts) for day, counts in by_day.items()}


def volume_section(*, client_id: int, start: date, end: date, staffing, gaps=None) -> d.VolumeSection | None:
    """Volume and response KPIs. The daily forecast is workforce's exact one (`gaps`, from
    staffing_gaps), summed exactly; a day without a forecast has none (not zero)."""
    metrics = conversation_metrics(client_id=client_id, start=start, end=end)
    if not metrics.conversations:
        return None
    per_day = daily_volume(client_id=client_id, start=start, end=end)
    forecast_by_day: dict[date, Decimal] = {}
    if staffing is not None and gaps is not None:
        forecast_by_day = {day: value for day, value in gaps.forecast_by_day.items() if value > 0}
    days = [
        d.VolumeDay(day, *per_day.get(day, (0, 0, 0)), forecast=forecast_by_day.get(day))
        for day in calendar.days_between(start, end)
    ]
    # The empty days of a period still running (after today) are not drawn as zero volume.
    today = timezone.localdate()
    while days and days[-1].day > today and not days[-1].actual and days[-1].forecast is None:
        days.pop()
    forecast_total = sum(forecast_by_day.values(), Decimal(0)) if forecast_by_day else None
    forecast_days_actual = sum(d.actual for d in days if d.forecast is not None) if forecast_by_day else None
    wape = staffing.totals.get("forecast_wape") if staffing is not None else None
    return d.VolumeSection(
        days=days,
        conversations=metrics.conversations,
        bot_handled=metrics.bot_handled,
        human_handled=metrics.human_handled,
        transferred_to_human=metrics.transferred_to_human,
        messages=metrics.messages,
        bot_share=metrics.bot_share,
        first_response_avg_s=metrics.first_response_avg_s,
        first_response_within_30s_rate=metrics.first_response_within_30s_rate,
        response_avg_s=metrics.response_avg_s,
        three_minute_rate=metrics.three_minute_rate,
        unanswered_conversations=metrics.unanswered_conversations,
        forecast_total=forecast_total,
        forecast_wape=wape,
        forecast_days=len(forecast_by_day),
        forecast_days_actual=forecast_days_actual,
        first_response_measured=metrics.first_response_measured,
        first_response_over_30s=metrics.first_response_over_30s,
        response_avg_over_45s=metrics.response_avg_over_45s,
        three_minute_missed=metrics.three_minute_missed,
        waited_100s=metrics.waited_100s,
        last_unanswered=metrics.last_unanswered,
        transferred_unanswered=metrics.transferred_unanswered,
    )


SEVERITY_LABELS = {"critical": "Critical", "major": "Major", "minor": "Minor"}
# Bonus, alert and helper rules are not violations: alerts show up as high-risk cases instead.
VIOLATION_SEVERITIES = frozenset(SEVERITY_LABELS)
HIGH_RISK_SHOWN = 12
REVIEW_LABELS = {
    "open": "Awaiting review",
    "confirmed": "Confirmed",
    "dismissed": "Dismissed",
    "not_queued": "Alert only",
}
DISPUTE_LABELS = {
    "open": "dispute open",
    "accepted": "dispute accepted",
    "partly accepted": "dispute partly accepted",
    "rejected": "dispute rejected",
}


def qa_action_text(action: str) -> str:
    """QA's 'what was done' (English phrases joined by '; ') in the report's language."""
    parts = []
    for part in (action or "").split("; "):
        head, sep, comment = part.partition(": ")
        if head == "confirmed by QA":
            text = _("confirmed by QA")
        elif head == "dismissed by QA":
            text = _("dismissed by QA")
        elif head == "awaiting review":
            text = _("awaiting review")
        elif head == "alert sent to the shift lead":
            # QA's fallback when no review item exists: no row records an alert being sent
            text = _("no review item; on the shift lead's escalation list")
        elif head.startswith("dispute ") and head in DISPUTE_LABELS:
            text = _(DISPUTE_LABELS[head])
        else:
            text = head
        parts.append(text + (f"：{comment}" if sep and comment else ""))
    return "；".join(p for p in parts if p)


def _ratio(numerator, denominator) -> Decimal | None:
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def qa_exact(*, client_id: int, start: date, end: date) -> dict:
    """QA's period figures unrounded, from apps.qa.selectors.period_results (the results the summary
    reads): pass rate and average score overall and per day, and the review queue's decisions."""
    results = qa_selectors.period_results(client_id=client_id, start=start, end=end).filter(status="scored")
    total = results.aggregate(n=Count("id"), passed=Count("id", filter=Q(passed=True)), points=Sum("score"))
    by_day = {
        row["day"]: (_ratio(row["points"] or 0, row["n"]), _ratio(row["passed"], row["n"]))
        for row in results.annotate(day=TruncDate("started_at", tzinfo=calendar.local_tz()))
        .values("day")
        .annotate(n=Count("id"), passed=Count("id", filter=Q(passed=True)), points=Sum("score"))
    }
    reviews = qa_selectors.period_results(client_id=client_id, start=start, end=end).aggregate(
        confirmed=Count("review_items", filter=Q(review_items__status="confirmed")),
        dismissed=Count("review_items", filter=Q(review_items__status="dismissed")),
        open=Count("review_items", filter=Q(review_items__status="open")),
    )
    return {
        "pass_rate": _ratio(total["passed"], total["n"]),
        "average_score": _ratio(total["points"] or 0, total["n"]),
        "by_day": by_day,
        "reviews": reviews,
    }


def _qa_violations(by_rule: list[dict]) -> list[d.RuleHits]:
    """The rules that are violations (critical, major, minor) with hits, most hits first, each with
    its share of all violation hits."""
    by_rule = sorted(by_rule, key=lambda r: (-r["hits"], r["rule_code"]))
    total_hits = sum(r["hits"] for r in by_rule if str(r["severity"]) in VIOLATION_SEVERITIES)
    return [
        d.RuleHits(
            rule_code=str(r["rule_code"]),
            rule_name=str(r["rule_name"]),
            severity=str(r["severity"]),
            hits=r["hits"],
            share=_ratio(r["hits"], total_hits),
            severity_label=_(SEVERITY_LABELS.get(str(r["severity"]), str(r["severity"]))),
        )
        for r in by_rule
        if r["hits"] and str(r["severity"]) in VIOLATION_SEVERITIES
    ]


def _qa_high_risk(cases: list[dict]) -> list[d.HighRiskCase]:
    return [
        d.HighRiskCase(
            platform_conversation_id=str(c["platform_conversation_id"]),
            started_at=timezone.localtime(c["started_at"], calendar.local_tz()) if c["started_at"] else None,
            rule_name=str(c["rule_name"]),
            excerpt=str(c["excerpt"]),
            review_status=_(REVIEW_LABELS.get(str(c["review_status"]), str(c["review_status"]))),
            action=qa_action_text(str(c["action"] or "")),
        )
        for c in cases[:HIGH_RISK_SHOWN]
    ]


def qa_section(*, client_id: int, start: date, end: date) -> d.QASection | None:
    summary = qa_selectors.qa_period_summary(client_id=client_id, start=start, end=end)
    if not summary.scored:
        return None
    exact = qa_exact(client_id=client_id, start=start, end=end)
    exact_days = exact["by_day"]
    reviews = exact["reviews"]
    disputes = {k: int(v or 0) for k, v in summary.disputes.items()}
    for key in ("filed", "accepted", "partly_accepted", "rejected", "open"):
        disputes.setdefault(key, 0)
    return d.QASection(
        conversations=summary.conversations,
        scored=summary.scored,
        unscorable=summary.unscorable,
        passed=summary.passed,
        pass_rate=exact["pass_rate"],
        average_score=exact["average_score"],
        critical_hits=summary.critical_hits,
        days=[
            d.QADay(
                day=row["date"],
                scored=row["scored"],
                average_score=exact_days.get(row["date"], (row["average_score"], None))[0],
                pass_rate=exact_days.get(row["date"], (None, row["pass_rate"]))[1],
            )
            for row in summary.by_day
        ],
        violations=_qa_violations(summary.by_rule),
        high_risk=_qa_high_risk(summary.high_risk),
        disputes=disputes,
        coaching=[
            d.CoachingRow(str(c["agent_name"]), int(c["issues"]), str(c["top_rule"]), int(c.get("critical") or 0))
            for c in summary.coaching
        ],
        reviews_confirmed=int(reviews.get("confirmed") or 0),
        reviews_dismissed=int(reviews.get("dismissed") or 0),
        reviews_open=int(reviews.get("open") or 0),
    )


def staffing_summary(*, client_id: int, start: date, end: date) -> StaffingPeriodSummary | None:
    """The workforce selector's summary, or None when workforce has no plan for this brand/period."""
    summary = workforce_selectors.staffing_period_summary(client_id=client_id, start=start, end=end)
    has_plan = any(
        (row["scheduled_agent_hours"] or ZERO) > 0 or (row["required_agent_hours"] or ZERO) > 0
        for row in summary.by_day
    )
    return summary if has_plan else None


def staffing_section(
    summary: StaffingPeriodSummary | None, gaps: StaffingGaps | None = None
) -> d.StaffingSection | None:
    if summary is None:
        return None
    exact_forecast = gaps.forecast_by_day if gaps is not None else {}
    totals = summary.totals
    peak = dict(summary.interval_peak)
    if peak.get("at") is not None:
        peak["at"] = timezone.localtime(peak["at"], calendar.local_tz()).strftime("%m-%d %H:%M")
    days = [
        d.StaffingDay(
            day=row["date"],
            forecast_contacts=exact_forecast.get(row["date"], row["forecast_contacts"]),
            actual_contacts=row["actual_contacts"],
            required_agent_hours=row["required_agent_hours"] or ZERO,
            scheduled_agent_hours=row["scheduled_agent_hours"] or ZERO,
            surge_seats=row["surge_seats"] or 0,
        )
        for row in summary.by_day
    ]
    return d.StaffingSection(
        days=days,
        scheduled_agent_hours=totals["scheduled_agent_hours"] or ZERO,
        night_agent_hours=totals["night_agent_hours"] or ZERO,
        surge_seat_days=totals["surge_seat_days"] or 0,
        forecast_wape=totals["forecast_wape"],
        interval_peak=peak,
        short_intervals=[
            d.ShortInterval(start=at, required=required, scheduled=scheduled)
            for at, required, scheduled in (gaps.short_intervals if gaps is not None else [])
        ],
    )


def promo_section(
    *, client_id: int, start: date, end: date, volume: d.VolumeSection | None, staffing: d.StaffingSection | None
) -> d.PromoSection | None:
    """Recap of the promotion (presale to end) that overlaps the period most, over the days of the
    promotion INSIDE the period (`measured_start` … `measured_end`, printed beside the figures): a
    monthly report measures its own month, and the promotion's other days are in the other month's
    report. The normal day is the average of the period's days outside the promotion."""
    if volume is None:
        return None
    events = calendar.promo_periods(start=start, end=end)
    if not events:
        return None
    event = max(events, key=lambda e: (e.overlap_days(start, end), e.peak_start))
    w_start, w_end = max(event.presale_start, start), min(event.end_date + timedelta(days=1), end)
    window = [v for v in volume.days if w_start <= v.day < w_end]
    outside = [v for v in volume.days if not (event.presale_start <= v.day <= event.end_date)]
    metrics = conversation_metrics(client_id=client_id, start=w_start, end=w_end)
    if not metrics.conversations:
        return None
    peak = max(window, key=lambda v: (v.actual, -v.day.toordinal()), default=None)
    baseline = _ratio(sum(v.actual for v in outside), len(outside))
    uplift = peak.actual / baseline if peak and baseline else None
    surge = None
    if staffing is not None:
        surge = sum(s.surge_seats for s in staffing.days if w_start <= s.day < w_end)
    return d.PromoSection(
        name=event.name,
        presale_start=event.presale_start,
        peak_start=timezone.localtime(event.peak_start, calendar.local_tz()),
        peak_end=timezone.localtime(event.peak_end, calendar.local_tz()),
        end_date=event.end_date,
        measured_start=w_start,
        measured_end=w_end - timedelta(days=1),
        window_conversations=metrics.conversations,
        peak_day=peak.day if peak else None,
        peak_day_conversations=peak.actual if peak else 0,
        baseline_daily=baseline,
        uplift=uplift,
        window_bot_share=metrics.bot_share,
        window_first_response_avg_s=metrics.first_response_avg_s,
        window_three_minute_rate=metrics.three_minute_rate,
        surge_seat_days=surge,
        baseline_days=len(outside),
    )


def topics_section(*, client_id: int, start: date, end: date) -> d.TopicsSection | None:
    stream = conversations_selectors.buyer_text_stream(client_id=client_id, start=start, end=end)
    result = topic_lexicon.tally(stream)
    if not result.conversations_read or not result.classified:
        return None
    rows = [
        d.TopicRow(
            topic=topic_lexicon.topic_label(c.code),
            conversations=c.conversations,
            share=Decimal(c.conversations) / Decimal(result.conversations_read),
            example=c.example,
        )
        for c in result.ranked()
    ]
    return d.TopicsSection(rows=rows, conversations_read=result.conversations_read, classified=result.classified)


def billing_sections(
    *, client, start: date, end: date, language: str, exact: dict | None = None
) -> tuple[d.InvoiceDoc | None, d.SlaSection | None]:
    """The period's invoice and the SLA results on it (apps.contracts), via apps.reports.invoices.
    `exact`: the report's unrounded KPI figures by KPI code (see invoices.sla_section)."""
    invoice = contracts_selectors.invoice_for_client_period(client_id=client.pk, start=start, end=end)
    if invoice is None:
        return None, None
    doc = invoices.invoice_document(invoice, language=language)
    doc.corrections = invoices.corrections_of(invoice)
    return doc, invoices.sla_section(invoice, exact)


# --- the report ----------------------------------------------------------------------------------


def vendor_party(invoice_doc: d.InvoiceDoc | None) -> d.Party:
    name = _("Tideline Customer Service")
    if invoice_doc is not None and invoice_doc.seller.legal_name:
        seller = invoice_doc.seller
        return d.Party(name=name, legal_name=seller.legal_name, uscc=seller.uscc)
    return d.Party(name=name)


def _change_words(previous, current, shown) -> str | None:
    """'rose' / 'fell' / 'was unchanged' as the printed figures show it (equal when they print the
    same), or None when there is nothing to compare with."""
    if previous is None or current is None:
        return None
    if shown(previous) == shown(current):
        return "same"
    return "up" if current > previous else "down"


def _volume_lines(v: d.VolumeSection, previous) -> list[str]:
    lines = [
        _("%(n)s conversations served this period; the bot handled %(share)s of them.")
        % {"n": num(v.conversations), "share": pct(v.bot_share)}
    ]
    if previous is not None and previous.conversations:
        change = Decimal(v.conversations) / Decimal(previous.conversations) - 1
        words = _change_words(previous.conversations, v.conversations, num)
        if words == "same":
            lines.append(_("Conversations were unchanged from last month."))
        else:
            text = _("Conversations rose %(change)s from %(before)s last month.")
            if words == "down":
                text = _("Conversations fell %(change)s from %(before)s last month.")
            lines.append(text % {"change": pct(abs(change)), "before": num(previous.conversations)})
    if v.forecast_total:
        lines.append(
            _("Actual volume was %(variance)s against the forecast of %(forecast)s.")
            % {"variance": signed_pct(v.forecast_variance), "forecast": whole(v.forecast_total)}
        )
    if v.first_response_measured:
        text = _(
            "Human agents' first response averaged %(avg)s s; %(over)s of %(n)s human chats waited more than "
            "30 s for it."
        ) % {
            "avg": one(v.first_response_avg_s),
            "over": num(v.first_response_over_30s),
            "n": num(v.first_response_measured),
        }
        before = previous.first_response_avg_s if previous is not None else None
        words = _change_words(before, v.first_response_avg_s, one)
        if words == "same":
            text += _(" The average was the same as last month.")
        elif words == "up":
            text += _(" The average rose from %(before)s s last month.") % {"before": one(before)}
        elif words == "down":
            text += _(" The average fell from %(before)s s last month.") % {"before": one(before)}
        lines.append(text)
    return lines


def _qa_lines(q: d.QASection) -> list[str]:
    lines = [
        _("QA checked %(n)s conversations (%(coverage)s): average score %(score)s, %(critical)s critical hits.")
        % {
            "n": num(q.scored),
            "coverage": pct(q.coverage),
            "score": one(q.average_score),
            "critical": num(q.critical_hits),
        }
    ]
    decided = q.reviews_confirmed + q.reviews_dismissed
    if decided or q.reviews_open:
        lines.append(
            _(
                "Review queue: %(decided)s items decided (%(confirmed)s confirmed, %(dismissed)s dismissed), %(open)s awaiting review."
            )
            % {
                "decided": num(decided),
                "confirmed": num(q.reviews_confirmed),
                "dismissed": num(q.reviews_dismissed),
                "open": num(q.reviews_open),
            }
        )
    return lines


def _staffing_lines(s: d.StaffingSection) -> list[str]:
    if not s.required_agent_hours:
        return []
    days = s.short_days
    if not days:
        return [_("No 15-minute interval was rostered below demand.")]
    return [
        _("%(n)s 15-minute intervals on %(days)s days were rostered below demand (listed in the staffing section).")
        % {"n": num(len(s.short_intervals)), "days": num(len(days))}
    ]


def _sla_lines(sla: d.SlaSection) -> list[str]:
    lines = [
        _("%(met)s of %(total)s SLA KPIs met; SLA credit %(credit)s.")
        % {"met": sla.met, "total": len(sla.rows), "credit": cny(sla.credit_total)}
    ]
    for row in sla.rows:
        if row.met is False:
            lines.append(
                _("Missed: %(kpi)s, measured %(actual)s against a target of %(target)s.")
                % {"kpi": row.kpi, "actual": row.actual, "target": row.target}
            )
    return lines


def _volume_figures(v) -> list[d.Figure]:
    """The volume tiles: conversations (against the forecast), bot share, first response, 3-minute rate."""
    note = _("vs forecast %(variance)s") % {"variance": signed_pct(v.forecast_variance)} if v.forecast_total else ""
    return [
        d.Figure(_("Conversations"), num(v.conversations), note),
        d.Figure(_("Bot share"), pct(v.bot_share), _("%(n)s handled by the bot") % {"n": num(v.bot_handled)}),
        d.Figure(_("First response, average"), _("%(s)s s") % {"s": one(v.first_response_avg_s)}),
        d.Figure(_("3-minute response rate"), pct(v.three_minute_rate)),
    ]


def _promo_line(p) -> str:
    """The highlight of a promotion's busiest day (and its uplift over a normal day)."""
    text = _("%(name)s (%(first)s – %(last)s in this period): %(n)s conversations on the busiest day (%(day)s)") % {
        "name": p.name,
        "first": p.measured_start.strftime("%m-%d"),
        "last": p.measured_end.strftime("%m-%d"),
        "n": num(p.peak_day_conversations),
        "day": p.peak_day.strftime("%m-%d"),
    }
    if p.uplift:
        text += _(", %(x)s× a normal day") % {"x": one(p.uplift)}
    return text + _(".")


def _sla_figure(sla) -> d.Figure:
    """The SLA tile: KPIs met of all, the credit, coloured by the worst KPI's RAG."""
    worst = "green"
    for row in sla.rows:
        if row.rag == "red" or (row.rag == "amber" and worst == "green"):
            worst = row.rag
    return d.Figure(
        _("SLA KPIs met"), f"{sla.met} / {len(sla.rows)}", _("credit %(c)s") % {"c": cny(sla.credit_total)}, worst
    )


def _summary(report: d.ClientReport, previous=None) -> tuple[list[d.Figure], list[str]]:
    """The summary tiles and the highlights: each sentence is made from the figures it states."""
    figures: list[d.Figure] = []
    lines: list[str] = []
    v = report.volume
    if v is not None:
        figures += _volume_figures(v)
        lines += _volume_lines(v, previous)
    sales_tiles, sales_lines = sales.sales_figures(report)
    figures += sales_tiles
    lines += sales_lines
    if report.promo is not None and report.promo.peak_day is not None:
        lines.append(_promo_line(report.promo))
    q = report.qa
    if q is not None:
        figures.append(
            d.Figure(_("QA average score"), one(q.average_score), _("pass rate %(rate)s") % {"rate": pct(q.pass_rate)})
        )
        lines += _qa_lines(q)
    s = report.staffing
    if s is not None:
        figures.append(
            d.Figure(
                _("Scheduled agent-hours"), one(s.scheduled_agent_hours), _("coverage %(c)s") % {"c": pct(s.coverage)}
            )
        )
        lines += _staffing_lines(s)
    if report.sla is not None and report.sla.rows:
        figures.append(_sla_figure(report.sla))
        lines += _sla_lines(report.sla)
    if report.billing is not None:
        figures.append(d.Figure(_("Invoice total"), cny(report.billing.total), report.billing.number))
        if report.billing.corrected_total is not None:
            numbers = ", ".join(c.number for c in report.billing.corrections)
            figures.append(d.Figure(_("Total after corrections"), cny(report.billing.corrected_total), numbers))
    if report.topics is not None and report.topics.rows:
        top = report.topics.rows[0]
        lines.append(
            _("Shoppers asked most about “%(topic)s” (%(share)s of conversations).")
            % {"topic": top.topic, "share": pct(top.share)}
        )
    return figures, lines


def _daily_rows(report: d.ClientReport) -> list[list[str]]:
    if report.volume is None:
        return []
    qa_by_day = {q.day: q for q in report.qa.days} if report.qa else {}
    staff_by_day = {s.day: s for s in report.staffing.days} if report.staffing else {}
    rows = []
    for v in report.volume.days:
        q = qa_by_day.get(v.day)
        s = staff_by_day.get(v.day)
        rows.append(
            [
                v.day.isoformat(),
                num(v.actual),
                num(v.bot),
                num(v.human),
                whole(v.forecast),
                one(q.average_score) if q else "—",
                one(s.scheduled_agent_hours) if s else "—",
            ]
        )
    return rows


def _sla_exact(volume: d.VolumeSection | None, qa: d.QASection | None, conversion=None, csat=None) -> dict:
    """The report's unrounded KPI figures by SLA KPI code, for invoices.sla_section."""
    exact = {}
    if conversion is not None:
        exact["conversion_rate"] = conversion.conversion
    if csat is not None:
        exact["satisfaction_rate"] = csat.rate
    if volume is not None:
        exact.update(
            first_response_avg_s=volume.first_response_avg_s,
            first_response_within_30s_rate=volume.first_response_within_30s_rate,
            three_minute_rate=volume.three_minute_rate,
            response_avg_s=volume.response_avg_s,
        )
    if qa is not None:
        exact.update(qa_pass_rate=qa.pass_rate, qa_average_score=qa.average_score)
    return exact


def _left_out(*, volume, qa, staffing, billing, sla, topics, conversion=None, csat=None) -> list[str]:
    """The names of the sections the period has no data for, in the report's order."""
    sections = (
        (volume, _("conversation volume")),
        (conversion, _("sales conversion")),
        (csat, _("satisfaction")),
        (qa, _("quality assurance")),
        (staffing, _("staffing vs demand")),
        (billing, _("invoice")),
        (sla, _("SLA attainment")),
        (topics, _("shopper topics")),
    )
    return [label for section, label in sections if section is None]


def status_label(state: str) -> str:
    """The cover's status: 已签发 once issued, 草稿 before (its own context: the project's word for
    an issued invoice, 已开具, does not fit a report)."""
    return pgettext("report state", "Issued") if state == "issued" else pgettext("report state", "Draft")


def assemble_client_report(
    *,
    client,
    kind: str,
    start: date,
    end: date,
    language: str = "zh-hans",
    commentary: str = "",
    commentary_meta: dict | None = None,
    actions: list[str] | tuple[str, ...] = (),
    state: str = "draft",
    generated_on: date | None = None,
) -> d.ClientReport:
    """Everything a brand's monthly report (or quarterly review) shows, in `language`.

    `commentary_meta`: who wrote the commentary and who reviewed it, and when ({"by", "on",
    "reviewed_by", "reviewed_on"}), printed with it."""
    with translation.override(language):
        sections, sales_data = _sections(client=client, kind=kind, start=start, end=end, language=language)
        title = _("Quarterly business review") if kind == "quarterly" else _("Monthly customer service report")
        report = d.ClientReport(
            kind=kind,
            language=language,
            client_name=client.name,
            client_legal_name=client.legal_name,
            vendor=vendor_party(sections["billing"]),
            period_start=start,
            period_end=end,
            period_label=period_label(kind, start, language),
            title=title,
            **sections,
            commentary=commentary,
            commentary_by=(commentary_meta or {}).get("by", ""),
            commentary_on=(commentary_meta or {}).get("on"),
            commentary_reviewed_by=(commentary_meta or {}).get("reviewed_by", ""),
            commentary_reviewed_on=(commentary_meta or {}).get("reviewed_on"),
            actions=list(actions),
            status_label=status_label(state),
            generated_on=generated_on or timezone.localdate(),
        )
        if kind == "quarterly":
            report.months = quarter_months(client=client, start=start, end=end)
            report.quarters = sales.quarter_comparison(
                client_id=client.pk,
                start=start,
                label_of=lambda q: period_label("quarterly", q, language),
                current=sales_data,
            )
        previous = None
        if kind != "quarterly":
            previous = conversation_metrics(client_id=client.pk, start=calendar.add_months(start, -1), end=start)
        report.summary, report.highlights = _summary(report, previous)
        report.extra_rows = _daily_rows(report)
        return report


def _sections(*, client, kind: str, start: date, end: date, language: str) -> tuple[dict, object]:
    """The report's sections ({field of ClientReport: section or None}, what was left out and why)
    and the period's sales data (the quarterly review compares it with the previous quarters)."""
    staffing_raw = staffing_summary(client_id=client.pk, start=start, end=end)
    gaps = (
        workforce_selectors.staffing_gaps(client_id=client.pk, start=start, end=end)
        if staffing_raw is not None
        else None
    )
    volume = volume_section(client_id=client.pk, start=start, end=end, staffing=staffing_raw, gaps=gaps)
    qa = qa_section(client_id=client.pk, start=start, end=end)
    if qa is not None and volume is not None:
        qa.human_conversations = volume.human_handled
    staffing = staffing_section(staffing_raw, gaps)
    promo = promo_section(client_id=client.pk, start=start, end=end, volume=volume, staffing=staffing)
    topics = topics_section(client_id=client.pk, start=start, end=end) if volume is not None else None
    sales_data = sales.sales_data(client_id=client.pk, start=start, end=end)
    conversion = sales.conversion_section(sales_data, client_id=client.pk, start=start, end=end)
    csat = sales.csat_section(sales_data, start=start, end=end)
    if kind == "quarterly":
        billing, sla = None, None
    else:
        exact = _sla_exact(volume, qa, conversion, csat)
        billing, sla = billing_sections(client=client, start=start, end=end, language=language, exact=exact)
    left_out = _left_out(
        volume=volume,
        qa=qa,
        staffing=staffing,
        billing=billing,
        sla=sla,
        topics=topics,
        conversion=conversion,
        csat=csat,
    )
    sections = dict(
        sla=sla,
        volume=volume,
        qa=qa,
        staffing=staffing,
        promo=promo,
        billing=billing,
        topics=topics,
        conversion=conversion,
        csat=csat,
        left_out=left_out,
    )
    return sections, sales_data


def quarter_months(*, client, start: date, end: date) -> list[d.MonthRow]:
    rows = []
    month = start
    while month < end:
        nxt = calendar.add_months(month, 1)
        metrics = conversation_metrics(client_id=client.pk, start=month, end=nxt)
        qa = qa_section(client_id=client.pk, start=month, end=nxt)
        invoice, _sla = billing_sections(client=client, start=month, end=nxt, language=translation.get_language())
        conversion, gmv, satisfaction = sales.month_sales(client_id=client.pk, start=month, end=nxt)
        rows.append(
            d.MonthRow(
                month=month,
                conversations=metrics.conversations,
                bot_share=metrics.bot_share,
                qa_average=qa.average_score if qa else None,
                invoice_total=invoice.total if invoice else None,
                conversion=conversion,
                gmv=gmv,
                satisfaction=satisfaction,
            )
        )
        month = nxt
    return rows
