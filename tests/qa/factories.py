"""Builders for QA tests: a conversation with its messages, from (role, seconds, text) tuples."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from apps.conversations.models import Conversation, Message
from tests import factories

_seq = itertools.count(1)
T0 = timezone.make_aware(datetime(2026, 11, 11, 10, 0), timezone.get_default_timezone())


def make_conversation(*, store=None, client=None, messages=(), agent=None, handled_by="human", start=T0, **extra):
    n = next(_seq)
    if store is None:
        store = factories.make_store(client=client or factories.make_client())
    if agent is None and handled_by == "human" and any(m[0] == "agent" for m in messages):
        agent = factories.make_agent()
    last = max((m[1] for m in messages), default=0)
    conv = Conversation.objects.create(
        store=store,
        platform_conversation_id=f"c{n}",
        started_at=start,
        ended_at=start + timedelta(seconds=last),
        agent=agent,
        agent_nick=agent.nick if agent else "",
        handled_by=handled_by,
        buyer_pseudonym=f"b{n}",
        message_count=len(messages),
        **extra,
    )
    Message.objects.bulk_create(
        Message(
            conversation=conv,
            message_id=f"m{n}-{i}",
            seq=i,
            sent_at=start + timedelta(seconds=sec),
            sender_role=role,
            content=text,
        )
        for i, (role, sec, text) in enumerate(messages)
    )
    return conv


CLEAN = [
    ("buyer", 0, "在吗？这款面霜适合干皮吗"),
    ("agent", 10, "亲，您好！这款是保湿款，干皮用着很合适哦"),
    ("buyer", 30, "好的，那我拍了"),
    ("agent", 40, "好的亲，感谢支持，祝您生活愉快～"),
]
