"""Period metrics of conversations: volume, bot/human split and human response times.

Read by the billing SLA credits, the QA views and the client reports, so that all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from apps.conversations.choices import HandledBy


@dataclass(frozen=True)
class ConversationMetrics:
    """Totals over a half-open period [start, end). Rates are Decimal fractions 0..1, None if no data."""

    conversations: int
    bot_handled: int
    human_handled: int
    transferred_to_human: int
    messages: int
    buyer_rounds: int
    rounds_answered: int
    first_response_avg_s: Decimal | None
    first_response_within_30s_rate: Decimal | None
    response_avg_s: Decimal | None
    three_minute_rate: Decimal | None
    unanswered_conversations: int

    @property
    def bot_share(self) -> Decimal | None:
        return _ratio(self.bot_handled, self.conversations)


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local (Asia/Shanghai) dates [start, end) as aware datetimes."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def conversation_metrics(
    *, client_id: int, start: date, end: date, store_ids: list[int] | None = None
) -> ConversationMetrics:
    """Metrics of one client's conversations that started in [start, end) local time."""
    from apps.conversations.models import Conversation

    lo, hi = period_bounds(start, end)
    qs = Conversation.objects.filter(store__client_id=client_id, started_at__gte=lo, started_at__lt=hi)
    if store_ids:
        qs = qs.filter(store_id__in=store_ids)
    human = Q(handled_by=HandledBy.HUMAN)
    agg = qs.aggregate(
        conversations=Count("id"),
        bot=Count("id", filter=Q(handled_by=HandledBy.BOT)),
        human=Count("id", filter=human),
        transferred=Count("id", filter=Q(transferred_to_human=True)),
        messages=Sum("message_count"),
        rounds=Sum("buyer_rounds"),
        answered=Sum("rounds_answered"),
        response_total=Sum("response_seconds_total"),
        svc_rounds=Sum("rounds_in_service_hours"),
        within_180=Sum("rounds_answered_180s"),
        first_avg=Avg("first_response_seconds", filter=human),
        first_n=Count("id", filter=human & Q(first_response_seconds__isnull=False)),
        first_30=Count("id", filter=human & Q(first_response_seconds__lte=30)),
        unanswered=Count("id", filter=human & Q(first_response_seconds__isnull=True)),
    )
    answered = agg["answered"] or 0
    return ConversationMetrics(
        conversations=agg["conversations"],
        bot_handled=agg["bot"],
        human_handled=agg["human"],
        transferred_to_human=agg["transferred"],
        messages=agg["messages"] or 0,
        buyer_rounds=agg["rounds"] or 0,
        rounds_answered=answered,
        first_response_avg_s=None
        if agg["first_avg"] is None
        else Decimal(str(agg["first_avg"])).quantize(Decimal("0.1")),
        first_response_within_30s_rate=_ratio(agg["first_30"], agg["first_n"]),
        response_avg_s=_ratio(agg["response_total"] or 0, answered),
        three_minute_rate=_ratio(agg["within_180"] or 0, agg["svc_rounds"] or 0),
        unanswered_conversations=agg["unanswered"],
    )
