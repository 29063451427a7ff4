"""Data assembly: read a brand's period from the other apps (ORM and their selectors) into the
plain dataclasses of apps.reports.documents.

Each section is behind an availability check: when the app that owns its data has not shipped the
selector, or holds nothing for this brand and period, the section is None and its name goes into
`left_out` — a report never shows invented figures. Figures are taken from the owners' selectors
(conversation_metrics, qa_period_summary, staffing_period_summary, invoice_for_client_period), so
the report agrees with billing, QA and workforce to the digit.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.reports import documents as d
from apps.reports import topics as topic_lexicon
from apps.reports.templatetags.report_format import cny, num, one, pct, signed_pct

ZERO = Decimal("0")


# --- periods -------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, add_months(start, 1)


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    return start, add_months(start, 3)


def period_for(kind: str, day: date) -> tuple[date, date]:
    """The monthly or quarterly period that holds `day`."""
    if kind == "quarterly":
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    return month_period(day.year, day.month)


def period_label(kind: str, start: date, language: str) -> str:
    zh = language.startswith("zh")
    if kind == "quarterly":
        quarter = (start.month - 1) // 3 + 1
        return f"{start.year}年第{quarter}季度" if zh else f"Q{quarter} {start.year}"
    return f"{start.year}年{start.month}月" if zh else start.strftime("%B %Y")


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


# --- availability --------------------------------------------------------------------------------


def optional_selector(module: str, name: str) -> Callable | None:
    """The function `module.name` if that app has shipped it, else None (the section is left out).

    Only a missing module (or package) counts as absent; an import error inside an existing module
    is a bug and is raised.
    """
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise
    return getattr(loaded, name, None)


def _get(obj, key, default=None):
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --- sections ------------------------------------------------------------------------------------


def daily_volume(*, client_id: int, start: date, end: date) -> dict[date, tuple[int, int, int]]:
    """(total, bot, human) conversations per local day, from the same rows conversation_metrics reads."""
    from apps.conversations.choices import HandledBy
    from apps.conversations.metrics import period_bounds
    from apps.conversations.models import Conversation

    lo, hi = period_bounds(start, end)
    rows = (
        Conversation.objects.filter(store__client_id=client_id, started_at__gte=lo, started_at__lt=hi)
        .annotate(day=TruncDate("started_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(
            total=Count("id"),
            bot=Count("id", filter=Q(handled_by=HandledBy.BOT)),
            human=Count("id", filter=Q(handled_by=HandledBy.HUMAN)),
        )
    )
    return {row["day"]: (row["total"], row["bot"], row["human"]) for row in rows}


def volume_section(*, client_id: int, start: date, end: date, staffing) -> d.VolumeSection | None:
    from apps.conversations.metrics import conversation_metrics

    metrics = conversation_metrics(client_id=client_id, start=start, end=end)
    if not metrics.conversations:
        return None
    per_day = daily_volume(client_id=client_id, start=start, end=end)
    forecast_by_day: dict[date, int] = {}
    if staffing is not None:
        for row in _get(staffing, "by_day", []) or []:
            value = _dec(_get(row, "forecast_contacts"))
            if value is not None and value > 0:  # workforce reports 0 for days it has no forecast for
                forecast_by_day[_get(row, "date")] = int(round(value))
    days = [
        d.VolumeDay(day, *per_day.get(day, (0, 0, 0)), forecast=forecast_by_day.get(day)) for day in _days(start, end)
    ]
    # The empty days of a period still running (after today) are not drawn as zero volume.
    today = timezone.localdate()
    while days and days[-1].day > today and not days[-1].actual and days[-1].forecast is None:
        days.pop()
    forecast_total = sum(forecast_by_day.values()) if forecast_by_day else None
    forecast_days_actual = sum(d.actual for d in days if d.forecast is not None) if forecast_by_day else None
    wape = _dec(_get(_get(staffing, "totals", {}) or {}, "forecast_wape")) if staffing is not None else None
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
            text = _("alert sent to the shift lead")
        elif head.startswith("dispute ") and head in DISPUTE_LABELS:
            text = _(DISPUTE_LABELS[head])
        else:
            text = head
        parts.append(text + (f"：{comment}" if sep and comment else ""))
    return "；".join(p for p in parts if p)


def qa_section(*, client_id: int, start: date, end: date) -> d.QASection | None:
    summary_of = optional_selector("apps.qa.selectors", "qa_period_summary")
    if summary_of is None:
        return None
    summary = summary_of(client_id=client_id, start=start, end=end)
    if not summary or not _get(summary, "scored"):
        return None
    by_rule = sorted(_get(summary, "by_rule", []) or [], key=lambda r: (-int(_get(r, "hits", 0)), _get(r, "rule_code")))
    total_hits = sum(int(_get(r, "hits", 0)) for r in by_rule if str(_get(r, "severity", "")) in VIOLATION_SEVERITIES)
    violations = [
        d.RuleHits(
            rule_code=str(_get(r, "rule_code", "")),
            rule_name=str(_get(r, "rule_name", "")),
            severity=str(_get(r, "severity", "")),
            hits=int(_get(r, "hits", 0)),
            share=(Decimal(int(_get(r, "hits", 0))) / Decimal(total_hits)).quantize(Decimal("0.0001"))
            if total_hits
            else None,
            severity_label=_(SEVERITY_LABELS.get(str(_get(r, "severity", "")), str(_get(r, "severity", "")))),
        )
        for r in by_rule
        if int(_get(r, "hits", 0)) and str(_get(r, "severity", "")) in VIOLATION_SEVERITIES
    ]
    tz = timezone.get_default_timezone()
    high_risk = [
        d.HighRiskCase(
            platform_conversation_id=str(_get(c, "platform_conversation_id", "")),
            started_at=timezone.localtime(_get(c, "started_at"), tz) if _get(c, "started_at") else None,
            rule_name=str(_get(c, "rule_name", "")),
            excerpt=str(_get(c, "excerpt", "")),
            review_status=_(REVIEW_LABELS.get(str(_get(c, "review_status", "")), str(_get(c, "review_status", "")))),
            action=qa_action_text(str(_get(c, "action", "") or "")),
        )
        for c in (_get(summary, "high_risk", []) or [])[:HIGH_RISK_SHOWN]
    ]
    disputes = {k: int(v or 0) for k, v in (_get(summary, "disputes", {}) or {}).items()}
    for key in ("filed", "accepted", "partly_accepted", "rejected", "open"):
        disputes.setdefault(key, 0)
    return d.QASection(
        conversations=int(_get(summary, "conversations", 0)),
        scored=int(_get(summary, "scored", 0)),
        unscorable=int(_get(summary, "unscorable", 0)),
        passed=int(_get(summary, "passed", 0)),
        pass_rate=_dec(_get(summary, "pass_rate")),
        average_score=_dec(_get(summary, "average_score")),
        critical_hits=int(_get(summary, "critical_hits", 0)),
        days=[
            d.QADay(
                day=_get(row, "date"),
                scored=int(_get(row, "scored", 0)),
                average_score=_dec(_get(row, "average_score")),
                pass_rate=_dec(_get(row, "pass_rate")),
            )
            for row in (_get(summary, "by_day", []) or [])
        ],
        violations=violations,
        high_risk=high_risk,
        disputes=disputes,
        coaching=[
            d.CoachingRow(
                str(_get(c, "agent_name", "")),
                int(_get(c, "issues", 0)),
                str(_get(c, "top_rule", "")),
                int(_get(c, "critical", 0) or 0),
            )
            for c in (_get(summary, "coaching", []) or [])
        ],
    )


def staffing_summary(*, client_id: int, start: date, end: date):
    """The workforce selector's summary, or None when workforce has no plan for this brand/period."""
    summary_of = optional_selector("apps.workforce.selectors", "staffing_period_summary")
    if summary_of is None:
        return None
    summary = summary_of(client_id=client_id, start=start, end=end)
    by_day = _get(summary, "by_day", []) or [] if summary else []
    has_plan = any(
        (_dec(_get(row, "scheduled_agent_hours")) or ZERO) > 0 or (_dec(_get(row, "required_agent_hours")) or ZERO) > 0
        for row in by_day
    )
    return summary if has_plan else None


