"""The QA benchmarks run in quick mode so they never rot (no timing is asserted), and the qa_engine
baseline gives the engine's answers (fired rules and score) on every gold chat."""

from __future__ import annotations

import pytest

from apps.qa import engine
from bench.harness import run_one
from bench.qa_engine import BaselineCard, conversations, disagreements
from tests.qa.test_accuracy import gold, to_input

KEYS = {"name", "size", "metric", "value", "unit", "baseline", "baseline_value", "ratio", "bound"}


def test_bench_qa_engine_quick_record_shape():
    record = run_one("qa_engine", quick=True)
    assert KEYS <= set(record) and record["unit"] == "conversations/s"
    assert record["extra"]["rule types"] == 10 and record["extra"]["lexicon terms"] >= 3000
    assert record["extra"]["baseline agrees with engine (fired rules and score)"] == "200/200"


@pytest.mark.django_db(transaction=True)
def test_bench_qa_pipeline_quick_record_shape():
    record = run_one("qa_pipeline", quick=True)
    assert KEYS <= set(record) and record["extra"]["results"] == 300


# The benchmark's baseline must give the engine's answers, or the ratio compares different work.


def _gold_inputs() -> list[engine.ConversationIn]:
    return [to_input(conv) for conv in gold()]


@pytest.mark.parametrize("per_term", [False, True], ids=["alternation", "per-term"])
def test_bench_qa_baseline_agrees_with_the_engine_on_every_gold_chat(pack, per_term):
    convs = _gold_inputs()
    assert len(convs) >= 500 and any(c.key.startswith("h") for c in convs)  # gold.json + hand-written
    assert disagreements(BaselineCard(pack.spec, per_term=per_term), pack, convs) == []


def _rule(code, type_, params, **kw) -> engine.RuleSpec:
    return engine.RuleSpec(code=code, name=code, type=type_, params=params, **kw)


def _options_scorecard() -> engine.ScorecardSpec:
    """Options the default pack does not use: all / N-of, conversation scope, last turns, platform
    filters, negation windows, disabled rules, not-applicable items, buyer regex and repetition,
    nested combinations."""
    return engine.ScorecardSpec(
        items=(
            engine.ItemSpec("a", "a", weight=15),
            engine.ItemSpec("crit", "crit", weight=100, critical=True),
            engine.ItemSpec("gone", "gone", not_applicable=True),
            engine.ItemSpec("plus", "plus", weight=4, bonus=True),
        ),
        pass_mark=85,
        rules=(
            _rule("all_msg", "keyword", {"mode": "all", "words": ["发货", "今天"]}, score_change=-4, item="a"),
            _rule(
                "nof_conv",
                "keyword",
                {"mode": "n_of", "n": 3, "scope": "conversation", "words": ["最低价", "全网最低价", "满减", "券"]},
                score_change=-5,
                item="a",
            ),
            _rule(
                "last_turns",
                "keyword",
                {"words": ["谢谢", "好的", "投诉"], "turns": {"last": 2}, "negators": ["不"], "negation_window": 1},
                role="buyer",
                severity="info",
            ),
            _rule("first_turn", "keyword", {"words": ["您好", "亲"], "turns": {"first": 1}}, severity="info"),
            _rule("jd_only", "keyword", {"words": ["自营", "京东"]}, platforms=("jd",), score_change=-3, item="a"),
            _rule("off", "keyword", {"words": ["的"]}, enabled=False, score_change=-50),
            _rule("na", "keyword", {"words": ["的"]}, item="gone", score_change=-50),
            _rule(
                "buyer_rx",
                "regex",
                {"pattern": r"\d{3,}", "exclude": "订单"},
                role="buyer",
                severity="alert",
                bot_applicable=True,
            ),
            _rule("buyer_rep", "repetition", {"min_repeats": 2, "window": 3, "min_length": 2}, role="buyer"),
            _rule("pii_only_tokens", "pii", {}, severity="critical", score_change=-100, item="crit"),
            _rule("senti_list", "sentiment", {"words": ["差", "慢", "投诉"], "threshold": 1}, role="buyer"),
            _rule("mand_plain", "mandatory", {"trigger_words": ["发货"], "required_words": ["今天", "明天"]}),
            _rule("late", "timing", {"metric": "buyer_wait", "threshold_s": 40}, score_change=-2, item="a"),
            _rule("either", "combination", {"op": "or", "rules": ["all_msg", "jd_only"]}, severity="info"),
            _rule("both", "combination", {"op": "and", "rules": ["either", "last_turns"]}, score_change=3, item="plus"),
            _rule("neither", "combination", {"op": "not", "rules": ["both"]}, score_change=-1, item="a"),
            _rule("na_child", "combination", {"op": "not", "rules": ["first_turn"]}, platforms=("tmall", "jd")),
        ),
    )


def _edge_conversations() -> list[engine.ConversationIn]:
    m = engine.MessageIn
    return [
        engine.ConversationIn("empty", "tmall", ()),
        engine.ConversationIn("system", "tmall", (m("system", 0, "会话开始"),)),
        engine.ConversationIn("nobody", "tmall", (m("buyer", 0, "在吗"),)),
        engine.ConversationIn("no_agent", "tmall", (m("buyer", 0, "在吗"), m("agent", 5, "在的")), has_agent=False),
        engine.ConversationIn(
            "bot_only", "jd", (m("buyer", 0, "转人工 订单号3156"), m("bot", 1, "您好")), handled_by="bot"
        ),
        engine.ConversationIn(
            "bot_to_human",
            "jd",
            (m("buyer", 0, "转人工"), m("bot", 1, "正在转接"), m("buyer", 2, "[手机号]")),
            transferred_to_human=True,
        ),
        engine.ConversationIn(
            "images",
            "tmall",
            (
                m("buyer", 0, "投诉投诉", "image"),
                m("agent", 50, "亲 全网最低价 满减 券", "text"),
                m("buyer", 60, "12345"),
                m("agent", 200, "今天发货", "image"),
                m("buyer", 210, "12345"),
            ),
        ),
    ]


def test_bench_qa_baseline_agrees_with_the_engine_on_options_the_pack_does_not_use():
    spec = _options_scorecard()
    card = engine.compile_scorecard(spec)
    convs = _gold_inputs() + conversations(300) + _edge_conversations()
    assert disagreements(BaselineCard(spec), card, convs) == []
    fired = {code for c in convs for code in card.score(c).fired}
    assert fired >= {"all_msg", "nof_conv", "last_turns", "jd_only", "buyer_rx", "buyer_rep", "both", "neither"}
    assert not fired & {"off", "na"}
