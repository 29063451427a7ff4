from bench.harness import run_one


def test_roster_benchmark_runs_in_quick_mode_and_breaks_no_rule():
    record = run_one("roster", quick=True)
    assert record["name"] == "roster"
    assert record["bound"] > 0 and record["value"] >= record["bound"] - 1e-6
    assert record["extra"]["hard_rule_breaks"] == 0
    # the multi-brand case: the checker over the whole site week, the independent avoidable check
    assert record["extra"]["multi_hard_rule_breaks"] == 0
    assert record["extra"]["multi_avoidable_short_intervals"] == 0
    assert record["extra"]["multi_floor_breaks_after_short_breaks"] == 0
    assert record["extra"]["multi_agents_on_two_brands"] > 0
    assert record["extra"]["multi_paid_hours"] >= record["extra"]["multi_lp_bound_hours"] - 1e-6
    assert {"size", "metric", "unit", "baseline", "baseline_value", "ratio"} <= record.keys()