def staffing_section(summary) -> d.StaffingSection | None:
    if summary is None:
        return None
    totals = _get(summary, "totals", {}) or {}
    peak = dict(_get(summary, "interval_peak", {}) or {})
    if peak.get("at") is not None and hasattr(peak["at"], "astimezone"):
        peak["at"] = timezone.localtime(peak["at"], timezone.get_default_timezone()).strftime("%m-%d %H:%M")
    days = [
        d.StaffingDay(
            day=_get(row, "date"),
            forecast_contacts=None
            if _get(row, "forecast_contacts") is None
            else int(round(_dec(_get(row, "forecast_contacts")))),
            actual_contacts=None if _get(row, "actual_contacts") is None else int(_get(row, "actual_contacts")),
            required_agent_hours=_dec(_get(row, "required_agent_hours")) or ZERO,
            scheduled_agent_hours=_dec(_get(row, "scheduled_agent_hours")) or ZERO,
            surge_seats=int(_get(row, "surge_seats", 0) or 0),
        )
        for row in (_get(summary, "by_day", []) or [])
    ]
    return d.StaffingSection(
        days=days,
        scheduled_agent_hours=_dec(_get(totals, "scheduled_agent_hours")) or ZERO,
        night_agent_hours=_dec(_get(totals, "night_agent_hours")) or ZERO,
        surge_seat_days=int(_get(totals, "surge_seat_days", 0) or 0),
        forecast_wape=_dec(_get(totals, "forecast_wape")),
        interval_peak=peak,
    )


