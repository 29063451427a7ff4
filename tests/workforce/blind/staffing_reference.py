"""Blind reference for the interval staffing requirement (rosterblind, issue 15).

Written from /work/shared/DOMAIN.md ("Staffing math"), docs/workforce.md's Erlang A definitions and
docs/intraday.md's statement of the weekly plan's targets, WITHOUT reading apps/workforce's engines.
Pure functions, no Django.

Rules used (each line is a sentence of the written rules):
- Offered load A = λ·AHT, λ = contacts of the 15-minute interval / 900 s.
- Chat concurrency: effective AHT = AHT / f, f = 1, 1.7, 2.5, 2.9, 3.5 for 1–5 concurrent chats.
- Erlang C: C = N·B / (N − A(1 − B)), B by the stable recursion; SL(t) = 1 − C·e^{−(N−A)t/AHT}.
- Erlang A (M/M/N+M, patience exponential with mean P): service level = P(answered and waited ≤ T)
  over ALL arrivals (abandoned shoppers are misses, nobody leaves the denominator).
- Agents on the floor N = the smallest N that reaches the SL target AND keeps occupancy A/N at or
  below the cap (DOMAIN: "Occupancy = A / N; cap it").
- Scheduled = ceil(N / (1 − shrinkage)); no contacts → 0 agents, 0 scheduled.

Where the rules are silent this module takes a reading and says so (see README.md):
- occupancy is capped on the offered load A/N (DOMAIN's formula), not on the served load;
- λ comes from the interval's contacts as the product stores them in the requirement row
  (``human_volume`` of StaffingRequirement); which forecast column feeds it is checked separately.

Erlang A evaluation, written here from the model's definition: birth–death chain on n in system
(birth λ, death min(n,N)μ + max(n−N,0)θ), solved in log space and truncated when the tail is below
1e-16 of the mass. An arrival finding j waiting ahead (n = N + j) reaches an agent after
V = Σ_{k=0..j} Exp(Nμ + kθ); X = e^{−θV} ~ Beta(Nμ/θ, j+1), so
P(V ≤ T, patience > V) = E[X; X ≥ e^{−θT}] = a/(a+j+1) · P(Beta(a+1, j+1) ≥ e^{−θT}), a = Nμ/θ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np
from scipy.special import betainc

CONCURRENCY_FACTOR = {1: 1.0, 2: 1.7, 3: 2.5, 4: 2.9, 5: 3.5}
INTERVAL_S = 900.0


@dataclass(frozen=True)
class Targets:
    sl: float = 0.8
    target_s: float = 30.0
    max_occupancy: float = 0.88
    shrinkage: float = 0.25
    concurrency: int = 3
    patience_s: float | None = 180.0  # None → Erlang C
    occupancy_on: str = "offered"  # "offered": A/N (DOMAIN's formula); "served": λ(1 − P_abandon)·AHT/N


@dataclass(frozen=True)
class Requirement:
    agents: int
    scheduled: int
    service_level: float
    offered_load: float


def effective_aht(aht_s: float, concurrency: int) -> float:
    return aht_s / CONCURRENCY_FACTOR[concurrency]


def erlang_b(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c_sl(n: int, a: float, aht_s: float, t_s: float) -> float:
    if n <= a:
        return 0.0
    b = erlang_b(n, a)
    c = n * b / (n - a * (1 - b))
    return 1.0 - c * math.exp(-(n - a) * t_s / aht_s)


def _log_chain(lam: float, mu: float, theta: float, n: int) -> np.ndarray:
    """log π_k, k = 0..n+J (unnormalised), J grown until the tail is negligible."""
    logs = [0.0]
    for k in range(1, n + 1):
        logs.append(logs[-1] + math.log(lam) - math.log(k * mu))
    j = 0
    while True:
        j += 1
        logs.append(logs[-1] + math.log(lam) - math.log(n * mu + j * theta))
        ratio = lam / (n * mu + (j + 1) * theta)
        # remaining tail ≤ last · ratio/(1 − ratio) once ratio < 1
        if ratio < 0.5 and logs[-1] + math.log(ratio / (1 - ratio)) < max(logs) - 37:
            break
    return np.array(logs)


def _probs(n: int, lam: float, aht_s: float, patience_s: float) -> np.ndarray:
    logs = _log_chain(lam, 1.0 / aht_s, 1.0 / patience_s, n)
    p = np.exp(logs - logs.max())
    return p / p.sum()


def erlang_a_served_load(n: int, lam: float, aht_s: float, patience_s: float) -> float:
    """Busy agents on average = λ(1 − P_abandon)·AHT = E[min(n_in_system, N)]."""
    p = _probs(n, lam, aht_s, patience_s)
    return float((p * np.minimum(np.arange(len(p)), n)).sum())


def erlang_a_sl(n: int, lam: float, aht_s: float, patience_s: float, t_s: float) -> float:
    """P(answered and waited ≤ t) over all arrivals, M/M/n+M."""
    if lam <= 0:
        return 1.0
    if n <= 0:
        return 0.0
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    p = _probs(n, lam, aht_s, patience_s)
    sl = float(p[:n].sum())  # an agent is free: answered at once
    queue = p[n:]  # j = 0, 1, … waiting ahead of the arrival
    j = np.arange(len(queue), dtype=float)
    a = n * mu / theta
    cut = math.exp(-theta * t_s)
    served_in_t = a / (a + j + 1) * (1.0 - betainc(a + 1, j + 1, cut))
    return sl + float((queue * served_in_t).sum())


def service_level(n: int, lam: float, aht_eff: float, targets: Targets) -> float:
    if targets.patience_s is None:
        return erlang_c_sl(n, lam * aht_eff, aht_eff, targets.target_s)
    return erlang_a_sl(n, lam, aht_eff, targets.patience_s, targets.target_s)


def _occupancy_ok(n: int, lam: float, aht_eff: float, targets: Targets) -> bool:
    if targets.occupancy_on == "served" and targets.patience_s is not None:
        busy = erlang_a_served_load(n, lam, aht_eff, targets.patience_s)
    else:
        busy = lam * aht_eff
    return busy / n <= targets.max_occupancy + 1e-12


def scheduled_from_floor(agents: int, shrinkage: float) -> int:
    if agents == 0:
        return 0
    share = Decimal(1) - Decimal(str(shrinkage))
    return int((Decimal(agents) / share).to_integral_value(rounding=ROUND_CEILING))


def requirement(contacts: float, aht_s: float, targets: Targets) -> Requirement:
    """Agents on the floor and scheduled for one 15-minute interval with ``contacts`` human contacts."""
    if contacts <= 0:
        return Requirement(0, 0, 1.0, 0.0)
    lam = contacts / INTERVAL_S
    aht_eff = effective_aht(aht_s, targets.concurrency)
    load = lam * aht_eff
    lo, hi = 0, max(1, math.ceil(load / targets.max_occupancy - 1e-12))
    while not _ok(hi, lam, aht_eff, targets):  # both tests are monotone in n: double, then bisect
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _ok(mid, lam, aht_eff, targets) else (mid, hi)
    sl = service_level(hi, lam, aht_eff, targets)
    return Requirement(hi, scheduled_from_floor(hi, targets.shrinkage), sl, load)


def _ok(n: int, lam: float, aht_eff: float, targets: Targets) -> bool:
    return service_level(n, lam, aht_eff, targets) >= targets.sl - 1e-12 and _occupancy_ok(n, lam, aht_eff, targets)
