"""The pure QA engine: normalisation, each rule type, scoring and unscorable conversations."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.qa import engine
from apps.qa.engine import ConversationIn, MessageIn, RuleSpec, ScorecardSpec


def conv(*msgs, **kw) -> ConversationIn:
    return ConversationIn(
        key=1, platform=kw.pop("platform", "tmall"), messages=tuple(MessageIn(*m) for m in msgs), **kw
    )


def card(*rules, items=(), pass_mark=80) -> engine.CompiledScorecard:
    return engine.compile_scorecard(ScorecardSpec(rules=tuple(rules), items=tuple(items), pass_mark=pass_mark))


def kw(code="kw", words=("最低价",), **params) -> RuleSpec:
    return RuleSpec(
        code=code,
        name=code,
        type="keyword",
        params={"words": list(words), **params},
        severity=params.pop("severity", "major"),
        score_change=-10,
    )


def test_normalise_full_width_traditional_case_and_separators():
    assert engine.normalize("ＶＸ 最/低/價") == "vx最低价"


def test_offsets_point_into_the_original_text():
    text = "我们 全 网 最/低/價哦"
    norm, offsets = engine.normalize_with_offsets(text)
    start = norm.index("最低价")
    s, e = engine.original_span(offsets, start, start + 3)
    assert text[s:e] == "最/低/價"


@given(st.text(max_size=40))
def test_offsets_are_monotone_and_in_range(text):
    norm, offsets = engine.normalize_with_offsets(text)
    assert len(norm) == len(offsets)
    assert offsets == sorted(offsets)
    assert all(0 <= o < len(text) for o in offsets)
    assert norm == engine.normalize(text)


def test_keyword_hit_span_in_original_message():
    result = card(kw()).score(conv(("buyer", 0, "在吗"), ("agent", 5, "亲 这是全网最 低 價")))
    hit = result.hits[0]
    assert (hit.message_index, "亲 这是全网最 低 價"[hit.start : hit.end]) == (1, "最 低 價")


def test_keyword_ignores_the_other_role():
    result = card(kw()).score(conv(("buyer", 0, "这是最低价吗"), ("agent", 5, "您好亲")))
    assert result.hits == ()


def test_keyword_negator_suppresses_hit():
    result = card(kw(negators=["不是"])).score(conv(("buyer", 0, "在吗"), ("agent", 5, "我们不是最低价哦")))
    assert result.hits == ()


def agent_says(text: str) -> ConversationIn:
    return conv(("buyer", 0, "在吗"), ("agent", 5, text))


def test_a_negated_phrase_takes_the_words_inside_it_and_the_word_chained_after_it():
    rule = kw(words=("全网最低", "最低价", "百分百", "保证"), negators=["不敢说是", "不敢"])
    assert card(rule).score(agent_says("我们不敢说是全网最低价")).hits == ()
    assert card(rule).score(agent_says("这个不敢百分百保证哦")).hits == ()
    # an excluded phrase covers only what starts inside it: 保证金 then a real promise still fires
    excl = kw(words=("保证",), exclude=["保证金"])
    assert len(card(excl).score(agent_says("保证金保证退")).hits) == 1


def test_a_not_a_questions_do_not_negate():
    rule = kw(words=("差评删",), negators=["不能"])
    assert len(card(rule).score(agent_says("您看能不能把差评删了呢")).hits) == 1
    assert card(rule).score(agent_says("我们不能把差评删了")).hits == ()


def test_a_one_character_negator_must_touch_the_word():
    rule = kw(words=("绝对",), negators=["不"])
    assert len(card(rule).score(agent_says("不起球不褪色绝对的")).hits) == 1
    assert card(rule).score(agent_says("这个不绝对")).hits == ()
    assert card(rule).score(agent_says("这个不太绝对")).hits == ()


def test_quoted_words_are_mentions_when_the_rule_says_so():
    said = agent_says("请问他是说了“神经病”这样的话吗")
    assert card(kw(words=("神经病",), skip_quoted=True)).score(said).hits == ()
    assert len(card(kw(words=("神经病",))).score(said).hits) == 1
    assert len(card(kw(words=("神经病",), skip_quoted=True)).score(agent_says("你神经病吧")).hits) == 1


def test_an_offer_of_help_in_the_same_message_excuses_the_word():
    rule = kw(words=("不清楚",), excused_by=["帮您问问"])
    assert card(rule).score(agent_says("这个我不清楚，我帮您问问仓库")).hits == ()
    assert len(card(rule).score(agent_says("这个我不清楚")).hits) == 1


def test_skip_quoted_must_be_a_boolean():
    with pytest.raises(engine.RuleConfigError, match="skip_quoted"):
        engine.validate_rule(kw(skip_quoted="yes"))


def test_keyword_all_needs_every_word_in_one_message():
    rule = kw(words=("好评", "返现"), mode="all")
    one = card(rule).score(conv(("buyer", 0, "hi"), ("agent", 1, "给个好评吧"), ("agent", 2, "有返现")))
    both = card(rule).score(conv(("buyer", 0, "hi"), ("agent", 1, "好评就返现")))
    assert (one.hits, len(both.hits)) == ((), 2)


def test_keyword_n_of_counts_distinct_words():
    rule = kw(words=("保证", "绝对", "永久"), mode="n_of", n=2)
    result = card(rule).score(conv(("buyer", 0, "hi"), ("agent", 1, "保证保证，绝对好用")))
    assert {h.excerpt for h in result.hits} and len(result.hits) == 3


def test_regex_with_exclusion():
    rule = RuleSpec(
        code="rx",
        name="rx",
        type="regex",
        params={"pattern": "加(我)?(微信|vx)", "exclude": "不要加"},
        severity="critical",
        score_change=-100,
    )
    hit = card(rule).score(conv(("buyer", 0, "hi"), ("agent", 1, "加我ＶＸ吧")))
    excluded = card(rule).score(conv(("buyer", 0, "hi"), ("agent", 1, "请不要加微信哦")))
    assert (hit.critical, hit.score, excluded.hits) == (True, 0, ())


def rx(pattern, **params) -> RuleSpec:
    return RuleSpec(
        code="rx",
        name="rx",
        type="regex",
        params={"pattern": pattern, **params},
        severity="critical",
        score_change=-100,
    )


@pytest.mark.parametrize(
    ("pattern", "factors"),
    [
        ("加(我)?(微信|vx)", ["vx", "微信"]),  # the alternatives give a set, longer than 加
        ("qq(?!糖)号", ["qq号"]),  # a lookaround matches no text: the literal run goes on
        ("(加|联系)[^,]{0,6}?(微信|wx)|支付宝转账", ["wx", "微信", "支付宝转账"]),
        ("[ab]c+", ["c"]),
        (r"\d{11}", None),  # nothing literal
        ("(?i)vx", None),  # case-insensitive: the text is lower-cased, the pattern need not be
        ("x(?i:vx)", ["x"]),
        ("ＶＸ", None),  # normalisation would change it: no normalised text holds it
        ("a*|b", None),  # one alternative needs nothing
    ],
)
def test_literal_factors_of_a_pattern(pattern, factors):
    import re

    assert engine._literal_factors(re.compile(pattern)) == factors


@given(st.text(alphabet="加我的微信vxq号12 ,", max_size=14))
def test_a_match_always_holds_one_of_its_factors(text):
    import re

    for pattern in ("加(我|的)?(微信|vx|qq)", "(加|我的)[^,]{0,3}?(微信|vx)|qq号", "v(?![0-9])x?"):
        factors = engine._literal_factors(re.compile(pattern))
        if re.search(pattern, text):
            assert any(f in text for f in factors), (pattern, text)


def test_regex_runs_only_where_a_factor_is_and_a_factor_glued_to_digits_still_counts():
    rule = rx("(加|联系)[^,!?;:。]{0,6}?(微信|wx)")
    compiled = card(rule)
    assert compiled.by_code["rx"].lists["factors"] == ["wx", "微信"]
    # wx glued into wx12345 is no keyword (the automaton drops such words), but it is a factor
    assert card(rule).score(agent_says("加我wx12345")).critical
    assert card(rule).score(agent_says("加我好友吧")).hits == ()
    # a case-insensitive pattern has no factors and reads every message
    assert card(rx("(?i)加VX")).score(agent_says("加vx")).critical


def test_exclusion_phrases_from_the_automaton_cover_a_match_even_glued_to_latin_letters():
    rule = kw(words=("保证",), exclude=["保证ok"])
    assert card(rule).score(agent_says("保证okk")).hits == ()
    assert card(rule).score(agent_says("保证好用")).hits


@given(st.text(alphabet=st.sampled_from(list("ａＢ最低價 /，。😀𝐀\u3000Ⅻ㈱e\u0301x")), max_size=20))
def test_normalise_keeps_texts_without_a_changing_character_and_agrees_with_the_table(text):
    assert engine.normalize(text) == text.translate(engine._TABLE)
    if engine._changes().touched.search(text) is None:
        assert engine.normalize(text) is text
    if engine._changes().reshaped.search(text) is None:
        assert len(engine.normalize(text)) == len(text)


def test_hits_on_a_message_with_full_width_punctuation_keep_their_span():
    text = "亲，这是全网最低价！"
    result = card(kw()).score(agent_says(text))
    hit = result.hits[0]
    assert text[hit.start : hit.end] == "最低价"


def timing(metric, **params):
    return RuleSpec(
        code=metric, name=metric, type="timing", params={"metric": metric, **params}, severity="minor", score_change=-5
    )


def test_first_response_over_threshold():
    result = card(timing("first_response", threshold_s=30)).score(conv(("buyer", 0, "在吗"), ("agent", 31, "在的")))
    assert result.hits[0].message_index == 1


@pytest.mark.parametrize(("answer_at", "slow"), [(131, False), (132, True)])
def test_first_response_measured_from_the_transfer_notice(answer_at, slow):
    # docs/qa_rule_meanings.md: the wait starts at the hand-over moment (the transfer notice at 101),
    # not at the buyer's 转人工 (100) nor at the question restated on the human side (105)
    c = conv(
        ("buyer", 0, "在吗"),
        ("bot", 1, "您好"),
        ("buyer", 100, "转人工"),
        ("system", 101, "正在为您转接人工客服"),
        ("buyer", 105, "在吗"),
        ("agent", answer_at, "您好"),
    )
    assert bool(card(timing("first_response", threshold_s=30)).score(c).hits) is slow


def test_without_a_transfer_notice_the_bots_last_message_is_the_handover():
    c = conv(("buyer", 0, "在吗"), ("bot", 1, "您好"), ("buyer", 100, "转人工"), ("agent", 110, "您好"))
    assert [h.message_index for h in card(timing("first_response", threshold_s=30)).score(c).hits] == [3]


def test_buyer_wait_per_round():
    c = conv(("buyer", 0, "在吗"), ("agent", 5, "在"), ("buyer", 10, "发货了吗"), ("agent", 110, "发了"))
    assert [h.message_index for h in card(timing("buyer_wait", threshold_s=100)).score(c).hits] == [3]


def test_three_minute_rate():
    c = conv(("buyer", 0, "在吗"), ("agent", 5, "在"), ("buyer", 10, "发货了吗"), ("agent", 200, "发了"))
    assert len(card(timing("three_minute_rate", threshold_s=180, min_rate=1)).score(c).hits) == 1


def test_average_round_response():
    c = conv(("buyer", 0, "a"), ("agent", 40, "b"), ("buyer", 50, "c"), ("agent", 110, "d"))
    assert len(card(timing("round_response", threshold_s=45)).score(c).hits) == 1


def test_last_buyer_message_unanswered():
    c = conv(("buyer", 0, "在吗"), ("agent", 5, "在"), ("buyer", 10, "什么时候发货"))
    assert card(timing("last_unanswered")).score(c).hits[0].message_index == 2


def test_last_acknowledgement_is_not_unanswered():
    c = conv(("buyer", 0, "在吗"), ("agent", 5, "在"), ("buyer", 10, "好的，谢谢"))
    assert card(timing("last_unanswered", ignore_words=["好的谢谢", "好的,谢谢"])).score(c).hits == ()


@pytest.mark.parametrize(
    ("last", "unanswered"),
    [
        ("嗯嗯，好的", False),
        ("没了，谢谢~", False),
        ("好的 辛苦了！", False),
        ("好的，那发货呢", True),
        ("谢谢你们👍", False),
        ("？？", True),
        ("亲", True),
        ("[图片]", True),
    ],
)
def test_an_acknowledgement_is_any_run_of_courtesy_words(last, unanswered):
    # what needs an answer is apps.conversations.timing's, whatever a rule's old ignore_words say
    rule = timing("last_unanswered", ignore_words=["在吗"])
    c = conv(("buyer", 0, "在吗"), ("agent", 5, "在"), ("buyer", 10, last))
    assert bool(card(rule).score(c).hits) is unanswered


def context_rule():
    return RuleSpec(
        code="ctx",
        name="ctx",
        type="context",
        severity="major",
        score_change=-10,
        params={"trigger_words": ["投诉"], "response_words": ["抱歉"], "within_agent_turns": 2},
    )


def test_context_not_soothed():
    c = conv(("buyer", 0, "我要投诉"), ("agent", 5, "请提供订单号"), ("agent", 6, "查到了"), ("agent", 7, "抱歉"))
    assert len(card(context_rule()).score(c).hits) == 1


def test_context_soothed_within_turns():
    c = conv(("buyer", 0, "我要投诉"), ("agent", 5, "请提供订单号"), ("agent", 6, "非常抱歉"))
    assert card(context_rule()).score(c).hits == ()


def test_repetition_three_in_five():
    rule = RuleSpec(code="rep", name="rep", type="repetition", params={}, severity="minor", score_change=-5)
    same = "亲，请您耐心等待哦"
    c = conv(("buyer", 0, "?"), ("agent", 1, same), ("agent", 2, "嗯"), ("agent", 3, same), ("agent", 4, same))
    assert [h.message_index for h in card(rule).score(c).hits] == [4]


def handover_rule():
    return RuleSpec(
        code="ho",
        name="ho",
        type="handover",
        role="buyer",
        severity="major",
        score_change=-10,
        bot_applicable=True,
        params={"trigger_words": ["转人工", "找经理"], "transfer_words": ["为您转接"]},
    )


def test_handover_ignored_in_bot_chat():
    c = conv(("buyer", 0, "转人工"), ("bot", 1, "请问有什么可以帮您"), handled_by="bot")
    result = card(handover_rule()).score(c)
    assert (result.status, [h.rule for h in result.hits]) == ("not_applicable", ["ho"])


def test_handover_honoured():
    c = conv(("buyer", 0, "转人工"), ("bot", 1, "正在为您转接"), ("agent", 5, "您好"))
    assert card(handover_rule()).score(c).hits == ()


def test_mandatory_phrase_missing():
    rule = RuleSpec(
        code="m",
        name="m",
        type="mandatory",
        severity="major",
        score_change=-8,
        params={"trigger_words": ["退款"], "required_words": ["到账", "工作日"]},
    )
    missing = card(rule).score(conv(("buyer", 0, "?"), ("agent", 1, "已为您退款")))
    stated = card(rule).score(conv(("buyer", 0, "?"), ("agent", 1, "已为您退款"), ("agent", 2, "1-3个工作日到账")))
    assert (len(missing.hits), stated.hits) == (1, ())


def sentiment_rule():
    return RuleSpec(
        code="s",
        name="s",
        type="sentiment",
        role="buyer",
        severity="alert",
        score_change=0,
        params={"words": {"差": 1, "垃圾": 2}, "degree_words": {"太": 2}, "negation_words": ["不"], "threshold": 2},
    )


@pytest.mark.parametrize(("text", "fires"), [("太差了", True), ("有点差", False), ("质量不差", False), ("垃圾", True)])
def test_sentiment_degree_and_negation(text, fires):
    result = card(sentiment_rule()).score(conv(("buyer", 0, text), ("agent", 1, "您好")))
    assert bool(result.hits) is fires


@pytest.mark.parametrize(("text", "fires"), [("这个垃圾处理器噪音大吗", False), ("垃圾处理器是垃圾", True)])
def test_sentiment_word_inside_an_excluded_product_name_does_not_count(text, fires):
    rule = sentiment_rule()
    rule = dataclasses.replace(rule, params={**rule.params, "exclude": ["垃圾处理器"]})
    result = card(rule).score(conv(("buyer", 0, text), ("agent", 1, "您好")))
    assert bool(result.hits) is fires


def pii_rule():
    return RuleSpec(
        code="pii",
        name="pii",
        type="pii",
        severity="critical",
        score_change=-100,
        params={"secret_words": ["验证码"], "request_words": ["发我"], "warning_words": ["不要"]},
    )


def test_pii_token_sent_by_agent():
    result = card(pii_rule()).score(conv(("buyer", 0, "?"), ("agent", 1, "我电话[手机号]")))
    assert (result.critical, result.passed) == (True, False)


def test_secret_request_vs_warning():
    ask = card(pii_rule()).score(conv(("buyer", 0, "?"), ("agent", 1, "把验证码发我")))
    warn = card(pii_rule()).score(conv(("buyer", 0, "?"), ("agent", 1, "不要把验证码发我们")))
    assert (len(ask.hits), warn.hits) == (1, ())


def test_a_warning_guards_only_its_own_clause():
    asks = card(pii_rule()).score(conv(("buyer", 0, "?"), ("agent", 1, "验证码发我就行，不要告诉别人")))
    warns = card(pii_rule()).score(conv(("buyer", 0, "?"), ("agent", 1, "如果是验证码，不要发我们")))
    assert (len(asks.hits), warns.hits) == (1, ())


def test_combination_not_fires_when_child_absent():
    greet = RuleSpec(code="greet", name="g", type="keyword", params={"words": ["您好"]}, severity="info")
    missing = RuleSpec(
        code="nogreet",
        name="n",
        type="combination",
        params={"op": "not", "rules": ["greet"]},
        severity="minor",
        score_change=-3,
    )
    result = card(greet, missing).score(conv(("buyer", 0, "在吗"), ("agent", 1, "在")))
    assert ([h.rule for h in result.hits], result.score) == (["nogreet"], 97)


def test_combination_cycle_refused():
    a = RuleSpec(code="a", name="a", type="combination", params={"op": "or", "rules": ["b"]})
    b = RuleSpec(code="b", name="b", type="combination", params={"op": "and", "rules": ["a"]})
    with pytest.raises(engine.RuleConfigError, match="cycle"):
        card(a, b)


@pytest.mark.parametrize(
    ("rule_type", "params", "message"),
    [
        ("regex", {"pattern": "加(微信"}, "broken regular expression"),
        ("keyword", {"words": []}, "empty"),
        ("keyword", {"words": ["  "]}, "empty"),
        ("timing", {"metric": "soon"}, "metric"),
    ],
)
def test_broken_rules_refused_with_reason(rule_type, params, message):
    with pytest.raises(engine.RuleConfigError, match=message):
        engine.validate_rule(RuleSpec(code="x", name="x", type=rule_type, params=params))


def test_no_messages_is_unscorable():
    result = card(kw()).score(conv())
    assert (result.status, result.reason, result.passed) == ("unscorable", "no messages", None)


def test_human_chat_without_agent_is_unscorable():
    result = card(kw()).score(conv(("buyer", 0, "在吗"), ("buyer", 60, "人呢")))
    assert result.status == "unscorable" and "agent" in result.reason


def test_item_weight_caps_deductions():
    item = engine.ItemSpec(code="c", name="c", weight=12)
    r1 = RuleSpec(
        code="r1", name="r1", type="keyword", params={"words": ["最低价"]}, severity="major", score_change=-10, item="c"
    )
    r2 = RuleSpec(
        code="r2", name="r2", type="keyword", params={"words": ["绝对"]}, severity="major", score_change=-10, item="c"
    )
    result = card(r1, r2, items=[item]).score(conv(("buyer", 0, "?"), ("agent", 1, "绝对最低价")))
    assert (result.score, result.passed) == (88, True)


def test_bonus_adds_but_caps_at_100():
    bonus = RuleSpec(code="b", name="b", type="keyword", params={"words": ["补发"]}, severity="bonus", score_change=3)
    result = card(bonus, kw()).score(conv(("buyer", 0, "?"), ("agent", 1, "最低价，给您补发")))
    assert result.score == 93


def test_platform_filter():
    rule = RuleSpec(
        code="jd",
        name="jd",
        type="keyword",
        params={"words": ["最低价"]},
        severity="major",
        score_change=-10,
        platforms=("jd",),
    )
    assert card(rule).score(conv(("buyer", 0, "?"), ("agent", 1, "最低价"), platform="tmall")).hits == ()


def test_default_pack_compiles_with_every_rule_type(pack):
    assert {c.spec.type for c in pack.compiled} == set(engine.RULE_TYPES)


def test_out_of_hours_notice_answers_a_request_for_a_human(pack):
    """A buyer asking for a human at night gets the system's out-of-hours notice: nothing ignored."""
    night = conv(
        ("buyer", 0, "物流显示签收了但我没收到"),
        ("bot", 1, "如显示签收但未收到，请先联系派送员或查看驿站"),
        ("buyer", 40, "转人工"),
        ("system", 42, "当前为非工作时间（服务时间08:00-24:00），您可以留言，我们上班后第一时间回复您", "system"),
        handled_by="bot",
    )
    ignored = conv(("buyer", 0, "在吗"), ("bot", 1, "您好，我是小助手"), ("buyer", 9, "转人工"), handled_by="bot")
    assert "handover_ignored" not in pack.score(night).fired
    assert "handover_ignored" in pack.score(ignored).fired