def promo_section(
    *, client_id: int, start: date, end: date, volume: d.VolumeSection | None, staffing: d.StaffingSection | None
) -> d.PromoSection | None:
    """Recap of the promotion (presale to end) that overlaps the period most, from its conversations."""
    from apps.conversations.metrics import conversation_metrics
    from apps.core.models import PromoEvent

    if volume is None:
        return None
    events = list(PromoEvent.objects.filter(presale_start__lt=end, end_date__gte=start))
    if not events:
        return None

    def overlap(e) -> int:
        return (min(e.end_date + timedelta(days=1), end) - max(e.presale_start, start)).days

    event = max(events, key=lambda e: (overlap(e), e.peak_start))
    w_start, w_end = max(event.presale_start, start), min(event.end_date + timedelta(days=1), end)
    window = [v for v in volume.days if w_start <= v.day < w_end]
    outside = [v for v in volume.days if not (event.presale_start <= v.day <= event.end_date)]
    metrics = conversation_metrics(client_id=client_id, start=w_start, end=w_end)
    if not metrics.conversations:
        return None
    peak = max(window, key=lambda v: (v.actual, -v.day.toordinal()), default=None)
    baseline = (
        (Decimal(sum(v.actual for v in outside)) / Decimal(len(outside))).quantize(Decimal("0.1")) if outside else None
    )
    uplift = (Decimal(peak.actual) / baseline).quantize(Decimal("0.1")) if peak and baseline else None
    surge = None
    if staffing is not None:
        surge = sum(s.surge_seats for s in staffing.days if w_start <= s.day < w_end)
    return d.PromoSection(
        name=event.name,
        presale_start=event.presale_start,
        peak_start=timezone.localtime(event.peak_start, timezone.get_default_timezone()),
        peak_end=timezone.localtime(event.peak_end, timezone.get_default_timezone()),
        end_date=event.end_date,
        window_conversations=metrics.conversations,
        peak_day=peak.day if peak else None,
        peak_day_conversations=peak.actual if peak else 0,
        baseline_daily=baseline,
        uplift=uplift,
        window_bot_share=metrics.bot_share,
        window_first_response_avg_s=metrics.first_response_avg_s,
        window_three_minute_rate=metrics.three_minute_rate,
        surge_seat_days=surge,
    )


