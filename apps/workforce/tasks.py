"""Celery tasks of the workforce app (thin: the work is in services)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="apps.workforce.tasks.solve_run_task")
def solve_run_task(run_id: int) -> int:
    from apps.workforce.services import solve_run_execute

    return solve_run_execute(run_id).pk
