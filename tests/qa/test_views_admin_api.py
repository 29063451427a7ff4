"""QA pages, the admin review screens, the API and the period summary feed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as WebClient
from django.utils import timezone

from apps.conversations.choices import SenderRole
from apps.qa import selectors, services
from apps.qa.choices import ReviewStatus
from apps.qa.models import Dispute, QAHit, QAResult, ReviewItem
from tests import factories
from tests.qa.factories import CLEAN, make_conversation

THREAT = [
    ("buyer", 0, "你们太垃圾了，再不处理我就投诉到12315"),
    ("agent", 10, "亲，您好，请提供订单号"),
    ("agent", 20, "加我vx私聊"),
    ("buyer", 30, "好的"),
]


@pytest.fixture
def scored(brand_a):
    services.scorecard_install_default(client=brand_a)
    store = factories.make_store(client=brand_a)
    agent = factories.make_agent()
    bad = make_conversation(store=store, messages=THREAT, agent=agent)
    good = make_conversation(store=store, messages=CLEAN, agent=agent)
    services.score_conversation_batch(conversation_ids=[bad.pk, good.pk])
    return bad, good


def web(user) -> WebClient:
    c = WebClient()
    c.force_login(user)
    return c


def test_period_summary_counts(scored, brand_a):
    summary = selectors.qa_period_summary(client_id=brand_a.pk, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert (summary.conversations, summary.scored, summary.passed, str(summary.pass_rate)) == (2, 2, 1, "0.5000")
    assert summary.critical_hits >= 1 and summary.by_day[0]["scored"] == 2


def test_period_summary_high_risk_and_coaching(scored, brand_a):
    summary = selectors.qa_period_summary(client_id=brand_a.pk, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert summary.high_risk[0]["review_status"] == "open"
    assert summary.coaching[0]["issues"] >= 2
    assert set(summary.disputes) == {"filed", "accepted", "partly_accepted", "rejected", "open"}


def test_period_summary_empty_period_has_none_rates(brand_a):
    summary = selectors.qa_period_summary(client_id=brand_a.pk, start=date(2026, 1, 1), end=date(2026, 2, 1))
    assert (summary.pass_rate, summary.average_score, summary.by_rule) == (None, None, [])


@pytest.mark.parametrize("name", ["qa:dashboard", "qa:agents", "qa:escalations", "qa:coaching"])
def test_pages_render_for_supervisor(scored, qa_supervisor, name):
    from django.urls import reverse

    response = web(qa_supervisor).get(reverse(name), {"start": "2026-11-01", "end": "2026-12-01"})
    assert response.status_code == 200


def test_dashboard_draws_an_svg_chart(scored, qa_supervisor):
    response = web(qa_supervisor).get("/qa/", {"start": "2026-11-01", "end": "2026-12-01"})
    assert b"<polyline" in response.content


def test_dashboard_names_severities_in_the_users_language(scored, qa_supervisor):
    response = web(qa_supervisor).get("/qa/", {"start": "2026-11-01", "end": "2026-12-01"})
    rows = response.context["rules"]
    assert rows and all(r["severity_label"] for r in rows)
    critical = next(r for r in rows if r["severity"] == "critical")
    assert f"<td>{critical['severity_label']}</td>".encode() in response.content
    assert b"<td>critical</td>" not in response.content


def test_agents_page_lists_every_agent_with_score_pass_rate_and_top_violation(scored, qa_supervisor, brand_a):
    bad, good = scored
    response = web(qa_supervisor).get("/qa/agents/", {"start": "2026-11-01", "end": "2026-12-01", "client": brand_a.pk})
    [row] = response.context["rows"]  # one agent handled both chats
    assert (row["agent__name"], row["scored"], row["passed"], row["critical"]) == (bad.agent.name, 2, 1, 1)
    scores = [QAResult.objects.get(conversation=c).score for c in (bad, good)]
    assert row["average"] == Decimal(sum(scores)) / 2
    assert row["pass_rate"] == Decimal("0.5000") and row["top_rule"]
    assert "50.0%" in response.content.decode()


def test_escalation_page_says_what_was_done_in_the_users_language(scored, qa_supervisor):
    response = web(qa_supervisor).get("/qa/escalations/", {"start": "2026-11-01", "end": "2026-12-01"})
    html = response.content.decode()
    rows = response.context["rows"]
    assert rows and {r["review_status"] for r in rows} == {"open"}
    assert "<td>待处理</td><td>待质检复核</td>" in html
    assert "awaiting review" not in html and "<td>open</td>" not in html
    assert f'href="/admin/qa/qaresult/{rows[0]["result_id"]}/change/"' in html  # to the transcript


def test_coaching_ranks_a_red_line_above_a_pile_of_slow_replies(brand_a, qa_supervisor):
    """A critical hit (加我vx) puts an agent above one with many more, but minor, hits; within each
    row the rules are weighed by severity, and the row names the severities and the heaviest rules
    with their counts."""
    services.scorecard_install_default(client=brand_a)
    store = factories.make_store(client=brand_a)
    red_line, slow = factories.make_agent(), factories.make_agent()
    convs = [make_conversation(store=store, agent=red_line, messages=[*CLEAN[:3], ("agent", 40, "加我vx私聊")])]
    for _ in range(4):  # first reply after 60 s, and no closing phrase: minor hits only
        convs.append(
            make_conversation(store=store, agent=slow, messages=[("buyer", 0, "在吗"), ("agent", 60, "亲，您好！在的")])
        )
    services.score_conversation_batch(conversation_ids=[c.pk for c in convs])
    rows = selectors.coaching_rows(hits=QAHit.objects.all())
    assert [r["agent_name"] for r in rows] == [red_line.name, slow.name]
    top, other = rows
    assert top["critical"] == 1 and top["top_rule"] == top["focus"][0][0] and top["issues"] < other["issues"]
    assert (other["critical"], other["major"]) == (0, 0) and other["minor"] == other["issues"] >= 4
    response = web(qa_supervisor).get("/qa/coaching/", {"week": "2026-11-09"})
    assert response.status_code == 200


def test_qa_line_chart_keeps_the_last_date_label_inside():
    import re
    from datetime import date, timedelta

    from apps.qa import charts

    weeks = [date(2026, 8, 31) + timedelta(weeks=i) for i in range(12)]
    svg = str(charts.line_chart({"口福记": [(d, 90.0) for d in weeks]}, width=720))
    last_x = max(float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="middle">', svg))
    assert last_x + 15 <= 720  # half of a 10-px "11-16" label fits inside the drawing


def test_client_viewer_cannot_open_qa_pages(scored, viewer_a):
    assert web(viewer_a).get("/qa/").status_code == 403


def test_admin_review_change_view_highlights_spans(scored, qa_supervisor):
    item = ReviewItem.objects.filter(hit__rule__code="off_platform").get()
    response = web(qa_supervisor).get(f"/admin/qa/reviewitem/{item.pk}/change/")
    assert response.status_code == 200
    assert b'<mark class="qa-hit qa-critical"' in response.content
    assert f"#0 · {SenderRole.BUYER.label} ·".encode() in response.content  # roles by their label
    # the hit names its rule and the message as the transcript numbers it, not their database ids
    hit = item.hit
    assert f"{hit.rule.name} · 消息 #{hit.message_index}".encode() in response.content


def test_admin_bulk_dismiss_with_comment(scored, qa_supervisor):
    ids = list(ReviewItem.objects.values_list("pk", flat=True))
    response = web(qa_supervisor).post(
        "/admin/qa/reviewitem/",
        {"action": "dismiss", "_selected_action": ids, "apply": "1", "comment": "误报"},
        follow=True,
    )
    assert response.status_code == 200
    assert set(ReviewItem.objects.values_list("status", "comment")) == {("dismissed", "误报")}
    # the message names the status in the user's language, not the stored value
    [message] = [str(m) for m in response.context["messages"]]
    assert str(ReviewStatus.DISMISSED.label) in message and "dismissed" not in message


def test_admin_queue_filters(scored, qa_supervisor, brand_a):
    response = web(qa_supervisor).get(
        "/admin/qa/reviewitem/", {"severity": "critical", "status": "open", "rule": "off_platform"}
    )
    assert response.status_code == 200
    [item] = response.context["cl"].result_list
    assert item.hit.rule.code == "off_platform"
    html = response.content.decode()
    # a row: the conversation (the link to the item), a short coloured severity tag, a short time
    bad, _good = scored
    assert f'<a href="/admin/qa/reviewitem/{item.pk}/change/' in html and bad.platform_conversation_id in html
    assert '<span class="qa-tag qa-critical">致命</span>' in html
    assert timezone.localtime(bad.started_at).strftime("%m-%d %H:%M") in html


def test_admin_rule_with_broken_regex_shows_reason(scored, qa_supervisor, brand_a):
    card = brand_a.scorecards.get()
    response = web(qa_supervisor).post(
        "/admin/qa/rule/add/",
        {
            "scorecard": card.pk,
            "item": card.items.first().pk,
            "code": "broken",
            "name": "broken",
            "rule_type": "regex",
            "params": '{"pattern": "(vx"}',
            "severity": "major",
            "score_change": -5,
            "role": "agent",
            "enabled": "on",
        },
    )
    assert response.status_code == 200 and "broken regular expression" in response.content.decode()


def test_admin_rule_form_ticks_platforms_and_indents_parameters(scored, qa_supervisor, brand_a):
    card = brand_a.scorecards.get()
    client = web(qa_supervisor)
    response = client.post(
        "/admin/qa/rule/add/",
        {
            "scorecard": card.pk,
            "item": card.items.first().pk,
            "code": "jd_douyin_only",
            "name": "京东抖音专用",
            "rule_type": "keyword",
            "params": '{"words": ["包邮到家"], "mode": "any"}',
            "severity": "minor",
            "score_change": -2,
            "role": "agent",
            "platforms": ["jd", "douyin"],
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = card.rules.get(code="jd_douyin_only")
    assert (rule.platforms, rule.params) == (["jd", "douyin"], {"words": ["包邮到家"], "mode": "any"})
    html = client.get(f"/admin/qa/rule/{rule.pk}/change/").content.decode()
    assert "&quot;words&quot;: [\n    &quot;包邮到家&quot;\n  ]" in html  # indented, Chinese as it is
    assert 'type="checkbox" name="platforms" value="jd"' in html and "checked" in html
    # the parameters' help names what this rule type reads, and only this type (the add form: every type)
    assert "words：词表（必填）" in html and "pattern：正则表达式" not in html
    blank = client.get("/admin/qa/rule/add/").content.decode()
    assert "words：词表（必填）" in blank and "pattern：正则表达式" in blank and "op：and | or | not" in blank


def test_api_rule_with_empty_words_is_400(scored, api, qa_supervisor, brand_a):
    card = brand_a.scorecards.get()
    response = api(qa_supervisor).post(
        "/api/v1/qa/rules/",
        {
            "scorecard": card.pk,
            "item": card.items.first().pk,
            "code": "e",
            "name": "e",
            "rule_type": "keyword",
            "params": {"words": []},
            "severity": "major",
            "score_change": -5,
            "role": "agent",
        },
        format="json",
    )
    assert response.status_code == 400 and "empty" in response.json()["detail"]


def test_api_summary_404_for_other_brand(scored, api, brand_b):
    viewer_b = factories.make_user(role="client_viewer", client=brand_b)
    response = api(viewer_b).get(
        "/api/v1/qa/summary/", {"client": scored[0].store.client_id, "start": "2026-11-01", "end": "2026-12-01"}
    )
    assert response.status_code in (403, 404)


def test_api_results_hidden_from_other_brand_viewer(scored, api, brand_b):
    viewer_b = factories.make_user(role="client_viewer", client=brand_b)
    result = QAResult.objects.first()
    assert api(viewer_b).get(f"/api/v1/qa/results/{result.pk}/").status_code in (403, 404)


def test_api_dispute_file_and_decide(scored, api, bpo_manager, qa_supervisor):
    result = QAResult.objects.get(conversation=scored[0])
    filed = api(bpo_manager).post("/api/v1/qa/disputes/", {"result": result.pk, "reason": "客户原话"}, format="json")
    assert filed.status_code == 201
    decided = api(qa_supervisor).post(
        f"/api/v1/qa/disputes/{filed.json()['id']}/decide/", {"decision": "rejected"}, format="json"
    )
    assert decided.status_code == 200 and Dispute.objects.get().status == "rejected"


def test_api_review_decide(scored, api, qa_supervisor):
    item = ReviewItem.objects.first()
    response = api(qa_supervisor).post(
        f"/api/v1/qa/review-items/{item.pk}/decide/", {"status": "confirmed", "comment": "ok"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_admin_calibration_close_action_shows_kappa(scored, qa_supervisor, brand_a):

    other = factories.make_user(role="qa_supervisor")
    card = brand_a.scorecards.get()
    convs = [scored[0], scored[1]]
    session = services.calibration_create(scorecard=card, name="admin-cal", conversations=convs)
    for conv, a, b in zip(convs, [True, False], [True, False], strict=True):
        services.calibration_score(session=session, conversation=conv, reviewer=qa_supervisor, passed=a)
        services.calibration_score(session=session, conversation=conv, reviewer=other, passed=b)
    response = web(qa_supervisor).post(
        "/admin/qa/calibrationsession/", {"action": "close", "_selected_action": [session.pk]}
    )
    session.refresh_from_db()
    assert response.status_code == 302 and (str(session.agreement), str(session.kappa)) == ("1.0000", "1.0000")


def test_admin_dispute_settle_action(scored, qa_supervisor, bpo_manager):
    result = QAResult.objects.get(conversation=scored[0])
    dispute = services.dispute_file(result=result, filed_by=bpo_manager, reason="复核")
    response = web(qa_supervisor).post(
        "/admin/qa/dispute/",
        {
            "action": "decide",
            "_selected_action": [dispute.pk],
            "apply": "1",
            "decision": "partly_accepted",
            "score_after": 60,
            "comment": "部分成立",
        },
    )
    dispute.refresh_from_db()
    assert response.status_code == 302 and (dispute.status, dispute.score_after) == ("partly_accepted", 60)


def test_admin_result_change_view_reads_the_rules_of_its_hits_at_once(scored, qa_supervisor):
    """Each hit row of the result page names its rule: one query for all of them, not one per hit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bad, _good = scored
    result = QAResult.objects.get(conversation=bad)
    assert result.hits.count() >= 3
    with CaptureQueriesContext(connection) as queries:
        response = web(qa_supervisor).get(f"/admin/qa/qaresult/{result.pk}/change/")
    assert response.status_code == 200
    rule_reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith('SELECT "qa_rule"')]
    assert len(rule_reads) <= 1, rule_reads


