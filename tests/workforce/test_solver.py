"""The roster solver on small instances with a known optimum, and the independent checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.workforce.checker import check_roster
from apps.workforce.solver import AgentSpec, Assignment, RosterProblem, ShiftRules, solve

WEEK = 672
ALL = (1 << (WEEK + 48)) - 1


def problem_with(demand_slots: dict[int, int], *, agents: int = 10, **extra) -> RosterProblem:
    demand = [0] * WEEK
    for t, d in demand_slots.items():
        demand[t] = d
    specs = [AgentSpec(i, ALL, weekly_max=176) for i in range(agents)]
    return RosterProblem(demand=demand, open_mask=extra.pop("open_mask", ALL), agents=specs, **extra)


def test_one_five_hour_block_is_one_five_hour_shift():
    result = solve(problem_with({t: 1 for t in range(40, 60)}), time_limit_s=5)
    assert result.paid_hours == 5.0
    assert result.lp_bound_hours == 5.0
    assert result.short_slots == []


def test_ten_slots_of_three_agents_cost_three_minimum_shifts():
    result = solve(problem_with({t: 3 for t in range(40, 50)}), time_limit_s=5)
    assert result.paid_hours == 12.0  # 3 × the 4-hour minimum
    assert result.efficiency == 12.0 / 7.5


def test_a_7_5_hour_block_needs_two_short_shifts_because_of_the_meal_hole():
    # one long shift would leave its meal uncovered; the optimum is two 4-hour shifts (8 h)
    result = solve(problem_with({t: 1 for t in range(100, 130)}), time_limit_s=5)
    assert result.paid_hours == 8.0
    assert result.short_slots == []
    assert check_roster(problem_with({t: 1 for t in range(100, 130)}), result.assignments) == []


def test_demand_beyond_the_pool_returns_the_partial_plan_and_its_shortfall():
    problem = problem_with({t: 5 for t in range(40, 60)}, agents=3)
    result = solve(problem, time_limit_s=5)
    assert len(result.assignments) == 3
    assert [gap for _, gap in result.short_slots] == [2] * 20
    assert [t for t, _ in result.short_slots] == list(range(40, 60))
    assert result.surge_needed == 2


def test_no_agent_with_the_skill_names_the_reason():
    problem = problem_with({t: 1 for t in range(40, 60)}, agents=0)
    result = solve(problem, time_limit_s=5)
    assert result.assignments == []
    assert "no agent with the needed skill is available" in result.notes
    assert result.surge_needed == 1


def test_nobody_is_placed_while_the_store_is_closed():
    open_mask = 0
    for day in range(8):
        open_mask |= ((1 << 64) - 1) << (day * 96 + 32)  # 08:00–24:00
    problem = problem_with({t: 1 for t in range(0, 96)}, open_mask=open_mask)
    result = solve(problem, time_limit_s=5)
    assert all(32 <= a.start % 96 and a.end <= (a.start // 96 + 1) * 96 for a in result.assignments)
    assert {t for t, _ in result.short_slots} == set(range(0, 32))
    assert check_roster(problem, result.assignments) == []


def test_a_shift_rule_that_fits_no_day_is_reported():
    rules = ShiftRules(min_len=40, max_len=40, meal_earliest=30, meal_latest_before_end=30)
    result = solve(problem_with({t: 1 for t in range(40, 60)}, rules=rules), time_limit_s=5)
    assert any("no shift fits" in note for note in result.notes)
    assert len(result.short_slots) == 20


def test_the_checker_finds_each_broken_rule():
    problem = problem_with({}, agents=2)
    night_owl = AgentSpec(5, ALL & ~((1 << 96) - 1), weekly_max=20, nights_ok=False)
    problem.agents.append(night_owl)
    bad = [
        Assignment(0, 0, 16, None, (6,)),
        Assignment(0, 20, 16, None, (6,)),  # same day, 4 slots of rest
        Assignment(1, 96, 50, None, ()),  # too long, no meal
        Assignment(5, 0, 16, None, ()),  # on leave day 0, night, no break
        Assignment(99, 200, 16, None, (6,)),  # not in the skilled pool
    ]
    rules = {v.rule for v in check_roster(problem, bad)}
    assert {"one_shift_a_day", "rest", "length", "meal", "availability", "nights", "breaks", "skill"} <= rules


def test_the_checker_counts_days_and_weekly_hours():
    problem = problem_with({}, agents=1)
    problem.agents[0] = AgentSpec(0, ALL, weekly_max=60)
    week = [Assignment(0, d * 96 + 36, 24, None, (8, 16)) for d in range(7)]
    rules = {v.rule for v in check_roster(problem, week)}
    assert {"days_per_week", "weekly_hours"} <= rules


@st.composite
def small_instances(draw):
    demand = [0] * WEEK
    for _ in range(draw(st.integers(1, 4))):
        day = draw(st.integers(0, 6))
        start = day * 96 + draw(st.integers(0, 80))
        length = draw(st.integers(4, 40))
        level = draw(st.integers(1, 4))
        for t in range(start, min(WEEK, start + length)):
            demand[t] += level
    agents = []
    for i in range(draw(st.integers(1, 8))):
        mask = ALL
        if draw(st.booleans()):
            leave = draw(st.integers(0, 6))
            mask &= ~(((1 << 96) - 1) << (leave * 96))
        agents.append(
            AgentSpec(
                i,
                mask,
                weekly_max=draw(st.sampled_from([64, 96, 176])),
                max_days=draw(st.integers(3, 6)),
                nights_ok=draw(st.booleans()),
                surge=draw(st.booleans()),
            )
        )
    return RosterProblem(demand=demand, open_mask=ALL, agents=agents)


@given(problem=small_instances())
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_solved_roster_breaks_no_hard_rule(problem):
    result = solve(problem, time_limit_s=3, workers=1)
    assert check_roster(problem, result.assignments) == []
    covered = result.scheduled
    for t, gap in result.short_slots:
        assert covered[t] + gap == problem.demand[t]


def test_a_short_time_limit_still_returns_a_legal_roster():
    from bench.roster import double11_demand, make_agents

    demand = double11_demand(peak=60)
    problem = RosterProblem(demand=demand, open_mask=ALL, agents=make_agents(200))
    result = solve(problem, time_limit_s=1, workers=1)
    assert result.status in {"OPTIMAL", "FEASIBLE", "LP_ROUNDED"}
    assert result.assignments
    assert check_roster(problem, result.assignments) == []
    assert result.paid_hours >= result.lp_bound_hours * 0.999


def test_quick_mode_keeps_the_lp_rounded_plan_and_its_bound():
    problem = problem_with({t: 2 for t in range(40, 100)}, agents=6)
    result = solve(problem, time_limit_s=3, exact=False)
    assert result.status == "LP_ROUNDED"
    assert result.short_slots == []
    assert result.paid_hours >= result.lp_bound_hours
    assert check_roster(problem, result.assignments) == []