def test_bot_serves_as_the_agent_for_bot_applicable_agent_rules():
    """In a bot-only chat the bot is the serving side: an agent rule marked bot-applicable reads its
    messages, so a bot flow that asks for the buyer's verification code is caught; an agent rule
    not marked so does not run there."""
    pii = RuleSpec(
        code="pii",
        name="pii",
        type="pii",
        severity="critical",
        score_change=-100,
        bot_applicable=True,
        params={"secret_words": ["验证码"], "request_words": ["发我"], "warning_words": ["勿"]},
    )
    promise = kw("promise", words=("绝对",))
    asks = conv(
        ("buyer", 0, "我的账号登录不了"), ("bot", 1, "麻烦把收到的验证码发我一下，绝对帮您解决"), handled_by="bot"
    )
    result = card(pii, promise).score(asks)
    assert (result.status, result.fired) == ("not_applicable", frozenset({"pii"}))
    hit = result.hits[0]
    assert (hit.message_index, asks.messages[1].content[hit.start : hit.end]) == (1, "验证码")
    warns = conv(("buyer", 0, "收到验证码了"), ("bot", 1, "验证码请勿告诉任何人哦"), handled_by="bot")
    assert card(pii).score(warns).fired == frozenset()
    assert card(dataclasses.replace(pii, bot_applicable=False)).score(asks).fired == frozenset()


