"""Every figure of an assembled report equals what the owners' selectors say; sections without
data are left out, never invented."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from apps.conversations import topics
from apps.conversations.metrics import conversation_metrics
from apps.conversations.models import Message
from apps.core import calendar
from apps.reports import assembly, rendering
from apps.reports.templatetags.report_format import num, one, pct
from tests.reports.conftest import DEC, NOV, pdf_text


def _report(client, **kw):
    return assembly.assemble_client_report(client=client, kind="monthly", start=NOV, end=DEC, **kw)


def test_volume_equals_conversation_metrics(november_a):
    report = _report(november_a)
    m = conversation_metrics(client_id=november_a.pk, start=NOV, end=DEC)
    v = report.volume
    assert (v.conversations, v.bot_handled, v.human_handled) == (m.conversations, m.bot_handled, m.human_handled)
    assert (v.bot_share, v.first_response_avg_s, v.three_minute_rate) == (
        m.bot_share,
        m.first_response_avg_s,
        m.three_minute_rate,
    )
    assert sum(d.actual for d in v.days) == m.conversations
    assert sum(d.bot for d in v.days) == m.bot_handled
    assert len(v.days) == 30


def test_double_11_recap_from_the_days_conversations(november_a):
    promo = _report(november_a).promo
    assert promo is not None and "双11" in promo.name
    assert promo.peak_day == date(2026, 11, 11)
    assert promo.peak_day_conversations == 12
    # normal days are those outside presale (10-20) .. end (11-13): 14th–30th, 3 a day
    assert promo.baseline_daily == Decimal("3.0")
    assert promo.uplift == Decimal("4.0")
    window = conversation_metrics(client_id=november_a.pk, start=NOV, end=date(2026, 11, 14))
    assert promo.window_conversations == window.conversations


def test_topics_count_conversations_per_topic(november_a):
    report = _report(november_a)
    texts = Message.objects.filter(conversation__store__client=november_a, sender_role="buyer").values_list(
        "conversation_id", "content"
    )
    expected = Counter(code for _cid, text in texts for code in topics.classify(text))
    got = {row.topic: row.conversations for row in report.topics.rows}
    assert got == {topics.topic_label(code): n for code, n in expected.items()}
    assert got["物流/发货"] > 0


def test_sections_without_data_are_left_out(november_a):
    report = _report(november_a)
    assert report.qa is None  # nothing scored yet for this brand
    assert report.billing is None and report.sla is None
    # the billing section's name is 服务费结算单 since statements replaced invoices (was 发票)
    assert {"质检", "服务费结算单", "SLA 达成"} <= set(report.left_out)


def test_a_brand_without_conversations_gets_no_volume(brand_b, db):
    report = _report(brand_b)
    assert report.volume is None and report.topics is None and report.promo is None
    assert "会话量" in report.left_out


def test_pdf_prints_the_selector_figures(november_a, tmp_path):
    report = _report(november_a, commentary="双11期间服务平稳。", actions=["优化退款话术"])
    text = pdf_text(rendering.render_report(report).content, tmp_path)
    m = conversation_metrics(client_id=november_a.pk, start=NOV, end=DEC)
    for figure in [num(m.conversations), pct(m.bot_share), pct(m.three_minute_rate), one(m.first_response_avg_s)]:
        assert figure in text, figure
    assert "双11期间服务平稳。" in text and "优化退款话术" in text
    assert "本期未包含以下内容" in text


def test_english_report_uses_english_labels(november_a):
    report = _report(november_a, language="en")
    assert report.title == "Monthly customer service report"
    assert report.period_label == "November 2026"
    assert "quality assurance" in report.left_out


def test_quarterly_review_has_one_row_per_month(november_a):
    start, end = calendar.quarter_period(2026, 4)
    report = assembly.assemble_client_report(client=november_a, kind="quarterly", start=start, end=end)
    assert [m.month for m in report.months] == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    nov = report.months[1]
    assert nov.conversations == conversation_metrics(client_id=november_a.pk, start=NOV, end=DEC).conversations
    assert report.period_label == "2026年第4季度"


def test_periods_are_half_open_months_and_quarters():
    assert calendar.period_for("monthly", date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert calendar.period_for("quarterly", date(2026, 11, 15)) == (date(2026, 10, 1), date(2027, 1, 1))
