"""Builders for workforce tests: a brand with a store, skilled agents and chat history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.conversations.models import Conversation
from apps.workforce.models import AgentSkill
from tests import factories


def skilled_agents(client, count: int, *, site=None, **extra):
    site = site or factories.make_site()
    agents = []
    for _ in range(count):
        agent = factories.make_agent(site=site, **extra)
        AgentSkill.objects.create(agent=agent, client=client, channel="chat", proficiency=3)
        agents.append(agent)
    return agents


def chat_history(
    store, *, start: date, days: int, per_day: int, bot_share: float = 0.5, seed: int = 1, earliest: int = 9 * 60
):
    """Conversations with a daytime shape: from ``earliest`` (minutes after midnight) to 23:00 local."""
    rng = random.Random(seed)
    tz = timezone.get_default_timezone()
    rows = []
    n = 0
    for d in range(days):
        day = start + timedelta(days=d)
        for _ in range(per_day):
            n += 1
            minute = int(rng.triangular(earliest, 23 * 60, 15 * 60))
            at = timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)), tz)
            bot = rng.random() < bot_share
            rows.append(
                Conversation(
                    store=store,
                    platform_conversation_id=f"c{store.pk}-{n}",
                    started_at=at,
                    ended_at=at + timedelta(seconds=rng.randint(120, 480)),
                    handled_by="bot" if bot else "human",
                    buyer_pseudonym=f"b{n}",
                )
            )
    Conversation.objects.bulk_create(rows, batch_size=2000)
    return rows
