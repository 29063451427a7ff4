"""The attribution benchmark still runs (quick size) and returns a well-formed record."""

from __future__ import annotations

import pytest

from bench.harness import run_one


@pytest.mark.slow
@pytest.mark.django_db
def test_attribution_benchmark_quick():
    record = run_one("attribution", quick=True)
    assert record["name"] == "attribution"
    assert record["unit"] == "s" and record["value"] > 0
    assert record["extra"]["orders_created"] == 2_000
    assert record["extra"]["attributions_written"] == 2_000
    assert record["extra"]["rerun_rows_written"] == 0
    assert set(record["extra"]["attribution_kinds"]) == {"human", "bot", "silent"}