def test_default_pack_judges_a_bot_reading_out_the_buyers_number(pack):
    """pii_leak is about what is said on the shop's behalf, so it reads the bot too
    (docs/qa_rule_meanings.md: a bot speaks for the shop): a bot that writes out the buyer's full
    phone number exposes it, as an agent would (gold chat d064, re-labelled)."""
    echo = conv(
        ("buyer", 0, "帮我查一下订单，手机号[手机号]"),
        ("bot", 1, "亲，已为您查询到手机号[手机号]下的订单1笔"),
        handled_by="bot",
    )
    assert "pii_leak" in pack.score(echo).fired


def test_handover_after_a_bot_reads_the_human_agent_only():
    """A chat the platform marked transferred, in which only the bot spoke: the bot's first message is
    not a human taking over, so a request for a human before it is still ignored."""
    c = conv(("buyer", 0, "转人工"), ("bot", 1, "请问有什么可以帮您"), handled_by="bot", transferred_to_human=True)
    assert card(handover_rule()).score(c).fired == frozenset({"ho"})


def test_a_request_inside_a_negated_phrase_is_no_request(pack):
    """不需要人工: 要人工 (a trigger) sits inside the negated 不需要; the pack's 不需 negates it, so the
    buyer who declines a human is no hand-over request; 我要人工 still is."""
    declined = conv(
        ("buyer", 0, "在吗"), ("bot", 1, "您好，需要转人工吗"), ("buyer", 9, "不需要人工，谢谢"), handled_by="bot"
    )
    asked = conv(("buyer", 0, "在吗"), ("bot", 1, "您好，我是小助手"), ("buyer", 9, "我要人工"), handled_by="bot")
    assert "handover_ignored" not in pack.score(declined).fired
    assert "handover_ignored" in pack.score(asked).fired


