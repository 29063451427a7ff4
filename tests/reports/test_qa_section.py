"""The QA section, with conversations scored by the QA app's own services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.reports import assembly, rendering
from apps.reports.templatetags.report_format import num, one, pct
from tests.reports.conftest import DEC, NOV, pdf_text

qa_services = pytest.importorskip("apps.qa.services")
qa_selectors = pytest.importorskip("apps.qa.selectors")


@pytest.fixture
def scored_a(november_a):
    qa_services.scorecard_install_default(client=november_a)
    qa_services.qa_sweep_unscored(client_id=november_a.pk)
    return november_a


def test_qa_figures_equal_qa_period_summary(scored_a):
    report = assembly.assemble_client_report(client=scored_a, kind="monthly", start=NOV, end=DEC)
    s = qa_selectors.qa_period_summary(client_id=scored_a.pk, start=NOV, end=DEC)
    qa = report.qa
    assert qa is not None and s.scored > 0
    assert (qa.scored, qa.passed, qa.critical_hits) == (s.scored, s.passed, s.critical_hits)
    # exact (rounded once, at display), and the summary's rounded figures are their roundings
    assert qa.pass_rate == Decimal(s.passed) / Decimal(s.scored)
    assert qa.pass_rate.quantize(Decimal("0.0001")) == s.pass_rate
    assert qa.average_score.quantize(Decimal("0.01")) == s.average_score
    assert {v.rule_code: v.hits for v in qa.violations} == {r["rule_code"]: r["hits"] for r in s.by_rule if r["hits"]}
    assert [d.average_score.quantize(Decimal("0.01")) for d in qa.days] == [row["average_score"] for row in s.by_day]
    assert qa.disputes["filed"] == s.disputes.get("filed", 0)
    assert qa.coaching and [(c.agent_name, c.issues, c.critical, c.top_rule) for c in qa.coaching] == [
        (c["agent_name"], c["issues"], c["critical"], c["top_rule"]) for c in s.coaching
    ]


def test_qa_section_prints_in_the_pdf(scored_a, tmp_path):
    report = assembly.assemble_client_report(client=scored_a, kind="monthly", start=NOV, end=DEC)
    text = pdf_text(rendering.render_report(report).content, tmp_path)
    s = qa_selectors.qa_period_summary(client_id=scored_a.pk, start=NOV, end=DEC)
    assert "服务质量（全量质检）" in text
    for figure in [num(s.scored), one(report.qa.average_score), pct(report.qa.pass_rate)]:
        assert figure in text, figure
    top = max(s.by_rule, key=lambda r: r["hits"])
    assert top["rule_name"] in text
