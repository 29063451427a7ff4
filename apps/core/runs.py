"""Status transitions of TrackedRun rows. Each writes with UPDATE so a task never clobbers fields
another process set, and is safe to call twice."""

from __future__ import annotations

from django.db.models import Model
from django.utils import timezone

from apps.core.choices import RunStatus


def _update(run: Model, **fields) -> None:
    type(run).objects.filter(pk=run.pk).update(**fields)
    for key, value in fields.items():
        setattr(run, key, value)


def run_start(run: Model, *, total: int = 0) -> None:
    _update(run, status=RunStatus.RUNNING, started_at=timezone.now(), progress_total=total, error="")


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
