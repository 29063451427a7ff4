"""The ingest benchmark still runs (quick size) and returns a well-formed record."""

from __future__ import annotations

import pytest

from bench.harness import run_one


@pytest.mark.slow
@pytest.mark.django_db
def test_ingest_benchmark_quick():
    record = run_one("ingest", quick=True)
    assert record["name"] == "ingest"
    assert record["unit"] == "messages/s"
    assert record["value"] > 0
    assert record["baseline_value"] > 0
    assert record["ratio"] == pytest.approx(record["value"] / record["baseline_value"], rel=0.01)
    assert record["extra"]["reimport_rows_written"] == 0
    assert record["extra"]["messages_imported"] == record["extra"]["reimport_duplicates"]
