"""Contact forecasts per 15-minute interval from history (pure pandas, no ORM).

Model, for one brand × channel:
- *level*: the mean daily contacts of the last ``level_days`` ordinary (non-promo) days, after
  taking out the weekday effect (the trend level);
- *weekly shape*: each weekday's mean over ordinary days relative to the overall mean;
- *daily shape*: each weekday's mean share per 15-minute interval (ordinary days), falling back to
  all weekdays pooled when a weekday has too little history;
- *promo uplift*: for each day of a past promo event, the ratio actual / expected-without-promo,
  where "expected" is the baseline **of the promo's own year** — the weekday-adjusted mean of the
  ordinary days in the ``baseline_days`` (28) days before that promo's presale — times the
  weekday factor. (Measuring against today's level would understate the uplift by the
  year-on-year growth.) Ratios are averaged per offset from the peak day, with that day's own
  intraday shape, and applied to this year's level. Without such history the hand-set
  ``expected_uplift`` of the event applies on the peak day, a tenth of it during the presale and
  a quarter of it on the days after the peak, and the peak window gets ``peak_window_share`` of
  the peak day's volume.
- *learned uplift per phase* (``ForecastResult.phases``, averaged over the promos seen): presale
  start day, the 20:00 presale start (20:00–24:00 of that day against the same window of an
  ordinary day), the peak window (00:00 rush), the 11.11 day, and the returns week (the days
  after the peak through the event's end).
Timestamps are local (Asia/Shanghai), naive, on the 15-minute grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from apps.core.calendar import SLOTS_PER_DAY

SLOTS = SLOTS_PER_DAY
FREQ = "15min"


@dataclass(frozen=True)
class Promo:
    """A promo event in local time: presale from ``presale_start``, the peak day ``peak_day`` with
    its window [peak_start, peak_end), the last day ``end_date`` (inclusive), and a hand-set uplift."""

    name: str
    presale_start: date
    peak_start: datetime
    peak_end: datetime
    end_date: date
    expected_uplift: float = 1.0

    @property
    def peak_day(self) -> date:
        return self.peak_start.date()

    def days(self) -> list[date]:
        d, out = self.presale_start, []
        while d <= self.end_date:
            out.append(d)
            d += timedelta(days=1)
        return out


@dataclass
class ForecastResult:
    """``volume`` indexed by local interval start; ``uplift`` per local date; what was learned."""

    volume: pd.Series
    uplift: dict[date, float]
    level: float
    weekday_factor: list[float]
    learned_offsets: dict[int, float] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # phase → learned uplift (× baseline)


def to_interval_series(timestamps: pd.Series | list, *, start: datetime, end: datetime) -> pd.Series:
    """Count contacts per 15-minute interval in [start, end) (local naive datetimes); zeros filled."""
    idx = pd.date_range(start, end, freq=FREQ, inclusive="left")
    ts = (
        pd.to_datetime(pd.Series(timestamps, dtype="datetime64[ns]"))
        if len(timestamps)
        else pd.Series([], dtype="datetime64[ns]")
    )
    counts = ts.dt.floor(FREQ).value_counts()
    return counts.reindex(idx, fill_value=0).astype(float)


def _promo_days(promos: list[Promo]) -> set[date]:
    return {d for p in promos for d in p.days()}


def fit_and_forecast(
    history: pd.Series,
    *,
    start: date,
    days: int = 7,
    promos: list[Promo] | None = None,
    level_days: int = 28,
    peak_window_share: float = 0.35,
    baseline_days: int = 28,
) -> ForecastResult:
    """Forecast ``days`` days from ``start`` out of ``history`` (interval counts, local index)."""
    promos = promos or []
    if (history < 0).any():
        raise ValueError("history has negative volumes")
    hist = history[history.index < pd.Timestamp(start)]
    horizon = pd.date_range(pd.Timestamp(start), periods=days * SLOTS, freq=FREQ)
    if hist.empty or hist.sum() == 0:
        return ForecastResult(pd.Series(0.0, index=horizon), {}, 0.0, [1.0] * 7)
    # days before the first contact are "no data yet", not quiet days
    first = hist[hist > 0].index.min().normalize()
    hist = hist[hist.index >= first]
    frame = pd.DataFrame({"v": hist.values}, index=hist.index)
    frame["day"] = frame.index.normalize()
    frame["slot"] = frame.index.hour * 4 + frame.index.minute // 15
    daily = frame.groupby("day")["v"].sum()
    promo_days = _promo_days(promos)
    ordinary = daily[[d.date() not in promo_days for d in daily.index]]
    if ordinary.empty:
        ordinary = daily
    dow = ordinary.index.day_of_week
    overall = ordinary.mean() or 1.0
    weekday_factor = [float(ordinary[dow == k].mean() / overall) if (dow == k).any() else 1.0 for k in range(7)]
    recent = ordinary.iloc[-level_days:]
    level = float(np.mean([v / (weekday_factor[d.day_of_week] or 1.0) for d, v in recent.items()]))

    # intraday shape per weekday from ordinary days
    matrix = frame.pivot_table(index="day", columns="slot", values="v", aggfunc="sum").reindex(
        columns=range(SLOTS), fill_value=0
    )
    shares = matrix.div(matrix.sum(axis=1).replace(0, np.nan), axis=0)
    ordinary_shares = shares.loc[[d for d in shares.index if d.date() not in promo_days]].dropna()
    pooled = ordinary_shares.mean() if not ordinary_shares.empty else pd.Series(1.0 / SLOTS, index=range(SLOTS))
    shape = {}
    for k in range(7):
        rows = ordinary_shares[ordinary_shares.index.day_of_week == k]
        shape[k] = rows.mean() if len(rows) >= 2 else pooled

    # promo uplift learned from history against each promo's own-year baseline:
    # offset from the peak day -> [(ratio, intraday shares)], and the phases
    adjusted = pd.Series(
        [v / (weekday_factor[d.day_of_week] or 1.0) for d, v in ordinary.items()], index=ordinary.index
    )

    def baseline_before(day: date) -> float:
        lo = pd.Timestamp(day - timedelta(days=baseline_days))
        window = adjusted[(adjusted.index >= lo) & (adjusted.index < pd.Timestamp(day))]
        return float(window.mean()) if len(window) >= 7 else level

    seen: dict[int, list[tuple[float, pd.Series]]] = {}
    phase_seen: dict[str, list[float]] = {}
    for p in promos:
        base = baseline_before(p.presale_start)
        if base <= 0:
            continue
        for d in p.days():
            ts = pd.Timestamp(d)
            if ts not in daily.index or d >= start:
                continue
            expected = base * weekday_factor[ts.day_of_week]
            if expected <= 0:
                continue
            ratio = float(daily[ts] / expected)
            row = shares.loc[ts] if ts in shares.index else pooled
            seen.setdefault((d - p.peak_day).days, []).append((ratio, row))
            normal = shape[ts.day_of_week]
            if d == p.presale_start:
                phase_seen.setdefault("presale_start", []).append(ratio)
                window = float(normal.iloc[80:96].sum())
                if window > 0:
                    actual = float(matrix.loc[ts].iloc[80:96].sum()) if ts in matrix.index else 0.0
                    phase_seen.setdefault("presale_2000", []).append(actual / (expected * window))
            if d == p.peak_day:
                phase_seen.setdefault("double11_day", []).append(ratio)
                lo_slot = p.peak_start.hour * 4 + p.peak_start.minute // 15
                hi_slot = min(SLOTS, lo_slot + max(1, int((p.peak_end - p.peak_start).total_seconds() // 900)))
                window = float(normal.iloc[lo_slot:hi_slot].sum())
                if window > 0 and ts in matrix.index:
                    actual = float(matrix.loc[ts].iloc[lo_slot:hi_slot].sum())
                    phase_seen.setdefault("rush_0000", []).append(actual / (expected * window))
            if d > p.peak_day:
                phase_seen.setdefault("returns_week", []).append(ratio)
    learned: dict[int, tuple[float, pd.Series]] = {
        k: (
            float(np.mean([r for r, _ in v])),
            sum((row for _, row in v), start=pd.Series(0.0, index=range(SLOTS))) / len(v),
        )
        for k, v in seen.items()
    }
    phases = {k: float(np.mean(v)) for k, v in phase_seen.items()}

    values = []
    uplift: dict[date, float] = {}
    for i in range(days):
        d = start + timedelta(days=i)
        k = d.weekday()
        factor, day_shape = 1.0, shape[k]
        for p in promos:
            if p.presale_start <= d <= p.end_date:
                offset = (d - p.peak_day).days
                presale_seen = [v for k, v in learned.items() if k < 0]
                if offset in learned:
                    factor, day_shape = learned[offset]
                elif offset < 0 and presale_seen:
                    # a presale day not seen yet: the presale days seen so far tell its level
                    factor = float(np.mean([v[0] for v in presale_seen]))
                else:
                    factor, day_shape = _hand_uplift(p, d, day_shape, peak_window_share)
        uplift[d] = float(factor)
        total = level * weekday_factor[k] * factor
        values.append(np.asarray(day_shape.fillna(0).values, dtype=float) * total)
    volume = pd.Series(np.concatenate(values), index=horizon).clip(lower=0)
    return ForecastResult(volume, uplift, level, weekday_factor, {k: v[0] for k, v in learned.items()}, phases)


def _hand_uplift(p: Promo, d: date, day_shape: pd.Series, peak_window_share: float) -> tuple[float, pd.Series]:
    u = max(1.0, p.expected_uplift)
    if d == p.peak_day:
        lo = p.peak_start.hour * 4 + p.peak_start.minute // 15
        hi = lo + max(1, int((p.peak_end - p.peak_start).total_seconds() // 900))
        window = np.zeros(SLOTS)
        window[lo : min(hi, SLOTS)] = 1.0
        window /= window.sum()
        base = day_shape.fillna(0).values
        base = base / base.sum() if base.sum() else np.full(SLOTS, 1.0 / SLOTS)
        mixed = (1 - peak_window_share) * base + peak_window_share * window
        return u, pd.Series(mixed, index=range(SLOTS))
    if d < p.peak_day:
        return 1.0 + (u - 1.0) * 0.10, day_shape
    return 1.0 + (u - 1.0) * 0.25, day_shape


def wape(actual: pd.Series, forecast: pd.Series) -> float | None:
    """Weighted absolute percentage error Σ|a − f| / Σa (None when nothing happened)."""
    a, f = actual.align(forecast, join="inner")
    total = float(a.sum())
    if total <= 0:
        return None
    return float((a - f).abs().sum() / total)


@dataclass(frozen=True)
class AccuracyReport:
    """WAPE of the model and of the seasonal-naive baseline (same interval one week earlier), over
    ``days_with_actuals`` days of the held-out week: only days before ``through`` that have at least
    one actual contact count (a day still to come, or not imported yet, has no actuals to compare)."""

    start: date
    days: int
    model_wape: float | None
    naive_wape: float | None
    days_with_actuals: int = 0

    @property
    def beats_naive(self) -> bool | None:
        if self.model_wape is None or self.naive_wape is None:
            return None
        return self.model_wape <= self.naive_wape


def accuracy_report(
    history: pd.Series,
    *,
    start: date,
    days: int = 7,
    promos: list[Promo] | None = None,
    through: date | None = None,
) -> AccuracyReport:
    """Fit on history before ``start``, forecast the held-out ``days`` and compare with what happened,
    on the days with actuals only (see AccuracyReport)."""
    end = start + timedelta(days=days)
    if through is not None:
        end = min(end, through)
    held = history[(history.index >= pd.Timestamp(start)) & (history.index < pd.Timestamp(end))]
    per_day = held.groupby(held.index.normalize()).sum()
    actual_days = set(per_day[per_day > 0].index)
    held = held[held.index.normalize().isin(actual_days)]
    model = fit_and_forecast(history, start=start, days=days, promos=promos).volume
    naive = history.shift(7 * SLOTS).reindex(held.index)
    return AccuracyReport(start, days, wape(held, model), wape(held, naive.fillna(0)), len(actual_days))


def apply_scenario(volume: pd.Series, *, volume_factor: float = 1.0, bot_resolution: float = 0.0) -> pd.Series:
    """Human contacts of a scenario: volume × factor × (1 − bot resolution)."""
    if volume_factor < 0:
        raise ValueError("the volume factor must not be negative")
    if not 0 <= bot_resolution <= 1:
        raise ValueError("the bot resolution rate must be within 0..1")
    return volume * volume_factor * (1.0 - bot_resolution)
