"""A Celery worker for the qa_pipeline benchmark: `python -m bench.qa_worker BROKER_DIR READY_FILE`.

Production runs the post-import QA task on a Celery worker, so the QA of one file runs while the
next file imports. The benchmark does the same with the project's own Celery app and task, in a
separate process; only the broker differs: a directory on disk (kombu's filesystem transport), so
the benchmark needs no Redis. The worker inherits DATABASE_URL (the benchmark database) from the
benchmark process and touches READY_FILE once it consumes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def broker_options(broker_dir: Path) -> dict:
    """Celery settings of the filesystem broker under `broker_dir` (the same for producer and worker)."""
    for sub in ("queue", "processed", "control"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "processed_folder": str(broker_dir / "processed"),
            "control_folder": str(broker_dir / "control"),
            "store_processed": False,
        },
        "result_backend": None,
        "task_always_eager": False,
    }


def main(broker_dir: str, ready_file: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from celery.signals import worker_ready

    from config.celery import app

    app.conf.update(broker_options(Path(broker_dir)))

    @worker_ready.connect(weak=False)
    def _ready(**_kwargs):
        Path(ready_file).touch()

    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
