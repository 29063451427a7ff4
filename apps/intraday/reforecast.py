"""Intraday reforecast: the rest of the day scaled by the observed/forecast ratio so far.

Pure: plain lists in, a dataclass out; no ORM. Units: contacts per 15-minute interval.

Method (stated here because the room shows its result and a supervisor acts on it):

1. Only *completed* intervals are observed: intervals ``0 .. elapsed-1`` of the day carry an actual
   count; the interval in progress is not counted (a half-filled bucket would read as a drop).
2. **Smoothed ratio.** A volume-weighted exponentially smoothed ratio over the completed intervals:
   ``N_t = α·a_t + (1−α)·N_{t−1}``, ``D_t = α·f_t + (1−α)·D_{t−1}`` and ``R = N / D`` (a_t actual,
   f_t forecast, α = ``alpha``, default 0.35, started with N_0 = D_0 = 0 at the first interval with a
   forecast or an actual). Weighting by volume keeps a quiet 04:00 interval with 3 chats instead
   of 1 from tripling the ratio; the smoothing lets a lasting change (20:00 runs 40 % over)
   through within a few intervals while one noisy interval moves it little.
3. **Confidence.** With less than ``min_volume`` forecast contacts observed so far (Σ f_t), the
   ratio is pulled towards 1 in proportion: ``R ← 1 + (R − 1)·min(1, Σf / min_volume)``.
4. **Bounds.** R is clipped to [``min_ratio``, ``max_ratio``] (0.2 .. 5).
5. **Damping.** Interval k steps after the last completed one (k = 1 is the interval in progress)
   gets ``reforecast = forecast · (1 + (R − 1)·φ^k)`` with φ = ``damping`` (0.97 per interval,
   ≈ 0.3 of the deviation left after 10 hours): the deviation is believed fully now and fades
   back towards the plan later in the day.
6. Completed intervals' reforecast is their actual. Values are never negative.

``ReforecastResult.change`` compares with a previous reforecast (the last tick's), interval by
interval, so the room can show how the outlook moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

DEFAULT_ALPHA = 0.35
DEFAULT_DAMPING = 0.97
MIN_VOLUME = 60.0
MIN_RATIO = 0.2
MAX_RATIO = 5.0


@dataclass(frozen=True)
class ReforecastParams:
    """``alpha`` 0..1 smoothing weight of the newest interval; ``damping`` 0..1 per interval ahead;
    ``min_volume`` forecast contacts before the ratio is fully trusted; ratio bounds."""

    alpha: float = DEFAULT_ALPHA
    damping: float = DEFAULT_DAMPING
    min_volume: float = MIN_VOLUME
    min_ratio: float = MIN_RATIO
    max_ratio: float = MAX_RATIO

    def __post_init__(self) -> None:
        if not 0 < self.alpha <= 1:
            raise ValueError("alpha must be within (0, 1]")
        if not 0 <= self.damping <= 1:
            raise ValueError("damping must be within [0, 1]")
        if self.min_volume < 0 or not 0 < self.min_ratio <= 1 <= self.max_ratio:
            raise ValueError("bad bounds")


@dataclass(frozen=True)
class ReforecastResult:
    """``values``: contacts per interval of the whole day (actuals so far, reforecast after);
    ``ratio``: the smoothed, bounded ratio applied at k = 0; ``raw_ratio`` Σ actual / Σ forecast so far;
    ``elapsed``: completed intervals; ``rest_total`` Σ reforecast of the intervals not yet completed;
    ``rest_plan`` Σ forecast of the same intervals."""

    values: list[float]
    ratio: float
    raw_ratio: float | None
    elapsed: int
    rest_total: float
    rest_plan: float
    change: list[float] = field(default_factory=list)

    @property
    def rest_deviation(self) -> float:
        """Reforecast over plan for the rest of the day, as a fraction (+0.4 = 40 % over)."""
        return self.rest_total / self.rest_plan - 1.0 if self.rest_plan > 0 else 0.0


def smoothed_ratio(forecast: Sequence[float], actual: Sequence[float], params: ReforecastParams) -> float:
    """Steps 2–4 of the method over the completed intervals (len(actual) of them)."""
    n = d = 0.0
    started = False
    seen = 0.0
    for f, a in zip(forecast, actual, strict=False):
        if not started and f <= 0 and a <= 0:
            continue
        started = True
        n = params.alpha * a + (1 - params.alpha) * n
        d = params.alpha * f + (1 - params.alpha) * d
        seen += f
    if d <= 0:
        return 1.0
    ratio = n / d
    if params.min_volume > 0:
        ratio = 1.0 + (ratio - 1.0) * min(1.0, seen / params.min_volume)
    return min(params.max_ratio, max(params.min_ratio, ratio))


def reforecast(
    forecast: Sequence[float],
    actual: Sequence[float],
    *,
    params: ReforecastParams | None = None,
    previous: Sequence[float] | None = None,
) -> ReforecastResult:
    """Reforecast a day: ``forecast`` per interval (whole day), ``actual`` per completed interval
    (its length is the number of completed intervals, ≤ len(forecast)). ``previous`` an earlier
    reforecast of the same day for ``change``."""
    params = params or ReforecastParams()
    if len(actual) > len(forecast):
        raise ValueError("more actual intervals than forecast intervals")
    if any(v < 0 for v in forecast) or any(v < 0 for v in actual):
        raise ValueError("volumes must not be negative")
    elapsed = len(actual)
    ratio = smoothed_ratio(forecast, actual, params)
    values = [float(a) for a in actual]
    for k, f in enumerate(forecast[elapsed:], start=1):
        values.append(max(0.0, f * (1.0 + (ratio - 1.0) * params.damping**k)))
    sum_f = sum(forecast[:elapsed])
    raw = sum(actual) / sum_f if sum_f > 0 else None
    change = []
    if previous is not None and len(previous) == len(values):
        change = [v - p for v, p in zip(values, previous, strict=True)]
    return ReforecastResult(
        values=values,
        ratio=ratio,
        raw_ratio=raw,
        elapsed=elapsed,
        rest_total=sum(values[elapsed:]),
        rest_plan=sum(forecast[elapsed:]),
        change=change,
    )
