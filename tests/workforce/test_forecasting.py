"""Forecast engine on synthetic history with a known shape and a known promo uplift."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from apps.workforce import forecasting as fc

WEEKDAY = [1.0, 1.0, 1.05, 1.0, 1.1, 0.8, 0.7]


def synthetic(start: date, days: int, *, promo_day: date | None = None, uplift: float = 1.0, seed: int = 3):
    rng = np.random.default_rng(seed)
    idx = pd.date_range(pd.Timestamp(start), periods=days * 96, freq="15min")
    hours = idx.hour + idx.minute / 60
    shape = 0.2 + np.exp(-((hours - 11) ** 2) / 8) + np.exp(-((hours - 21) ** 2) / 6)
    shape = np.asarray(shape)
    mean = []
    for i, ts in enumerate(idx):
        m = 4.0 * shape[i] * WEEKDAY[ts.day_of_week]
        if promo_day is not None and ts.date() == promo_day:
            m *= uplift
        mean.append(m)
    return pd.Series(rng.poisson(mean).astype(float), index=idx), pd.Series(mean, index=idx)


def test_weekly_and_daily_shape_are_learned():
    history, _ = synthetic(date(2026, 8, 3), 70)
    result = fc.fit_and_forecast(history, start=date(2026, 10, 12), days=7)
    assert len(result.volume) == 672
    assert result.weekday_factor[4] > result.weekday_factor[6]
    by_hour = result.volume.groupby(result.volume.index.hour).sum()
    assert by_hour[11] > 3 * by_hour[3]


def test_model_beats_the_seasonal_naive_baseline_on_held_out_weeks():
    history, _ = synthetic(date(2026, 8, 3), 77)
    report = fc.accuracy_report(history, start=date(2026, 10, 12), days=7)
    assert report.model_wape is not None and report.naive_wape is not None
    assert report.model_wape < report.naive_wape
    assert report.beats_naive


def test_promo_uplift_is_learned_from_a_past_event():
    past_peak = date(2026, 9, 9)
    history, _ = synthetic(date(2026, 7, 6), 84, promo_day=past_peak, uplift=4.0)
    past = fc.Promo("past", past_peak - timedelta(days=3), datetime(2026, 9, 9), datetime(2026, 9, 9, 2), past_peak)
    future_peak = date(2026, 10, 7)
    future = fc.Promo(
        "next", future_peak - timedelta(days=3), datetime(2026, 10, 7), datetime(2026, 10, 7, 2), future_peak
    )
    result = fc.fit_and_forecast(history, start=date(2026, 10, 5), days=7, promos=[past, future])
    assert result.uplift[future_peak] == pytest.approx(4.0, rel=0.1)
    assert result.uplift[date(2026, 10, 10)] == 1.0


def test_hand_set_uplift_applies_without_history_and_fills_the_peak_window():
    history, _ = synthetic(date(2026, 8, 3), 70)
    peak = date(2026, 11, 11)
    promo = fc.Promo(
        "double11", date(2026, 10, 20), datetime(2026, 11, 11), datetime(2026, 11, 11, 2), date(2026, 11, 13), 8.0
    )
    result = fc.fit_and_forecast(history, start=date(2026, 11, 9), days=7, promos=[promo])
    assert result.uplift[peak] == 8.0
    day = result.volume[result.volume.index.normalize() == pd.Timestamp(peak)]
    window = day[day.index.hour < 2].sum()
    assert window / day.sum() > 0.35


def test_negative_history_is_refused():
    history, _ = synthetic(date(2026, 8, 3), 14)
    history.iloc[5] = -1
    with pytest.raises(ValueError, match="negative"):
        fc.fit_and_forecast(history, start=date(2026, 8, 17))


def test_scenario_keeps_the_human_share():
    volume = pd.Series([100.0, 200.0])
    assert list(fc.apply_scenario(volume, volume_factor=1.1, bot_resolution=0.6)) == pytest.approx([44.0, 88.0])


def test_interval_series_counts_timestamps_on_the_grid():
    stamps = [datetime(2026, 11, 9, 0, 1), datetime(2026, 11, 9, 0, 14), datetime(2026, 11, 9, 0, 15)]
    series = fc.to_interval_series(stamps, start=datetime(2026, 11, 9), end=datetime(2026, 11, 9, 1))
    assert list(series) == [2.0, 1.0, 0.0, 0.0]


def test_accuracy_counts_only_days_with_actuals():
    import pandas as pd

    from apps.workforce import forecasting as fc

    idx = pd.date_range("2026-09-01", "2026-10-19", freq="15min", inclusive="left")
    history = pd.Series(5.0, index=idx)
    # the week of 12 Oct has actuals on Mon–Wed only (the rest is still to come: zeros)
    history[history.index >= pd.Timestamp("2026-10-15")] = 0.0
    report = fc.accuracy_report(history, start=date(2026, 10, 12), days=7, through=date(2026, 10, 15))
    assert report.days_with_actuals == 3
    assert report.model_wape is not None and report.model_wape < 0.05  # not ~133 % from future zeros
    everything = fc.accuracy_report(history, start=date(2026, 10, 12), days=7)
    assert everything.days_with_actuals == 3  # days without a single contact do not count either
