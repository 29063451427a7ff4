"""The whole demo pipeline, every step in order, at a tiny scale: each loop feeds the next."""

from __future__ import annotations

import pytest

from apps.core.demo import DemoContext, demo_run


@pytest.fixture
def demo_ctx(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return DemoContext(seed=3, scale=0.02)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_runs_every_loop_and_is_safe_to_rerun(demo_ctx):
    from apps.contracts.models import Invoice
    from apps.conversations.models import Conversation, Message
    from apps.qa.models import QAResult
    from apps.reports.models import ReportRun
    from apps.workforce.models import Roster

    demo_run(demo_ctx)

    steps = [name for name, _ in demo_ctx.timings]
    assert steps == [
        "clients.demo",
        "people.demo_agents",
        "qa.demo_scorecards",
        "conversations.demo",
        "qa.demo",
        "orders.demo",
        "workforce.demo",
        "intraday.demo",
        "contracts.demo",
        "reports.demo",
        "clients.demo_retention",
    ]
    conversations = Conversation.objects.count()
    assert conversations > 0
    # full coverage: every conversation carries a QA result (scored, not applicable or unscorable)
    assert QAResult.objects.values("conversation").distinct().count() == conversations
    assert Roster.objects.filter(status="published").exists()
    assert Invoice.objects.filter(status__in=["issued", "paid"]).exists()
    assert ReportRun.objects.filter(status="succeeded").exists()
    from apps.clients.models import DataRun

    assert DataRun.objects.filter(kind="export", status="succeeded").exclude(archive="").exists()
    assert {role for role, _, _ in demo_ctx.logins} >= {"Superuser", "BPO manager", "Account manager", "QA supervisor"}

    counts = (Conversation.objects.count(), Message.objects.count(), Invoice.objects.count(), ReportRun.objects.count())
    demo_run(DemoContext(seed=3, scale=0.02))
    assert (
        Conversation.objects.count(),
        Message.objects.count(),
        Invoice.objects.count(),
        ReportRun.objects.count(),
    ) == counts
