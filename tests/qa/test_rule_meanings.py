"""The default pack against docs/qa_rule_meanings.md: chats written for each rule of issue #16
(near-duplicate repetition, refund time, bots speaking for the shop, shop data that is not the
shopper's, meaning without the listed words through the similarity operator)."""

from __future__ import annotations

import pytest

from apps.qa import engine
from apps.qa.engine import ConversationIn, MessageIn, RuleConfigError, RuleSpec, ScorecardSpec
from apps.qa.similarity import CharNgramEncoder, SimilarityIndex, cosine, strip_punctuation_and_symbols


def chat(*msgs, **kw) -> ConversationIn:
    return ConversationIn(
        key="c", platform="tmall", messages=tuple(MessageIn(r, float(t), x) for r, t, x in msgs), **kw
    )


def fired(pack, *msgs, **kw) -> frozenset[str]:
    return pack.score(chat(*msgs, **kw)).fired


# --- near-duplicate repetition -----------------------------------------------------------------


def test_near_duplicate_replies_are_one_reply_three_times(pack):
    got = fired(
        pack,
        ("buyer", 0, "我的快递到哪了"),
        ("agent", 5, "亲，请耐心等待哦"),
        ("buyer", 20, "还要等多久"),
        ("agent", 25, "亲,请耐心等待哦!"),
        ("buyer", 40, "？？"),
        ("agent", 45, "亲请耐心等待哦~😊"),
    )
    assert "repetition" in got


def test_two_copies_or_short_replies_are_not_repetition(pack):
    twice = fired(pack, ("buyer", 0, "在吗"), ("agent", 5, "亲，请耐心等待哦"), ("agent", 9, "亲请耐心等待"))
    short = fired(pack, ("buyer", 0, "在吗"), ("agent", 5, "好的亲"), ("agent", 9, "好的亲~"), ("agent", 12, "好的亲!"))
    assert "repetition" not in twice and "repetition" not in short


def test_copies_spread_over_more_than_five_agent_messages_do_not_count(pack):
    msgs = [("buyer", 0, "在吗")]
    replies = [
        "亲，请耐心等待哦",
        "a1 已经帮您查询物流",
        "a2 包裹在路上了",
        "a3 预计明天送达",
        "a4 仓库已经发出",
        "亲，请耐心等待哦",
    ]
    replies += ["b1 有问题随时找我", "b2 祝您生活愉快", "b3 感谢您的支持", "亲，请耐心等待哦"]
    msgs += [("agent", 5 + i, text) for i, text in enumerate(replies)]
    assert "repetition" not in fired(pack, *msgs)


def test_repetition_key_drops_punctuation_emoji_and_trailing_particles():
    assert strip_punctuation_and_symbols("亲,请耐心等待哦!😊~") == "亲请耐心等待哦"
    assert engine._repetition_key("亲,请耐心等待哦!~", "哦呢啊呀~") == "亲请耐心等待"


# --- refund time ------------------------------------------------------------------------------


def test_refund_without_a_time_fires_even_with_yuan_lu_tui_hui(pack):
    got = fired(
        pack,
        ("buyer", 0, "退款什么时候到账啊"),
        ("agent", 5, "您好亲，正在处理"),
        ("buyer", 60, "到底什么时候"),
        ("agent", 65, "正在处理的亲，会原路退回"),
        ("buyer", 120, "？"),
        ("agent", 125, "正在处理，感谢您的耐心"),
    )
    assert "refund_no_arrival_time" in got


def test_refund_with_a_stated_time_does_not_fire(pack):
    got = fired(
        pack,
        ("buyer", 0, "退款什么时候到账"),
        ("agent", 5, "您好亲，已为您申请退款，预计1-3个工作日原路退回，感谢您的耐心"),
    )
    assert "refund_no_arrival_time" not in got


def test_a_buyer_reporting_a_scammer_is_not_refund_talk(pack):
    got = fired(
        pack,
        ("buyer", 0, "有人打电话说是你们店的，要给我退款让我报验证码"),
        ("agent", 5, "您好亲，那是诈骗电话，千万别告诉对方，祝您生活愉快"),
    )
    assert "refund_no_arrival_time" not in got


