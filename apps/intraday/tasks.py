"""Celery tasks of the intraday room (thin: load by id, call one service)."""

from __future__ import annotations

from celery import shared_task

RETRY_DELAYS = (10, 30, 120, 600, 1800)


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), acks_late=True, name="apps.intraday.tasks.webhook_deliver_task")
def webhook_deliver_task(self, delivery_id: int) -> str:
    """Send one alert to one webhook; on failure retry later (10 s … 30 min), never blocking a tick."""
    from apps.intraday.services import webhook_deliver

    try:
        return webhook_deliver(delivery_id=delivery_id).status
    except Exception as exc:
        if self.request.is_eager:
            return "failed"  # eager mode (no broker): the delivery row keeps the error, a tick never waits
        delay = RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]
        raise self.retry(exc=exc, countdown=delay) from None


@shared_task(name="apps.intraday.tasks.intraday_tick_task")
def intraday_tick_task() -> int:
    """Every 15 minutes (beat): tick every brand with a published roster today. Returns new alerts."""
    from django.utils import timezone

    from apps.intraday.services import tick_today

    return len(tick_today(as_of=timezone.now()).new_alerts)
