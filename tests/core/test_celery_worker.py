"""A real Celery worker process, against Redis and the test database, runs a task to completion."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from apps.core.models import AuditEvent
from tests.core.real_worker import ROOT, database_url, redis_url, require_redis


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_against_redis_and_postgres():
    broker = redis_url()
    require_redis(broker)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
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