# --- bots speak for the shop ------------------------------------------------------------------


def test_a_bot_promise_in_a_human_handled_chat_is_the_shops(pack):
    got = fired(
        pack,
        ("buyer", 0, "这个是最便宜的吗"),
        ("bot", 1, "亲，我们是全网最低价哦"),
        ("buyer", 10, "转人工"),
        ("system", 11, "系统：已为您转接人工客服"),
        ("agent", 20, "您好，很高兴为您服务，还有其他可以帮您的吗"),
        transferred_to_human=True,
    )
    assert "ad_absolute" in got


def test_a_bot_asking_for_the_verification_code_fires_in_a_bot_only_chat(pack):
    result = pack.score(
        chat(("buyer", 0, "退款失败了"), ("bot", 1, "请把收到的验证码发给我，我帮您重新提交"), handled_by="bot")
    )
    assert result.status == engine.STATUS_NOT_APPLICABLE and "pii_leak" in result.fired


def test_human_conduct_rules_do_not_fire_on_a_bot_only_chat(pack):
    result = pack.score(
        chat(
            ("buyer", 0, "在吗"),
            ("bot", 1, "亲请耐心等待"),
            ("bot", 2, "亲请耐心等待"),
            ("bot", 3, "亲请耐心等待"),
            handled_by="bot",
        )
    )
    human = {"repetition", "shirking", "greeting_missing", "closing_missing", "first_response_slow", "solution_offered"}
    assert not (result.fired & human)


def test_a_bots_cold_line_is_not_the_agents_shirking(pack):
    got = fired(
        pack,
        ("bot", 0, "这个我也不知道"),
        ("buyer", 1, "转人工"),
        ("agent", 10, "您好亲，我帮您查一下，祝您生活愉快"),
        transferred_to_human=True,
    )
    assert "shirking" not in got


# --- PII: the shopper's secrets only ----------------------------------------------------------


def test_the_shops_return_address_and_an_order_number_are_not_pii(pack):
    got = fired(
        pack,
        ("buyer", 0, "退货寄到哪里"),
        ("agent", 5, "您好亲，退货地址：[地址]，客服热线[手机号]，订单号[银行卡号]，有问题随时找我"),
    )
    assert "pii_leak" not in got


def test_the_shoppers_number_written_out_is_pii(pack):
    got = fired(pack, ("buyer", 0, "帮我看看"), ("agent", 5, "您好，您的手机号是[手机号]对吧"))
    assert "pii_leak" in got


def test_a_shopper_word_between_the_shop_word_and_the_token_keeps_the_hit(pack):
    got = fired(pack, ("buyer", 0, "寄到哪"), ("agent", 5, "您好，寄到您的[地址]了"))
    assert "pii_leak" in got


# --- meaning without the listed words (similarity) --------------------------------------------


def test_solution_in_other_words_fires_with_the_example_in_the_note(pack):
    result = pack.score(chat(("buyer", 0, "少发了一个"), ("agent", 5, "您好亲，已为您安排补发一个新的，感谢您的耐心")))
    hits = [h for h in result.hits if h.rule == "solution_offered"]
    assert hits and all(h.note.startswith("≈「") for h in hits if h.note)


def test_angry_buyer_in_plain_words_is_negative(pack):
    result = pack.score(chat(("buyer", 0, "我这就是花钱买罪受"), ("agent", 5, "您好亲，非常抱歉，我帮您查一下")))
    hits = [h for h in result.hits if h.rule == "buyer_negative"]
    assert hits and hits[0].note and float(hits[0].note.rsplit("」", 1)[1]) >= 0.5


def test_an_alternative_offered_is_not_shirking(pack):
    got = fired(
        pack, ("buyer", 0, "能改地址吗"), ("agent", 5, "您好，没办法改地址，但我可以帮您拦截重发，祝您生活愉快")
    )
    assert "shirking" not in got