def test_context_rule_reads_another_rules_hits_as_its_triggers():
    risk = dataclasses.replace(kw("risk", words=("投诉",), exclude=["投诉过"]), role="buyer")
    soothe = RuleSpec(
        code="ctx",
        name="ctx",
        type="context",
        severity="major",
        score_change=-10,
        params={"trigger_rule": "risk", "response_words": ["抱歉"]},
    )
    sc = card(risk, soothe)
    assert sc.score(conv(("buyer", 0, "我要投诉"), ("agent", 5, "请提供订单号"))).fired == {"risk", "ctx"}
    assert sc.score(conv(("buyer", 0, "之前投诉过，处理很好"), ("agent", 5, "谢谢"))).fired == frozenset()


def test_keyword_dismissal_reads_the_exchange():
    rule = kw(
        "sh",
        words=("爱买不买",),
        dismissal={"complaint": ["坏了"], "question": ["吗"], "dismiss": ["正常"], "help": ["换"]},
    )
    sc = card(rule)
    assert sc.score(conv(("buyer", 0, "收到就坏了"), ("agent", 5, "这是正常的"))).fired == {"sh"}
    assert sc.score(conv(("buyer", 0, "收到就坏了"), ("agent", 5, "正常的，可以给您换"))).fired == frozenset()
    assert sc.score(conv(("buyer", 0, "会坏了吗"), ("agent", 5, "正常的"))).fired == frozenset()
    with pytest.raises(engine.RuleConfigError):
        card(kw("sh", dismissal={"complaint": ["坏了"], "dismiss": ["正常"], "help": ["换"], "other": []}))


def test_mandatory_required_word_voided_by_its_clause():
    rule = RuleSpec(
        code="m",
        name="m",
        type="mandatory",
        severity="major",
        score_change=-10,
        params={
            "trigger_words": ["退款"],
            "trigger_roles": ["buyer", "agent"],
            "required_words": ["24小时内"],
            "exclude": ["几天就到"],
            "void_clause": {"when": ["审核"], "unless": ["到账"]},
        },
    )
    sc = card(rule)
    assert sc.score(conv(("buyer", 0, "退款呢"), ("agent", 5, "审核24小时内完成"))).fired == {"m"}
    assert sc.score(conv(("buyer", 0, "退款呢"), ("agent", 5, "审核后24小时内到账"))).fired == frozenset()
