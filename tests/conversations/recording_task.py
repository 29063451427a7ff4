"""A Celery task that records the ids it was called with (post-import pipeline tests)."""

from __future__ import annotations

from celery import shared_task

CALLS: list[int] = []


@shared_task
def record_import_task(import_run_id: int) -> None:
    CALLS.append(import_run_id)