def test_similarity_operator_threshold_and_near_misses():
    rule = RuleSpec(
        code="sol",
        name="sol",
        type="keyword",
        params={
            "words": ["工单号"],
            "similar": {"examples": ["已为您申请退款"], "unlike": ["您可以申请退款"], "threshold": 0.5},
        },
    )
    card = engine.compile_scorecard(ScorecardSpec(rules=(rule,)))
    yes = card.score(chat(("buyer", 0, "退款"), ("agent", 1, "已经为您申请退款了")))
    no = card.score(chat(("buyer", 0, "退款"), ("agent", 1, "您可以自己申请退款")))
    far = card.score(chat(("buyer", 0, "退款"), ("agent", 1, "今天天气不错")))
    assert "sol" in yes.fired and "sol" not in no.fired and "sol" not in far.fired
    assert yes.hits[0].note.startswith("≈「已为您申请退款」")


def test_similarity_index_agrees_with_the_plain_cosine():
    enc = CharNgramEncoder()
    index = SimilarityIndex(enc)
    key = index.add(["已为您申请退款", "给您补发一个"])
    index.freeze()
    a = enc.features("已经为您申请退款了")
    b = enc.features("已为您申请退款")
    assert index.best(a)[key][0] == pytest.approx(cosine(len(a & b), len(a), len(b)))
    assert enc.features("退") == frozenset({"退"}) and enc.features("！") == frozenset()


@pytest.mark.parametrize(
    "similar",
    [
        [],
        {"examples": []},
        {"examples": ["x"], "threshold": 0},
        {"examples": ["x"], "threshold": 1.5},
        {"examples": "x"},
    ],
)
def test_similar_parameter_is_validated(similar):
    with pytest.raises(RuleConfigError):
        engine.validate_rule(RuleSpec(code="r", name="r", type="keyword", params={"words": ["a"], "similar": similar}))


# --- buyer messages that need no answer (stickers, affectionate thanks) ---------------------------


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("谢谢 么么哒", False),
        ("[捂脸笑]", False),
        ("好的[爱心][爱心]", False),
        ("比心 thx", False),
        ("么么哒，什么时候发货", True),
        ("[疑问]怎么还没发货", True),
        ("[图片]", True),
        ("[商品]", True),
        ("[手机号]", True),
    ],
)
def test_stickers_and_affectionate_thanks_need_no_answer(text, needed):
    from apps.conversations.timing import needs_answer

    assert needs_answer(text) is needed


def test_a_last_sticker_or_fond_thanks_leaves_nothing_unanswered(pack):
    for last in ("谢谢 么么哒", "[捂脸笑]"):
        got = fired(
            pack,
            ("buyer", 0, "你好，这个什么时候发货"),
            ("agent", 5, "亲，您好，今天下午就发货哦，还有其他可以帮您的吗"),
            ("buyer", 20, last),
        )
        assert not {"last_unanswered", "three_minute_miss"} & got


# --- sentiment: mild cues over the chat, nested words once ----------------------------------------


def _sentiment_card(**params):
    rule = RuleSpec(
        code="neg",
        name="neg",
        type="sentiment",
        params={"words": {"快点": 1, "还要多久": 1, "算了": 1, "太差": 2, "差": 1}, "threshold": 2, **params},
        severity="alert",
        score_change=0,
        role="buyer",
        item="risk",
    )
    items = (engine.ItemSpec(code="risk", name="risk", weight=0),)
    return engine.compile_scorecard(ScorecardSpec(rules=(rule,), items=items))


def test_mild_cues_over_several_messages_add_up_with_a_chat_threshold():
    pressing = (
        ("buyer", 0, "我的货呢"),
        ("agent", 5, "您好，我查一下"),
        ("buyer", 10, "快点"),
        ("buyer", 20, "还要多久"),
        ("buyer", 30, "算了"),
    )
    assert "neg" not in _sentiment_card().score(chat(*pressing)).fired  # no message reaches 2 alone
    assert "neg" in _sentiment_card(chat_threshold=3).score(chat(*pressing)).fired
    assert "neg" not in _sentiment_card(chat_threshold=3).score(chat(*pressing[:3])).fired


