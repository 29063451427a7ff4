"""Celery tasks of the qa app (thin: the work is in services)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="apps.qa.tasks.qa_score_import_run_task")
def qa_score_import_run_task(import_run_id: int) -> int:
    """Enqueued by the conversations pipeline after each successful import."""
    from apps.qa.services import qa_score_import_run

    return qa_score_import_run(import_run_id=import_run_id).pk


@shared_task(name="apps.qa.tasks.qa_sweep_unscored_task")
def qa_sweep_unscored_task(client_id: int | None = None) -> int:
    """Nightly: score every conversation that has no result under its brand's active scorecard."""
    from apps.qa.services import qa_sweep_unscored

    return qa_sweep_unscored(client_id=client_id).pk


@shared_task(name="apps.qa.tasks.qa_rescore_run_task")
def qa_rescore_run_task(run_id: int) -> int:
    """Enqueued on commit by services.qa_rescore_request, which opened the run with its actor."""
    from apps.qa.services import qa_rescore_run

    return qa_rescore_run(run_id=run_id).pk


@shared_task(name="apps.qa.tasks.qa_retrain_review_models_task")
def qa_retrain_review_models_task(client_id: int | None = None) -> dict:
    """Nightly: retrain each brand's review models on the supervisors' decisions and re-rank open flags."""
    from apps.qa.learning import retrain_and_rank

    return retrain_and_rank(client_id=client_id)
