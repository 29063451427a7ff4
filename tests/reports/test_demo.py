from __future__ import annotations

from apps.core.demo import DemoContext
from apps.reports import demo
from apps.reports.models import ReportRun


def test_demo_renders_each_brand_month_once_and_re_runs_write_nothing(november_a, november_b):
    demo.seed(DemoContext())
    runs = {r.client.code: r for r in ReportRun.objects.select_related("client")}
    assert set(runs) == {"brand-a", "brand-b"}
    assert all(r.status == "succeeded" and r.page_count and r.language == "zh-hans" for r in runs.values())
    assert all(r.commentary for r in runs.values())
    before = {r.pk: (r.sha256, r.rendered_at) for r in runs.values()}
    demo.seed(DemoContext())
    assert {r.pk: (r.sha256, r.rendered_at) for r in ReportRun.objects.all()} == before
