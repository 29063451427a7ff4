"""Core tasks: a health probe that proves a worker reaches both the broker and the database, and the
sweep that fails runs stuck past their time limit."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="core.worker_probe")
def worker_probe_task(marker: str) -> str:
    """Write an audit row named by `marker` and return it: used by the real-worker test and ops."""
    from apps.core.models import AuditEvent

    AuditEvent.objects.get_or_create(action="worker_probe", target_type="core.worker", target_id=marker[:64])
    return marker


@shared_task(name="core.runs_sweep_stuck")
def runs_sweep_stuck_task() -> dict[str, int]:
    """Every 15 minutes: fail runs that outlived the task time limit (see apps.core.runs)."""
    from apps.core.runs import runs_fail_stuck

    return runs_fail_stuck()
