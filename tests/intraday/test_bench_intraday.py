"""The intraday benchmark still runs (quick size) and returns a well-formed record."""

from __future__ import annotations

import pytest

from bench.harness import run_one


@pytest.mark.slow
@pytest.mark.django_db
def test_intraday_benchmark_quick():
    record = run_one("intraday", quick=True)
    assert record["name"] == "intraday" and record["unit"] == "s"
    assert record["value"] > 0 and record["baseline_value"] == 2.0
    stages = {k for k in record["extra"] if k.startswith("stage ")}
    assert {
        "stage ingest_messages_and_qa (s)",
        "stage ingest_states (s)",
        "stage recompute (s)",
        "stage alerts (s)",
    } <= stages
    assert record["extra"]["alerts raised"] > 0
