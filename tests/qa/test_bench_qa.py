"""The QA benchmarks run in quick mode so they never rot (no timing is asserted)."""

from __future__ import annotations

import pytest

from bench.harness import run_one

KEYS = {"name", "size", "metric", "value", "unit", "baseline", "baseline_value", "ratio", "bound"}


def test_bench_qa_engine_quick_record_shape():
    record = run_one("qa_engine", quick=True)
    assert KEYS <= set(record) and record["unit"] == "conversations/s"
    assert record["extra"]["rule types"] == 10 and record["extra"]["lexicon terms"] >= 3000


@pytest.mark.django_db(transaction=True)
def test_bench_qa_pipeline_quick_record_shape():
    record = run_one("qa_pipeline", quick=True)
    assert KEYS <= set(record) and record["extra"]["results"] == 300