def test_a_word_inside_a_longer_listed_word_counts_once():
    card = _sentiment_card(threshold=3)
    assert (
        "neg" not in card.score(chat(("buyer", 0, "质量太差"), ("agent", 5, "您好"))).fired
    )  # 太差 (2), not 太差 + 差 (3)
    assert "neg" in card.score(chat(("buyer", 0, "质量太差，服务也差"), ("agent", 5, "您好"))).fired


# --- fifth pass: classes of error read from set 5 (tests written in other words) ---------------


def test_the_shops_pick_up_point_and_warehouse_are_shop_data(pack):
    got = fired(pack, ("buyer", 0, "能自提吗"), ("agent", 5, "您好，可以的，门店自提柜在[地址]，仓库地址：[地址]"))
    assert "pii_leak" not in got


def test_a_shop_word_names_only_the_datum_right_after_it(pack):
    got = fired(pack, ("buyer", 0, "退哪里"), ("agent", 5, "您好，退货寄到[地址]，[手机号]是您下单留的号码吧"))
    assert "pii_leak" in got


def test_an_anti_fraud_warning_naming_the_code_is_not_a_request(pack):
    got = fired(
        pack,
        ("buyer", 0, "有人让我报号码"),
        ("bot", 2, "温馨提示：官方客服绝不会索取您的短信验证码，请告诉家人谨防诈骗"),
    )
    assert "pii_leak" not in got
    got = fired(pack, ("buyer", 0, "怎么退款"), ("agent", 5, "您好，请告诉我您的支付密码，我帮您操作"))
    assert "pii_leak" in got


def test_a_contact_number_the_shop_offers_is_its_own_not_the_shoppers(pack):
    got = fired(pack, ("buyer", 0, "能便宜点吗"), ("agent", 5, "您好，加微信[手机号]私聊给您优惠"))
    assert "pii_leak" not in got and "off_platform" in got


def test_latin_initials_as_a_size_fabric_or_model_code_are_not_abuse(pack):
    for reply in ("您好，SB码对应腰围64厘米哦", "您好，NT款是加厚的", "您好，LJ是我们这款的货号简称"):
        assert "abuse" not in fired(pack, ("buyer", 0, "这个怎么选"), ("agent", 5, reply)), reply
    assert "abuse" in fired(pack, ("buyer", 0, "码数怎么选"), ("agent", 5, "您好，尺码表都不会看，sb吧"))


def test_contempt_for_the_buyers_wits_and_dialect_insults_are_abuse(pack):
    for reply in ("您好，这也要问，小学生都知道", "亲，你好，真是个二货", "您好，动动脑子就会装了"):
        assert "abuse" in fired(pack, ("buyer", 0, "这个怎么装"), ("agent", 5, reply)), reply
    assert "abuse" not in fired(pack, ("buyer", 0, "有用吗"), ("agent", 5, "您好，放心不是智商税，很多人回购"))


def test_asking_for_a_person_in_other_words_in_a_bot_only_chat(pack):
    for ask in ("你们店长在不在，叫他来", "我要跟你们主管说", "别让机器人回了，换个人"):
        got = fired(
            pack,
            ("buyer", 0, ask),
            ("bot", 2, "亲，请问有什么可以帮您"),
            ("buyer", 20, "？"),
            ("bot", 21, "亲，请描述问题"),
        )
        assert "handover_ignored" in got, ask
    got = fired(pack, ("buyer", 0, "有真人实拍图吗"), ("bot", 2, "亲，详情页有哦"))
    assert "handover_ignored" not in got


def test_a_request_taken_back_or_a_new_agent_asked_of_a_human_is_not_ignored(pack):
    got = fired(
        pack, ("buyer", 0, "人工"), ("bot", 2, "请问有什么可以帮您"), ("buyer", 20, "算了，不用人工了，已经好了")
    )
    assert "handover_ignored" not in got
    got = fired(
        pack,
        ("buyer", 0, "在吗"),
        ("agent", 5, "您好亲"),
        ("buyer", 20, "你说不清楚，换个人"),
        handled_by="agent",
    )
    assert "handover_ignored" not in got


