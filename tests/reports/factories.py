"""Builders for report tests: a brand's conversations imported through the conversations app's own
importer (canonical JSONL), so timing fields and metrics are what production computes."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apps.conversations.services import import_file

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)

BUYER_TEXTS = [
    "什么时候发货？快递到哪了",
    "我想退货，运费险怎么用",
    "我身高165穿什么码",
    "双11的优惠券怎么领",
    "收到的商品有划痕，质量有问题",
    "请问在吗",
]

# An agent reply that breaks the default QA pack (absolute words, off-platform contact).
BAD_REPLY = "这是全网最低价，加微信给你便宜"


def conversation_rows(
    *,
    store,
    day: date,
    hour: int,
    bot: bool,
    text: str,
    reply_after_s: int = 12,
    reply: str = "亲，您好！已为您查询，请稍等～",
) -> list[dict]:
    """One conversation as canonical JSONL rows: a buyer question and a bot or agent reply."""
    n = next(_seq)
    start = datetime(day.year, day.month, day.day, hour, 5, tzinfo=SHANGHAI)
    base = {"platform": store.platform, "shop": store.shop_id, "conversation_id": f"R{n:06d}", "buyer": f"buyer{n}"}
    replier = {"sender_role": "bot", "agent": ""} if bot else {"sender_role": "agent", "agent": "rep-agent"}
    return [
        {
            **base,
            "message_id": f"R{n}-1",
            "sent_at": start.isoformat(),
            "sender_role": "buyer",
            "agent": "",
            "msg_type": "text",
            "content": text,
        },
        {
            **base,
            "message_id": f"R{n}-2",
            "sent_at": (start + timedelta(seconds=reply_after_s)).isoformat(),
            **replier,
            "msg_type": "text",
            "content": "亲，您好！已为您查询，请稍等～",
        },
    ]


def import_conversations(tmp_path: Path, rows: list[dict], name: str = "chats.jsonl"):
    path = tmp_path / f"{next(_seq)}-{name}"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    run = import_file(path=path, file_format="canonical_jsonl")
    assert run.status == "succeeded", run.errors
    return run


def month_of_chats(*, store, year: int, month: int, per_day: int = 3, promo_days: dict | None = None) -> list[dict]:
    """A deterministic month: `per_day` conversations a day (more on promo days), 2 of 3 by the bot."""
    promo_days = promo_days or {}
    rows = []
    day = date(year, month, 1)
    i = 0
    while day.month == month:
        for _k in range(promo_days.get(day, per_day)):
            rows += conversation_rows(
                store=store,
                day=day,
                hour=9 + i % 12,
                bot=i % 3 != 0,
                text=BUYER_TEXTS[i % len(BUYER_TEXTS)],
                reply_after_s=8 + (i % 5) * 9,
                reply=BAD_REPLY if i % 7 == 3 else "亲，您好！已为您查询，请稍等～",
            )
            i += 1
        day += timedelta(days=1)
    return rows
