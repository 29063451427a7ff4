"""Core tasks: a health probe that proves a worker reaches both the broker and the database."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="core.worker_probe")
def worker_probe_task(marker: str) -> str:
    """Write an audit row named by `marker` and return it: used by the real-worker test and ops."""
    from apps.core.models import AuditEvent

    AuditEvent.objects.get_or_create(action="worker_probe", target_type="core.worker", target_id=marker[:64])
    return marker
