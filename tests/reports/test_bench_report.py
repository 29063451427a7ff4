from bench import harness


def test_report_benchmark_quick_record_has_its_shape():
    record = harness.run_one("report", quick=True)
    assert record["name"] == "report"
    assert record["metric"] == "seconds per report"
    assert record["value"] > 0 and record["baseline_value"] > 0
    assert record["bound"] == 2.0
    assert record["extra"]["pages_per_second"] > 0
