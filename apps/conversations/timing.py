"""Response timing of one conversation, computed at import from its ordered messages.

Pure: no Django. All durations are whole seconds (int, rounded half up from the timestamps);
timestamps are aware datetimes (any zone) or POSIX seconds.

Definitions (shared with apps.conversations.metrics and the QA rules):

* **Hand-over to a human.** In a human-only chat (no bot message before the first agent message and
  no transfer notice) the human owns the chat from the start. Otherwise the hand-over is the first
  system transfer notice (a system message containing 转人工 / 转接 / 人工客服) if one precedes the first
  agent message, else the last bot message before the first agent message. A chat with no agent
  message hands over only through a transfer notice.
* **Round.** Only buyer messages after the hand-over count. A round opens at a buyer message when
  no round is open and closes at the next agent message; bot and system messages neither open nor
  close rounds. `buyer_rounds` counts rounds, `rounds_answered` those closed by an agent message,
  `response_seconds_total` sums (answer − opening) over answered rounds.
* **First response** = the first agent message after the first buyer message that needed a human,
  minus that buyer message (None if no agent ever answered it).
* **3-minute rule.** `rounds_in_service_hours` counts rounds opened 08:00–24:00 Asia/Shanghai
  (UTC+8, no daylight saving); `rounds_answered_180s` those of them answered within 180 seconds.
* **max_wait_seconds** is the longest round wait: answered rounds wait until their answer,
  an unanswered round until the conversation's last message.
* `handled_by` is "human" if any agent message exists, else "bot"; `transferred_to_human` is true
  if a bot spoke before the first agent message or a transfer notice exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

SHANGHAI_OFFSET_S = 8 * 3600
SERVICE_HOURS_START_S = 8 * 3600  # 08:00 local; service hours run to 24:00
THREE_MINUTES_S = 180
TRANSFER_MARKERS = ("转人工", "转接", "人工客服")

BUYER = "buyer"
AGENT = "agent"
BOT = "bot"
SYSTEM = "system"


class TimedMessage(NamedTuple):
    """One message as the timing engine needs it. `sent_at` is an aware datetime or POSIX seconds."""

    sent_at: datetime | float
    sender_role: str
    content: str = ""


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


def _seconds(delta: float) -> int:
    return max(0, int(delta + 0.5))


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
    n = len(roles)
    first_agent = -1
    transfer = -1
    last_bot_before_agent = -1
    for i in range(n):
        role = roles[i]
        if role == AGENT:
            first_agent = i
            break
        if role == BOT:
            last_bot_before_agent = i
        elif role == SYSTEM and transfer < 0 and is_transfer_notice(role, contents[i]):
            transfer = i
    transferred = last_bot_before_agent >= 0 if first_agent >= 0 else False
    if transfer >= 0:
        transferred = True
    elif first_agent >= 0 and not transferred:
        # Also a transfer notice after the first agent message counts as transferred.
        transferred = any(
            roles[i] == SYSTEM and is_transfer_notice(roles[i], contents[i]) for i in range(first_agent + 1, n)
        )

    if transfer >= 0:
        handover = transfer
    elif first_agent >= 0:
        handover = last_bot_before_agent  # -1 for a human-only chat: the human owns it from the start
    else:
        handover = n  # bot-only chat without a transfer notice: nothing for a human to answer

    rounds = answered = total = in_hours = within_180 = max_wait = 0
    first_response: int | None = None
    open_at: float | None = None
    open_in_hours = False
    for i in range(handover + 1, n):
        role = roles[i]
        if role == BUYER:
            if open_at is None:
                open_at = epochs[i]
                open_in_hours = in_service_hours(open_at)
                rounds += 1
                if open_in_hours:
                    in_hours += 1
        elif role == AGENT and open_at is not None:
            wait = _seconds(epochs[i] - open_at)
            answered += 1
            total += wait
            if wait > max_wait:
                max_wait = wait
            if open_in_hours and wait <= THREE_MINUTES_S:
                within_180 += 1
            if first_response is None:
                first_response = wait
            open_at = None
    if open_at is not None:
        wait = _seconds(epochs[n - 1] - open_at)
        if wait > max_wait:
            max_wait = wait

    return {
        "handled_by": "human" if first_agent >= 0 else "bot",
        "transferred_to_human": transferred,
        "first_response_seconds": first_response,
        "buyer_rounds": rounds,
        "rounds_answered": answered,
        "response_seconds_total": total,
        "rounds_in_service_hours": in_hours,
        "rounds_answered_180s": within_180,
        "max_wait_seconds": max_wait,
    }
