"""The site solve: brands sharing agents, the checker over the whole week, repair of avoidable
shortfall (checked by an independent function), breaks by coverage, contract minimum hours, rest
across the week boundary. Small instances (demand on one or two days) keep the suite fast."""

from __future__ import annotations

import math

from apps.workforce.checker import avoidable_short, check_roster
from apps.workforce.site_solver import (
    BrandDemand,
    SiteProblem,
    _cover_of,
    assign_site,
    place_breaks_by_coverage,
    repair,
    solve_site,
)
from apps.workforce.solver import AgentSpec, Assignment, ShiftRules, Variant, solve
from bench.roster import floor_breaks

WEEK = 672
HORIZON = WEEK + 48
ALL = (1 << HORIZON) - 1
DAY = 96


def day_open(first: int = 32, last: int = 96) -> int:
    mask = 0
    for d in range(8):
        mask |= ((1 << (last - first)) - 1) << (d * DAY + first)
    return mask & ALL


def demand_on(day: int, start: int, end: int, level: int) -> list[int]:
    demand = [0] * WEEK
    for t in range(day * DAY + start, day * DAY + end):
        demand[t] = level
    return demand


def three_brand_site(n_agents: int = 24) -> SiteProblem:
    # brand X 24/7 with a midnight rush on day 2; Y and Z open 08:00–24:00 on days 1–2
    x = [0] * WEEK
    for t in range(1 * DAY + 40, 1 * DAY + 88):
        x[t] = 3
    for t in range(2 * DAY, 2 * DAY + 8):
        x[t] = 6
    y = [a + b for a, b in zip(demand_on(1, 40, 80, 3), demand_on(2, 36, 90, 4), strict=True)]
    z = demand_on(2, 60, 92, 3)
    brands = [
        BrandDemand("X", x, ALL, [math.floor(v * 0.75) for v in x]),
        BrandDemand("Y", y, day_open(), [math.floor(v * 0.75) for v in y]),
        BrandDemand("Z", z, day_open(), [math.floor(v * 0.75) for v in z]),
    ]
    skill_sets = [{"X", "Y"}, {"Y", "Z"}, {"X", "Z"}, {"X", "Y", "Z"}]
    agents = [
        AgentSpec(i, ALL, weekly_max=176, weekly_min=160 if i % 3 == 0 else 0, skills=frozenset(skill_sets[i % 4]))
        for i in range(n_agents)
    ]
    return SiteProblem(brands=brands, agents=agents, rules=ShiftRules())


def test_a_multi_brand_week_breaks_no_rule_across_brands_and_shares_agents():
    site = three_brand_site()
    result = solve_site(site, time_limit_s=8, workers=1)
    assert check_roster(site, result.assignments) == []
    assert result.short == []
    assert avoidable_short(site, result.assignments) == []
    brands_of: dict[int, set] = {}
    for a in result.assignments:
        brands_of.setdefault(a.agent_id, set()).add(a.brand)
    assert any(len(b) > 1 for b in brands_of.values())  # agents serve more than one brand
    assert result.paid_hours >= result.lp_bound_hours - 1e-6
    assert floor_breaks(site, result.assignments) == 0


def test_the_checker_sees_a_second_shift_for_another_brand_on_the_same_day():
    site = three_brand_site()
    roster = [
        Assignment(0, 1 * DAY + 32, 16, None, (8,), "X"),
        Assignment(0, 1 * DAY + 76, 16, None, (8,), "Y"),  # same day, after 11 h rest
    ]
    rules = {v.rule for v in check_roster(site, roster)}
    assert "one_shift_a_day" in rules
    # and a shift for a brand the agent has no skill for
    assert {v.rule for v in check_roster(site, [Assignment(1, 1 * DAY + 40, 16, None, (8,), "X")])} == {"skill"}


def test_repair_closes_what_an_idle_agent_could_cover_and_the_independent_check_agrees():
    site = three_brand_site()
    # a plan that leaves brand Z's evening uncovered although agents are idle
    shifts = [("Y", Variant(1 * DAY + 40, 40, 16))] * 3
    assignments, _, states = assign_site(site, shifts)
    assert avoidable_short(site, assignments)  # the independent check sees it: it can fail
    cover = _cover_of(site, assignments)
    repair(site, assignments, states, cover)
    assert avoidable_short(site, assignments) == []
    assert all(
        cover[b.key][t] >= d for b in site.brands for t, d in enumerate(b.demand)
    )  # enough agents here: no short interval remains
    assert check_roster(site, place_breaks_by_coverage(site, assignments, cover)) == []