def topics_section(*, client_id: int, start: date, end: date) -> d.TopicsSection | None:
    from apps.conversations.choices import MessageType, SenderRole
    from apps.conversations.metrics import period_bounds
    from apps.conversations.models import Message

    lo, hi = period_bounds(start, end)
    stream = (
        Message.objects.filter(
            conversation__store__client_id=client_id,
            conversation__started_at__gte=lo,
            conversation__started_at__lt=hi,
            sender_role=SenderRole.BUYER,
            msg_type=MessageType.TEXT,
        )
        .order_by("conversation_id", "seq")
        .values_list("conversation_id", "content")
        .iterator(chunk_size=5000)
    )
    result = topic_lexicon.tally(stream)
    if not result.conversations_read or not result.classified:
        return None
    rows = [
        d.TopicRow(
            topic=topic_lexicon.topic_label(c.code),
            conversations=c.conversations,
            share=(Decimal(c.conversations) / Decimal(result.conversations_read)).quantize(Decimal("0.0001")),
            example=c.example,
        )
        for c in result.ranked()
    ]
    return d.TopicsSection(rows=rows, conversations_read=result.conversations_read, classified=result.classified)


def billing_sections(
    *, client, start: date, end: date, language: str
) -> tuple[d.InvoiceDoc | None, d.SlaSection | None]:
    """The period's invoice and the SLA results on it (apps.contracts), via apps.reports.invoices."""
    invoice_of = optional_selector("apps.contracts.selectors", "invoice_for_client_period")
    if invoice_of is None:
        return None, None
    from apps.reports import invoices

    invoice = invoice_of(client_id=client.pk, start=start, end=end)
    if invoice is None:
        return None, None
    return invoices.invoice_document(invoice, language=language), invoices.sla_section(invoice)


# --- the report ----------------------------------------------------------------------------------


def vendor_party(invoice_doc: d.InvoiceDoc | None) -> d.Party:
    name = _("Tideline Customer Service")
    if invoice_doc is not None and invoice_doc.seller.legal_name:
        seller = invoice_doc.seller
        return d.Party(name=name, legal_name=seller.legal_name, uscc=seller.uscc)
    return d.Party(name=name)


def _summary(report: d.ClientReport) -> tuple[list[d.Figure], list[str]]:
    figures: list[d.Figure] = []
    lines: list[str] = []
    v = report.volume
    if v is not None:
        note = _("vs forecast %(variance)s") % {"variance": signed_pct(v.forecast_variance)} if v.forecast_total else ""
        figures.append(d.Figure(_("Conversations"), num(v.conversations), note))
        figures.append(
            d.Figure(_("Bot share"), pct(v.bot_share), _("%(n)s handled by the bot") % {"n": num(v.bot_handled)})
        )
        figures.append(d.Figure(_("First response, average"), _("%(s)s s") % {"s": one(v.first_response_avg_s)}))
        figures.append(d.Figure(_("3-minute response rate"), pct(v.three_minute_rate)))
        lines.append(
            _("%(n)s conversations served this period; the bot handled %(share)s of them.")
            % {"n": num(v.conversations), "share": pct(v.bot_share)}
        )
        if v.forecast_total:
            lines.append(
                _("Actual volume was %(variance)s against the forecast of %(forecast)s.")
                % {"variance": signed_pct(v.forecast_variance), "forecast": num(v.forecast_total)}
            )
    if report.promo is not None and report.promo.peak_day is not None:
        p = report.promo
        text = _("%(name)s: %(n)s conversations on the busiest day (%(day)s)") % {
            "name": p.name,
            "n": num(p.peak_day_conversations),
            "day": p.peak_day.strftime("%m-%d"),
        }
        if p.uplift:
            text += _(", %(x)s× a normal day") % {"x": one(p.uplift)}
        lines.append(text + _("."))
    q = report.qa
    if q is not None:
        figures.append(
            d.Figure(_("QA average score"), one(q.average_score), _("pass rate %(rate)s") % {"rate": pct(q.pass_rate)})
        )
        lines.append(
            _("QA checked %(n)s conversations (%(coverage)s): average score %(score)s, %(critical)s critical hits.")
            % {
                "n": num(q.scored),
                "coverage": pct(q.coverage),
                "score": one(q.average_score),
                "critical": num(q.critical_hits),
            }
        )
    s = report.staffing
    if s is not None:
        figures.append(
            d.Figure(
                _("Scheduled agent-hours"), one(s.scheduled_agent_hours), _("coverage %(c)s") % {"c": pct(s.coverage)}
            )
        )
    if report.sla is not None and report.sla.rows:
        worst = "green"
        for row in report.sla.rows:
            if row.rag == "red" or (row.rag == "amber" and worst == "green"):
                worst = row.rag
        figures.append(
            d.Figure(
                _("SLA KPIs met"),
                f"{report.sla.met} / {len(report.sla.rows)}",
                _("credit %(c)s") % {"c": cny(report.sla.credit_total)},
                worst,
            )
        )
        lines.append(
            _("%(met)s of %(total)s SLA KPIs met; SLA credit %(credit)s.")
            % {"met": report.sla.met, "total": len(report.sla.rows), "credit": cny(report.sla.credit_total)}
        )
    if report.billing is not None:
        figures.append(d.Figure(_("Invoice total"), cny(report.billing.total), report.billing.number))
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
                num(v.forecast),
                one(q.average_score) if q else "—",
                one(s.scheduled_agent_hours) if s else "—",
            ]
        )
    return rows


