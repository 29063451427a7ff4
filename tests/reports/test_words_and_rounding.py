"""Figures rounded once at display, sentences made from the figures, labels that say what they count."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation

from apps.conversations import topics
from apps.reports import assembly
from apps.reports import documents as d
from apps.reports.templatetags.report_format import pct, whole


def test_exact_values_are_rounded_once_half_up():
    assert whole(Decimal("210.52")) == "211"  # 0.1 half-even first would print 210
    assert whole(Decimal("193.49")) == "193"  # and this 194
    assert whole(Decimal("210.52") + Decimal("193.49")) == "404"  # the total of the exact days
    assert pct(Decimal("0.202496")) == "20.2%"  # four places half-even first would print 20.3%


def _volume(**kw) -> d.VolumeSection:
    base = dict(
        days=[],
        conversations=1100,
        bot_handled=700,
        human_handled=400,
        transferred_to_human=400,
        messages=9000,
        bot_share=Decimal(700) / Decimal(1100),
        first_response_avg_s=Decimal(50),
        first_response_within_30s_rate=Decimal("0.6"),
        response_avg_s=Decimal(20),
        three_minute_rate=Decimal("0.98"),
        unanswered_conversations=0,
        first_response_measured=400,
        first_response_over_30s=160,
    )
    base.update(kw)
    return d.VolumeSection(**base)


def test_volume_sentences_say_rose_or_fell_as_the_figures_do():
    with translation.override("zh-hans"):
        up = assembly._volume_lines(_volume(), SimpleNamespace(conversations=1000, first_response_avg_s=Decimal(40)))
        down = assembly._volume_lines(
            _volume(conversations=900), SimpleNamespace(conversations=1000, first_response_avg_s=Decimal("50.04"))
        )
    assert "会话量较上月（1,000）增长 10.0%。" in up
    assert any("400 个有首响的人工会话中，160 个首响超过 30 秒。平均值高于上月的 40.0 秒。" in line for line in up)
    assert "会话量较上月（1,000）下降 10.0%。" in down
    assert any(line.endswith("平均值与上月持平。") for line in down)  # 50.04 and 50 both print 50.0


def test_sla_sentences_name_each_missed_kpi_and_none_for_a_met_one():
    rows = [
        d.SlaRow("平均首次响应（秒）", "≤ 30.0 秒", "41.8 秒", False, "red"),
        d.SlaRow("质检平均分", "≥ 85.0", "90.4", True, "green"),
    ]
    with translation.override("zh-hans"):
        lines = assembly._sla_lines(d.SlaSection(rows=rows))
    assert lines[1] == "未达标：平均首次响应（秒），实测 41.8 秒，目标 ≤ 30.0 秒。"
    assert len(lines) == 2


def test_an_alert_without_a_review_item_does_not_claim_the_lead_was_alerted():
    with translation.override("zh-hans"):
        text = assembly.qa_action_text("alert sent to the shift lead")
    assert text == "未建复核单；已列入值班主管预警列表"


def test_topic_keywords_respect_longer_phrases():
    assert topics.classify("退款什么时候到账呀") == {"refund"}
    assert topics.classify("什么时候到") == {"logistics"}
    assert topics.classify("我的订单号是123") == set()
    assert topics.classify("运单号多少") == {"logistics"}
    assert topics.classify("急坏了，东西坏了") == {"quality"}


def test_days_rostered_below_demand_are_listed_in_runs():
    def at(h, m):
        return datetime(2026, 11, 11, h, m)

    section = d.StaffingSection(
        days=[],
        scheduled_agent_hours=Decimal(100),
        night_agent_hours=Decimal(0),
        surge_seat_days=0,
        forecast_wape=None,
        interval_peak={},
        short_intervals=[
            d.ShortInterval(at(20, 0), 5, 4),
            d.ShortInterval(at(20, 15), 6, 3),
            d.ShortInterval(at(20, 30), 5, 4),
            d.ShortInterval(at(23, 45), 2, 1),
            d.ShortInterval(datetime(2026, 11, 12, 9, 0), 3, 2),
        ],
    )
    first, second = section.short_days
    assert first.day == date(2026, 11, 11) and second.day == date(2026, 11, 12)
    assert first.intervals == 4 and first.worst == 3 and first.agent_hours_short == Decimal("1.5")
    assert first.run_labels == ["20:00–20:45", "23:45–24:00"]
