"""Defences a security review expects: login lockout, API throttling, CSP, production settings,
`check --deploy` clean, Swagger UI from local files, the schema behind a login outside development."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "TIDELINE_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-key-for-the-test",
    "TIDELINE_PSEUDONYM_KEY": "pseudonym-key-of-the-test",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "DJANGO_ALLOWED_HOSTS": "tideline.example",
}


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_login(login_url, account_manager):
    client = Client()
    for _ in range(5):
        client.post(login_url, {"username": "am", "password": "wrong"})
    locked = client.post(login_url, {"username": "am", "password": "pw-Secret-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_anonymous_api_calls_past_the_rate_get_429_with_retry_after(monkeypatch, settings):
    settings.TIDELINE_ENV = "development"  # the schema is the one API view open to anonymous callers there
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    client = Client()
    responses = [client.get("/api/schema/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    cache.clear()


def test_token_users_past_the_rate_get_429_with_retry_after(monkeypatch, qa_supervisor, api):
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    client = api(qa_supervisor)
    responses = [client.get("/api/v1/me/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    cache.clear()


def test_every_page_carries_a_content_security_policy(account_manager):
    client = Client()
    client.force_login(account_manager)
    for path in ["/", "/billing/", "/admin/", "/api/v1/me/", "/accounts/login/"]:
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]


def test_swagger_ui_comes_from_local_static_files_with_no_inline_script(account_manager, settings):
    settings.TIDELINE_ENV = "test"
    client = Client()
    client.force_login(account_manager)
    page = client.get("/api/docs/").content.decode()
    assert "cdn" not in page.lower() and "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "<script>" not in page.replace(" ", "")


def test_schema_needs_a_login_outside_development(settings, account_manager):
    settings.TIDELINE_ENV = "test"
    assert Client().get("/api/schema/").status_code == 401
    client = Client()
    client.force_login(account_manager)
    assert client.get("/api/schema/").status_code == 200
    settings.TIDELINE_ENV = "development"
    assert Client().get("/api/schema/").status_code == 200


def _settings_in(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
            "from django.conf import settings; settings.DEBUG",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_an_embedded_database():
    result = _settings_in(PRODUCTION)
    assert result.returncode != 0 and "DATABASE_URL must be set" in result.stderr


def test_production_refuses_eager_celery():
    env = {**PRODUCTION, "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/x", "CELERY_TASK_ALWAYS_EAGER": "1"}
    result = _settings_in(env)
    assert result.returncode != 0 and "eager Celery refused" in result.stderr


@pytest.mark.slow
def test_check_deploy_with_production_settings_has_no_warnings():
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        **PRODUCTION,
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_redirect_spares_the_probes_but_not_the_pages(settings):
    """Production redirects plain http to https, except the health and metrics probes, which a load
    balancer or Prometheus sends straight to the container."""
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code != 301
    redirected = client.get("/accounts/login/")
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")
