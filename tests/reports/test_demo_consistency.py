"""The demo's client reports, page by page: one definition per KPI, figures that agree.

At a small scale the demo runs its real steps (brands, agents, scorecards, conversations with QA
after each import, billing, reports). Then:

* every QA timing rule fires on exactly the human chats its KPI counts (docs/qa_rule_meanings.md
  "Timing rules"; the counts below are SQL over the conversations' stored timing fields);
* every rendered report (each brand, October and November) is read back with pdftotext, and each
  figure that appears on two pages (summary tile and its section) or in a table and its chart
  agrees, and equals the SQL recomputation below, written from the KPI definitions, not from
  apps.conversations.metrics or apps.qa.selectors.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from apps.clients import demo as clients_demo
from apps.contracts import demo as contracts_demo
from apps.conversations import demo as conversations_demo
from apps.core.demo import DemoContext
from apps.people import demo_agents
from apps.qa import demo as qa_demo
from apps.qa import demo_scorecards
from apps.reports import demo as reports_demo
from apps.reports.models import ReportRun
from apps.reports.templatetags.report_format import cny, num, one, pct

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TIMING_RULES = {  # QA rule -> the human chats it must fire on, by the written definitions
    "first_response_slow": "first_response_seconds > 30",
    "avg_response_slow": "rounds_answered > 0 AND response_seconds_total > 45 * rounds_answered",
    "three_minute_miss": "rounds_in_service_hours > rounds_answered_180s",
    "buyer_wait_100s": "max_wait_seconds >= 100",
    "last_unanswered": "buyer_rounds > rounds_answered",
}
PERIOD = "c.started_at >= %s::date::timestamp AT TIME ZONE 'Asia/Shanghai' AND c.started_at < %s::date::timestamp AT TIME ZONE 'Asia/Shanghai'"


class _Out:
    def write(self, message: str) -> None:
        pass


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = DemoContext(scale=0.01, out=_Out())
    for step in (
        clients_demo,
        demo_agents,
        demo_scorecards,
        conversations_demo,
        qa_demo,
        contracts_demo,
        reports_demo,
    ):
        step.seed(ctx)
    return ctx


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _ratio(a, b) -> Decimal | None:
    return Decimal(a) / Decimal(b) if b else None


def _timing_rules_fire_on_the_chats_their_kpis_count() -> None:
    fired = dict(
        _rows(
            "SELECT r.code, count(DISTINCT h.result_id) FROM qa_qahit h JOIN qa_rule r ON r.id = h.rule_id "
            "WHERE r.rule_type = 'timing' GROUP BY r.code"
        )
    )
    human, scored = _rows(
        "SELECT count(*) FILTER (WHERE handled_by = 'human'), (SELECT count(*) FROM qa_qaresult WHERE status = "
        "'scored') FROM conversations_conversation"
    )[0]
    assert human == scored > 0  # every human chat is scored, so hits and KPI counts cover the same chats
    for code, condition in TIMING_RULES.items():
        (expected,) = _rows(
            f"SELECT count(*) FROM conversations_conversation WHERE handled_by = 'human' AND {condition}"
        )[0]
        assert fired.get(code, 0) == expected, code
    assert fired["first_response_slow"] > 0 and fired["avg_response_slow"] > 0


def _kpis(client_id: int, start: date, end: date) -> dict:
    """The response KPIs of a brand's period, in SQL, from their definitions."""
    row = _rows(
        "SELECT count(*), count(*) FILTER (WHERE handled_by = 'bot'), count(*) FILTER (WHERE handled_by = 'human'), "
        "sum(first_response_seconds) FILTER (WHERE handled_by = 'human'), "
        "count(first_response_seconds) FILTER (WHERE handled_by = 'human'), "
        "count(*) FILTER (WHERE handled_by = 'human' AND first_response_seconds <= 30), "
        "coalesce(sum(rounds_answered_180s), 0), coalesce(sum(rounds_in_service_hours), 0), "
        "coalesce(sum(response_seconds_total), 0), coalesce(sum(rounds_answered), 0) "
        f"FROM conversations_conversation c JOIN clients_store s ON s.id = c.store_id WHERE s.client_id = %s AND {PERIOD}",
        [client_id, start, end],
    )[0]
    total, bot, human, first_sum, first_n, first_30, in_time, in_hours, waited, answered = row
    counts = {
        code: _rows(
            "SELECT count(*) FROM conversations_conversation c JOIN clients_store s ON s.id = c.store_id "
            f"WHERE s.client_id = %s AND {PERIOD} AND c.handled_by = 'human' AND {condition}",
            [client_id, start, end],
        )[0][0]
        for code, condition in TIMING_RULES.items()
    }
    return {
        "conversations": total,
        "bot_share": _ratio(bot, total),
        "human": human,
        "first_avg": _ratio(first_sum or 0, first_n),
        "first_30_rate": _ratio(first_30, first_n),
        "three_minute_rate": _ratio(in_time, in_hours),
        "response_avg": _ratio(waited, answered),
        "counts": counts,
    }


