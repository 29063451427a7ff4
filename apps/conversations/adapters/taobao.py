"""Taobao / Tmall chat-log JSON (the shape of the chat-log API: messages {content, direction, time}).

Envelope (one file = one shop)::

    {
      "platform": "tmall",            # or "taobao"
      "shop_id": "yuefu-tmall-01",
      "export_time": "2026-11-12 09:00:00",
      "conversations": [
        {
          "conversation_id": "TB20261111-0001",   # optional: else "tb-" + hmac(buyer_nick|local date)[:16]
          "buyer_nick": "tb_小鹿123",
          "agent_nick": "悦肤旗舰店:小美",          # sub-account; the part after ":" is the agent nick
          "messages": [
            {"msg_id": "m1", "direction": 0, "time": "2026-11-11 00:05:12", "content": "在吗", "msg_type": "text"},
            {"msg_id": "m2", "direction": 1, "time": 1794326740000, "content": "亲，在的", "is_robot": true}
          ]
        }
      ]
    }

direction 0 = buyer to shop, 1 = shop to buyer (an agent, or the bot when "is_robot" is true);
"msg_type" "system" marks a platform notice (sender system). `time` is "YYYY-MM-DD HH:MM:SS"
Asia/Shanghai or epoch milliseconds. `msg_id` is optional (then "<conversation_id>-<n>").
Rows are numbered 1.. over all messages of the file, in file order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from django.utils.translation import gettext as _

from apps.conversations.adapters.base import (
    JSON_DEPTH_LIMIT,
    SHANGHAI,
    FileError,
    Record,
    RowError,
    json_depth_error_line,
    json_error_text,
    parse_local,
    shown,
)
from apps.conversations.pseudonyms import keyed_digest

_TEXT_KEYS = ("content", "msg_id", "msg_type", "time", "direction")
MSG_TYPES = {
    "text": "text",
    "image": "image",
    "pic": "image",
    "order": "order",
    "product": "product",
    "item": "product",
    "system": "system",
}


def _time(value) -> float:
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, int | float):
        return float(value) / 1000.0
    text = str(value).strip()
    if text.isdigit():
        return int(text) / 1000.0
    return parse_local(text)


def agent_nick(value: str) -> str:
    """ "shop:sub-account" -> "sub-account"; a plain nick is kept."""
    return value.split(":", 1)[1].strip() if ":" in value else value.strip()


def read_taobao_json(text: str) -> Iterator[Record | RowError]:
    platform, shop, conversations = _envelope(text)
    row = 0
    for ci, conv in enumerate(conversations):
        messages = conv.get("messages") if isinstance(conv, dict) else None
        if not isinstance(messages, list):
            row += 1
            yield RowError(row, f"conversations[{ci}].messages", _("missing list of messages"))
            continue
        buyer = str(conv.get("buyer_nick") or "")
        agent = agent_nick(str(conv.get("agent_nick") or ""))
        conv_id = _conversation_id(conv, buyer, messages)
        for mi, msg in enumerate(messages):
            row += 1
            yield _message(
                row, msg, ci, mi, conv, platform=platform, shop=shop, conv_id=conv_id, agent=agent, buyer=buyer
            )


def _envelope(text: str) -> tuple[str, str, list]:
    """(platform, shop id, conversations) of the export, or the FileError of a file that is not one."""
    if not text.strip():
        raise FileError(_("the file is empty"), row=1, field=None)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(
            _("not JSON: %(error)s") % {"error": json_error_text(exc.msg)}, row=exc.lineno, field=None
        ) from None
    except RecursionError:
        row = json_depth_error_line(text)
        raise FileError(
            _("JSON nested deeper than %(limit)s levels") % {"limit": JSON_DEPTH_LIMIT}, row=row, field=None
        ) from None
    if not isinstance(doc, dict):
        raise FileError(_("the top level must be an object with platform, shop_id and conversations"), row=1)
    for key in ("platform", "shop_id", "conversations"):
        if key not in doc:
            raise FileError(_("missing field %(field)s in the envelope") % {"field": repr(key)}, row=1, field=key)
    conversations = doc["conversations"]
    if not isinstance(conversations, list) or not conversations:
        raise FileError(_("the file has no conversations"), row=1, field="conversations")
    return str(doc["platform"]), str(doc["shop_id"]), conversations


def _conversation_id(conv: dict, buyer: str, messages: list) -> str:
    """The export's conversation id, or one made from the buyer and the local day of the first message."""
    conv_id = str(conv.get("conversation_id") or "")
    if not conv_id and messages:
        try:
            first = _time(messages[0].get("time"))
        except (ValueError, AttributeError, TypeError):
            first = None
        if first is not None:
            day = f"{datetime.fromtimestamp(first, SHANGHAI):%Y-%m-%d}"
            conv_id = "tb-" + keyed_digest(f"{buyer}|{day}", 16)
    return conv_id


def _message(
    row: int, msg, ci: int, mi: int, conv: dict, *, platform: str, shop: str, conv_id: str, agent: str, buyer: str
) -> Record | RowError:
    """Message ``mi`` of conversation ``ci`` as a record, or the error of its first bad field."""
    where = f"conversations[{ci}].messages[{mi}]"
    if not isinstance(msg, dict):
        return RowError(row, where, _("not an object"))
    for key in ("direction", "time", "content"):
        if key not in msg:
            return RowError(row, f"{where}.{key}", _("missing field %(field)s") % {"field": repr(key)})
    nested = next((k for k in _TEXT_KEYS if isinstance(msg.get(k), dict | list)), None)
    if nested is not None or isinstance(conv.get("buyer_nick"), dict | list):
        field_name = f"{where}.{nested}" if nested else f"conversations[{ci}].buyer_nick"
        return RowError(row, field_name, _("must be text, not a JSON object or list"))
    try:
        epoch = _time(msg["time"])
    except (ValueError, TypeError, OverflowError):
        return RowError(row, f"{where}.time", _("unparseable time %(value)s") % {"value": repr(shown(msg["time"]))})
    direction = msg["direction"]
    raw_kind = str(msg.get("msg_type") or "text")
    kind = MSG_TYPES.get(raw_kind, raw_kind)
    if kind == "system":
        role = "system"
    elif direction in (0, "0"):
        role = "buyer"
    elif direction in (1, "1"):
        role = "bot" if msg.get("is_robot") else "agent"
    else:
        return RowError(
            row,
            f"{where}.direction",
            _("direction must be 0 or 1, got %(value)s") % {"value": repr(shown(direction))},
        )
    return Record(
        row,
        platform,
        shop,
        conv_id,
        str(msg.get("msg_id") or f"{conv_id}-{mi + 1}"),
        epoch,
        role,
        agent if role == "agent" else "",
        buyer,
        kind,
        str(msg["content"] if msg["content"] is not None else ""),
    )