def assemble_client_report(
    *,
    client,
    kind: str,
    start: date,
    end: date,
    language: str = "zh-hans",
    commentary: str = "",
    actions: list[str] | tuple[str, ...] = (),
    state: str = "draft",
    generated_on: date | None = None,
) -> d.ClientReport:
    """Everything a brand's monthly report (or quarterly review) shows, in `language`."""
    with translation.override(language):
        left_out: list[str] = []
        staffing_raw = staffing_summary(client_id=client.pk, start=start, end=end)
        volume = volume_section(client_id=client.pk, start=start, end=end, staffing=staffing_raw)
        qa = qa_section(client_id=client.pk, start=start, end=end)
        if qa is not None and volume is not None:
            qa.human_conversations = volume.human_handled
        staffing = staffing_section(staffing_raw)
        promo = promo_section(client_id=client.pk, start=start, end=end, volume=volume, staffing=staffing)
        topics = topics_section(client_id=client.pk, start=start, end=end) if volume is not None else None
        if kind == "quarterly":
            billing, sla = None, None
        else:
            billing, sla = billing_sections(client=client, start=start, end=end, language=language)
        for section, label in (
            (volume, _("conversation volume")),
            (qa, _("quality assurance")),
            (staffing, _("staffing vs demand")),
            (billing, _("invoice")),
            (sla, _("SLA attainment")),
            (topics, _("shopper topics")),
        ):
            if section is None:
                left_out.append(label)
        title = _("Quarterly business review") if kind == "quarterly" else _("Monthly customer service report")
        report = d.ClientReport(
            kind=kind,
            language=language,
            client_name=client.name,
            client_legal_name=client.legal_name,
            vendor=vendor_party(billing),
            period_start=start,
            period_end=end,
            period_label=period_label(kind, start, language),
            title=title,
            sla=sla,
            volume=volume,
            qa=qa,
            staffing=staffing,
            promo=promo,
            billing=billing,
            topics=topics,
            commentary=commentary,
            actions=list(actions),
            left_out=left_out,
            status_label=_("Issued") if state == "issued" else _("Draft"),
            generated_on=generated_on or timezone.localdate(),
        )
        if kind == "quarterly":
            report.months = quarter_months(client=client, start=start, end=end)
        report.summary, report.highlights = _summary(report)
        report.extra_rows = _daily_rows(report)
        return report


def quarter_months(*, client, start: date, end: date) -> list[d.MonthRow]:
    from apps.conversations.metrics import conversation_metrics

    rows = []
    month = start
    while month < end:
        nxt = add_months(month, 1)
        metrics = conversation_metrics(client_id=client.pk, start=month, end=nxt)
        qa = qa_section(client_id=client.pk, start=month, end=nxt)
        invoice, _sla = billing_sections(client=client, start=month, end=nxt, language=translation.get_language())
        rows.append(
            d.MonthRow(
                month=month,
                conversations=metrics.conversations,
                bot_share=metrics.bot_share,
                qa_average=qa.average_score if qa else None,
                invoice_total=invoice.total if invoice else None,
            )
        )
        month = nxt
    return rows
