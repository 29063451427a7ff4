"""The billing benchmark still runs (tiny) and returns a well-formed record."""

import pytest

from bench.harness import run_one


@pytest.mark.django_db(transaction=True)
def test_billing_bench_quick_record_shape():
    record = run_one("billing", quick=True)
    for key in ("size", "metric", "value", "unit", "baseline", "baseline_value", "ratio", "bound"):
        assert key in record
    assert record["name"] == "billing" and record["unit"] == "s"
    assert record["extra"]["rerun_rows_written"] == 0
    assert record["extra"]["lines_plus_vat_equal_total"] is True
