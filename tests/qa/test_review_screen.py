"""The review screen: queue order, next item after each decision, the critical-dismissal comment,
sampled chats scored by hand as the engine scores them, and who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.qa import services
from apps.qa.models import Dispute, QAResult, ReviewItem
from tests.qa.factories import CLEAN, make_conversation

CRITICAL = [("buyer", 0, "能便宜点吗"), ("agent", 5, "亲，您好，加我vx私聊"), ("buyer", 9, "好的")]
MAJOR = [("buyer", 0, "这个能用多久"), ("agent", 5, "亲，您好，这个我也不知道，你自己看详情页"), ("buyer", 9, "好吧")]


@pytest.fixture
def queue(brand_a):
    card = services.scorecard_install_default(client=brand_a)
    card.review_sample_share = 1
    card.save(update_fields=["review_sample_share"])
    # 14 human-handled chats: a queue of ceil(14 × 15 %) = 3 — the critical, one sample, the major
    convs = [make_conversation(client=brand_a, messages=m) for m in (MAJOR, CRITICAL, *[CLEAN] * 12)]
    services.score_conversation_batch(conversation_ids=[c.pk for c in convs])
    return {c.pk: QAResult.objects.get(conversation=c) for c in convs}, convs


def _open(client, url):
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db
def test_next_item_follows_the_queue_order_and_dismissing_a_critical_needs_a_comment(client, qa_supervisor, queue):
    results, convs = queue
    client.force_login(qa_supervisor)
    first = _open(client, reverse("qa:review-next"))
    item = ReviewItem.objects.get(pk=int(first.rstrip("/").split("/")[-1]))
    assert item.severity == "critical" and item.result == results[convs[1].pk]
    page = client.get(first)
    assert page.status_code == 200 and "不成立" in page.content.decode() and "成立" in page.content.decode()
    assert "Y 成立 · N 不成立" in page.content.decode() and "S 保存评分" not in page.content.decode()
    refused = client.post(first, {"action": "dismiss", "comment": ""})
    assert refused.status_code == 400 and "致命项判为不成立时" in refused.content.decode()
    done = client.post(first, {"action": "dismiss", "comment": "买家先要的联系方式，已核实"})
    assert done.status_code == 302 and done["Location"].startswith(reverse("qa:review-next"))
    item.refresh_from_db()
    assert item.status == "dismissed" and item.reviewed_by == qa_supervisor
    second = ReviewItem.objects.get(pk=int(_open(client, done["Location"]).rstrip("/").split("/")[-1]))
    assert second.hit is not None and second.severity == "major"


@pytest.mark.django_db
def test_a_sample_is_scored_by_ticking_rules_like_the_engine(client, qa_supervisor, queue):
    results, convs = queue
    client.force_login(qa_supervisor)
    sample = ReviewItem.objects.get(reason="sample")
    url = reverse("qa:review", args=[sample.pk])
    page = client.get(url).content.decode()
    assert 'name="rules"' in page and "S 保存评分" in page and "Y 成立" not in page
    response = client.post(url, {"action": "score", "rules": ["closing_missing", "shirking"]})
    assert response.status_code == 302
    result = QAResult.objects.get(pk=sample.result_id)
    expected = services.manual_score(scorecard=result.scorecard, rule_codes=["closing_missing", "shirking"])
    assert (result.score, result.passed) == expected[:2] == (90, True)
    sample.refresh_from_db()
    assert sample.status == "confirmed" and sample.comment.startswith("人工评分 90 分")


@pytest.mark.django_db
def test_skip_moves_on_without_deciding(client, qa_supervisor, queue):
    client.force_login(qa_supervisor)
    first = _open(client, reverse("qa:review-next"))
    skipped = client.post(first, {"action": "skip"})
    assert "skip=" in skipped["Location"]
    assert _open(client, skipped["Location"]) != first
    assert not ReviewItem.objects.exclude(status="open").exists()


@pytest.mark.django_db
def test_only_qa_supervisors_review(client, bpo_manager, queue):
    client.force_login(bpo_manager)
    item = ReviewItem.objects.first()
    assert client.get(reverse("qa:review", args=[item.pk])).status_code == 403


@pytest.mark.django_db
def test_a_dispute_is_filed_from_the_result_page_by_picking_the_hit(client, bpo_manager, queue):
    results, convs = queue
    result = results[convs[1].pk]
    client.force_login(bpo_manager)
    page = client.get(reverse("admin:qa_qaresult_change", args=[result.pk])).content.decode()
    hit = result.hits.filter(rule__score_change__lt=0).select_related("rule").first()
    link = reverse("admin:qa_dispute_add") + f"?result={result.pk}&amp;hit={hit.pk}"
    assert link in page and "对此命中申诉" in page

    add = client.get(reverse("admin:qa_dispute_add") + f"?result={result.pk}&hit={hit.pk}").content.decode()
    assert f'<input type="hidden" name="result" value="{result.pk}"' in add  # shown as the transcript, not typed
    assert f'<option value="{hit.pk}" selected>{hit.rule.name}' in add
    assert "&amp;gt;" not in add and "申诉的命中" in add

    response = client.post(
        reverse("admin:qa_dispute_add"), {"result": result.pk, "hit": hit.pk, "reason": "买家先问的，客服已及时回复"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dispute = Dispute.objects.get(result=result)
    assert dispute.reason.startswith(hit.rule.name) and dispute.reason.endswith("：买家先问的，客服已及时回复")
    assert str(dispute).startswith(result.conversation.platform_conversation_id)  # a chat's id, not a row id

    assert client.get(reverse("admin:qa_dispute_add") + "?result=abc&hit=x").status_code == 200
    refused = client.post(reverse("admin:qa_dispute_add"), {"result": "", "hit": "", "reason": "x"})
    assert Dispute.objects.count() == 1 and "对此命中申诉" in refused.content.decode()
