"""The review-queue classifier (apps.qa.learning) and the queue's workload cap and order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.core.errors import DomainError
from apps.qa import learning, services
from apps.qa.choices import ReviewStatus
from apps.qa.models import ReviewItem, ReviewModel

T0 = datetime(2026, 11, 1, tzinfo=UTC)
TRUE = ["加我微信私聊给您便宜", "vx联系我 私下转账", "加个v 发你链接", "我的微信是这个 加一下", "私下交易能便宜二十"]
FALSE = ["不要加陌生人微信哦", "请勿私下转账 谨防诈骗", "微信支付也可以的", "我们不会让您加微信", "平台内付款更安全"]


def decisions(n_rounds: int = 4) -> list[learning.Decision]:
    out = []
    for k in range(n_rounds):
        for i, text in enumerate(TRUE):
            out.append(learning.Decision(text, True, T0 + timedelta(hours=10 * k + i)))
        for i, text in enumerate(FALSE):
            out.append(learning.Decision(text, False, T0 + timedelta(hours=10 * k + i, minutes=30)))
    return out


def test_fit_ranks_confirmed_like_flags_above_dismissed_like_ones_and_explains():
    data = decisions()
    assert learning.trainable(data) and not learning.trainable(data[:10])
    model, ev = learning.fit(data)
    yes, no = learning.likelihoods(model, ["加我微信 私聊", "请勿添加陌生微信"])
    assert yes > learning.CUTOFF > no
    assert ev.trained + ev.held_out == len(data) and ev.held_out == 8
    assert ev.precision_at_cutoff is not None and ev.precision_at_cutoff >= ev.baseline_precision
    note = learning.explain(model, "加我微信 私聊")
    assert note.count("「") == 3 and ("+" in note or "-" in note)


def test_the_hold_out_is_the_latest_decisions():
    data = decisions()
    late = max(d.at for d in data)
    flipped = [learning.Decision(d.text, not d.confirmed, d.at) if d.at == late else d for d in data]
    _model, ev = learning.fit(flipped)
    assert ev.held_out == round(len(data) * learning.HOLD_OUT)


@pytest.mark.django_db
def test_dismissing_a_critical_flag_needs_a_comment(scored_with_critical):
    item = ReviewItem.objects.filter(result=scored_with_critical, severity="critical").first()
    with pytest.raises(DomainError):
        services.review_decide(items=[item], status=ReviewStatus.DISMISSED, comment="  ")
    assert services.review_decide(items=[item], status=ReviewStatus.DISMISSED, comment="客户先要的微信") == 1


@pytest.mark.django_db
def test_models_train_from_decisions_and_rank_open_flags(brand_with_decisions):
    client, open_items = brand_with_decisions
    out = learning.retrain_and_rank(client_id=client.pk)
    assert out["models"] == 1 and ReviewModel.objects.filter(client=client, rule_code="off_platform").exists()
    ranked = {i.hit.excerpt: i for i in ReviewItem.objects.filter(pk__in=[i.pk for i in open_items])}
    good, bad = ranked["加我微信 私聊吧"], ranked["请勿添加陌生微信哦"]
    assert good.likelihood > bad.likelihood and bad.resembles_dismissed and not good.resembles_dismissed
    assert good.rank_note.startswith(f"{good.likelihood:.0%}") and good.status == ReviewStatus.OPEN


BAD = [("buyer", 0, "这个是最低价吗"), ("agent", 10, "亲，您好，加我vx私聊"), ("buyer", 20, "好的")]


@pytest.fixture
def card(brand_a):
    return services.scorecard_install_default(client=brand_a)


@pytest.fixture
def scored_with_critical(card, brand_a):
    from apps.qa.models import QAResult
    from tests.qa.factories import make_conversation

    conv = make_conversation(client=brand_a, messages=BAD)
    services.score_conversation_batch(conversation_ids=[conv.pk])
    return QAResult.objects.get(conversation=conv)


@pytest.fixture
def brand_with_decisions(card, brand_a):
    """Twenty decided off-platform flags (confirmed offers, dismissed warnings) and two open ones."""
    from tests.qa.factories import make_conversation

    texts = [(t, True) for t in TRUE] * 2 + [(t, False) for t in FALSE] * 2
    convs = [make_conversation(client=brand_a, messages=[("buyer", 0, "在吗"), ("agent", 5, t)]) for t, _ in texts]
    fresh = [
        make_conversation(client=brand_a, messages=[("buyer", 0, "在吗"), ("agent", 5, t)])
        for t in ("加我微信 私聊吧", "请勿添加陌生微信哦")
    ]
    services.score_conversation_batch(conversation_ids=[c.pk for c in convs + fresh])
    items = {}
    for item in ReviewItem.objects.filter(hit__rule__code="off_platform").select_related("result", "hit"):
        items[item.result.conversation_id] = item
    # a warning does not fire the rule: file the dismissed ones as flags of the same rule by hand
    from apps.qa.models import QAHit, QAResult, Rule

    rule = Rule.objects.get(scorecard=card, code="off_platform")
    for i, ((text, confirmed), conv) in enumerate(zip(texts, convs, strict=True)):
        item = items.get(conv.pk)
        if item is None:
            result = QAResult.objects.get(conversation=conv)
            hit = QAHit.objects.create(result=result, rule=rule, severity="critical", message_index=1, excerpt=text)
            item = ReviewItem.objects.create(result=result, hit=hit, reason="violation", severity="critical")
        item.status = ReviewStatus.CONFIRMED if confirmed else ReviewStatus.DISMISSED
        item.reviewed_at = T0 + timedelta(hours=i)
        item.save()
    open_items = []
    for conv, text in zip(fresh, ("加我微信 私聊吧", "请勿添加陌生微信哦"), strict=True):
        item = items.get(conv.pk)
        if item is None:
            result = QAResult.objects.get(conversation=conv)
            hit = QAHit.objects.create(result=result, rule=rule, severity="critical", message_index=1, excerpt=text)
            item = ReviewItem.objects.create(result=result, hit=hit, reason="violation", severity="critical")
        open_items.append(item)
    return brand_a, open_items


@pytest.mark.django_db
def test_queue_takes_every_critical_and_caps_majors_at_fifteen_percent(card, brand_a):
    from apps.qa.selectors import queue_share
    from tests.qa.factories import CLEAN, make_conversation

    shirk = [
        ("buyer", 0, "这个能用多久"),
        ("agent", 5, "亲，您好，这个我也不知道，你自己看详情页"),
        ("buyer", 9, "好吧"),
    ]
    convs = [make_conversation(client=brand_a, messages=BAD) for _ in range(2)]
    convs += [make_conversation(client=brand_a, messages=shirk) for _ in range(4)]
    convs += [make_conversation(client=brand_a, messages=CLEAN) for _ in range(14)]
    services.score_conversation_batch(conversation_ids=[c.pk for c in convs])
    queued, human = queue_share(brand_a)
    assert human == 20 and queued == 3  # ceil(20 × 15 %): both criticals first, then one major or sample
    assert ReviewItem.objects.filter(severity="critical").values("result").distinct().count() == 2
    assert ReviewItem.objects.filter(severity="major").values("result").distinct().count() <= 1
    assert not ReviewItem.objects.filter(hit__rule__rule_type="timing").exists()
