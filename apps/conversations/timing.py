"""Response timing of one conversation: the ONE definition of the human side, rounds, first response,
average response, the 3-minute rule, the 100-second wait and "last buyer message unanswered".

Pure: no Django. Written from `docs/qa_rule_meanings.md`, section "Timing rules", which is the
contract; the importer (Conversation's timing fields, so the KPIs of apps.conversations.metrics, the
SLA measurement of apps.contracts and every report figure) and the QA timing rules of apps.qa.engine
(first_response_slow, avg_response_slow, three_minute_miss, buyer_wait_100s, last_unanswered) all
call `human_rounds` below, so a QA hit count and the KPI it mirrors cannot disagree.

Timestamps are aware datetimes (any zone) or POSIX seconds. Every wait is in whole seconds, rounded
half up from the timestamps (platform exports carry whole seconds; 30.4 s counts as 30 s).

Definitions:

* **Human-handled.** A chat with at least one agent (human) message; otherwise it is bot-only and
  has no human side: no rounds, no first response, no timing rule fires (a chat handed over by a
  transfer notice that no human ever answered is bot-handled and `transferred_to_human`; the KPIs
  count it on its own as "transferred, never answered by a human").
* **Human side / hand-over moment.** In a human-only chat (no bot message before the first agent
  message and no transfer notice before it) the human side starts with the chat. In a chat handed
  over from the bot it starts at the **hand-over moment**: the first system transfer notice (a
  system message containing 转人工 / 转接 / 人工客服) if one precedes the first agent message, else
  the bot's last message before the first agent message. Buyer messages before it belong to the bot.
* **Needs an answer.** Every buyer message except a pure courtesy or acknowledgement: after NFKC,
  lower case and removing spaces, punctuation, symbols and emoji, the text is empty or a run of the
  words in `COURTESY_WORDS` (好的, 谢谢, 嗯, 哦, ok, 收到, 行, 知道了, 么么哒 … or a mix:
  "嗯嗯好的谢谢👍"), once stickers are removed: a sticker is a name in square brackets ("[表情]",
  "[捂脸笑]", "[OK]") other than a card, attachment or mask (`NOT_STICKERS`). A message of question
  marks alone ("？？") is a nudge and needs an answer; an image, product or order card ("[图片]",
  "[商品]") and an empty message (nothing shows it is courtesy) need one too.
* **Round.** On the human side a round opens at a buyer message that needs an answer when no round
  is open, and closes at the next agent message. In a handed-over chat the first round opens at the
  hand-over moment (the buyer has waited for a human since then) whatever the buyer writes after
  it. Bot and system messages neither open nor close rounds. Only the last round can stay open.
* **Wait of a round** = its answer − its opening; a round never answered waits until the
  conversation's last message.
* **First response** = the wait of the first round if it was answered, else None (also None when
  the human side has no round: the buyer never asked anything that needed an answer).
  QA `first_response_slow`: first response > 30 s (exactly 30 s is in time).
* **Average response** = mean wait over answered rounds (the KPI pools the rounds of the period:
  `response_seconds_total / rounds_answered`). QA `avg_response_slow`: the chat's mean > 45 s.
* **3-minute rule.** A round opened 08:00–24:00 Asia/Shanghai (UTC+8, no daylight saving) is a
  miss when answered more than 180 s after it opened, or never. `rounds_in_service_hours` counts
  those rounds, `rounds_answered_180s` the ones answered in time. QA `three_minute_miss`: a chat
  with at least one miss (its in-time share below `min_rate`, 1 by default).
* **Longest wait** `max_wait_seconds` = the longest round wait. QA `buyer_wait_100s`: ≥ 100 s.
* **Last unanswered**: the buyer's last message that needs an answer has no agent message after it,
  i.e. the last round is still open (`buyer_rounds > rounds_answered`).
* `handled_by` is "human" if any agent message exists, else "bot"; `transferred_to_human` is true
  if a bot spoke before the first agent message or a transfer notice exists anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

SHANGHAI_OFFSET_S = 8 * 3600
SERVICE_HOURS_START_S = 8 * 3600  # 08:00 local; service hours run to 24:00
THREE_MINUTES_S = 180
FIRST_RESPONSE_TARGET_S = 30
AVERAGE_RESPONSE_TARGET_S = 45
LONG_WAIT_S = 100
TRANSFER_MARKERS = ("转人工", "转接", "人工客服")

# Pure courtesy / acknowledgement from a buyer: needs no answer (simplified and traditional forms).
COURTESY_WORDS = (
    "好的",
    "好滴",
    "好哒",
    "好吧",
    "好",
    "嗯",
    "恩",
    "哦",
    "噢",
    "ok",
    "okay",
    "谢谢",
    "謝謝",
    "谢了",
    "多谢",
    "感谢",
    "感謝",
    "谢谢你们",
    "谢谢你",
    "謝謝你",
    "亲",
    "收到",
    "行吧",
    "行",
    "知道了",
    "明白了",
    "明白",
    "了解",
    "辛苦了",
    "辛苦",
    "拜拜",
    "再见",
    "再見",
    "没事了",
    "沒事了",
    "没了",
    "没有了",
    "哈",
    "啦",
    "呢",
    "呀",
    "了",
    "表情",
    "动画表情",
    # thanks and affection in chat slang: a buyer signing off fondly is not asking anything
    "么么哒",
    "么么",
    "mua",
    "比心",
    "爱你",
    "赞",
    "点赞",
    "棒",
    "好嘞",
    "嗯呢",
    "谢啦",
    "谢谢啦",
    "蟹蟹",
    "感恩",
    "thx",
    "thanks",
    "thankyou",
    "3q",
)
"""Words a courtesy message is made of. "亲" counts only inside a run ("好的亲"): a message that is
only 亲 (a buyer calling for attention) needs an answer, and so do greetings (你好, 在吗)."""

BUYER = "buyer"
AGENT = "agent"
BOT = "bot"
SYSTEM = "system"

_NOISE = re.compile(r"[\W_]+")  # spaces, punctuation, symbols, emoji
_COURTESY = re.compile("(?:" + "|".join(re.escape(w) for w in sorted(COURTESY_WORDS, key=len, reverse=True)) + ")*")
_CALLS = frozenset({"亲", "亲亲"})
# A sticker as the chat exports write it: its name in square brackets ([捂脸笑], [OK], [爱心]). The
# bracketed names below are not stickers: cards and attachments the buyer sends ([图片], [商品], [订单]
# …) and the masks the importer puts in place of shopper data ([手机号] …) carry content to answer.
_STICKER = re.compile(r"\[([^\[\]\s]{1,8})\]")
NOT_STICKERS = frozenset(
    {
        "图片",
        "商品",
        "订单",
        "视频",
        "语音",
        "文件",
        "链接",
        "位置",
        "卡片",
        "优惠券",
        "红包",
        "手机号",
        "身份证号",
        "银行卡号",
        "地址",
    }
)


class TimedMessage(NamedTuple):
    """One message as the timing engine needs it. `sent_at` is an aware datetime or POSIX seconds."""

    sent_at: datetime | float
    sender_role: str
    content: str = ""


class Round(NamedTuple):
    """One round of the human side. `opened` is the index of the message that opened it (a buyer
    message, or the hand-over message for the first round of a handed-over chat); `answer` the
    index of the agent message that closed it, or None; `wait` whole seconds (to the answer, or to
    the conversation's last message when never answered)."""

    opened: int
    answer: int | None
    opened_at: float
    wait: int
    in_service_hours: bool


@dataclass(frozen=True)
class ConversationTiming:
    """Timing fields of a Conversation row (seconds; started_at/ended_at in the input's type)."""

    started_at: datetime | float
    ended_at: datetime | float
    message_count: int
    handled_by: str
    transferred_to_human: bool
    first_response_seconds: int | None
    buyer_rounds: int
    rounds_answered: int
    response_seconds_total: int
    rounds_in_service_hours: int
    rounds_answered_180s: int
    max_wait_seconds: int


def is_transfer_notice(sender_role: str, content: str) -> bool:
    """A system message that hands the buyer over to a human agent."""
    return sender_role == SYSTEM and any(marker in content for marker in TRANSFER_MARKERS)


def in_service_hours(epoch_seconds: float) -> bool:
    """True if the instant falls 08:00–24:00 Asia/Shanghai."""
    return (epoch_seconds + SHANGHAI_OFFSET_S) % 86400 >= SERVICE_HOURS_START_S


@lru_cache(maxsize=65536)
def needs_answer(content: str) -> bool:
    """Does this buyer message need an answer? False only for pure courtesy (see the module doc)."""
    folded = unicodedata.normalize("NFKC", content or "").lower()
    if "[" in folded:  # stickers read as courtesy (an emoji in another form); cards and masks do not
        folded = _STICKER.sub(lambda m: "" if m.group(1) not in NOT_STICKERS else m.group(0), folded)
        if not folded.strip():
            return False
    text = _NOISE.sub("", folded)
    if not text:
        # "？？" nudges and an empty message is not known to be courtesy; an emoji alone is
        return "?" in folded or not folded.strip()
    if text in _CALLS:
        return True
    return _COURTESY.fullmatch(text) is None


def _seconds(delta: float) -> int:
    return max(0, int(delta + 0.5))


def handover_index(roles: Sequence[str], contents: Sequence[str]) -> tuple[int, int]:
    """(first agent message, hand-over message) indexes. The first is -1 when no agent message exists
    (bot-only: no human side). The hand-over is -1 for a human-only chat (the human side starts with
    the chat), else the first transfer notice before the first agent message, or failing that the
    bot's last message before it."""
    transfer = last_bot = -1
    for i, role in enumerate(roles):
        if role == AGENT:
            return i, (transfer if transfer >= 0 else last_bot)
        if role == BOT:
            last_bot = i
        elif role == SYSTEM and transfer < 0 and is_transfer_notice(role, contents[i]):
            transfer = i
    return -1, transfer


def human_rounds(epochs: Sequence[float], roles: Sequence[str], contents: Sequence[str]) -> list[Round]:
    """The rounds of the human side of a conversation whose messages are in chronological order
    (parallel columns: POSIX seconds, roles, contents). Empty for a bot-only chat."""
    first_agent, handover = handover_index(roles, contents)
    if first_agent < 0:
        return []
    rounds: list[Round] = []
    open_i = -1
    open_at = 0.0
    if handover >= 0:
        open_i, open_at = handover, epochs[handover]
    for i in range(handover + 1, len(roles)):
        role = roles[i]
        if role == BUYER:
            if open_i < 0 and needs_answer(contents[i]):
                open_i, open_at = i, epochs[i]
        elif role == AGENT and open_i >= 0:
            rounds.append(Round(open_i, i, open_at, _seconds(epochs[i] - open_at), in_service_hours(open_at)))
            open_i = -1
    if open_i >= 0:
        rounds.append(Round(open_i, None, open_at, _seconds(epochs[-1] - open_at), in_service_hours(open_at)))
    return rounds


def conversation_timing(messages: Sequence[TimedMessage]) -> ConversationTiming:
    """Timing of a conversation whose `messages` are in chronological order (non-empty)."""
    if not messages:
        raise ValueError("a conversation needs at least one message")
    first = messages[0].sent_at
    epochs = [m.sent_at if isinstance(m.sent_at, int | float) else m.sent_at.timestamp() for m in messages]
    roles = [m.sender_role for m in messages]
    contents = [m.content for m in messages]
    fields = timing_from_columns(epochs, roles, contents)
    return ConversationTiming(started_at=first, ended_at=messages[-1].sent_at, message_count=len(messages), **fields)


def timing_from_columns(epochs: Sequence[float], roles: Sequence[str], contents: Sequence[str]) -> dict:
    """The fast path the importer uses: parallel columns of POSIX seconds, roles and contents.

    Returns the ConversationTiming fields except started_at, ended_at and message_count.
    """
    rounds = human_rounds(epochs, roles, contents)
    has_agent = AGENT in roles
    transferred = any(is_transfer_notice(r, c) for r, c in zip(roles, contents, strict=True) if r == SYSTEM)
    if not transferred and has_agent:
        transferred = BOT in roles[: roles.index(AGENT)]
    answered = [r for r in rounds if r.answer is not None]
    in_hours = [r for r in rounds if r.in_service_hours]
    return {
        "handled_by": "human" if has_agent else "bot",
        "transferred_to_human": transferred,
        "first_response_seconds": rounds[0].wait if rounds and rounds[0].answer is not None else None,
        "buyer_rounds": len(rounds),
        "rounds_answered": len(answered),
        "response_seconds_total": sum(r.wait for r in answered),
        "rounds_in_service_hours": len(in_hours),
        "rounds_answered_180s": sum(1 for r in in_hours if r.answer is not None and r.wait <= THREE_MINUTES_S),
        "max_wait_seconds": max((r.wait for r in rounds), default=0),
    }
