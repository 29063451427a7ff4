"""Period metrics of conversations: volume, bot/human split and human response times.

Read by the billing SLA credits, the QA views and the client reports, so that all three agree. The
response KPIs are sums over the timing fields that apps.conversations.timing computes at import
(the one definition of rounds and waits, shared with the QA timing rules): each "chats over a
threshold" count here equals the number of conversations the matching QA rule fires on.

Rates and averages are exact Decimals (a quotient, never rounded here): they are rounded once, where
they are shown (DESIGN.md: round half up at display).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from apps.conversations import timing
from apps.conversations.choices import HandledBy
from apps.core.calendar import day_range_bounds


@dataclass(frozen=True)
class ConversationMetrics:
    """Totals over a half-open period [start, end). Rates are Decimal fractions 0..1, None if no data.

    Counts of human-handled chats, one per QA timing rule (see apps.conversations.timing):
    `first_response_over_30s` (first_response_slow), `response_avg_over_45s` (avg_response_slow),
    `three_minute_missed` (three_minute_miss), `waited_100s` (buyer_wait_100s) and
    `last_unanswered` (last_unanswered). `unanswered_conversations` are human-handled chats in which
    no round was ever answered; `transferred_unanswered` chats handed to a human that no human joined.
    """

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
    first_response_measured: int = 0
    first_response_over_30s: int = 0
    response_seconds_total: int = 0
    rounds_in_service_hours: int = 0
    rounds_answered_180s: int = 0
    response_avg_over_45s: int = 0
    three_minute_missed: int = 0
    waited_100s: int = 0
    last_unanswered: int = 0
    transferred_unanswered: int = 0

    @property
    def bot_share(self) -> Decimal | None:
        return _ratio(self.bot_handled, self.conversations)


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator, exact to Decimal's 28 digits; None for an empty denominator."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


# Kept only until qa and contracts call apps.core.calendar.day_range_bounds themselves.
period_bounds = day_range_bounds


def metric_aggregates() -> dict:
    """The aggregate expressions behind ConversationMetrics, over Conversation rows (one definition
    for conversation_metrics and apps.conversations.selectors.conversation_metrics_by_client)."""
    human = Q(handled_by=HandledBy.HUMAN)
    first = human & Q(first_response_seconds__isnull=False)
    return {
        "conversations": Count("id"),
        "bot": Count("id", filter=Q(handled_by=HandledBy.BOT)),
        "human": Count("id", filter=human),
        "transferred": Count("id", filter=Q(transferred_to_human=True)),
        "transferred_unanswered": Count("id", filter=Q(transferred_to_human=True, handled_by=HandledBy.BOT)),
        "messages": Sum("message_count"),
        "rounds": Sum("buyer_rounds"),
        "answered": Sum("rounds_answered"),
        "response_total": Sum("response_seconds_total"),
        "svc_rounds": Sum("rounds_in_service_hours"),
        "within_180": Sum("rounds_answered_180s"),
        "first_sum": Sum("first_response_seconds", filter=first),
        "first_n": Count("id", filter=first),
        "first_30": Count("id", filter=first & Q(first_response_seconds__lte=timing.FIRST_RESPONSE_TARGET_S)),
        "unanswered": Count("id", filter=human & Q(buyer_rounds__gt=0, rounds_answered=0)),
        "avg_over_45": Count(
            "id",
            filter=human
            & Q(rounds_answered__gt=0)
            & Q(response_seconds_total__gt=F("rounds_answered") * timing.AVERAGE_RESPONSE_TARGET_S),
        ),
        "three_minute_missed": Count("id", filter=human & Q(rounds_in_service_hours__gt=F("rounds_answered_180s"))),
        "waited_100s": Count("id", filter=human & Q(max_wait_seconds__gte=timing.LONG_WAIT_S)),
        "last_unanswered": Count("id", filter=human & Q(buyer_rounds__gt=F("rounds_answered"))),
    }


def metrics_from_aggregates(agg: dict) -> ConversationMetrics:
    """ConversationMetrics from the values of metric_aggregates(); a missing or NULL value is 0
    (no conversations), and a ratio with nothing to divide by is None."""

    def n(key: str) -> int:
        return agg.get(key) or 0

    answered, first_n = n("answered"), n("first_n")
    return ConversationMetrics(
        conversations=n("conversations"),
        bot_handled=n("bot"),
        human_handled=n("human"),
        transferred_to_human=n("transferred"),
        messages=n("messages"),
        buyer_rounds=n("rounds"),
        rounds_answered=answered,
        first_response_avg_s=_ratio(n("first_sum"), first_n),
        first_response_within_30s_rate=_ratio(n("first_30"), first_n),
        response_avg_s=_ratio(n("response_total"), answered),
        three_minute_rate=_ratio(n("within_180"), n("svc_rounds")),
        unanswered_conversations=n("unanswered"),
        first_response_measured=first_n,
        first_response_over_30s=first_n - n("first_30"),
        response_seconds_total=n("response_total"),
        rounds_in_service_hours=n("svc_rounds"),
        rounds_answered_180s=n("within_180"),
        response_avg_over_45s=n("avg_over_45"),
        three_minute_missed=n("three_minute_missed"),
        waited_100s=n("waited_100s"),
        last_unanswered=n("last_unanswered"),
        transferred_unanswered=n("transferred_unanswered"),
    )


def conversation_metrics(
    *, client_id: int, start: date, end: date, store_ids: list[int] | None = None
) -> ConversationMetrics:
    """Metrics of one client's conversations that started in [start, end) local time."""
    from apps.conversations.models import Conversation

    lo, hi = day_range_bounds(start, end)
    qs = Conversation.objects.filter(store__client_id=client_id, started_at__gte=lo, started_at__lt=hi)
    if store_ids:
        qs = qs.filter(store_id__in=store_ids)
    return metrics_from_aggregates(qs.aggregate(**metric_aggregates()))
