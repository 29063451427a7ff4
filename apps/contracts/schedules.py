"""Beat schedule of the contracts app (see apps/core/schedules.py for the format).

The task runs every day at 06:00 Asia/Shanghai and bills the previous month for the contracts whose
billing day is that day, so each contract is billed on its own billing day.
"""

PERIODIC_TASKS: list[dict] = [
    {
        "name": "tideline:contracts:billing-day",
        "task": "contracts.billing_day",
        "crontab": {"minute": "0", "hour": "6"},
        "kwargs": {},
    },
]
