"""Periodic tasks of the core app (see setup_periodic_tasks). Each app may have a schedules.py with
PERIODIC_TASKS: a list of dicts {name, task, crontab: {minute, hour, day_of_month, ...}, kwargs}."""

PERIODIC_TASKS: list[dict] = [
    {
        # runs left `running` by a lost worker are failed with a reason (apps.core.runs)
        "name": "tideline:core-stuck-runs",
        "task": "core.runs_sweep_stuck",
        "crontab": {"minute": "*/15"},
        "kwargs": {},
    },
]
