"""Celery tasks of the clients app: thin wrappers that load ids and call one service each."""

from __future__ import annotations

from celery import shared_task

from apps.clients import offboarding


@shared_task(name="apps.clients.tasks.retention_purge_task")
def retention_purge_task() -> str:
    """Nightly: purge every brand's message content past its retention, expire old archives."""
    runs = offboarding.retention_purge_all()
    return ", ".join(f"{run.client.code}: {run.counts.get('conversations', 0)}" for run in runs)


@shared_task(name="apps.clients.tasks.data_export_build_task")
def data_export_build_task(run_id: int) -> str:
    run = offboarding.data_export_build(run_id=run_id)
    return f"{run.pk}: {run.status}"


@shared_task(name="apps.clients.tasks.brand_offboard_task")
def brand_offboard_task(run_id: int) -> str:
    run = offboarding.brand_offboard_execute(run_id=run_id)
    return f"{run.pk}: {run.status}"