def test_what_nobody_can_legally_cover_is_short_with_its_surge_intervals_named():
    site = three_brand_site(n_agents=4)
    result = solve_site(site, time_limit_s=5, workers=1)
    assert result.short
    assert avoidable_short(site, result.assignments) == []
    assert check_roster(site, result.assignments) == []
    assert result.surge_needed >= max(s.short for s in result.short)
    assert {(s.brand, s.slot) for s in result.surge_intervals} == {(s.brand, s.slot) for s in result.short}


def test_the_repair_runs_to_the_end_when_the_clock_is_past_the_time_limit(monkeypatch):
    """A loaded machine makes the stages before the repair outlast the time limit; the repair must
    still offer every short interval to the idle legal agents (the result may not depend on load)."""
    from types import SimpleNamespace

    from apps.workforce import site_solver

    clock = iter(range(0, 10**9, 1000))  # the site solver's every reading is 1,000 s after the last
    monkeypatch.setattr(site_solver, "time", SimpleNamespace(perf_counter=lambda: float(next(clock))))
    site = three_brand_site(n_agents=8)  # the quick draft leaves 72 short slots, some repairable
    result = solve_site(site, time_limit_s=2, workers=1, exact=False)
    assert result.repaired_shifts + result.extended_shifts > 0
    assert avoidable_short(site, result.assignments) == []
    assert check_roster(site, result.assignments) == []


def test_hours_freed_by_trimming_an_over_long_shift_go_to_a_short_interval():
    """The agent is at its weekly maximum while the repair runs (a 6 h shift where 4 h are needed);
    once the trim cuts the shift to 4 h it may legally work Thursday's short 4 h, and it does."""
    from apps.workforce.site_solver import repair_and_trim

    demand = [a + b for a, b in zip(demand_on(0, 40, 56, 1), demand_on(3, 40, 56, 1), strict=True)]
    site = SiteProblem([BrandDemand("X", demand, ALL)], [AgentSpec(0, ALL, weekly_max=32, skills=frozenset("X"))])
    assignments, _, states = assign_site(site, [("X", Variant(40, 24, None))])
    cover = _cover_of(site, assignments)
    added, _extended, trimmed = repair_and_trim(site, assignments, states, cover)
    assert (added, trimmed) == (1, 8)
    assert avoidable_short(site, assignments) == []
    assert all(cover["X"][t] >= d for t, d in enumerate(demand))


def test_rest_and_consecutive_days_count_the_previous_week():
    rules = ShiftRules()
    demand = demand_on(0, 0, 24, 1)  # Monday 00:00–06:00
    tired = AgentSpec(1, ALL, weekly_max=176, prev_end=-8, skills=frozenset({"X"}))  # ended Sun 22:00
    streak = AgentSpec(2, ALL, weekly_max=176, prev_streak=6, skills=frozenset({"X"}))  # 6 days in a row
    site = SiteProblem([BrandDemand("X", demand, ALL)], [tired, streak], rules)
    result = solve_site(site, time_limit_s=5, workers=1)
    assert check_roster(site, result.assignments) == []
    assert result.short and avoidable_short(site, result.assignments) == []
    # the checker flags both rules on a hand-made roster
    bad = check_roster(site, [Assignment(1, 0, 16, None, (8,), "X"), Assignment(2, 0, 16, None, (8,), "X")])
    assert {v.rule for v in bad} == {"rest", "consecutive_days"}


def test_full_timers_below_their_contract_minimum_work_before_cheaper_part_timers():
    demand = demand_on(2, 40, 64, 1)  # 6 h: one shift, no meal
    cheap = AgentSpec(1, ALL, weekly_max=96, cost=20.0, skills=frozenset({"X"}))
    full = AgentSpec(2, ALL, weekly_max=176, weekly_min=160, cost=40.0, skills=frozenset({"X"}))
    site = SiteProblem([BrandDemand("X", demand, ALL)], [cheap, full], ShiftRules())
    result = solve_site(site, time_limit_s=5, workers=1)
    assert {a.agent_id for a in result.assignments} == {2}


def test_small_demand_is_planned_on_the_15_minute_grid():
    # 4 h 15 min of one agent: a 17-slot shift (a 30-minute grid would pay 4.5 h)
    demand = demand_on(3, 40, 57, 1)
    from apps.workforce.solver import RosterProblem

    problem = RosterProblem(demand=demand, open_mask=ALL, agents=[AgentSpec(1, ALL, weekly_max=176)])
    result = solve(problem, time_limit_s=5, workers=1)
    assert result.paid_hours == 4.25
