"""forecast: backtest a held-out Double 11 week and an ordinary week.

Data: two years of 15-minute chat counts from a fixed seed — 25 % year-on-year growth, a weekday
pattern, a two-hump day, Poisson noise, and each year's Double 11: presale from 20 Oct with a
20:00 start, rising presale days, the 11.11 00:00–02:00 rush, the 11.11 day and a returns week.
The model (``forecasting.fit_and_forecast``) is fitted on everything before the held-out week.

Compared in the same run with seasonal naive (the same interval one week earlier) and a library
method: statsmodels ETS (Holt-Winters, additive trend, multiplicative weekly season) on daily
totals, spread over the day by the mean intraday shape of the last four weeks.
Goal: promo-week WAPE ≤ 0.15 and |bias| ≤ 5 %.
"""

from __future__ import annotations

import random
import time
import warnings
from datetime import date, datetime, timedelta

NEEDS_DB = False
PROMO_WEEK = date(2026, 11, 9)
ORDINARY_WEEK = date(2026, 9, 14)


def promos():
    from apps.workforce.forecasting import Promo

    return [
        Promo(f"Double 11 {y}", date(y, 10, 20), datetime(y, 11, 11, 0), datetime(y, 11, 11, 2), date(y, 11, 17), 6.0)
        for y in (2025, 2026)
    ]


def synthetic_history(*, start: date = date(2025, 7, 1), end: date = date(2026, 11, 23), base: float = 2000.0, seed=5):
    """Interval counts in [start, end) as a pandas Series (local naive index)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    weekday = [1.0, 0.97, 0.95, 0.98, 1.05, 1.15, 1.1]
    slots = np.arange(96) / 4
    day_shape = 0.05 + 0.6 * np.exp(-((slots - 10.5) ** 2) / 6) + 0.8 * np.exp(-((slots - 21) ** 2) / 5)
    day_shape /= day_shape.sum()
    values = []
    d = start
    while d < end:
        years = (d - date(2025, 1, 1)).days / 365.0
        level = base * (1.25**years) * weekday[d.weekday()] * py.uniform(0.97, 1.03)
        shape = day_shape.copy()
        factor = 1.0
        presale = date(d.year, 10, 20)
        peak = date(d.year, 11, 11)
        if presale <= d < peak:
            factor = 1.25 + 0.6 * (d - presale).days / (peak - presale).days
            if d == presale:
                shape = day_shape.copy()
                shape[80:96] *= 4.0  # the 20:00 presale start
                shape /= shape.sum()
                factor = 1.8
        elif d == peak:
            factor = 6.0
            shape = 0.55 * day_shape + 0.45 * np.where(slots < 2, 1.0, 0.0) / 8  # the 00:00 rush
        elif peak < d <= peak + timedelta(days=6):
            factor = 1.6 - 0.08 * (d - peak).days  # the returns week
        values.append(rng.poisson(level * factor * shape))
        d += timedelta(days=1)
    idx = pd.date_range(pd.Timestamp(start), periods=96 * len(values), freq="15min")
    return pd.Series(np.concatenate(values).astype(float), index=idx)


def _ets(history, start: date, days: int = 7):
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    hist = history[history.index < pd.Timestamp(start)]
    daily = hist.groupby(hist.index.normalize()).sum().iloc[-364:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(daily.values, trend="add", seasonal="mul", seasonal_periods=7).fit()
    totals = fit.forecast(days)
    recent = hist.iloc[-28 * 96 :].values.reshape(-1, 96)
    shape = recent.sum(axis=0) / recent.sum()
    idx = pd.date_range(pd.Timestamp(start), periods=days * 96, freq="15min")
    return pd.Series(np.concatenate([t * shape for t in totals]), index=idx)


def _bias(actual, forecast) -> float:
    return float((forecast.sum() - actual.sum()) / actual.sum())


def backtest(history, week: date) -> dict:
    import pandas as pd

    from apps.workforce.forecasting import fit_and_forecast, wape

    held = history[(history.index >= pd.Timestamp(week)) & (history.index < pd.Timestamp(week + timedelta(days=7)))]
    started = time.perf_counter()
    result = fit_and_forecast(history, start=week, days=7, promos=promos())
    fit_s = time.perf_counter() - started
    model = result.volume
    naive = history.shift(7 * 96).reindex(held.index).fillna(0)
    ets = _ets(history, week)
    return {
        "model_wape": round(wape(held, model), 4),
        "model_bias": round(_bias(held, model), 4),
        "naive_wape": round(wape(held, naive), 4),
        "naive_bias": round(_bias(held, naive), 4),
        "ets_wape": round(wape(held, ets), 4),
        "ets_bias": round(_bias(held, ets), 4),
        "fit_s": round(fit_s, 3),
        "phases": {k: round(v, 2) for k, v in result.phases.items()},
    }


def run(*, scale: float, quick: bool) -> dict:
    base = 2000.0 * scale  # cheap at full size (a few seconds), so --quick runs the same backtest
    history = synthetic_history(base=base)
    promo = backtest(history, PROMO_WEEK)
    ordinary = backtest(history, ORDINARY_WEEK)
    return {
        "size": f"{len(history) // 96} days of 15-min intervals, base {base:.0f}/day",
        "metric": "promo-week WAPE",
        "value": promo["model_wape"],
        "unit": "WAPE",
        "baseline": "seasonal naive (one week earlier)",
        "baseline_value": promo["naive_wape"],
        "ratio": round(promo["model_wape"] / promo["naive_wape"], 3) if promo["naive_wape"] else None,
        "bound": 0.15,
        "extra": {
            "promo_model_bias": promo["model_bias"],
            "promo_ets_wape": promo["ets_wape"],
            "promo_ets_bias": promo["ets_bias"],
            "promo_naive_bias": promo["naive_bias"],
            "ordinary_model_wape": ordinary["model_wape"],
            "ordinary_model_bias": ordinary["model_bias"],
            "ordinary_naive_wape": ordinary["naive_wape"],
            "ordinary_ets_wape": ordinary["ets_wape"],
            "learned_phases": promo["phases"],
            "goal_met": promo["model_wape"] <= 0.15 and abs(promo["model_bias"]) <= 0.05,
            "fit_s": promo["fit_s"],
        },
    }
