from bench.harness import run_one


def test_roster_benchmark_runs_in_quick_mode_and_breaks_no_rule():
    record = run_one("roster", quick=True)
    assert record["name"] == "roster"
    assert record["bound"] > 0 and record["value"] >= record["bound"] - 1e-6
    assert record["extra"]["hard_rule_breaks"] == 0
    assert {"size", "metric", "unit", "baseline", "baseline_value", "ratio"} <= record.keys()
