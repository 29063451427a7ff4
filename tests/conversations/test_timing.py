"""Timing engine: rounds, first response, 3-minute rule in Asia/Shanghai, hand-over detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.conversations.timing import TimedMessage, conversation_timing

# 2026-11-11 10:00 Asia/Shanghai == 02:00 UTC
T0 = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)


def msgs(*spec):
    """spec items: (seconds after T0, role, content='')"""
    return [TimedMessage(T0 + timedelta(seconds=s), role, *rest) for s, role, *rest in spec]


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


def test_bot_then_human_counts_only_rounds_after_the_bot():
    t = conversation_timing(
        msgs((0, "buyer"), (1, "bot"), (10, "buyer", "转人工"), (40, "agent"), (50, "buyer"), (55, "agent"))
    )
    assert t.handled_by == "human"
    assert t.transferred_to_human
    assert t.buyer_rounds == 2
    assert t.first_response_seconds == 30
    assert t.response_seconds_total == 35


def test_transfer_notice_marks_the_handover():
    t = conversation_timing(
        msgs((0, "buyer"), (1, "bot"), (5, "buyer"), (6, "system", "正在为您转接人工客服"), (8, "buyer"), (20, "agent"))
    )
    assert t.transferred_to_human
    assert t.buyer_rounds == 1
    assert t.first_response_seconds == 12


def test_transfer_without_agent_is_bot_handled_and_unanswered():
    t = conversation_timing(msgs((0, "buyer"), (2, "system", "转人工中"), (10, "buyer"), (100, "buyer")))
    assert t.handled_by == "bot"
    assert t.transferred_to_human
    assert t.buyer_rounds == 1
    assert t.rounds_answered == 0
    assert t.first_response_seconds is None
    assert t.max_wait_seconds == 90


def test_rounds_outside_service_hours_do_not_count_for_the_three_minute_rule():
    night = datetime(2026, 11, 10, 17, 30, tzinfo=UTC)  # 01:30 Shanghai
    t = conversation_timing([TimedMessage(night, "buyer"), TimedMessage(night + timedelta(seconds=50), "agent")])
    assert t.buyer_rounds == 1
    assert t.rounds_in_service_hours == 0
    assert t.rounds_answered_180s == 0


def test_eight_oclock_local_is_in_service_hours():
    eight = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    t = conversation_timing([TimedMessage(eight, "buyer"), TimedMessage(eight + timedelta(seconds=180), "agent")])
    assert t.rounds_in_service_hours == 1
    assert t.rounds_answered_180s == 1


def test_epoch_seconds_are_accepted():
    t = conversation_timing([TimedMessage(1000.0, "buyer"), TimedMessage(1012.4, "agent")])
    assert t.first_response_seconds == 12
