"""Celery tasks of the contracts app: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="contracts.billing_run_execute")
def billing_run_execute_task(run_id: int) -> None:
    from apps.contracts.models import BillingRun
    from apps.contracts.services import billing_run_execute

    billing_run_execute(run=BillingRun.objects.get(pk=run_id))


@shared_task(name="contracts.billing_batch")
def billing_batch_task(run_id: int, contract_ids: list[int]) -> None:
    from apps.contracts.services import billing_batch_record

    billing_batch_record(run_id=run_id, contract_ids=contract_ids)


@shared_task(name="contracts.billing_day")
def billing_day_task() -> int | None:
    """Beat calls this daily: contracts whose billing day is today get last month billed."""
    from apps.contracts.services import billing_day_run

    run = billing_day_run(today=timezone.localdate())
    return None if run is None else run.pk


@shared_task(name="contracts.statement_documents")
def statement_documents_task(invoice_id: int | None = None, credit_note_id: int | None = None) -> list[str]:
    """Print an issued statement or correction at once (and refresh the brand's monthly report)."""
    from apps.contracts.statements import documents_render

    return documents_render(invoice_id=invoice_id, credit_note_id=credit_note_id)