def test_qa_objects_read_as_what_a_supervisor_knows(scored):
    """Results name the conversation as the platform does, QA runs say what started them, in the
    user's language; no database ids standing in for names."""
    from django.utils import translation

    from apps.qa.models import QARun

    bad, _good = scored
    result = QAResult.objects.get(conversation=bad)
    run = QARun.objects.create(kind="sweep")
    with translation.override("zh-hans"):
        assert str(result).startswith(f"{bad.platform_conversation_id} · 已评分")
        assert str(run).startswith(f"质检任务 #{run.pk} · 夜间补检 (")


def test_admin_result_list_names_the_brand(scored, qa_supervisor, brand_a):
    """Every brand's default scorecard bears the same name, so the list shows the brand instead."""
    response = web(qa_supervisor).get("/admin/qa/qaresult/")
    assert response.status_code == 200
    assert f'<td class="field-brand">{brand_a.name}</td>' in response.content.decode()


def test_api_lists_qa_runs_and_calibrations_of_the_users_brands(scored, api, qa_supervisor, brand_a, brand_b):
    from apps.qa.models import QARun

    bad, good = scored
    services.qa_sweep_unscored(client_id=brand_a.pk)
    card = brand_a.scorecards.get()
    session = services.calibration_create(
        scorecard=card, name="API 校准", conversations=[bad, good], actor=qa_supervisor
    )
    other = factories.make_user(role="qa_supervisor")
    for reviewer, passed in ((qa_supervisor, False), (other, False)):
        services.calibration_score(session=session, conversation=bad, reviewer=reviewer, passed=passed, score=0)
    services.calibration_close(session=session, actor=qa_supervisor)

    runs = api(qa_supervisor).get("/api/v1/qa/runs/").json()["results"]
    run = QARun.objects.get()
    assert [(r["id"], r["kind"], r["client"], r["no_scorecard"]) for r in runs] == [(run.pk, "sweep", brand_a.pk, 0)]
    [body] = api(qa_supervisor).get("/api/v1/qa/calibrations/").json()["results"]
    assert (body["name"], body["status"], body["agreement"]) == ("API 校准", "closed", "1.0000")
    assert sorted(body["conversations"]) == sorted([bad.pk, good.pk])
    assert {(x["reviewer"], x["passed"]) for x in body["scores"]} == {
        (qa_supervisor.username, False),
        (other.username, False),
    }

    viewer_b = factories.make_user(role="client_viewer", client=brand_b)
    assert api(viewer_b).get(f"/api/v1/qa/calibrations/{session.pk}/").status_code in (403, 404)
    assert api(viewer_b).get(f"/api/v1/qa/runs/{run.pk}/").status_code in (403, 404)


def test_api_new_version_and_rescore(
    scored, api, qa_supervisor, bpo_manager, brand_a, django_capture_on_commit_callbacks
):
    from apps.qa.models import QARun

    card = brand_a.scorecards.get()
    assert api(bpo_manager).post(f"/api/v1/qa/scorecards/{card.pk}/rescore/").status_code == 403
    created = api(qa_supervisor).post(f"/api/v1/qa/scorecards/{card.pk}/new-version/")
    assert created.status_code == 201 and (created.json()["version"], created.json()["is_active"]) == (2, True)
    with django_capture_on_commit_callbacks(execute=True):
        queued = api(qa_supervisor).post(f"/api/v1/qa/scorecards/{created.json()['id']}/rescore/")
    assert queued.status_code == 202
    run = QARun.objects.get(kind="rescore")
    assert queued.json()["run"] == run.pk
    # the run keeps who asked and which version, and the task found them by the run's id
    assert (run.status, run.scored, run.created_by, run.scorecard_id) == (
        "succeeded",
        2,
        qa_supervisor,
        created.json()["id"],
    )
    # the old version's results stay
    assert QAResult.objects.filter(scorecard=card).count() == 2 and QAResult.objects.count() == 4
