"""Periodic tasks of the conversations app (see apps/core/schedules.py for the format)."""

PERIODIC_TASKS: list[dict] = [
    {
        # monthly partitions three months ahead, of every monthly-partitioned table (messages, QA
        # hits; apps.conversations.partitions); daily, so a missed day or a stopped beat still leaves
        # months of margin
        "name": "tideline:conversations-message-partitions",
        "task": "apps.conversations.tasks.message_partitions_ahead_task",
        "crontab": {"minute": "10", "hour": "1"},
        "kwargs": {},
    },
]
