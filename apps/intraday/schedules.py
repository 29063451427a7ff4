"""Periodic tasks of the intraday app (see apps/core/schedules.py for the format)."""

PERIODIC_TASKS: list[dict] = [
    {
        "name": "tideline:intraday-tick",
        "task": "apps.intraday.tasks.intraday_tick_task",
        "crontab": {"minute": "1,16,31,46", "hour": "*"},
        "kwargs": {},
    },
]
