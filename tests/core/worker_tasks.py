"""A task for the worker-kill test: a tracked run that waits at a gate the test opens.

The real worker loads this module with `-I tests.core.worker_tasks`. The task goes through the same
run transitions as every Tideline service (apps.core.runs) and is idempotent like them: a run that
already succeeded is left alone, and its finish is written once, in the same transaction.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery import shared_task
from django.db import transaction


@shared_task(name="tests.core.gated_run")
def gated_run_task(run_id: int, gate_dir: str) -> str:
    from apps.core.choices import RunStatus
    from apps.core.models import AuditEvent
    from apps.core.runs import run_start, run_succeed
    from apps.qa.models import QARun

    run = QARun.objects.get(pk=run_id)
    if run.status == RunStatus.SUCCEEDED:
        return "already done"
    run_start(run, total=1)
    gate = Path(gate_dir)
    (gate / f"attempt-{os.getpid()}").write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while not (gate / "open").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with transaction.atomic():
        AuditEvent.objects.create(action="test.run_finished", target_type="qa.qarun", target_id=str(run_id))
        run_succeed(run)
    return "done"
