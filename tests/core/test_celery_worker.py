"""A real Celery worker process, against Redis and the test database, runs a task to completion."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from apps.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _redis_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


def _redis_reachable(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_against_redis_and_postgres():
    broker = _redis_url()
    if not _redis_reachable(broker):
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {broker}; CI must run the real-worker test")
        pytest.skip(f"no Redis at {broker} on this machine (CI always has one)")

    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        database_url = f"postgresql://{db['USER']}@/{db['NAME']}?host={host}"
    else:
        database_url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        producer = Celery("probe", broker=broker, backend=broker)
        marker = uuid.uuid4().hex
        result = producer.send_task("core.worker_probe", args=[marker], queue=queue)
        assert result.get(timeout=90) == marker
        assert AuditEvent.objects.filter(action="worker_probe", target_id=marker).exists()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
