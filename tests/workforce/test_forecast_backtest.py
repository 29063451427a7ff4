"""Forecast backtest on a held-out Double 11 week (the `forecast` benchmark's data, fixed seed):
uplift measured against the promo's own-year baseline, so 25 % yearly growth does not make the
11.11 forecast low."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from apps.workforce.forecasting import fit_and_forecast, wape
from bench.forecast import PROMO_WEEK, backtest, promos, synthetic_history
from bench.harness import run_one


@pytest.fixture(scope="module")
def history():
    return synthetic_history()


def test_the_promo_week_backtest_meets_its_goal_and_beats_both_baselines(history):
    r = backtest(history, PROMO_WEEK)
    assert r["model_wape"] <= 0.15
    assert abs(r["model_bias"]) <= 0.05
    assert r["model_wape"] < r["naive_wape"]
    assert r["model_wape"] < r["ets_wape"]


def test_the_double_11_day_is_not_low_by_the_yearly_growth(history):
    result = fit_and_forecast(history, start=PROMO_WEEK, days=7, promos=promos())
    day = pd.Timestamp(date(2026, 11, 11))
    actual = history[(history.index >= day) & (history.index < day + timedelta(days=1))]
    forecast = result.volume[(result.volume.index >= day) & (result.volume.index < day + timedelta(days=1))]
    assert abs(forecast.sum() / actual.sum() - 1) < 0.08
    assert wape(actual, forecast) < 0.2
    # the learned uplift per phase, against last year's own baseline (the data's 6x day, 1.8x presale start)
    assert result.phases["double11_day"] == pytest.approx(6.0, rel=0.1)
    assert result.phases["presale_start"] == pytest.approx(1.8, rel=0.1)
    assert result.phases["rush_0000"] > 10 and result.phases["presale_2000"] > 2
    assert 1.1 < result.phases["returns_week"] < 1.6


def test_forecast_benchmark_runs_in_quick_mode():
    record = run_one("forecast", quick=True, write=False)
    assert record["extra"]["goal_met"] is True
    assert record["value"] <= record["bound"]
