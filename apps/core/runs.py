"""Status transitions of TrackedRun rows. Each writes with UPDATE so a task never clobbers fields
another process set, and is safe to call twice.

No run lost, none stuck: tasks are acknowledged late and re-queued when a worker dies
(`CELERY_TASK_ACKS_LATE`, `CELERY_TASK_REJECT_ON_WORKER_LOST`), `run_start` records the Celery task
id on the row, and `runs_fail_stuck` (every 15 minutes, core.runs_sweep_stuck) fails with a reason
the runs that outlived the task time limit: a row still `running` after
CELERY_TASK_TIME_LIMIT + STUCK_GRACE started, or still `pending` after the broker's visibility
timeout + the time limit, has no worker left (a redelivered message would have started it again).
Failing, not retrying: a run's service is idempotent, so whoever needs it requests it again.
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q
from django.utils import timezone

from apps.core.choices import RunStatus

STUCK_GRACE = timedelta(minutes=5)


def _update(run: Model, **fields) -> None:
    type(run).objects.filter(pk=run.pk).update(**fields)
    for key, value in fields.items():
        setattr(run, key, value)


def current_task_id() -> str:
    """The id of the Celery task running this code ('' outside a task or when eager without one)."""
    from celery import current_task

    request = getattr(current_task, "request", None)
    return (getattr(request, "id", None) or "")[:64]


def run_start(run: Model, *, total: int = 0) -> None:
    fields = {"status": RunStatus.RUNNING, "started_at": timezone.now(), "progress_total": total, "error": ""}
    if task_id := current_task_id():
        fields["celery_task_id"] = task_id
    _update(run, **fields)


def run_progress(run: Model, *, done: int, total: int | None = None) -> None:
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    _update(run, **fields)


def run_succeed(run: Model, **extra) -> None:
    done = max(run.progress_done, run.progress_total)
    _update(run, status=RunStatus.SUCCEEDED, finished_at=timezone.now(), progress_done=done, **extra)


def run_fail(run: Model, *, error: str, **extra) -> None:
    _update(run, status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:5000], **extra)


def tracked_run_models() -> list[type[Model]]:
    from apps.core.models import TrackedRun

    return [m for m in apps.get_models() if issubclass(m, TrackedRun)]


def runs_fail_stuck(*, now=None) -> dict[str, int]:
    """Fail every run past its time limit with a reason; returns {model label: runs failed}."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    visibility = timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600))
    stuck = Q(status=RunStatus.RUNNING, started_at__lt=now - limit - STUCK_GRACE) | Q(
        status=RunStatus.PENDING, created_at__lt=now - visibility - limit
    )
    reason = (
        f"stuck: no result {int((limit + STUCK_GRACE).total_seconds())} s after it started "
        "(worker lost or killed past the task time limit); request it again"
    )
    failed = {}
    for model in tracked_run_models():
        count = model.objects.filter(stuck).update(status=RunStatus.FAILED, finished_at=now, error=reason)
        if count:
            failed[model._meta.label] = count
    return failed
