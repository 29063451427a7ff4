from bench.harness import run_one


def test_staffing_benchmark_runs_in_quick_mode():
    record = run_one("staffing", quick=True)
    assert record["name"] == "staffing"
    assert record["unit"] == "s"
    assert record["value"] > 0 and record["baseline_value"] > 0
    assert float(record["extra"]["max_abs_sl_error_vs_exact"]) < 1e-6
