from __future__ import annotations

import random
import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from apps.conversations import demo_dialogues as dd

CATEGORIES = tuple(dd.PRODUCTS)
PLATFORMS = ("tmall", "taobao", "jd", "douyin", "pinduoduo", "cross_border")


def _sample(n: int, seed: int = 1, *, phase: str = "normal", load: float = 1.0, agent: str | None = "悦肤-小雨"):
    rng = random.Random(seed)
    return [
        dd.make_dialogue(
            rng,
            category=CATEGORIES[i % len(CATEGORIES)],
            platform=PLATFORMS[i % len(PLATFORMS)],
            shop="测试旗舰店",
            bot_name="小悦",
            agent_nick=agent,
            phase=phase,
            load=load,
        )
        for i in range(n)
    ]


def test_same_seed_gives_the_same_dialogues():
    assert _sample(200, seed=3) == _sample(200, seed=3)
    assert _sample(50, seed=3) != _sample(50, seed=4)


def test_every_requested_intent_occurs():
    dialogues = _sample(2000)
    intents = Counter(d.intent for d in dialogues)
    assert set(intents) == set(dd.INTENT_TOPIC)
    topics = Counter(d.topic for d in dialogues)
    assert set(topics) == {"presale", "logistics", "aftersale", "complaint"}


def test_bot_resolves_about_seventy_percent():
    dialogues = _sample(4000)
    share = sum(d.handled_by == "bot" for d in dialogues) / len(dialogues)
    assert 0.65 <= share <= 0.75


def test_bot_answers_first_and_humans_come_after_a_transfer_notice():
    for d in _sample(1000):
        roles = [t.role for t in d.turns]
        assert roles[0] == "buyer"
        assert roles.index("bot") < (roles.index("agent") if "agent" in roles else len(roles))
        if d.handled_by == "human":
            transfer = next(i for i, t in enumerate(d.turns) if t.role == "system")
            assert "转" in d.turns[transfer].content
            assert roles.index("agent") > transfer


def test_agents_greet_and_close():
    humans = [d for d in _sample(2000) if d.handled_by == "human"]
    greeted = [
        d for d in humans if re.search("您好|亲|欢迎光临|在的", next(t for t in d.turns if t.role == "agent").content)
    ]
    assert len(greeted) == len(humans)
    closed = [
        d
        for d in humans
        if re.search("还有其他|祝您|不客气|感谢", [t for t in d.turns if t.role == "agent"][-1].content)
    ]
    assert len(closed) / len(humans) > 0.85


def test_without_a_human_on_duty_the_bot_keeps_the_chat():
    dialogues = _sample(1000, agent=None)
    assert all(d.handled_by == "bot" and not d.transferred for d in dialogues)
    assert all(t.role != "agent" for d in dialogues for t in d.turns)


def test_qa_events_are_a_controlled_minority_of_human_chats():
    humans = [d for d in _sample(8000) if d.handled_by == "human"]
    events = Counter(e for d in humans for e in d.events)
    for event in ("absolute_words", "forbidden_promise", "off_platform", "review_manipulation", "shirking"):
        assert 0.005 < events[event] / len(humans) < 0.06, event
    assert events["escalation_soothed"] and events["escalation_unsoothed"]
    assert events["slow_first_30"] and events["slow_first_180"] and events["unanswered_last"]
    assert events["repetition"] and events["abuse"]
    assert events["abuse"] < events["repetition"]


def test_injected_events_show_in_the_text_and_timing():
    for d in [d for d in _sample(4000) if d.handled_by == "human"]:
        agent_text = " ".join(t.content for t in d.turns if t.role == "agent")
        buyer_text = " ".join(t.content for t in d.turns if t.role == "buyer")
        if "off_platform" in d.events:
            assert re.search("微信|vx|QQ|支付宝", agent_text)
        if "review_manipulation" in d.events:
            assert "好评" in agent_text
        if "escalation_soothed" in d.events or "escalation_unsoothed" in d.events:
            assert re.search("投诉|12315|差评|曝光|平台介入|举报", buyer_text)
        if "unanswered_last" in d.events:
            assert d.turns[-1].role == "buyer"
        if "repetition" in d.events:
            assert max(Counter(t.content for t in d.turns if t.role == "agent").values()) >= 3
        if "slow_first_180" in d.events:
            transfer = next(i for i, t in enumerate(d.turns) if t.role == "system")
            first_agent = next(i for i, t in enumerate(d.turns) if t.role == "agent")
            assert d.turns[first_agent].at - d.turns[first_agent - 1].at > 180
            assert first_agent > transfer


def test_bot_replies_in_one_to_three_seconds_and_time_moves_forward():
    for d in _sample(1000):
        times = [t.at for t in d.turns]
        assert times == sorted(times)
        assert all(b - a >= 1 for a, b in zip(times[1:], times[2:], strict=False))
        for prev, turn in zip(d.turns, d.turns[1:], strict=False):
            if turn.role == "bot" and prev.role == "buyer":
                assert 1.0 <= turn.at - prev.at <= 3.05


def test_agents_are_slower_at_the_promo_peak():
    def mean_first(dialogues):
        gaps = []
        for d in dialogues:
            if d.handled_by == "human" and not {"slow_first_30", "slow_first_180"} & set(d.events):
                first = next(i for i, t in enumerate(d.turns) if t.role == "agent")
                gaps.append(d.turns[first].at - d.turns[first - 1].at)
        return sum(gaps) / len(gaps)

    assert mean_first(_sample(1500, load=3.0, phase="peak")) > 2 * mean_first(_sample(1500, phase="peak"))


def test_shoppers_type_personal_data_in_a_few_percent_of_chats():
    dialogues = _sample(5000)
    with_pii = [d for d in dialogues if d.pii]
    assert 0.02 < len(with_pii) / len(dialogues) < 0.07
    for d in with_pii:
        text = " ".join(t.content for t in d.turns if t.role == "buyer")
        assert all(value in text for value in d.pii)


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_ids_carry_a_valid_check_digit(seed):
    number = dd.fake_id_number(random.Random(seed))
    assert re.fullmatch(r"\d{17}[\dX]", number)
    assert dd.id_check_character(number[:17]) == number[17]


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_cards_pass_luhn_and_order_numbers_do_not(seed):
    rng = random.Random(seed)
    assert dd.luhn_valid(dd.fake_bank_card(rng))
    for platform in ("tmall", "douyin", "taobao"):
        assert not dd.luhn_valid(dd.order_number(rng, platform))
    assert re.fullmatch(r"1[3-9]\d{9}", dd.fake_mobile(rng))


def test_luhn_check_digit_matches_a_known_card_number():
    assert dd.luhn_valid("4111111111111111")
    assert not dd.luhn_valid("4111111111111112")
