"""Staffing vs demand, with a forecast, requirement and published roster made by the workforce
app's own services for the Double 11 week."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.reports import assembly, rendering
from apps.reports.templatetags.report_format import one
from tests import factories
from tests.reports.conftest import DEC, NOV, pdf_text

workforce = pytest.importorskip("apps.workforce.services")
workforce_selectors = pytest.importorskip("apps.workforce.selectors")
wf_factories = pytest.importorskip("tests.workforce.factories")

WEEK = date(2026, 11, 9)


@pytest.fixture
def planned_brand(brand_a, bpo_manager, django_capture_on_commit_callbacks):
    store = factories.make_store(client=brand_a, is_24h=True)
    wf_factories.chat_history(store, start=WEEK - timedelta(days=28), days=35, per_day=200)
    wf_factories.skilled_agents(brand_a, 40)
    workforce.forecast_build(client=brand_a, week_start=WEEK, actor=bpo_manager)
    workforce.requirement_compute(client=brand_a, week_start=WEEK, actor=bpo_manager)
    with django_capture_on_commit_callbacks(execute=True):
        run = workforce.solve_run_create(client=brand_a, week_start=WEEK, time_limit_seconds=4, actor=bpo_manager)
    run.refresh_from_db()
    workforce.roster_publish(roster=run.roster)
    return brand_a


def test_staffing_section_equals_staffing_period_summary(planned_brand, tmp_path):
    report = assembly.assemble_client_report(client=planned_brand, kind="monthly", start=NOV, end=DEC)
    summary = workforce_selectors.staffing_period_summary(client_id=planned_brand.pk, start=NOV, end=DEC)
    s = report.staffing
    assert s is not None
    assert s.scheduled_agent_hours == summary.totals["scheduled_agent_hours"] > 0
    assert s.surge_seat_days == summary.totals["surge_seat_days"]
    assert [d.scheduled_agent_hours for d in s.days] == [row["scheduled_agent_hours"] for row in summary.by_day]
    assert [d.required_agent_hours for d in s.days] == [row["required_agent_hours"] for row in summary.by_day]
    # the forecast line of the volume chart is the workforce forecast of the days that have one,
    # exact (the summary rounds it to 0.1; the report rounds once, at display)
    forecast_days = {row["date"]: row["forecast_contacts"] for row in summary.by_day if row["forecast_contacts"] > 0}
    assert {d.day: d.forecast.quantize(Decimal("0.1")) for d in report.volume.days if d.forecast is not None} == (
        forecast_days
    )
    assert report.volume.forecast_total == sum(d.forecast for d in report.volume.days if d.forecast is not None)
    assert report.volume.forecast_days == len(forecast_days) == 7
    text = pdf_text(rendering.render_report(report).content, tmp_path)
    assert "排班与大促" in text and one(s.scheduled_agent_hours) in text
    assert "预测覆盖本期 7 天" in text
