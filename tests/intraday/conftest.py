from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tests import factories

DAY = date(2026, 11, 11)
WEEK = date(2026, 11, 9)


def local(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=minute))


@pytest.fixture
def store_a(brand_a):
    return factories.make_store(client=brand_a, platform="tmall", shop_id="SHOP-A")


@pytest.fixture
def store_b(brand_b):
    return factories.make_store(client=brand_b, platform="tmall", shop_id="SHOP-B")


@pytest.fixture
def pusher(bpo_manager, brand_a):
    from apps.intraday.models import PushGrant

    PushGrant.objects.create(user=bpo_manager, client=brand_a)
    return bpo_manager


def message(shop: str, conv: str, k: int, at: datetime, role: str, text: str, agent: str = "") -> dict:
    return {
        "platform": "tmall",
        "shop": shop,
        "conversation_id": conv,
        "message_id": f"{conv}-{k}",
        "sent_at": at.isoformat(),
        "sender_role": role,
        "agent": agent,
        "buyer": f"buyer-{conv}",
        "msg_type": "text",
        "content": text,
    }