def _qa(client_id: int, start: date, end: date) -> dict:
    scored, passed, points = _rows(
        "SELECT count(*), count(*) FILTER (WHERE r.passed), sum(r.score) FROM qa_qaresult r "
        "JOIN qa_scorecard sc ON sc.id = r.scorecard_id JOIN conversations_conversation c ON c.id = r.conversation_id "
        f"WHERE sc.client_id = %s AND sc.is_active AND r.status = 'scored' AND {PERIOD}",
        [client_id, start, end],
    )[0]
    hits = dict(
        _rows(
            "SELECT ru.name, count(*) FROM qa_qahit h JOIN qa_rule ru ON ru.id = h.rule_id "
            "JOIN qa_qaresult r ON r.id = h.result_id JOIN qa_scorecard sc ON sc.id = r.scorecard_id "
            "JOIN conversations_conversation c ON c.id = r.conversation_id "
            f"WHERE sc.client_id = %s AND sc.is_active AND {PERIOD} GROUP BY ru.name",
            [client_id, start, end],
        )
    )
    codes = dict(_rows("SELECT DISTINCT code, name FROM qa_rule WHERE rule_type = 'timing'"))
    return {
        "scored": scored,
        "pass_rate": _ratio(passed, scored),
        "average": _ratio(points or 0, scored),
        "hits": hits,
        "timing_names": codes,
    }


def _pages(pdf_path: str) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", pdf_path, "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")


def _page_with(pages: list[str], heading: str) -> str:
    """The page holding `heading` (a chapter heading "2   会话量…", not the cover's contents) and the
    next page (a section may run onto it)."""
    pattern = re.compile(rf"^\s*(\d+\s+)?{re.escape(heading)}", re.MULTILINE)
    for i, page in enumerate(pages[1:], start=1):
        if pattern.search(page):
            return page + (pages[i + 1] if i + 1 < len(pages) else "")
    raise AssertionError(f"no page holds {heading!r}")


def _figures_after(text: str, label: str) -> list[str]:
    """On each line holding `label` (a table row, a chart bar), the first number printed after it."""
    out = []
    for line in text.splitlines():
        if label in line:
            found = re.search(r"(-?[\d,]+(?:\.\d+)?%?)", line.split(label, 1)[1])
            if found:
                out.append(found.group(1))
    return out


