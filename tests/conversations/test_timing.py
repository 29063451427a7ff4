"""Timing engine, against docs/qa_rule_meanings.md "Timing rules": the human side and the hand-over
moment, what needs an answer, rounds, first response, the 3-minute rule in Asia/Shanghai, waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.conversations.timing import TimedMessage, conversation_timing, human_rounds, needs_answer

# 2026-11-11 10:00 Asia/Shanghai == 02:00 UTC
T0 = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)


def msgs(*spec):
    """spec items: (seconds after T0, role, content='在吗' for a buyer, '' otherwise)"""
    out = []
    for s, role, *rest in spec:
        content = rest[0] if rest else ("在吗" if role == "buyer" else "")
        out.append(TimedMessage(T0 + timedelta(seconds=s), role, content))
    return out


def test_human_only_chat():
    t = conversation_timing(msgs((0, "buyer"), (20, "agent"), (60, "buyer"), (70, "buyer"), (300, "agent")))
    assert t.handled_by == "human"
    assert not t.transferred_to_human
    assert t.first_response_seconds == 20
    assert t.buyer_rounds == 2
    assert t.rounds_answered == 2
    assert t.response_seconds_total == 20 + 240
    assert t.rounds_in_service_hours == 2
    assert t.rounds_answered_180s == 1
    assert t.max_wait_seconds == 240
    assert t.message_count == 5
    assert t.started_at == T0
    assert t.ended_at == T0 + timedelta(seconds=300)


def test_bot_only_chat_has_no_rounds():
    t = conversation_timing(msgs((0, "buyer"), (1, "bot"), (30, "buyer"), (31, "bot")))
    assert t.handled_by == "bot"
    assert not t.transferred_to_human
    assert t.buyer_rounds == 0
    assert t.first_response_seconds is None


def test_without_a_notice_the_wait_starts_at_the_bots_last_message():
    t = conversation_timing(
        msgs((0, "buyer"), (1, "bot"), (10, "buyer", "转人工"), (40, "agent"), (50, "buyer"), (55, "agent"))
    )
    assert t.handled_by == "human"
    assert t.transferred_to_human
    assert t.buyer_rounds == 2
    assert t.first_response_seconds == 39  # from the bot's last message at 1 s
    assert t.response_seconds_total == 39 + 5


def test_the_transfer_notice_is_the_handover_moment():
    # the buyer restates the question at 8 s; the human side (and the wait) began at the notice, 6 s
    t = conversation_timing(
        msgs((0, "buyer"), (1, "bot"), (5, "buyer"), (6, "system", "正在为您转接人工客服"), (8, "buyer"), (20, "agent"))
    )
    assert t.transferred_to_human
    assert t.buyer_rounds == 1
    assert t.first_response_seconds == 14


def test_the_first_round_of_a_handover_opens_even_if_the_buyer_says_nothing_more():
    rounds = human_rounds(
        [0, 1, 3, 50], ["buyer", "bot", "system", "agent"], ["转人工", "好的", "已为您转接人工客服", "您好"]
    )
    assert [(r.opened, r.answer, r.wait) for r in rounds] == [(2, 3, 47)]


def test_transfer_without_agent_is_bot_handled_with_no_human_rounds():
    t = conversation_timing(msgs((0, "buyer"), (2, "system", "转人工中"), (10, "buyer"), (100, "buyer")))
    assert t.handled_by == "bot"
    assert t.transferred_to_human
    assert t.buyer_rounds == 0
    assert t.first_response_seconds is None


def test_courtesy_opens_no_round_and_leaves_nothing_unanswered():
    t = conversation_timing(
        msgs((0, "buyer"), (10, "agent", "您好"), (20, "buyer", "好的，谢谢👍"), (400, "buyer", "嗯嗯"))
    )
    assert (t.buyer_rounds, t.rounds_answered, t.max_wait_seconds) == (1, 1, 10)


def test_an_unanswered_last_question_waits_until_the_last_message():
    t = conversation_timing(
        msgs((0, "buyer"), (10, "agent", "您好"), (20, "buyer", "发货了吗"), (150, "buyer", "？？"))
    )
    assert (t.buyer_rounds, t.rounds_answered, t.max_wait_seconds) == (2, 1, 130)
    assert t.rounds_in_service_hours == 2
    assert t.rounds_answered_180s == 1  # the unanswered round is a 3-minute miss


def test_an_unanswered_first_round_has_no_first_response():
    t = conversation_timing(msgs((0, "agent", "您好"), (5, "buyer", "在吗"), (60, "buyer", "人呢")))
    assert t.handled_by == "human"
    assert t.first_response_seconds is None
    assert (t.buyer_rounds, t.rounds_answered) == (1, 0)


def test_rounds_outside_service_hours_do_not_count_for_the_three_minute_rule():
    night = datetime(2026, 11, 10, 17, 30, tzinfo=UTC)  # 01:30 Shanghai
    t = conversation_timing(
        [TimedMessage(night, "buyer", "在吗"), TimedMessage(night + timedelta(seconds=50), "agent")]
    )
    assert t.buyer_rounds == 1
    assert t.rounds_in_service_hours == 0
    assert t.rounds_answered_180s == 0


def test_eight_oclock_local_is_in_service_hours_and_180_s_is_in_time():
    eight = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    t = conversation_timing(
        [TimedMessage(eight, "buyer", "在吗"), TimedMessage(eight + timedelta(seconds=180), "agent")]
    )
    assert t.rounds_in_service_hours == 1
    assert t.rounds_answered_180s == 1


def test_waits_are_whole_seconds_rounded_half_up():
    t = conversation_timing([TimedMessage(1000.0, "buyer", "在吗"), TimedMessage(1012.5, "agent")])
    assert t.first_response_seconds == 13
    t = conversation_timing([TimedMessage(1000.0, "buyer", "在吗"), TimedMessage(1030.4, "agent")])
    assert t.first_response_seconds == 30


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("好的", False),
        ("嗯嗯，好的谢谢~", False),
        ("ＯＫ👌", False),
        ("[表情]", False),
        ("👍", False),
        ("收到 知道了", False),
        ("谢谢你们", False),
        ("好的，那什么时候发货", True),
        ("你好", True),
        ("亲", True),
        ("？？", True),
        ("[图片]", True),
        ("", True),
    ],
)
def test_what_needs_an_answer(text, needed):
    assert needs_answer(text) is needed
