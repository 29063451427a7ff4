"""Celery tasks of the conversations app (thin: they call services)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True)
def import_run_execute_task(self, import_run_id: int) -> str:
    """Execute a pending ImportRun (an API or admin upload). Returns the run's final status."""
    from apps.conversations.models import ImportRun
    from apps.conversations.services import import_run_execute

    if self.request.id:
        ImportRun.objects.filter(pk=import_run_id).update(celery_task_id=self.request.id)
    return import_run_execute(run_id=import_run_id).status


@shared_task(name="apps.conversations.tasks.message_partitions_ahead_task")
def message_partitions_ahead_task() -> str:
    """Daily: this month's and the next three months' partitions exist, for every monthly-partitioned
    table (messages, QA hits, ...: apps.conversations.partitions.monthly_partitioned_tables). Returns
    the names created. The name is the one it had when it kept messages only (the beat rows point at it)."""
    from django.utils import timezone

    from apps.conversations.partitions import local_month, partitions_ahead_all

    created = partitions_ahead_all(today=local_month(timezone.now()))
    return ", ".join(created) or "none created"
