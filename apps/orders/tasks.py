"""Celery tasks of the orders app (thin: they load by id and call one service)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True)
def order_import_run_execute_task(self, order_import_run_id: int) -> str:
    """Execute a pending OrderImportRun (an API or admin upload). Returns the run's final status."""
    from apps.orders.models import OrderImportRun
    from apps.orders.services import order_import_run_execute

    if self.request.id:
        OrderImportRun.objects.filter(pk=order_import_run_id).update(celery_task_id=self.request.id)
    return order_import_run_execute(run_id=order_import_run_id).status


@shared_task(acks_late=True)
def attribution_refresh_task(store_ids: list[int]) -> int:
    """Re-attribute the stores' orders after an import (writes only what changed)."""
    from apps.orders.services import attribution_refresh

    return attribution_refresh(store_ids=store_ids)
