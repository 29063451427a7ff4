"""The demo step: skills mirror who answered which brand's chats; a brand-week is planned once."""

from __future__ import annotations

from datetime import timedelta

from apps.core.demo import DemoContext
from apps.workforce import demo
from apps.workforce.choices import RosterStatus
from apps.workforce.models import AgentSkill, Roster
from tests import factories
from tests.workforce.factories import chat_history


def test_skills_follow_the_chats_each_agent_answered(brand_a, brand_b):
    store_a = factories.make_store(client=brand_a, platform="tmall")
    factories.make_store(client=brand_b, platform="jd")
    agent = factories.make_agent()
    idle = factories.make_agent()
    rows = chat_history(store_a, start=demo.DOUBLE_11_WEEK - timedelta(days=3), days=1, per_day=20, bot_share=0)
    for conversation in rows:
        conversation.agent = agent
        conversation.save(update_fields=["agent"])
    demo.seed_agents(DemoContext())
    assert list(AgentSkill.objects.values_list("agent_id", "client_id", "platform")) == [
        (agent.pk, brand_a.pk, "tmall")
    ]
    assert not AgentSkill.objects.filter(agent=idle).exists()


def test_plan_week_publishes_once_and_a_rerun_keeps_it(brand_a):
    store = factories.make_store(client=brand_a, is_24h=True)
    rows = chat_history(store, start=demo.DOUBLE_11_WEEK - timedelta(days=21), days=21, per_day=60)
    agents = [factories.make_agent() for _ in range(15)]
    for i, conversation in enumerate(rows):
        conversation.agent = agents[i % 15]
        conversation.save(update_fields=["agent"])
    demo.seed_agents(DemoContext())
    roster = demo.plan_week(brand_a, demo.DOUBLE_11_WEEK, time_limit=3)
    assert roster is not None and roster.status == RosterStatus.PUBLISHED
    assert demo.plan_week(brand_a, demo.DOUBLE_11_WEEK, time_limit=3) is None
    assert Roster.objects.filter(client=brand_a).count() == 1


def test_double_11_week_brands_share_cross_trained_agents_and_the_site_breaks_no_rule(brand_a, brand_b):
    from apps.workforce import problem
    from apps.workforce.models import Shift

    site = factories.make_site()
    stores = [
        factories.make_store(client=brand_a, is_24h=True),
        factories.make_store(client=brand_b, platform="jd", is_24h=True),
    ]
    agents = [factories.make_agent(site=site) for _ in range(24)]
    for k, store in enumerate(stores):
        rows = chat_history(store, start=demo.DOUBLE_11_WEEK - timedelta(days=14), days=14, per_day=40, seed=k + 3)
        team = agents[k * 12 : (k + 1) * 12]
        for i, conversation in enumerate(rows):
            conversation.agent = team[i % 12]
            conversation.save(update_fields=["agent"])
    demo.seed_agents(DemoContext(seed=7))
    cross = [a for a in agents if AgentSkill.objects.filter(agent=a).count() == 2]
    assert cross  # about a third are cross-trained on the other brand of their site
    for client in (brand_a, brand_b):
        assert demo.plan_week(client, demo.DOUBLE_11_WEEK, time_limit=3, quick=True) is not None
    assert problem.site_check(client_ids=[brand_a.pk, brand_b.pk], week_start=demo.DOUBLE_11_WEEK) == []
    worked = {}
    for agent_id, client_id in Shift.objects.filter(roster__week_start=demo.DOUBLE_11_WEEK).values_list(
        "agent_id", "roster__client_id"
    ):
        worked.setdefault(agent_id, set()).add(client_id)
    assert any(len(c) == 2 for c in worked.values())  # an agent worked for both brands this week