def test_contempt_for_the_buyers_means_body_or_wallet_is_abuse_in_any_script(pack):
    for reply in ("您好，穷就别挑了", "亲，手残就别自己装", "您好，你眼睛有问题吧", "您好，你耳朵有問題嗎，說了三遍"):
        assert "abuse" in fired(pack, ("buyer", 0, "这个怎么装"), ("agent", 5, reply)), reply
    for reply in ("您好，这款相机老人小孩都会用", "您好，手残党也能装，三步就好", "亲，这个真不是智商税"):
        assert "abuse" not in fired(pack, ("buyer", 0, "好用吗"), ("agent", 5, reply)), reply


def test_blaming_the_buyers_handling_is_shirking(pack):
    for reply in ("您好，是您使用不当造成的", "亲，保管不当也会这样的"):
        got = fired(pack, ("buyer", 0, "东西坏了"), ("agent", 5, reply))
        assert "shirking" in got, reply


def test_contacting_or_chasing_the_courier_is_no_remedy(pack):
    for reply in ("您好，我帮您联系快递问问", "您好，已催促快递尽快派送", "您好，包裹已经在路上了"):
        got = fired(pack, ("buyer", 0, "快递怎么还没到"), ("agent", 5, reply))
        assert "solution_offered" not in got, reply
    got = fired(pack, ("buyer", 0, "快递怎么还没到"), ("agent", 5, "您好，已经帮您联系快递改派，明天送到"))
    assert "solution_offered" in got


def test_praise_that_bad_reviews_are_few_is_no_threat(pack):
    for ask in ("你家差评真少，放心买了", "差评这么少，质量应该不错"):
        assert "escalation_risk" not in fired(pack, ("buyer", 0, ask), ("agent", 5, "您好，谢谢亲"))


# --- the decisions (docs/qa_rule_meanings.md, "Where writers read the page differently") ---------


def test_dismissing_a_reported_problem_with_no_help_is_shirking(pack):
    assert "shirking" in fired(
        pack, ("buyer", 0, "收到的鞋子有一点胶水印"), ("agent", 9, "亲，胶水印是正常的，不影响穿")
    )
    assert "shirking" in fired(
        pack,
        ("buyer", 0, "巧克力收到都化了"),
        ("agent", 9, "亲，您没有及时放冰箱导致的，和我们无关"),
        ("agent", 20, "感谢反馈"),
    )


def test_an_explanation_with_a_fix_or_an_offer_is_not_shirking(pack):
    assert "shirking" not in fired(
        pack, ("buyer", 0, "衣服有股味道"), ("agent", 9, "亲，新衣服有味道是正常的，晾两天就好了")
    )
    assert "shirking" not in fired(pack, ("buyer", 0, "杯子有一点划痕"), ("agent", 9, "亲，运输挤压的，可以给您换一个"))


def test_a_denial_dismisses_a_reported_problem_in_any_words(pack):
    """Ninth pass: 是正常的 / 不影响 / 不可能是 presume a reported problem, whatever words the buyer used."""
    for report, reply in (
        ("收到的香蕉全是黑斑", "亲，香蕉有黑斑是正常的，都是这样的"),
        ("衣服上有个小洞", "亲您好，这么小不影响穿的"),
        ("买的激活码是用过的", "亲您好，激活码都是新的，不可能是用过的"),
        ("车载充电器外壳碎了", "您好，运输挤压的，这个得您找快递公司索赔呢"),
        ("毛衣洗了一次就变形了", "是您洗涤方式不对导致的，那就是您晾的方式不对"),
    ):
        assert "shirking" in fired(pack, ("buyer", 0, report), ("agent", 9, reply)), report


