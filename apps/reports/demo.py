"""Demo step: each demo brand's October and November 2026 monthly reports (zh-hans) and the PDFs
of every issued invoice and credit note.

Safe to re-run: a report run is keyed by brand, kind, period and language, and it is rendered again
only when the figures it is made from changed (data hash); a printed invoice likewise.
"""

from __future__ import annotations

import time
from datetime import date

from apps.reports import assembly, services
from apps.reports.choices import ReportKind, ReportLanguage, ReportState
from apps.reports.models import RenderedDocument, ReportRun

MONTHS = (date(2026, 10, 1), date(2026, 11, 1))

# What the demo account manager wrote for each month (a real one edits it before issuing).
COMMENTARY = {
    date(2026, 10, 1): (
        "10月服务整体平稳，双11预售自10月20日开始，咨询量逐日上升，已按预测提前安排临时坐席并完成新话术培训。",
        ["双11高峰前完成临时坐席上岗考核", "预售期间每日复盘首响超时会话", "退款类话术补充到账时间说明"],
    ),
    date(2026, 11, 1): (
        "11月双11高峰顺利承接：高峰日会话量为平日数倍，机器人分流有效，人工首响保持稳定。"
        "质检发现的违规承诺与站外引导已逐一复核并完成辅导。",
        ["12月起夜班增加质检抽检", "针对高风险投诉会话建立当日回访机制", "双12前更新优惠券与保价话术"],
    ),
}


def seed(ctx) -> None:
    started = time.perf_counter()
    made = rendered = 0
    for month in MONTHS:
        end = assembly.add_months(month, 1)
        commentary, actions = COMMENTARY[month]
        for client in services.monthly_report_clients(start=month, end=end):
            run, created = ReportRun.objects.get_or_create(
                client=client,
                kind=ReportKind.MONTHLY,
                period_start=month,
                period_end=end,
                language=ReportLanguage.ZH_HANS,
                defaults={"commentary": commentary, "actions": "\n".join(actions)},
            )
            made += created
            if run.state == ReportState.DRAFT:
                before = run.sha256
                run = services.report_run_render(run_id=run.pk)
                run.refresh_from_db()
                rendered += run.sha256 != before
                ctx.say(
                    f"  {client.name} {month:%Y-%m}: {run.page_count} pages, left out: {', '.join(run.left_out) or '—'}"
                )
    printed = 0
    try:
        issued = services.issued_documents()
    except ImportError:
        issued = []
        ctx.say("  billing not installed: no invoice PDFs")
    for kind, object_id in issued:
        before = (
            RenderedDocument.objects.filter(kind=kind, object_id=object_id).values_list("sha256", flat=True).first()
        )
        document = services.document_render(kind=kind, object_id=object_id)
        printed += document.sha256 != before
    ctx.say(
        f"  reports: {made} new, {rendered} rendered; {printed} invoice/credit-note PDFs printed "
        f"in {time.perf_counter() - started:.1f}s"
    )
