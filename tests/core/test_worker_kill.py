"""A real worker's pool process is killed (SIGKILL) in the middle of a run: the task goes back to
the queue, a new pool process runs it again, and the run finishes exactly once.

Before late acks with reject-on-worker-lost the message was acknowledged as failed and the run row
stayed `running` for ever (this test then times out waiting for it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest

from apps.core.choices import RunStatus
from apps.core.models import AuditEvent
from apps.qa.models import QARun
from tests.core.real_worker import ROOT, database_url, redis_url, require_redis, wait_for


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killing_the_pool_process_mid_run_requeues_it_and_it_finishes_once(brand_a, tmp_path):
    broker = redis_url()
    require_redis(broker)

    run = QARun.objects.create(client=brand_a, kind="rescore")
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
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
            "-I",
            "tests.core.worker_tasks",
            "-Q",
            queue,
            "-P",
            "prefork",
            "-c",
            "1",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from celery import Celery

        producer = Celery("kill-test", broker=broker)
        sent = producer.send_task("tests.core.gated_run", args=[run.pk, str(tmp_path)], queue=queue)

        first = wait_for(lambda: sorted(tmp_path.glob("attempt-*")), timeout=120, what="the first attempt to start")
        os.kill(int(first[0].read_text()), signal.SIGKILL)
        (tmp_path / "open").touch()  # the gate opens only after the kill: the first attempt never finishes

        wait_for(
            lambda: QARun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED, timeout=120, what="the run to succeed"
        )
        run.refresh_from_db()
        assert len(list(tmp_path.glob("attempt-*"))) == 2  # delivered again to a new pool process
        assert AuditEvent.objects.filter(action="test.run_finished", target_id=str(run.pk)).count() == 1
        assert run.celery_task_id == sent.id and run.error == ""
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