def test_a_denial_with_a_fix_or_in_answer_to_a_question_is_not_shirking(pack):
    assert "shirking" not in fired(pack, ("buyer", 0, "衣服有线头"), ("agent", 9, "亲，线头剪掉就好，不影响穿着哦"))
    assert "shirking" not in fired(pack, ("buyer", 0, "37码偏大吗"), ("agent", 9, "亲，是正常码，按平时的尺码拍就行"))


def test_normal_in_answer_to_a_plain_question_is_information(pack):
    assert "shirking" not in fired(pack, ("buyer", 0, "这件毛衣会起球吗"), ("agent", 9, "亲，正常穿着不容易起球的"))


def test_putting_off_is_shirking(pack):
    assert "shirking" in fired(pack, ("buyer", 0, "这个退货地址是哪里"), ("agent", 8, "您好，现在忙，明天再问吧"))


def test_risk_not_soothed_counts_only_what_escalation_risk_counts(pack):
    got = fired(pack, ("buyer", 0, "差评真少，买得放心"), ("agent", 8, "您好，感谢您的信任，欢迎再来"))
    assert not {"escalation_risk", "risk_not_soothed"} & got
    got = fired(pack, ("buyer", 0, "这个相机能手动调曝光吗"), ("agent", 8, "可以手动调曝光和快门"))
    assert not {"escalation_risk", "risk_not_soothed"} & got
    got = fired(pack, ("buyer", 0, "12345和12346"), ("agent", 8, "看到了，已合并"))
    assert not {"escalation_risk", "risk_not_soothed"} & got


def test_soothing_by_meaning(pack):
    got = fired(pack, ("buyer", 0, "再不发货我就投诉了"), ("agent", 9, "亲，您先消消气，这边马上为您处理"))
    assert "escalation_risk" in got and "risk_not_soothed" not in got
    got = fired(pack, ("buyer", 0, "再不发货我就投诉了"), ("agent", 9, "亲，快递正常在走"))
    assert "risk_not_soothed" in got


def test_a_vague_time_or_a_review_time_is_no_arrival_time(pack):
    for reply in ("过几天就到了", "到账了系统会通知您的", "审核一般24小时内完成"):
        assert "refund_no_arrival_time" in fired(pack, ("buyer", 0, "我的退款多久到账"), ("agent", 9, f"亲，{reply}"))
    got = fired(pack, ("buyer", 0, "我的退款多久到账"), ("agent", 9, "亲，审核通过后24小时内到账"))
    assert "refund_no_arrival_time" not in got


def test_no_refund_by_rule_and_a_review_trade_are_not_refund_talk(pack):
    assert "refund_no_arrival_time" not in fired(
        pack, ("buyer", 0, "定金能退吗"), ("agent", 8, "亲，定金不退是活动规则")
    )


def test_working_hours_and_a_pipe_are_no_handover_request(pack):
    for text in ("几点有人工", "我想买主管道的水管接头"):
        assert "handover_ignored" not in fired(pack, ("buyer", 0, text), ("bot", 1, "您好"), handled_by="bot")


def test_zai_de_inside_another_word_is_no_greeting(pack):
    assert "greeting_missing" in fired(pack, ("buyer", 0, "还有货吗"), ("agent", 9, "现在的库存还有20件"))
    assert "greeting_missing" not in fired(pack, ("buyer", 0, "在吗"), ("agent", 9, "在的亲，请说"))


def test_stickers_do_not_make_replies_differ(pack):
    same = "亲，我们已经在尽快安排了"
    got = fired(
        pack,
        ("buyer", 0, "能加急吗"),
        ("agent", 9, same + "[抱拳]"),
        ("buyer", 19, "今天能发吗"),
        ("agent", 27, same),
        ("buyer", 36, "给个准话"),
        ("agent", 43, same + "[微笑]"),
    )
    assert "repetition" in got


def test_a_calm_conditional_threat_is_escalation_only(pack):
    got = fired(pack, ("buyer", 0, "如果明天还不到，我会给差评"), ("agent", 8, "亲，非常抱歉，今天一定送到"))
    assert "escalation_risk" in got and "buyer_negative" not in got
