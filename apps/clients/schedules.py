"""Periodic tasks of the clients app (see apps/core/schedules.py for the format)."""

PERIODIC_TASKS: list[dict] = [
    {
        # message content past each brand's retention (docs/retention.md); after the QA sweep at 02:30
        "name": "tideline:clients-retention-purge",
        "task": "apps.clients.tasks.retention_purge_task",
        "crontab": {"minute": "45", "hour": "3"},
        "kwargs": {},
    },
]
