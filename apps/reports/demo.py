"""Demo step: each demo brand's October and November 2026 monthly reports (zh-hans) and the PDFs
of every issued invoice and credit note.

Safe to re-run: a report run is keyed by brand, kind, period and language, and it is rendered again
only when the figures it is made from changed (data hash); a printed invoice likewise.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone

from apps.core import calendar
from apps.reports import services
from apps.reports.choices import ReportKind, ReportLanguage, ReportState
from apps.reports.models import RenderedDocument, ReportRun

MONTHS = (date(2026, 10, 1), date(2026, 11, 1))
# October's reports went out to the brands (their viewers can download them); November's are drafts
# waiting for the account manager, as on the 2nd of December.
ISSUED_MONTHS = (date(2026, 10, 1),)

# What the demo account manager ("accounts") wrote for each month, reviewed by "admin" the same day.
# It states plans and points to the sections; it claims no result or action that no row records (a
# generated sentence says what the figures say; this is a person's note, printed as theirs).
COMMENTARY = {
    date(2026, 10, 1): (
        "双11预售于10月20日开始：本报告的大促回顾只统计10月20日至31日，其余日期见11月报告。"
        "排班与需求的逐日对比、低于需求的时段见“排班与大促”一节。",
        ["双11高峰前完成临时坐席上岗考核", "预售期间每日复盘首响超时会话", "退款类话术补充到账时间说明"],
    ),
    date(2026, 11, 1): (
        "本月含双11高峰日。以下行动项为12月的计划，执行情况将在12月报告中说明。",
        ["12月起夜班增加质检抽检", "针对高风险投诉会话建立当日回访机制", "双12前更新优惠券与保价话术"],
    ),
}
AUTHOR, REVIEWER = "accounts", "admin"
# A quarterly business review of Q4 2026 (a draft: the quarter is still running) for the brand billed
# base + commission with conversion and satisfaction in its SLA, comparing it with Q3 (issue #17 §5).
QUARTER = date(2026, 10, 1)
QBR_BRANDS = ("lanju",)


def _commentary_fields(month: date, commentary: str, actions: list[str]) -> dict:
    """The run's commentary as the account manager entered it on the 2nd of the next month at 10:00
    and the reviewer approved it at 15:00 (fixed times: the demo is the same on every run)."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[AUTHOR, REVIEWER])}
    written = timezone.make_aware(
        datetime.combine(calendar.add_months(month, 1) + timedelta(days=1), datetime.min.time()).replace(hour=10),
        timezone.get_default_timezone(),
    )
    return {
        "commentary": commentary,
        "actions": "\n".join(actions),
        "commentary_by": users.get(AUTHOR),
        "commentary_at": written,
        "commentary_reviewed_by": users.get(REVIEWER),
        "commentary_reviewed_at": written + timedelta(hours=5) if users.get(REVIEWER) else None,
    }


def _issue(run: ReportRun) -> None:
    """Issue the run as the account manager would; the e-mail to the brand's contacts goes to files
    under var/demo-outbox/ instead of the console (a PDF in base64 is no demo output)."""
    accounts = get_user_model().objects.filter(username=AUTHOR).first()
    outbox = Path(settings.VAR_DIR) / "demo-outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(outbox)
    ):
        services.report_run_issue(run=run, actor=accounts, reason="demo: October report sent to the brand")


def seed(ctx) -> None:
    started = time.perf_counter()
    made = rendered = 0
    for month in MONTHS:
        end = calendar.add_months(month, 1)
        commentary, actions = COMMENTARY[month]
        for client in services.monthly_report_clients(start=month, end=end):
            run, created = ReportRun.objects.filter(superseded_at__isnull=True).get_or_create(
                client=client,
                kind=ReportKind.MONTHLY,
                period_start=month,
                period_end=end,
                language=ReportLanguage.ZH_HANS,
                defaults=_commentary_fields(month, commentary, actions),
            )
            if not created and run.state == ReportState.DRAFT and run.commentary != commentary:
                # a database seeded by an older demo: its commentary claimed what no row records
                ReportRun.objects.filter(pk=run.pk).update(**_commentary_fields(month, commentary, actions))
                run.refresh_from_db()
            made += created
            if run.state == ReportState.DRAFT:
                before = run.sha256
                run = services.report_run_render(run_id=run.pk)
                run.refresh_from_db()
                rendered += run.sha256 != before
                ctx.say(
                    f"  {client.name} {month:%Y-%m}: {run.page_count} pages, left out: {', '.join(run.left_out) or '—'}"
                )
            if month in ISSUED_MONTHS and run.state == ReportState.DRAFT and run.pdf:
                _issue(run)
    rendered += _quarterly(ctx)
    printed = 0
    for kind, object_id in services.issued_documents():
        before = (
            RenderedDocument.objects.filter(kind=kind, object_id=object_id).values_list("sha256", flat=True).first()
        )
        document = services.document_render(kind=kind, object_id=object_id)
        printed += document.sha256 != before
    ctx.say(
        f"  reports: {made} new, {rendered} rendered; {printed} invoice/credit-note PDFs printed "
        f"in {time.perf_counter() - started:.1f}s"
    )


def _quarterly(ctx) -> int:
    """The QBR drafts of QBR_BRANDS; rendered again only when their figures or layout changed."""
    end = calendar.add_months(QUARTER, 3)
    rendered = 0
    for client in services.monthly_report_clients(start=QUARTER, end=end):
        if client.code not in QBR_BRANDS:
            continue
        run, _created = ReportRun.objects.filter(superseded_at__isnull=True).get_or_create(
            client=client,
            kind=ReportKind.QUARTERLY,
            period_start=QUARTER,
            period_end=end,
            language=ReportLanguage.ZH_HANS,
        )
        if run.state != ReportState.DRAFT:
            continue
        before = run.sha256
        run = services.report_run_render(run_id=run.pk)
        run.refresh_from_db()
        rendered += run.sha256 != before
        ctx.say(
            f"  {client.name} {QUARTER:%Y} Q4 review: {run.page_count} pages, left out: {', '.join(run.left_out) or '—'}"
        )
    return rendered
