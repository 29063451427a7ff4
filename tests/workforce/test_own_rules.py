"""A brand with its own shift rule beside a brand on the vendor rule, sharing an agent (blind sweep
of 2026-12-03, after 6401fdd: 9 of 32 cases had a brand's run fail on the other brand's shifts).
Rest before a shift and the days a week it may add follow the rule of the brand it serves: the
vendor's 11 h between two vendor shifts stays legal in the own-rule brand's stage, and a vendor
stage keeps 12 h before a held own-rule shift and the agent to the own rule's 5 days."""

from __future__ import annotations

from apps.workforce.checker import check_roster
from apps.workforce.site_solver import BrandDemand, SiteProblem, solve_site
from apps.workforce.solver import AgentSpec, Assignment, ShiftRules

WEEK = 672
DAY = 96
ALL = (1 << (WEEK + 48)) - 1
VENDOR = ShiftRules()  # 11 h rest (44 slots), 6 days
OWN = ShiftRules(min_len=20, max_len=36, meal_len=3, min_rest=48, max_days=5)  # 12 h rest, 5 days
AGENT = AgentSpec(0, ALL, weekly_max=200, skills=frozenset({"V", "W"}))


def test_the_own_rule_stage_does_not_judge_the_vendor_brands_shifts_by_its_rule():
    # six vendor days; day 0 ends 21:00 and day 1 starts 08:00: 11 h of rest, legal for the vendor
    vendor = [Assignment(0, 64, 20, None, (10,), "V")]
    vendor += [Assignment(0, d * DAY + 32, 16, None, (8,), "V") for d in range(1, 6)]
    stage = SiteProblem(
        brands=[BrandDemand("W", [0] * WEEK, ALL), BrandDemand("V", [0] * WEEK, ALL, rules=VENDOR)],
        agents=[AGENT],
        rules=OWN,
        fixed=vendor,
    )
    assert check_roster(stage, vendor) == []
    # an own-rule shift after the same 11 h is a break of its rule, and a sixth day too
    early = Assignment(0, 64, 20, None, (10,), "V")
    assert {v.rule for v in check_roster(stage, [early, Assignment(0, DAY + 32, 20, None, (10,), "W")])} == {"rest"}
    own = Assignment(0, 32, 20, None, (10,), "W")  # day 0, then the vendor's days 1-5
    assert {v.rule for v in check_roster(stage, [own, *vendor[1:]])} == {"days_per_week"}


def own_rule_shifts(days) -> list[Assignment]:
    return [Assignment(0, d * DAY + 32, 20, None, (10,), "W") for d in days]


def vendor_stage(demand: list[int], held: list[Assignment]) -> SiteProblem:
    return SiteProblem(
        brands=[BrandDemand("V", demand, ALL), BrandDemand("W", [0] * WEEK, ALL, rules=OWN)],
        agents=[AGENT],
        rules=VENDOR,
        fixed=held,
    )


def test_a_vendor_stage_keeps_the_held_own_rule_shifts_rest_and_days():
    # rest: a held own-rule shift on day 1 at 08:00; vendor demand on day 0 until 21:00 (11 h before)
    held = own_rule_shifts([1])
    demand = [0] * WEEK
    for t in range(68, 84):
        demand[t] = 1
    site = vendor_stage(demand, held)
    result = solve_site(site, time_limit_s=2, workers=1)
    assert check_roster(site, result.assignments + held) == []
    for a in result.assignments:
        assert a.end + OWN.min_rest <= held[0].start or a.start >= held[0].end  # 12 h before the own shift

    # days: four held own-rule days; vendor demand on days 4 and 5 -> only one more day (5 in all)
    held = own_rule_shifts(range(4))
    demand = [0] * WEEK
    for d in (4, 5):
        for t in range(d * DAY + 36, d * DAY + 48):
            demand[t] = 1
    site = vendor_stage(demand, held)
    result = solve_site(site, time_limit_s=2, workers=1)
    assert check_roster(site, result.assignments + held) == []
    assert len({a.start // DAY for a in result.assignments + held}) == OWN.max_days
