"""Separate Celery queues, with a real worker per queue: a long solve never delays an import.

Two real worker processes are started as deploy/compose.yaml starts them (`celery -A config worker
-Q solves -c 1` and `-Q imports`), against Redis and the test database. A stand-in for a long solve
(a task that holds its worker until the test opens a gate) is sent to the queue the routing table
(settings.CELERY_TASK_ROUTES) gives the real solve task; then a real import (an uploaded export, the
real import task sent by name, routed by the same table) must finish while the solve still holds
the solves worker. With one shared queue or one worker for both, the import would wait for the gate
and the test would fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import shared_task

from tests.core.real_worker import ROOT, database_url, redis_url, require_redis, wait_for

SOLVE_TASK = "apps.workforce.tasks.solve_run_task"
IMPORT_TASK = "apps.conversations.tasks.import_run_execute_task"
CSV = (
    "platform,shop,conversation_id,message_id,sent_at,sender_role,agent,buyer,msg_type,content\n"
    "tmall,queue-shop,Q1,Q1-1,2026-11-11T10:00:00+08:00,buyer,,tb_q,text,在吗\n"
    "tmall,queue-shop,Q1,Q1-2,2026-11-11T10:00:20+08:00,agent,小美,tb_q,text,亲在的\n"
)


@shared_task(name="tests.core.long_solve_stand_in")
def long_solve_stand_in(gate_dir: str) -> str:
    """Holds its worker like a long CP-SAT solve until the test writes `open` into gate_dir."""
    gate = Path(gate_dir)
    (gate / "started").write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while not (gate / "open").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return "solved"


def _worker(queue: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
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
            "-n",
            f"{queue}-{uuid.uuid4().hex[:6]}@%h",
            "-I",
            "tests.core.test_queues",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def test_the_routing_table_puts_imports_qa_solves_billing_and_reports_on_their_own_queues():
    from config.celery import app

    queues = {
        name: app.amqp.router.route({}, name)["queue"].name
        for name in (
            IMPORT_TASK,
            "apps.qa.tasks.qa_score_import_run_task",
            SOLVE_TASK,
            "contracts.billing_run_execute",
            "apps.reports.tasks.render_report_run_task",
        )
    }
    assert list(queues.values()) == ["imports", "qa", "solves", "billing", "reports"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_long_solve_on_the_solves_queue_does_not_delay_an_import(tmp_path, settings, brand_a):
    broker = redis_url(default_db=5)
    require_redis(broker)
    from celery import Celery
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.conversations.models import Conversation, ImportRun
    from apps.conversations.services import import_run_create
    from apps.core.choices import RunStatus
    from config.celery import app
    from tests import factories

    settings.MEDIA_ROOT = tmp_path / "media"
    factories.make_store(client=brand_a, platform="tmall", shop_id="queue-shop")
    run = import_run_create(
        file_name="queue.csv",
        file_format="canonical_csv",
        upload=SimpleUploadedFile("queue.csv", CSV.encode("utf-8"), content_type="text/csv"),
    )
    gate = tmp_path / "gate"
    gate.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TIDELINE_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    router = app.amqp.router
    solves, imports = router.route({}, SOLVE_TASK)["queue"].name, router.route({}, IMPORT_TASK)["queue"].name
    producer = Celery("producer", broker=broker)
    workers = [_worker(solves, env), _worker(imports, env)]
    try:
        producer.send_task("tests.core.long_solve_stand_in", args=[str(gate)], queue=solves)
        wait_for(lambda: (gate / "started").exists(), timeout=120, what="the solves worker to start the solve")

        producer.send_task(IMPORT_TASK, args=[run.pk], queue=imports)
        wait_for(
            lambda: ImportRun.objects.get(pk=run.pk).status in (RunStatus.SUCCEEDED, RunStatus.FAILED),
            timeout=120,
            what="the import on the imports worker",
        )

        assert not (gate / "open").exists()  # the solve still holds its worker
        assert workers[0].poll() is None
        run.refresh_from_db()
        assert run.status == RunStatus.SUCCEEDED, run.error
        assert run.messages_imported == 2
        assert Conversation.objects.filter(platform_conversation_id="Q1").exists()
    finally:
        (gate / "open").write_text("go")
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        # the import enqueued its QA task on the qa queue, which no worker of this test consumes
        import redis

        redis.Redis.from_url(broker).delete("qa")
