"""What runs after a successful import.

POST_IMPORT_TASKS lists dotted paths of Celery tasks; each is enqueued with the ImportRun id
(`task.delay(import_run_id)`) through transaction.on_commit once the import's writes are committed.
Other apps register here (e.g. QA scoring of the newly imported conversations).
"""

from __future__ import annotations

POST_IMPORT_TASKS: list[str] = ["apps.qa.tasks.qa_score_import_run_task"]
