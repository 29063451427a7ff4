"""No run lost, none stuck: late acks, the stuck-run sweep, one re-score / one render at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.core.choices import RunStatus
from apps.core.runs import runs_fail_stuck
from apps.qa.models import QARun, Scorecard
from tests.core.access_world import build_world

pytestmark = pytest.mark.django_db


def test_a_lost_worker_puts_its_task_back_in_the_queue():
    from config.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.broker_transport_options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_sweep_fails_runs_stuck_past_the_time_limit_with_a_reason(brand_a):
    now = timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    stuck = QARun.objects.create(client=brand_a, status=RunStatus.RUNNING, started_at=now - limit - timedelta(hours=1))
    alive = QARun.objects.create(client=brand_a, status=RunStatus.RUNNING, started_at=now - timedelta(minutes=5))
    queued = QARun.objects.create(client=brand_a, status=RunStatus.PENDING)

    assert runs_fail_stuck(now=now) == {"qa.QARun": 1}

    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED and "stuck" in stuck.error and stuck.finished_at == now
    assert QARun.objects.get(pk=alive.pk).status == RunStatus.RUNNING
    assert QARun.objects.get(pk=queued.pk).status == RunStatus.PENDING
    assert runs_fail_stuck(now=now) == {}  # safe to run twice


def test_sweep_is_scheduled_every_quarter_hour():
    from apps.core.schedules import PERIODIC_TASKS

    assert {
        "name": "tideline:core-stuck-runs",
        "task": "core.runs_sweep_stuck",
        "crontab": {"minute": "*/15"},
        "kwargs": {},
    } in PERIODIC_TASKS


def test_a_second_rescore_of_a_brand_returns_the_running_one(brand_a):
    from apps.qa.services import qa_rescore_scorecard

    build_world(brand_a)
    card = Scorecard.objects.get(client=brand_a)
    running = QARun.objects.create(client=brand_a, kind="rescore", status=RunStatus.RUNNING, started_at=timezone.now())
    assert qa_rescore_scorecard(scorecard=card) == running
    assert QARun.objects.filter(kind="rescore").count() == 1
    QARun.objects.filter(pk=running.pk).update(status=RunStatus.SUCCEEDED)
    assert qa_rescore_scorecard(scorecard=card) != running  # finished: a new re-score may start


def test_a_second_render_request_returns_the_queued_one(brand_a, account_manager, monkeypatch):
    from datetime import date

    from apps.reports import services
    from apps.reports.models import ReportRun

    queued = []
    monkeypatch.setattr(services, "_enqueue_render", queued.append)
    first = services.report_run_request(
        client=brand_a, kind="monthly", period_start=date(2026, 10, 1), actor=account_manager
    )
    again = services.report_run_request(
        client=brand_a, kind="monthly", period_start=date(2026, 10, 1), actor=account_manager
    )
    assert again.pk == first.pk and queued == [first.pk]
    ReportRun.objects.filter(pk=first.pk).update(status=RunStatus.SUCCEEDED)
    services.report_run_request(client=brand_a, kind="monthly", period_start=date(2026, 10, 1), actor=account_manager)
    assert queued == [first.pk, first.pk]  # done: it may be rendered again
