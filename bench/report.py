"""Benchmark `report`: a 10-page Chinese client report with 4 SVG charts and a 200-row table.

Goal ≤ 2 s per report (HTML → laid-out PDF with embedded, subset fonts). The baseline is the same
report with font subsetting left to WeasyPrint's fallback (fontTools), as on a machine without
libharfbuzz-subset, measured in the same run. Also reports pages per second.

The report is a specimen built from fixed-seed data (no database), so the run measures rendering
alone. `specimen_report()` is shared with the rendering tests.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

NEEDS_DB = False


def specimen_report(*, days: int = 30, table_rows: int = 200, seed: int = 11, language: str = "zh-hans"):
    """A full monthly report of a made-up brand, every section present, deterministic for a seed."""
    from apps.reports import documents as d

    rng = random.Random(seed)
    start = date(2026, 11, 1)
    volume_days = []
    for i in range(days):
        day = start + timedelta(days=i)
        surge = 6 if day == date(2026, 11, 11) else (3 if date(2026, 11, 1) <= day <= date(2026, 11, 3) else 1)
        actual = int(rng.randint(1800, 2400) * surge)
        bot = int(actual * rng.uniform(0.55, 0.7))
        volume_days.append(d.VolumeDay(day, actual, bot, actual - bot, int(actual * rng.uniform(0.9, 1.1))))
    total = sum(v.actual for v in volume_days)
    bots = sum(v.bot for v in volume_days)
    volume = d.VolumeSection(
        days=volume_days,
        conversations=total,
        bot_handled=bots,
        human_handled=total - bots,
        transferred_to_human=int((total - bots) * 0.4),
        messages=total * 9,
        bot_share=(Decimal(bots) / Decimal(total)).quantize(Decimal("0.0001")),
        first_response_avg_s=Decimal("18.4"),
        first_response_within_30s_rate=Decimal("0.9312"),
        response_avg_s=Decimal("27.9"),
        three_minute_rate=Decimal("0.9805"),
        unanswered_conversations=41,
        forecast_total=sum(v.forecast for v in volume_days),
        forecast_wape=Decimal("0.0831"),
        forecast_days=len(volume_days),
        forecast_days_actual=total,
    )
    rules = [
        ("absolute_words", "广告法极限词", "major"),
        ("forbidden_promise", "违规承诺", "major"),
        ("shirking", "推诿冷漠", "minor"),
        ("off_platform", "引导站外交易", "critical"),
        ("slow_first", "首响超时", "minor"),
        ("risk_unsoothed", "风险未安抚", "major"),
        ("greeting", "缺少问候语", "minor"),
        ("pii", "索要隐私信息", "critical"),
    ]
    labels = {"critical": "致命", "major": "严重", "minor": "一般"}
    hits = [rng.randint(5, 400) for _ in rules]
    violations = [
        d.RuleHits(code, name, sev, n, (Decimal(n) / Decimal(sum(hits))).quantize(Decimal("0.0001")), labels[sev])
        for (code, name, sev), n in zip(rules, hits, strict=True)
    ]
    violations.sort(key=lambda v: -v.hits)
    qa = d.QASection(
        conversations=total,
        scored=total - 12,
        unscorable=12,
        passed=int(total * 0.94),
        pass_rate=Decimal("0.9400"),
        average_score=Decimal("91.6"),
        critical_hits=23,
        days=[
            d.QADay(
                v.day,
                v.actual,
                Decimal(str(round(rng.uniform(88, 95), 1))),
                Decimal(str(round(rng.uniform(0.9, 0.97), 4))),
            )
            for v in volume_days
        ],
        violations=violations,
        high_risk=[
            d.HighRiskCase(
                f"TB2026{i:08d}",
                datetime(2026, 11, 11, 1, i, tzinfo=UTC),
                "顾客威胁投诉",
                "你们再不发货我就去12315投诉，电话138****5678",
                "已确认",
                "主管回电安抚，加急补发并赠送优惠券",
            )
            for i in range(6)
        ],
        disputes={"filed": 14, "accepted": 5, "partly_accepted": 3, "rejected": 4, "open": 2},
        coaching=[d.CoachingRow(f"客服{i:02d}", rng.randint(3, 12), rules[i % len(rules)][1]) for i in range(8)],
    )
    staffing = d.StaffingSection(
        days=[
            d.StaffingDay(
                v.day,
                v.forecast,
                v.actual,
                Decimal(v.human) / Decimal("16"),
                Decimal(v.human) / Decimal("15.2"),
                40 if v.day.day in (10, 11) else 0,
            )
            for v in volume_days
        ],
        scheduled_agent_hours=sum((Decimal(v.human) / Decimal("15.2") for v in volume_days), Decimal("0")),
        night_agent_hours=Decimal("812.5"),
        surge_seat_days=80,
        forecast_wape=Decimal("0.0831"),
        interval_peak={"at": "11-11 00:15", "required": 412, "scheduled": 420},
    )
    promo = d.PromoSection(
        name="双11",
        presale_start=date(2026, 10, 20),
        peak_start=datetime(2026, 11, 10, 12, tzinfo=UTC),
        peak_end=datetime(2026, 11, 10, 18, tzinfo=UTC),
        end_date=date(2026, 11, 13),
        measured_start=date(2026, 11, 1),
        measured_end=date(2026, 11, 13),
        window_conversations=sum(v.actual for v in volume_days[:13]),
        peak_day=date(2026, 11, 11),
        peak_day_conversations=volume_days[10].actual if days > 10 else 0,
        baseline_daily=Decimal("2100.0"),
        uplift=Decimal("6.1"),
        window_bot_share=Decimal("0.6610"),
        window_first_response_avg_s=Decimal("21.7"),
        window_three_minute_rate=Decimal("0.9710"),
        surge_seat_days=80,
        peak_required=412,
        peak_scheduled=420,
    )
    topics = d.TopicsSection(
        rows=[
            d.TopicRow(name, n, (Decimal(n) / Decimal(total)).quantize(Decimal("0.0001")), example)
            for name, n, example in [
                ("物流/发货", int(total * 0.31), "什么时候发货？快递到哪了"),
                ("退款/退货", int(total * 0.18), "我想退货，运费谁出"),
                ("优惠券/价格", int(total * 0.15), "双11的优惠券怎么领"),
                ("尺码", int(total * 0.09), "我165穿M还是L"),
                ("质量", int(total * 0.06), "收到有划痕"),
                ("售后", int(total * 0.05), "保修多久"),
            ]
        ],
        conversations_read=total,
        classified=int(total * 0.7),
    )
    sla = d.SlaSection(
        rows=[
            d.SlaRow(
                "首次响应 ≤ 30 秒占比", "≥ 90.0%", "93.1%", True, "green", Decimal("0.4"), None, "人工会话 41,230 通"
            ),
            d.SlaRow("3 分钟响应率", "≥ 98.0%", "98.1%", True, "green", Decimal("0.3"), None, ""),
            d.SlaRow("质检平均分", "≥ 92.0", "91.6", False, "amber", Decimal("0.3"), Decimal("1234.56"), "全量质检"),
        ],
        credit_total=Decimal("1234.56"),
        contract_label="合同 C-2026-001 第 2 版",
    )
    billing = d.InvoiceDoc(
        kind="invoice",
        number="TL-2026-000123",
        status="已开具",
        issue_date=date(2026, 12, 2),
        due_date=date(2027, 1, 1),
        period_start=start,
        period_end=date(2026, 12, 1),
        seller=d.Party("潮汐客服", "潮汐线客户服务（上海）有限公司", "91310000MA1K000000"),
        buyer=d.Party("悦肤", "上海悦肤化妆品有限公司", "91310000MA1K111111"),
        lines=[
            d.InvoiceLineDoc(
                "基础服务费（含 30,000 通人工会话）", Decimal("1"), "月", Decimal("120000"), Decimal("120000.00")
            ),
            d.InvoiceLineDoc(
                "超量人工会话（阶梯）",
                Decimal("12450"),
                "通",
                None,
                Decimal("14317.50"),
                tiers=[
                    {"label": "0–10,000", "quantity": 10000, "unit_price": Decimal("1.2"), "amount": Decimal("12000")},
                    {"label": "10,001+", "quantity": 2450, "unit_price": Decimal("0.95"), "amount": Decimal("2327.50")},
                ],
            ),
            d.InvoiceLineDoc("双11 临时坐席", Decimal("80"), "人·天", Decimal("380"), Decimal("30400.00")),
        ],
        credits=[d.CreditDoc("质检平均分", "≥ 92.0", "91.6", Decimal("-1234.56"))],
        subtotal=Decimal("163482.94"),
        vat_rate=Decimal("0.06"),
        vat=Decimal("9808.98"),
        total=Decimal("173291.92"),
    )
    rows = []
    for i in range(table_rows):
        v = volume_days[i % len(volume_days)]
        rows.append(
            [
                f"{v.day:%Y-%m-%d} #{i // len(volume_days) + 1}",
                f"{v.actual:,}",
                f"{v.bot:,}",
                f"{v.human:,}",
                f"{v.forecast:,}",
                f"{rng.uniform(88, 95):.1f}",
                f"{v.human / 15.2:,.1f}",
            ]
        )
    return d.ClientReport(
        kind="monthly",
        language=language,
        client_name="悦肤",
        client_legal_name="上海悦肤化妆品有限公司",
        vendor=d.Party("潮汐客服 Tideline", "潮汐线客户服务（上海）有限公司"),
        period_start=start,
        period_end=start + timedelta(days=days),
        period_label="2026年11月",
        title="客户服务月度报告",
        summary=[
            d.Figure("会话总量", f"{total:,}", "较预测 +2.1%"),
            d.Figure("机器人承接占比", "63.2%"),
            d.Figure("首次响应 ≤ 30 秒", "93.1%", "目标 ≥ 90%", "green"),
            d.Figure("质检平均分", "91.6", "目标 ≥ 92", "amber"),
        ],
        highlights=[
            "双11 当天会话量为平日的 6.1 倍，首响均值仍保持在 21.7 秒。",
            "退款/退货咨询占比较上月上升 3 个百分点。",
        ],
        sla=sla,
        volume=volume,
        qa=qa,
        staffing=staffing,
        promo=promo,
        billing=billing,
        topics=topics,
        commentary="本月双11期间整体服务平稳。\n质检平均分略低于合同目标，主要集中在大促高峰夜间时段。",
        actions=["夜间班次增加 2 名质检抽检", "更新退款话术，明确到账时间"],
        status_label="草稿",
        generated_on=date(2026, 12, 2),
        extra_rows=rows,
    )


def _render_seconds(report, *, repeat: int) -> tuple[float, float, int, int]:
    """Best wall and CPU seconds of `repeat` renders (CPU time shows the cost on a busy machine)."""
    from apps.reports.rendering import render_report

    best = best_cpu = float("inf")
    pages = size = 0
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        pdf = render_report(report)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        pages, size = pdf.pages, len(pdf.content)
    return best, best_cpu, pages, size


def run(*, scale: float, quick: bool) -> dict:
    import weasyprint.pdf.fonts as wp_fonts

    from apps.reports.checks import harfbuzz_subset_available
    from apps.reports.rendering import report_charts

    rows = 20 if quick else max(20, int(200 * scale))
    days = 7 if quick else 30
    report = specimen_report(days=days, table_rows=rows)
    repeat = 1 if quick else 3
    _render_seconds(report, repeat=1)  # warm fontconfig and the template cache
    seconds, cpu_seconds, pages, size = _render_seconds(report, repeat=repeat)
    charts = len(report_charts(report))

    # Baseline: the same report with subsetting left to the fontTools fallback.
    saved = wp_fonts.harfbuzz_subset
    wp_fonts.harfbuzz_subset = None
    try:
        baseline, _cpu, _pages, baseline_size = _render_seconds(report, repeat=1)
    finally:
        wp_fonts.harfbuzz_subset = saved
    return {
        "size": f"{pages} pages, {charts} charts, {rows}-row table",
        "metric": "seconds per report",
        "value": round(seconds, 3),
        "unit": "s (goal ≤ 2)",
        "baseline": "fontTools subsetting fallback",
        "baseline_value": round(baseline, 3),
        "ratio": round(baseline / seconds, 2) if seconds else None,
        "bound": 2.0,
        "extra": {
            "pages_per_second": round(pages / seconds, 1) if seconds else None,
            "cpu_seconds": round(cpu_seconds, 3),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "pdf_bytes": size,
            "baseline_pdf_bytes": baseline_size,
            "harfbuzz_subset": harfbuzz_subset_available(),
        },
    }
