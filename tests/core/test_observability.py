"""Probes, request ids, JSON logs and metrics (apps.core.health, apps.core.observability)."""

from __future__ import annotations

import json
import logging

import pytest
from django.db.migrations.executor import MigrationExecutor

from apps.core import health
from apps.core.observability import JsonFormatter, RequestIdFilter
from tests.core.real_worker import redis_url, require_redis


@pytest.mark.django_db
def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_readyz_checks_database_migrations_broker_and_worker(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "migrations", "broker", "worker"}
    assert body["checks"]["migrations"] == {"ok": True, "detail": "all applied"}
    assert body["checks"]["worker"]["detail"] == "eager"


@pytest.mark.django_db
def test_readyz_fails_while_a_migration_is_unapplied(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("0099_pending", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "detail": "1 unapplied"}


@pytest.mark.django_db
def test_readyz_fails_when_no_worker_answers(client, settings):
    from config.celery import app

    # a Redis database of its own, where no test worker listens
    url = redis_url().rsplit("/", 1)[0] + "/14"
    require_redis(url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.broker_url
    app.conf.broker_url = url
    try:
        assert health.check_broker().ok
        worker = health.check_worker()
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = previous
    assert worker == health.Check(False, "no worker answered")
    assert response.status_code == 503


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_keeps_a_sane_incoming_one(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_level_logger_message_and_request_id():
    record = logging.LogRecord("apps.x", logging.WARNING, __file__, 1, "导入 %s 行", ("12",), None)
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "apps.x"
    assert entry["message"] == "导入 12 行"
    assert entry["request_id"] == "-"
    assert entry["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_refused_request_is_logged_with_its_own_request_id(client, caplog, settings):
    settings.TIDELINE_METRICS_TOKEN = "s3cret-token"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/metrics", HTTP_X_REQUEST_ID="req-refused-1")
    assert response.status_code == 403
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestIdFilter().filter(record)
    assert record.request_id == "req-refused-1"


@pytest.mark.django_db
def test_metrics_count_requests_and_runs(client):
    from apps.clients.models import Client  # noqa: F401 — the run tables exist with the apps
    from apps.core.runs import tracked_run_models

    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert 'tideline_http_requests_total{method="GET",status="200"}' in text
    kinds = {model.__name__ for model in tracked_run_models()}
    assert "ImportRun" in kinds
    assert 'tideline_run_items_per_second{kind="ImportRun"}' in text
    assert "tideline_runs_stuck" in text


@pytest.mark.django_db
def test_metrics_need_the_bearer_token_when_one_is_set(client, settings):
    settings.TIDELINE_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


@pytest.mark.django_db
def test_metrics_are_closed_in_production_without_a_token(client, settings):
    settings.TIDELINE_ENV = "production"
    settings.TIDELINE_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403


def test_each_kind_of_work_has_its_own_queue():
    from config.celery import app

    route = app.amqp.router.route
    assert route({}, "apps.conversations.tasks.import_run_task")["queue"].name == "imports"
    assert route({}, "apps.qa.tasks.qa_sweep_unscored_task")["queue"].name == "qa"
    assert route({}, "apps.workforce.tasks.solve_run_task")["queue"].name == "solves"
    assert route({}, "contracts.billing_run_execute")["queue"].name == "billing"
    assert route({}, "apps.reports.tasks.render_report_run_task")["queue"].name == "reports"
    assert route({}, "core.runs_sweep_stuck")["queue"].name == "default"
