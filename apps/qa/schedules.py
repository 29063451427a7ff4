"""Periodic tasks of the qa app (see apps/core/schedules.py for the format)."""

PERIODIC_TASKS: list[dict] = [
    {
        "name": "tideline:qa-nightly-sweep",
        "task": "apps.qa.tasks.qa_sweep_unscored_task",
        "crontab": {"minute": "30", "hour": "2"},
        "kwargs": {},
    },
    {
        "name": "tideline:qa-retrain-review-models",
        "task": "apps.qa.tasks.qa_retrain_review_models_task",
        "crontab": {"minute": "15", "hour": "3"},
        "kwargs": {},
    },
]
