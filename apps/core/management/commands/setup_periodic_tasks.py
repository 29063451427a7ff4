"""Create or update the django-celery-beat rows of every app's schedules.PERIODIC_TASKS.

Safe to re-run: rows are keyed by name; a row whose task left the code is disabled, not deleted.
"""

from __future__ import annotations

import importlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def collect_periodic_tasks() -> list[dict]:
    tasks: list[dict] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedules":
                raise
            continue
        tasks.extend(getattr(module, "PERIODIC_TASKS", []))
    return tasks


class Command(BaseCommand):
    help = "Create or update the Celery beat schedule (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        wanted = collect_periodic_tasks()
        names = set()
        for spec in wanted:
            cron = {
                "minute": "0",
                "hour": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                "day_of_week": "*",
                **spec["crontab"],
            }
            schedule, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **cron)
            PeriodicTask.objects.update_or_create(
                name=spec["name"],
                defaults={
                    "task": spec["task"],
                    "crontab": schedule,
                    "interval": None,
                    "kwargs": json.dumps(spec.get("kwargs", {})),
                    "enabled": True,
                },
            )
            names.add(spec["name"])
        stale = PeriodicTask.objects.filter(name__startswith="tideline:").exclude(name__in=names).update(enabled=False)
        self.stdout.write(self.style.SUCCESS(f"{len(names)} periodic tasks in place, {stale} stale disabled"))
