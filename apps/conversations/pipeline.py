"""What runs after a successful import: a registry of post-import consumers.

Apps that work on freshly imported conversations register a Celery task from their own
AppConfig.ready() (conversations never names them), e.g. QA:

    from apps.conversations.pipeline import post_import_register
    post_import_register(qa_score_import_run_task)

Once an import's writes are committed, every registered task is enqueued with the ImportRun id
(`task.delay(import_run_id)`, through transaction.on_commit), in registration order.
"""

from __future__ import annotations

from django.db import transaction

CONSUMERS: list = []  # Celery tasks taking an ImportRun id, in registration order


def post_import_register(task) -> None:
    """Run `task(import_run_id)` after every successful import (registering twice is a no-op)."""
    if task not in CONSUMERS:
        CONSUMERS.append(task)


def post_import_enqueue(*, import_run_id: int) -> None:
    """Enqueue every registered consumer with the run's id once the current transaction commits."""
    for task in list(CONSUMERS):
        transaction.on_commit(lambda task=task: task.delay(import_run_id))
