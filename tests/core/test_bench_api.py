import pytest

from bench import harness


@pytest.mark.django_db(transaction=True)
def test_api_benchmark_runs_in_quick_mode():
    record = harness.run_one("api", quick=True)
    assert record["name"] == "api"
    assert record["unit"] == "ms"
    assert record["value"] > 0
    assert record["bound"] == 100.0
    assert "/api/v1/clients/" in record["extra"]["endpoints"]
