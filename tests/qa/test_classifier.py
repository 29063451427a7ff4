"""The learned encoder behind the similarity operator (apps/qa/classifier.py): its scoring formula, the
rule parameter that turns it on, the hit's explanation, and the shipped artefact."""

from __future__ import annotations

import dataclasses
import math

import pytest

from apps.qa import classifier, engine
from apps.qa.engine import ConversationIn, MessageIn, RuleConfigError, RuleSpec, ScorecardSpec


def chat(*msgs) -> ConversationIn:
    return ConversationIn(key="c", platform="tmall", messages=tuple(MessageIn(r, float(t), x) for r, t, x in msgs))


def toy() -> classifier.MessageClassifier:
    return classifier.MessageClassifier("toy", bias=-2.0, weights={"自己": 6.0, "谢": -3.0, "您": 0.5})


def test_probability_is_logistic_of_bias_plus_weights_over_root_of_known_grams():
    model = toy()
    # 「您自己看」: known 1-3-grams 您, 自己 (自, 己, 看, 您自, 己看, … are unknown)
    expected = 1 / (1 + math.exp(-(-2.0 + (6.0 + 0.5) / math.sqrt(2))))
    assert model.probability("您自己看") == pytest.approx(expected)
    assert model.probability("") < 1e-9


def test_matches_the_scikit_learn_pipeline_it_was_fitted_with():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize as l2

    texts = ["您自己看吧", "我帮您查一下", "自己去问快递", "已为您补发", "不清楚，自己看", "好的亲"]
    labels = [1, 0, 1, 0, 1, 0]
    vec = CountVectorizer(analyzer="char", ngram_range=(1, 3), binary=True, lowercase=False)
    model = LogisticRegression().fit(l2(vec.fit_transform(texts).astype(float)), labels)
    ours = classifier.MessageClassifier(
        "t", float(model.intercept_[0]), dict(zip(vec.get_feature_names_out(), map(float, model.coef_[0]), strict=True))
    )
    for text in ("您自己  去看", "帮您查", "新的句子"):
        theirs = model.predict_proba(l2(vec.transform([text]).astype(float)))[0, 1]
        assert ours.probability(text) == pytest.approx(theirs)


def shirk_rule(**similar) -> RuleSpec:
    return RuleSpec(
        code="shirking",
        name="s",
        type="keyword",
        params={"words": ["爱买不买"], "similar": {"examples": ["不归我们管"], "threshold": 0.6, **similar}},
    )


def test_a_model_adds_matches_above_its_threshold_and_explains_them(monkeypatch):
    monkeypatch.setattr(classifier, "load", lambda name, path=None: toy() if name == "toy" else None)
    card = engine.compile_scorecard(ScorecardSpec(rules=(shirk_rule(model="toy", model_threshold=0.9),)))
    hit = card.score(chat(("buyer", 0, "能换吗"), ("agent", 5, "您自己看"))).hits
    assert [h.message_index for h in hit] == [1] and hit[0].note.startswith("模型 0.9") and "toy" not in hit[0].note
    assert "「自己」" in hit[0].note
    polite = card.score(chat(("buyer", 0, "能换吗"), ("agent", 5, "谢谢您，可以换")))
    assert polite.hits == ()


def test_without_a_model_the_same_message_does_not_match():
    card = engine.compile_scorecard(ScorecardSpec(rules=(shirk_rule(),)))
    assert card.score(chat(("buyer", 0, "能换吗"), ("agent", 5, "您自己看"))).hits == ()


@pytest.mark.parametrize(
    "similar", [{"model": "no-such-model"}, {"model": "shirking", "model_threshold": 1.5}, {"model": 3}]
)
def test_model_parameter_is_validated(similar):
    with pytest.raises(RuleConfigError):
        engine.validate_rule(shirk_rule(**similar))


def test_the_shipped_artefact_holds_the_models_the_default_pack_names():
    from apps.qa.services import load_pack

    named = {r["params"]["similar"]["model"] for r in load_pack()["rules"] if "model" in r["params"].get("similar", {})}
    assert named and all(classifier.load(name) is not None for name in named)
    shirking = classifier.load("shirking")
    assert shirking.probability("这个您自己联系快递吧，我们管不了") > shirking.probability("好的亲，马上为您补发")


def test_class_features_generalise_beyond_the_characters_seen():
    # an angry emoji the model never saw carries the feeling of the ones it saw; runs of ? and a
    # trailing-off are features of their own; a model fitted without classes ignores them
    assert {"\x01angry", "\x01??", "\x01short"} <= classifier.features("🤬???")
    assert "\x01..." in classifier.features("。。。") and "\x01sad" in classifier.features("唉😭")
    model = classifier.MessageClassifier("m", bias=-1.0, weights={"\x01angry": 4.0})
    assert model.probability("行吧👿") > 0.5 > model.probability("行吧😊")
    plain = classifier.MessageClassifier("m", bias=-1.0, weights={"\x01angry": 4.0}, classes=False)
    assert plain.probability("行吧👿") < 0.5
    assert "「angry」" in model.explain("行吧👿")