def test_demo_timing_rules_and_every_report_agree_across_pages_and_with_sql(demo):
    _timing_rules_fire_on_the_chats_their_kpis_count()
    runs = list(
        ReportRun.objects.filter(kind="monthly").select_related("client").order_by("client__code", "period_start")
    )
    assert len(runs) == 2 * len({r.client_id for r in runs}) >= 12
    reviews = ReportRun.objects.filter(kind="quarterly")  # the demo's Q4 review of 澜居电器
    assert [(r.client.code, r.status) for r in reviews] == [("lanju", "succeeded")]
    for run in runs:
        where = f"{run.client.code} {run.period_start:%Y-%m}"
        assert run.status == "succeeded", where
        pages = _pages(run.pdf.path)
        summary = _page_with(pages, "本期要点")
        volume = _page_with(pages, "会话量与承接结构")
        k = _kpis(run.client_id, run.period_start, run.period_end)
        # the same KPI on the summary tiles and on the volume page, equal to SQL
        for figure in (num(k["conversations"]), pct(k["bot_share"]), one(k["first_avg"]), pct(k["three_minute_rate"])):
            assert figure in summary and figure in volume, (where, figure)
        assert pct(k["first_30_rate"]) in volume and one(k["response_avg"]) in volume, where
        # the timing counts of the response page equal the QA page's hits of the same rule, in the
        # violations table and in its chart (the chart prints the top ten bars)
        q = _qa(run.client_id, run.period_start, run.period_end)
        qa_page = _page_with(pages, "服务质量（全量质检）")
        for code, count in k["counts"].items():
            name = q["timing_names"][code]
            assert q["hits"].get(name, 0) == count, (where, code)
            assert num(count) in volume, (where, code)
            shown = _figures_after(qa_page, name)  # the table row and the chart bar, where the rule ranks
            assert set(shown) <= {num(count)}, (where, code, shown)
            if code == "first_response_slow" and count:
                assert len(shown) >= 2, (where, shown)  # the top timing rule: in the table and the chart
        # QA figures: summary tile and QA page agree and equal SQL
        for figure in (one(q["average"]), pct(q["pass_rate"])):
            assert figure in summary and figure in qa_page, (where, figure)
        assert num(q["scored"]) in qa_page, where
        # the SLA rows print the same measurement as the KPI pages
        sla_figures = {
            "平均首次响应（秒）": f"{one(k['first_avg'])} 秒",
            "30 秒内首次响应率": pct(k["first_30_rate"]),
            "3 分钟响应率": pct(k["three_minute_rate"]),
            "平均响应时长（秒）": f"{one(k['response_avg'])} 秒",
            "质检平均分": one(q["average"]),
            "质检通过率": pct(q["pass_rate"]),
        }
        for label, figure in sla_figures.items():
            rows = [
                line
                for line in summary.splitlines()
                if line.lstrip().startswith(label) and re.search(r"[≥≤].*(达标|预警|未计量)", line)
            ]
            for line in rows:
                assert figure in line, (where, label, line)
        # the invoice total: summary tile, billing page and the invoice row agree
        number = re.search(r"TL\d{10}", summary)
        if number:
            (total,) = _rows("SELECT total FROM contracts_invoice WHERE number = %s", [number.group(0)])[0]
            billing = _page_with(pages, "SLA 扣减与账单")
            assert cny(total) in summary and cny(total) in billing, where
        # the promotion recap says which days it measures, and its total is those days' conversations
        if "大促回顾" in "".join(pages):
            recap = _page_with(pages, "大促回顾")
            span = re.search(r"本报告统计范围\s+(\d{4}-\d{2}-\d{2}) — (\d{4}-\d{2}-\d{2})", recap)
            assert span, where
            first, last = (date.fromisoformat(x) for x in span.groups())
            assert run.period_start <= first <= last < run.period_end, where
            (n,) = _rows(
                "SELECT count(*) FROM conversations_conversation c JOIN clients_store s ON s.id = c.store_id "
                f"WHERE s.client_id = %s AND {PERIOD}",
                [run.client_id, first, date.fromordinal(last.toordinal() + 1)],
            )[0]
            assert _figures_after(recap, "统计日内的会话量")[:1] == [num(n)], where
        # no sentence claims an action no row records
        text = "".join(pages)
        assert "已提醒值班主管跟进" not in text and "逐一复核" not in text, where
