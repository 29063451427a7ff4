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