def test_matches_the_scikit_learn_pipeline_with_class_features():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize as l2

    texts = ["你们到底行不行???", "好的谢谢", "气死了😡", "收到啦😊", "。。。", "请问几天到"]
    labels = [1, 0, 1, 0, 1, 0]
    vec = CountVectorizer(analyzer=classifier.features, binary=True, lowercase=False)
    model = LogisticRegression().fit(l2(vec.fit_transform(texts).astype(float)), labels)
    ours = classifier.MessageClassifier(
        "t", float(model.intercept_[0]), dict(zip(vec.get_feature_names_out(), map(float, model.coef_[0]), strict=True))
    )
    for text in ("这也太慢了??", "🤬", "好的", "唉。。。"):
        theirs = model.predict_proba(l2(vec.transform([text]).astype(float)))[0, 1]
        assert ours.probability(text) == pytest.approx(theirs)


def test_a_regex_rule_takes_a_model_and_its_exclusion_still_spares_a_refusal(monkeypatch):
    toy_model = classifier.MessageClassifier("toy", bias=-3.0, weights={"私下": 8.0})
    monkeypatch.setattr(classifier, "load", lambda name, path=None: toy_model if name == "toy" else None)
    rule = RuleSpec(
        code="off_platform",
        name="o",
        type="regex",
        params={
            "pattern": "加微信",
            "exclude": "不支持私下",
            "similar": {"examples": ["加我微信聊"], "threshold": 0.9, "model": "toy", "model_threshold": 0.9},
        },
    )
    card = engine.compile_scorecard(ScorecardSpec(rules=(rule,)))
    hits = card.score(chat(("buyer", 0, "能便宜吗"), ("agent", 5, "私下算您便宜点"))).hits
    assert [h.message_index for h in hits] == [1] and hits[0].note.startswith("模型 0.")
    refusal = card.score(chat(("buyer", 0, "能便宜吗"), ("agent", 5, "不支持私下交易哦")))
    assert refusal.hits == ()


def test_void_in_drops_a_reward_offered_for_a_review_but_keeps_a_real_remedy():
    rule = RuleSpec(
        code="solution_offered",
        name="s",
        type="keyword",
        params={"words": ["补偿", "补发"], "void_in": {"words": ["补偿"], "when": ["差评", "评价"]}},
    )
    card = engine.compile_scorecard(ScorecardSpec(rules=(rule,)))
    bribe = card.score(chat(("buyer", 0, "坏了"), ("agent", 5, "您把差评删了，我们给您补偿20元")))
    assert bribe.hits == ()
    both = card.score(chat(("buyer", 0, "坏了"), ("agent", 5, "给您补发一个，差评删了再给您补偿")))
    assert [both.hits[0].start, both.hits[0].end] == [2, 4] and len(both.hits) == 1
    plain = card.score(chat(("buyer", 0, "坏了"), ("agent", 5, "给您补偿10元")))
    assert len(plain.hits) == 1
    with pytest.raises(RuleConfigError):
        engine.validate_rule(dataclasses.replace(rule, params={"words": ["补偿"], "void_in": ["补偿"]}))


def test_pinyin_spellings_of_listed_words_count_but_not_glued_or_single_characters():
    from apps.qa.engine.pinyin import variants

    made = variants(["保证", "滚", "绝对", "sb"])
    assert {"bao证", "保zheng", "baozheng", "jue对", "juedui"} <= set(made)
    assert not {"gun", "sb"} & set(made)  # one character, and Latin words, get none
    rule = RuleSpec(
        code="forbidden_promise",
        name="f",
        type="keyword",
        params={"words": ["保证", "绝对"], "negators": ["不敢"], "pinyin": True},
    )
    card = engine.compile_scorecard(ScorecardSpec(rules=(rule,)))

    def fired(text: str) -> bool:
        return bool(card.score(chat(("buyer", 0, "有效吗"), ("agent", 5, text))).hits)

    assert fired("28天bao证白一个度") and fired("JUE对有效")
    assert not fired("型号xbao证") and not fired("这个不敢bao证哦")
    plain = engine.compile_scorecard(ScorecardSpec(rules=(dataclasses.replace(rule, params={"words": ["保证"]}),)))
    assert not plain.score(chat(("buyer", 0, "有效吗"), ("agent", 5, "28天bao证白一个度"))).hits
    with pytest.raises(RuleConfigError):
        engine.validate_rule(
            dataclasses.replace(rule, params={"words": ["保证", "绝对"], "mode": "all", "pinyin": True})
        )
