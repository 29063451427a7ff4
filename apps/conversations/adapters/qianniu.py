"""Qianniu (千牛) chat text as copied out of the chat window.

Layout::

    平台：tmall
    店铺：yuefu-tmall-01
    与 tb_小鹿123 的聊天记录
    tb_小鹿123 2026-11-11 0:05:12
    在吗？双十一的满减还能用吗
    悦肤旗舰店:小美 2026-11-11 0:05:40
    亲，在的呢~
    撤回了一条消息
    已读

* The two header lines name the platform and the shop id (full-width or ASCII colon).
* `与 <buyer> 的聊天记录` starts the transcript of one buyer (several per file are allowed).
* `<nick> YYYY-M-D H:MM:SS` starts a message; the following lines, up to the next such line, are its
  text. The sender is the buyer if the nick is the buyer's; a bot if the nick contains 店小蜜,
  机器人 or 自动回复; the system if it is 系统 / 系统消息; otherwise an agent (the part after ":" of a
  "shop:sub-account" nick is the agent nick).
* Noise lines are dropped: 撤回了一条消息 (any "…撤回了一条消息"), 已读, 未读, and blank lines.
* A text of exactly [图片] / [商品] / [订单] is an image / product / order card.

Ids are derived deterministically with the keyed pseudonym (HMAC under TIDELINE_PSEUDONYM_KEY, never
an unkeyed hash of the buyer nick): conversation = "qn-" + hmac(buyer + local day)[:16];
message = "qn-" + hmac(conversation, time, sender, masked text, occurrence)[:16], so the same
transcript copied twice (or overlapping copies) imports once. A row is the line of the message's
`<nick> <time>` header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from django.utils.translation import gettext as _

from apps.conversations.adapters.base import SHANGHAI, FileError, Record, RowError, parse_local
from apps.conversations.adapters.taobao import agent_nick
from apps.conversations.masking import mask_text
from apps.conversations.pseudonyms import keyed_digest

_META_RE = re.compile(r"^(平台|店铺)\s*[:：]\s*(\S+)\s*$")
_WINDOW_RE = re.compile(r"^与\s*(.+?)\s*的聊天记录\s*$")
_HEADER_RE = re.compile(r"^(?P<nick>\S.*?)\s+(?P<ts>\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}:\d{2})\s*$")
_NOISE = {"已读", "未读"}
_BOT_MARKERS = ("店小蜜", "机器人", "自动回复")
_SYSTEM_NICKS = {"系统", "系统消息", "系统提示"}
_CARD_TYPES = {"[图片]": "image", "[商品]": "product", "[订单]": "order"}


def _is_noise(line: str) -> bool:
    return line in _NOISE or line.endswith("撤回了一条消息")


def _sha(text: str) -> str:
    return keyed_digest(text, 16)


def read_qianniu_text(text: str) -> Iterator[Record | RowError]:
    lines = text.splitlines()
    platform, shop, start = _header(lines)
    buyer = ""
    pending: tuple[int, str, str] | None = None  # (line, nick, time text)
    body: list[str] = []
    occurrences: dict[str, int] = {}
    produced = False

    def flush() -> Iterator[Record | RowError]:
        nonlocal produced
        item = _message(pending, body, buyer=buyer, platform=platform, shop=shop, occurrences=occurrences)
        if item is not None:
            produced = produced or type(item) is not RowError
            yield item

    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or _is_noise(line):
            continue
        window = _WINDOW_RE.match(line)
        if window is not None:
            yield from flush()
            pending, body = None, []
            buyer = window.group(1)
            continue
        header = _HEADER_RE.match(line)
        if header is not None:
            yield from flush()
            pending, body = (i + 1, header.group("nick"), header.group("ts")), []
            continue
        if pending is None:
            yield RowError(i + 1, "content", _("text before any '<nick> YYYY-M-D H:MM:SS' line"))
            continue
        body.append(line)
    yield from flush()
    if not produced and pending is None and not buyer:
        raise FileError(_("the file has no messages"), row=start + 1, field=None)


def _header(lines: list[str]) -> tuple[str, str, int]:
    """(platform, shop, index of the first line after the header lines) of a transcript, or its FileError."""
    if not any(line.strip() for line in lines):
        raise FileError(_("the file is empty"), row=1, field=None)
    meta: dict[str, str] = {}
    start = 0
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        m = _META_RE.match(line)
        if m is None:
            start = i
            break
        meta[m.group(1)] = m.group(2)
    else:
        start = len(lines)
    for key, field in (("平台", "platform"), ("店铺", "shop")):
        if key not in meta:
            raise FileError(_("missing header line '%(key)s：…'") % {"key": key}, row=1, field=field)
    return meta["平台"], meta["店铺"], start


def _message(
    pending: tuple[int, str, str] | None,
    body: list[str],
    *,
    buyer: str,
    platform: str,
    shop: str,
    occurrences: dict[str, int],
) -> Record | RowError | None:
    """The message whose header line is ``pending`` and whose text lines are ``body`` (None when there
    is none: no header yet, or only noise after it). ``occurrences`` counts identical messages, so a
    message said twice in the same second keeps two ids; it is updated here."""
    if pending is None:
        return None
    line_no, nick, ts = pending
    content = "\n".join(body)
    if not body:
        return None  # only noise after the header (e.g. a recalled message)
    if not buyer:
        return RowError(line_no, "buyer", _("message before any '与 … 的聊天记录' line"))
    try:
        epoch = parse_local(ts)
    except ValueError:
        return RowError(line_no, "sent_at", _("unparseable time (expected YYYY-M-D H:MM:SS)"))
    if nick == buyer:
        role, agent = "buyer", ""
    elif nick in _SYSTEM_NICKS:
        role, agent = "system", ""
    elif any(marker in nick for marker in _BOT_MARKERS):
        role, agent = "bot", ""
    else:
        role, agent = "agent", agent_nick(nick)
    day = datetime.fromtimestamp(epoch, SHANGHAI).date().isoformat()
    conv_id = "qn-" + _sha(f"{buyer}|{day}")
    key = f"{conv_id}|{epoch}|{nick}|{mask_text(content)}"
    n = occurrences.get(key, 0)
    occurrences[key] = n + 1
    msg_type = "system" if role == "system" else _CARD_TYPES.get(content.strip(), "text")
    return Record(
        line_no, platform, shop, conv_id, "qn-" + _sha(f"{key}|{n}"), epoch, role, agent, buyer, msg_type, content
    )
