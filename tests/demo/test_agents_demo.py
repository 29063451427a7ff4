from __future__ import annotations

import re
from collections import Counter

import pytest

from apps.clients import demo as clients_demo
from apps.people import demo_agents
from apps.people.models import Agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(make_ctx):
    clients_demo.seed(make_ctx())
    demo_agents.seed(make_ctx())


def test_three_hundred_agents_at_the_two_sites(seeded):
    assert Agent.objects.count() == 300
    assert set(Agent.objects.values_list("site__code", flat=True)) == {"hefei", "chengdu"}
    for agent in Agent.objects.select_related("site"):
        prefix = "HF" if agent.site.code == "hefei" else "CD"
        assert re.fullmatch(prefix + r"\d{4}", agent.employee_no)


def test_contract_mix_and_costs(seeded):
    mix = Counter(Agent.objects.values_list("contract_type", flat=True))
    assert 0.70 <= mix["full_time"] / 300 <= 0.80
    assert 0.12 <= mix["part_time"] / 300 <= 0.18
    assert 0.08 <= mix["surge"] / 300 <= 0.12
    surge_min = min(Agent.objects.filter(contract_type="surge").values_list("hourly_cost", flat=True))
    full_max = max(Agent.objects.filter(contract_type="full_time").values_list("hourly_cost", flat=True))
    assert surge_min >= full_max - 2  # agency surge staff are the dearest per hour
    assert not Agent.objects.filter(hired_on__isnull=True).exists()


def test_each_brand_team_has_its_own_nick_prefix():
    specs = demo_agents.agent_specs(7)
    shorts = {b.code: b.short for b in clients_demo.BRANDS}
    assert len({s.nick for s in specs}) == 300
    for spec in specs:
        assert spec.nick.startswith(shorts[spec.brand_code] + "-")
    assert sum(demo_agents.team_sizes().values()) == 300


def test_same_seed_same_roster():
    assert demo_agents.agent_specs(7) == demo_agents.agent_specs(7)


def test_rerun_changes_nothing(seeded, make_ctx):
    before = list(Agent.objects.order_by("employee_no").values())
    demo_agents.seed(make_ctx())
    assert list(Agent.objects.order_by("employee_no").values()) == before


def test_another_seed_reuses_employee_numbers_without_nick_clashes(seeded, make_ctx):
    demo_agents.seed(make_ctx(seed=8))
    assert Agent.objects.count() == 300
    assert set(Agent.objects.values_list("nick", flat=True)) == {s.nick for s in demo_agents.agent_specs(8)}


def test_specs_name_the_skills_the_workforce_step_needs():
    teams = demo_agents.brand_teams(7)
    brands = {b.code: b for b in clients_demo.BRANDS}
    for code, team in teams.items():
        assert team
        for spec in team:
            assert set(spec.platforms) == {s.platform for s in brands[code].stores}
            assert "zh" in spec.languages
    assert all("en" in s.languages for s in teams["haijing"])
