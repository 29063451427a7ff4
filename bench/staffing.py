"""staffing: Erlang C and Erlang A required agents for 7 days × 96 intervals, peaks to 1,500 agents.

Goal: all 672 intervals (both models) in < 1 s. Baseline, in the same run on a subset of
intervals: the textbook exact method — Erlang C by the factorial power sum in exact decimal
arithmetic, Erlang A by the full birth–death chain plus the waiting-time ODE. The ratio is the
per-interval time of the baseline over the fast method.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal, localcontext

NEEDS_DB = False
AHT_S = 300.0
PATIENCE_S = 120.0


def week_volumes(*, peak_agents: int) -> list[float]:
    """Contacts per 15 minutes for 672 intervals, shaped like a promo week, peaking near ``peak_agents``."""
    peak_load = peak_agents * 0.945
    out = []
    for day in range(7):
        level = (0.35, 0.6, 1.0, 0.5, 0.35, 0.3, 0.3)[day]
        for slot in range(96):
            h = slot / 4
            shape = 0.05 + 0.55 * math.exp(-((h - 10.5) ** 2) / 6) + 0.45 * math.exp(-((h - 21) ** 2) / 5)
            if day == 2 and h < 2:
                shape = 1.0
            load = peak_load * level * min(1.0, shape)
            out.append(load / AHT_S * 900.0)
    return out


def _naive_erlang_c_sl(n: int, load: float, target_s: float) -> float:
    """Textbook power sum Σ A^k/k! with exact decimals (no recursion trick)."""
    with localcontext() as ctx:
        ctx.prec = 60
        a = Decimal(repr(load))
        terms = [a**k / Decimal(math.factorial(k)) for k in range(n)]
        top = a**n / Decimal(math.factorial(n)) * n / (n - a)
        c = float(top / (sum(terms) + top))
    return 1.0 - c * math.exp(-(n - load) * target_s / AHT_S)


def _naive_erlang_a_sl(n: int, lam: float, target_s: float, steps: int = 600) -> float:
    """Exact Erlang A by brute force: stationary birth–death chain truncated far out, then the
    tagged shopper's position ODE integrated with RK4 (plain Python lists)."""
    mu, th = 1 / AHT_S, 1 / PATIENCE_S
    extra = int(max(0.0, (lam - n * mu) / th) + 400)
    p = [1.0]
    for k in range(1, n + extra):
        p.append(p[-1] * lam / (k * mu if k <= n else n * mu + (k - n) * th))
    total = sum(p)
    p = [x / total for x in p]
    x = p[n:]
    wait = sum(x)
    served, h = 0.0, target_s / steps
    size = len(x)

    def f(x):
        out = [-(n * mu + j * th + th) * x[j] for j in range(size)]
        for j in range(size - 1):
            out[j] += (n * mu + (j + 1) * th) * x[j + 1]
        return out, n * mu * x[0]

    for _ in range(steps):
        k1, s1 = f(x)
        k2, s2 = f([a + h / 2 * b for a, b in zip(x, k1, strict=True)])
        k3, s3 = f([a + h / 2 * b for a, b in zip(x, k2, strict=True)])
        k4, s4 = f([a + h * b for a, b in zip(x, k3, strict=True)])
        served += h / 6 * (s1 + 2 * s2 + 2 * s3 + s4)
        x = [a + h / 6 * (b + 2 * c + 2 * d + e) for a, b, c, d, e in zip(x, k1, k2, k3, k4, strict=True)]
    return 1 - wait + served


def run(*, scale: float, quick: bool) -> dict:
    import numpy as np

    from apps.workforce import erlang

    peak = 60 if quick else max(20, round(1500 * scale))
    volumes = week_volumes(peak_agents=peak)
    target = erlang.StaffingTarget(sl=0.8, target_s=30, max_occupancy=0.95, shrinkage=0.0)
    loads = np.array([v / 900.0 * AHT_S for v in volumes])

    started = time.perf_counter()
    c_agents = erlang.required_agents_c_batch(loads, aht_s=AHT_S, target=target)
    a_agents = [
        int(n)
        for n in erlang.required_agents_a_batch(
            np.array(volumes) / 900.0, aht_s=AHT_S, patience_s=PATIENCE_S, target=target
        )
    ]
    fast_s = time.perf_counter() - started

    # baseline on a subset: evaluate the textbook methods at the fast method's answers
    subset = sorted(range(len(volumes)), key=lambda i: volumes[i])[:: max(1, len(volumes) // (3 if quick else 6))]
    subset = subset[: 3 if quick else 6]
    errors = []
    a_done = False
    b_started = time.perf_counter()
    for i in subset:
        n_c = int(c_agents[i])
        if n_c:
            fast = erlang.service_level(n_c, float(loads[i]), aht_s=AHT_S, target_s=30)
            errors.append(abs(fast - _naive_erlang_c_sl(n_c, float(loads[i]), 30)))
        n_a = a_agents[i]
        if n_a and not a_done:
            a_done = True
            fast = erlang.erlang_a(
                n_a, arrival_rate=volumes[i] / 900, aht_s=AHT_S, patience_s=PATIENCE_S, target_s=30
            ).service_level
            errors.append(abs(fast - _naive_erlang_a_sl(n_a, volumes[i] / 900, 30)))
    baseline_s = time.perf_counter() - b_started
    baseline_per = baseline_s / len(subset)
    fast_per = fast_s / len(volumes)
    return {
        "size": f"{len(volumes)} intervals, peak {int(max(c_agents))} agents",
        "metric": "Erlang C + A required agents, all intervals",
        "value": round(fast_s, 4),
        "unit": "s",
        "baseline": f"textbook exact (power sum, CTMC+ODE) on {len(subset)} intervals",
        "baseline_value": round(baseline_s, 4),
        "ratio": round(baseline_per / fast_per, 1) if fast_per else None,
        "bound": 1.0,
        "extra": {
            "per_interval_fast_ms": round(1000 * fast_per, 3),
            "per_interval_baseline_ms": round(1000 * baseline_per, 1),
            "max_abs_sl_error_vs_exact": f"{max(errors, default=0.0):.2e}",
            "erlang_a_agents_at_peak": int(max(a_agents)),
        },
    }
