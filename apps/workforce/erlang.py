"""Staffing math: Erlang B, Erlang C, Erlang A (impatient shoppers), chat concurrency, shrinkage.

Pure module: no ORM, no I/O. Units, everywhere:
- ``volume``: contacts offered in the interval (count); ``interval_s``: interval length in seconds;
- ``aht_s``: average handle time in seconds; ``patience_s``: mean shopper patience in seconds;
- ``target_s``: service-level threshold in seconds (e.g. 30 for "80% answered within 30 s");
- offered load ``A`` = λ · AHT in erlangs (λ = arrivals per second);
- probabilities and service levels are fractions 0..1; ASA is in seconds; agents are counts.

Erlang A (M/M/n+M) uses a closed form: a waiting shopper who finds ``j`` others queued ahead
enters service after a sum of exponentials with rates nμ + iθ (i = 0..j); that sum equals
−ln(U)/θ with U ~ Beta(nμ/θ, j + 1), so every measure is a negative-binomial sum evaluated in
log space. Cost per evaluation is O(queue states), independent of the factorial size of n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Effective concurrency factor f for 1..5 simultaneous chats: effective AHT = AHT / f.
CHAT_CONCURRENCY_FACTOR: dict[int, float] = {1: 1.0, 2: 1.7, 3: 2.5, 4: 2.9, 5: 3.5}

_LOG_TAIL = 46.0  # drop queue states whose weight is below e^-46 (≈1e-20) of the largest


def _check_positive(name: str, value: float) -> None:
    if not (value > 0) or math.isinf(value):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def offered_load(*, volume: float, aht_s: float, interval_s: float = 900.0) -> float:
    """Offered load A in erlangs: (volume / interval_s) · aht_s. Volume must be ≥ 0."""
    if volume < 0:
        raise ValueError(f"volume must not be negative, got {volume!r}")
    _check_positive("aht_s", aht_s)
    _check_positive("interval_s", interval_s)
    return volume / interval_s * aht_s


def effective_aht(*, aht_s: float, concurrency: int = 1) -> float:
    """Effective handle time in seconds of one chat when an agent runs ``concurrency`` chats at once."""
    _check_positive("aht_s", aht_s)
    if concurrency not in CHAT_CONCURRENCY_FACTOR:
        raise ValueError(f"concurrency must be 1..5, got {concurrency!r}")
    return aht_s / CHAT_CONCURRENCY_FACTOR[concurrency]


def human_volume(*, volume: float, bot_resolution: float, transfers: float = 0.0) -> float:
    """Contacts humans must answer: (1 − bot_resolution) · volume + bot→human transfers (counts)."""
    if volume < 0 or transfers < 0:
        raise ValueError("volume and transfers must not be negative")
    if not 0 <= bot_resolution <= 1:
        raise ValueError(f"bot_resolution must be within 0..1, got {bot_resolution!r}")
    return (1.0 - bot_resolution) * volume + transfers


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of M/M/n/n with ``agents`` servers and ``load`` erlangs (stable recursion)."""
    if agents < 0:
        raise ValueError("agents must be ≥ 0")
    if load < 0:
        raise ValueError("load must be ≥ 0")
    if load == 0:
        return 1.0 if agents == 0 else 0.0
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact waits (M/M/n), 0..1. Returns 1.0 when agents ≤ load (unstable queue)."""
    if agents <= load:
        return 1.0
    b = erlang_b(agents, load)
    return _c_from_b(agents, load, b)


def _c_from_b(agents: int, load: float, b: float) -> float:
    return agents * b / (agents - load * (1.0 - b))


def service_level(agents: int, load: float, *, aht_s: float, target_s: float) -> float:
    """Erlang C service level: fraction of contacts answered within ``target_s`` seconds."""
    if agents <= load:
        return 0.0
    c = erlang_c(agents, load)
    return max(0.0, 1.0 - c * math.exp(-(agents - load) * target_s / aht_s))


def asa(agents: int, load: float, *, aht_s: float) -> float:
    """Erlang C average speed of answer in seconds (infinite when agents ≤ load)."""
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * aht_s / (agents - load)


def occupancy(agents: int, load: float) -> float:
    """Fraction of time agents are busy: load / agents, at most 1."""
    if agents <= 0:
        return 1.0
    return min(1.0, load / agents)


def scheduled_agents(raw_agents: int, *, shrinkage: float) -> int:
    """Agents to schedule so that ``raw_agents`` are on the floor: ceil(raw / (1 − shrinkage))."""
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be within 0..1 (exclusive), got {shrinkage!r}")
    return math.ceil(raw_agents / (1.0 - shrinkage) - 1e-9)


@dataclass(frozen=True)
class StaffingTarget:
    """What an interval must achieve: ``sl`` (0..1) of contacts answered within ``target_s`` seconds,
    optional ``max_asa_s`` (seconds), occupancy at most ``max_occupancy`` (0..1), and the
    ``shrinkage`` (0..1) added on top of the agents needed on the floor."""

    sl: float = 0.8
    target_s: float = 30.0
    max_occupancy: float = 0.88
    shrinkage: float = 0.25
    max_asa_s: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.sl < 1:
            raise ValueError(f"service-level target must be within 0..1 (exclusive), got {self.sl!r}")
        if self.target_s < 0:
            raise ValueError("target_s must be ≥ 0")
        if not 0 < self.max_occupancy <= 1:
            raise ValueError("max_occupancy must be within 0..1")
        if not 0 <= self.shrinkage < 1:
            raise ValueError("shrinkage must be within 0..1 (exclusive)")


@dataclass(frozen=True)
class Staffing:
    """Result for one interval. ``agents`` = on the floor; ``scheduled`` = after shrinkage."""

    load: float
    agents: int
    scheduled: int
    service_level: float
    asa_s: float
    occupancy: float
    abandon_rate: float = 0.0


def required_agents_c(load: float, *, aht_s: float, target: StaffingTarget) -> Staffing:
    """Fewest agents meeting the target under Erlang C (no abandonment), with occupancy cap and shrinkage."""
    _check_positive("aht_s", aht_s)
    if load < 0:
        raise ValueError("load must be ≥ 0")
    if load == 0:
        return Staffing(load=0.0, agents=0, scheduled=0, service_level=1.0, asa_s=0.0, occupancy=0.0)
    floor_by_occupancy = math.ceil(load / target.max_occupancy - 1e-9)
    b = 1.0
    n = 0
    while True:
        n += 1
        b = load * b / (n + load * b)
        if n <= load or n < floor_by_occupancy:
            continue
        c = _c_from_b(n, load, b)
        sl = 1.0 - c * math.exp(-(n - load) * target.target_s / aht_s)
        wait = c * aht_s / (n - load)
        if sl >= target.sl and (target.max_asa_s is None or wait <= target.max_asa_s):
            return Staffing(
                load=load,
                agents=n,
                scheduled=scheduled_agents(n, shrinkage=target.shrinkage),
                service_level=sl,
                asa_s=wait,
                occupancy=load / n,
            )


# ---------------------------------------------------------------- Erlang A (M/M/n+M)


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A measures for one interval. ``wait_probability``, ``abandon_probability`` and
    ``service_level`` (answered within the target, abandonments count as misses) are 0..1;
    ``asa_s`` is the mean wait of all arrivals in seconds; ``occupancy`` = carried load / agents."""

    agents: int
    wait_probability: float
    abandon_probability: float
    service_level: float
    asa_s: float
    occupancy: float


def _log_nb_pmf_cumsum(alpha: float, log_x: float, log_1mx: float, count: int) -> np.ndarray:
    """I_x(alpha, j + 1) for j = 0..count-1: the regularized incomplete beta with integer second
    argument, i.e. the CDF of a negative binomial, summed in log space."""
    m = np.arange(count, dtype=float)
    steps = np.zeros(count)
    if count > 1:
        steps[1:] = np.log(alpha + m[1:] - 1.0) - np.log(m[1:]) + log_1mx
    log_pmf = alpha * log_x + np.cumsum(steps)
    return np.minimum(1.0, np.cumsum(np.exp(log_pmf)))


def erlang_a(
    agents: int,
    *,
    arrival_rate: float,
    aht_s: float,
    patience_s: float,
    target_s: float,
    blocking: float | None = None,
) -> ErlangAResult:
    """Erlang A (M/M/n+M): ``arrival_rate`` per second, exponential service (mean ``aht_s`` s) and
    exponential patience (mean ``patience_s`` s), ``agents`` servers. Valid for any load (the queue
    is always stable because shoppers abandon). ``blocking`` may pass a precomputed Erlang B."""
    _check_positive("aht_s", aht_s)
    _check_positive("patience_s", patience_s)
    if arrival_rate < 0:
        raise ValueError("arrival_rate must be ≥ 0")
    if agents < 0:
        raise ValueError("agents must be ≥ 0")
    load = arrival_rate * aht_s
    if arrival_rate == 0:
        return ErlangAResult(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    mu = 1.0 / aht_s
    theta = 1.0 / patience_s
    service_rate = agents * mu
    b = erlang_b(agents, load) if blocking is None else blocking
    # Queue weights relative to state n: ρ_j = Π_{i=1..j} λ / (nμ + iθ). The peak is near
    # j* = (λ − nμ)/θ; keep states until the weight falls e^-46 below the peak.
    peak = max(0.0, (arrival_rate - service_rate) / theta)
    count = int(peak + 12.0 * math.sqrt(peak + 1.0) + 60)
    j = np.arange(1, count, dtype=float)
    log_rho = np.concatenate(([0.0], np.cumsum(np.log(arrival_rate) - np.log(service_rate + j * theta))))
    top = log_rho.max()
    keep = log_rho >= top - _LOG_TAIL
    last = int(np.nonzero(keep)[0].max()) + 1
    log_rho = log_rho[:last]
    if b <= 0.0:
        return _erlang_a_no_wait(agents, load)
    # π_n = 1 / (1/B + Σ_{j≥1} ρ_j), in log space: log π_n = −log(e^{−log B} + Σ e^{log ρ_j}).
    log_terms = np.concatenate(([-math.log(b)], log_rho[1:]))
    big = max(log_terms.max(), 0.0)
    log_pi_n = -(big + math.log(np.exp(log_terms - big).sum()))
    weights = np.exp(log_pi_n + log_rho)  # P(arrival finds n + j in the system), j = 0..last-1
    wait_probability = float(weights.sum())
    alpha = service_rate / theta
    jj = np.arange(last, dtype=float)
    abandon_given_j = (jj + 1.0) / (alpha + jj + 1.0)
    abandon_probability = float((weights * abandon_given_j).sum())
    if target_s > 0:
        log_x = -theta * target_s
        log_1mx = math.log(-math.expm1(log_x))
        beta_cdf = _log_nb_pmf_cumsum(alpha + 1.0, log_x, log_1mx, last)
        served_within = (alpha / (alpha + jj + 1.0)) * (1.0 - beta_cdf)
        late_or_lost = float((weights * (1.0 - served_within)).sum())
    else:
        late_or_lost = wait_probability
    sl = max(0.0, min(1.0, 1.0 - late_or_lost))
    asa_s = abandon_probability / theta
    carried = load * (1.0 - abandon_probability)
    occ = min(1.0, carried / agents) if agents else 1.0
    return ErlangAResult(agents, wait_probability, abandon_probability, sl, asa_s, occ)


def _erlang_a_no_wait(agents: int, load: float) -> ErlangAResult:
    occ = min(1.0, load / agents) if agents else 1.0
    return ErlangAResult(agents, 0.0, 0.0, 1.0, 0.0, occ)


def required_agents_a(
    *, arrival_rate: float, aht_s: float, patience_s: float, target: StaffingTarget, max_agents: int | None = None
) -> Staffing:
    """Fewest agents meeting the target under Erlang A (binary search; measures are monotone in n).

    Never more than the Erlang C answer, which ignores abandonment and so over-staffs."""
    load = arrival_rate * aht_s
    if load == 0:
        return Staffing(load=0.0, agents=0, scheduled=0, service_level=1.0, asa_s=0.0, occupancy=0.0)
    upper = required_agents_c(load, aht_s=aht_s, target=target).agents
    if max_agents is not None:
        upper = min(upper, max_agents)

    def ok(n: int) -> tuple[bool, ErlangAResult]:
        res = erlang_a(n, arrival_rate=arrival_rate, aht_s=aht_s, patience_s=patience_s, target_s=target.target_s)
        good = res.service_level >= target.sl and res.occupancy <= target.max_occupancy
        if target.max_asa_s is not None:
            good = good and res.asa_s <= target.max_asa_s
        return good, res

    lo, hi = 1, upper
    best_ok, best = ok(hi)
    if not best_ok:
        # the cap on agents binds: report what the cap achieves
        return _staffing_from_a(load, best, target)
    while lo < hi:
        mid = (lo + hi) // 2
        good, res = ok(mid)
        if good:
            hi, best = mid, res
        else:
            lo = mid + 1
    return _staffing_from_a(load, best, target)


def _staffing_from_a(load: float, res: ErlangAResult, target: StaffingTarget) -> Staffing:
    return Staffing(
        load=load,
        agents=res.agents,
        scheduled=scheduled_agents(res.agents, shrinkage=target.shrinkage),
        service_level=res.service_level,
        asa_s=res.asa_s,
        occupancy=res.occupancy,
        abandon_rate=res.abandon_probability,
    )


# ---------------------------------------------------------------- interval batches and reverse


def required_agents_interval(
    *,
    volume: float,
    aht_s: float,
    target: StaffingTarget,
    interval_s: float = 900.0,
    concurrency: int = 1,
    patience_s: float | None = None,
) -> Staffing:
    """Agents for one interval of ``volume`` human contacts: Erlang A when a patience is given,
    Erlang C otherwise; chat concurrency shortens the effective AHT."""
    if volume < 0:
        raise ValueError(f"volume must not be negative, got {volume!r}")
    eff = effective_aht(aht_s=aht_s, concurrency=concurrency)
    if patience_s is None:
        return required_agents_c(
            offered_load(volume=volume, aht_s=eff, interval_s=interval_s), aht_s=eff, target=target
        )
    return required_agents_a(arrival_rate=volume / interval_s, aht_s=eff, patience_s=patience_s, target=target)


@dataclass(frozen=True)
class ReverseResult:
    """What a given headcount achieves: service level (0..1), ASA (s), occupancy (0..1), abandonment (0..1)."""

    agents: int
    service_level: float
    asa_s: float
    occupancy: float
    abandon_rate: float


def reverse(
    *,
    agents: int,
    volume: float,
    aht_s: float,
    target_s: float,
    interval_s: float = 900.0,
    concurrency: int = 1,
    patience_s: float | None = None,
    shrinkage: float = 0.0,
) -> ReverseResult:
    """Service level and ASA from a scheduled headcount (after ``shrinkage`` leaves the floor)."""
    if agents < 0:
        raise ValueError("agents must be ≥ 0")
    floor = int(math.floor(agents * (1.0 - shrinkage) + 1e-9))
    eff = effective_aht(aht_s=aht_s, concurrency=concurrency)
    load = offered_load(volume=volume, aht_s=eff, interval_s=interval_s)
    if patience_s is None:
        if load == 0:
            return ReverseResult(agents, 1.0, 0.0, 0.0, 0.0)
        return ReverseResult(
            agents,
            service_level(floor, load, aht_s=eff, target_s=target_s),
            asa(floor, load, aht_s=eff),
            occupancy(floor, load),
            0.0,
        )
    res = erlang_a(floor, arrival_rate=volume / interval_s, aht_s=eff, patience_s=patience_s, target_s=target_s)
    return ReverseResult(agents, res.service_level, res.asa_s, res.occupancy, res.abandon_probability)


def required_agents_c_batch(loads: np.ndarray, *, aht_s: float, target: StaffingTarget) -> np.ndarray:
    """Erlang C agents on the floor for many intervals at once (vectorised recursion over n).

    ``loads`` in erlangs; returns an int array of the same shape (0 where the load is 0)."""
    loads = np.asarray(loads, dtype=float)
    if (loads < 0).any():
        raise ValueError("loads must not be negative")
    flat = loads.ravel()
    result = np.zeros(flat.shape, dtype=np.int64)
    todo = flat > 0
    if not todo.any():
        return result.reshape(loads.shape)
    occ_floor = np.ceil(flat / target.max_occupancy - 1e-9)
    b = np.ones_like(flat)
    n = 0
    pending = todo.copy()
    while pending.any():
        n += 1
        b = flat * b / (n + flat * b)
        stable = pending & (n > flat) & (n >= occ_floor)
        if not stable.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            c = n * b / (n - flat * (1.0 - b))
            sl = 1.0 - c * np.exp(-(n - flat) * target.target_s / aht_s)
            met = stable & (sl >= target.sl)
            if target.max_asa_s is not None:
                met &= c * aht_s / (n - flat) <= target.max_asa_s
        result[met] = n
        pending &= ~met
    return result.reshape(loads.shape)


def erlang_b_table(loads: np.ndarray, max_agents: int) -> np.ndarray:
    """Erlang B for n = 0..max_agents and every load at once: shape (max_agents + 1, len(loads))."""
    loads = np.asarray(loads, dtype=float)
    table = np.empty((max_agents + 1, loads.size))
    b = np.ones(loads.size)
    table[0] = b
    for n in range(1, max_agents + 1):
        b = loads * b / (n + loads * b)
        table[n] = b
    return table


def _erlang_a_batch(
    agents: np.ndarray, rates: np.ndarray, blocking: np.ndarray, *, aht_s: float, patience_s: float, target_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Erlang A service level, ASA (s) and occupancy for many (agents, arrival rate) pairs at once:
    the same closed form as ``erlang_a``, on a 2-D array of queue states (rows = intervals)."""
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    n = agents.astype(float)
    service = n * mu
    peak = np.maximum(0.0, (rates - service) / theta)
    width = int(min(20000, (peak + 12.0 * np.sqrt(peak + 1.0) + 60).max()))
    j = np.arange(width, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        steps = np.log(rates)[:, None] - np.log(service[:, None] + j[None, 1:] * theta)
        log_rho = np.concatenate([np.zeros((rates.size, 1)), np.cumsum(steps, axis=1)], axis=1)
        top = np.maximum(log_rho.max(axis=1), -np.log(np.where(blocking > 0, blocking, 1.0)))
        norm = np.exp(-np.log(np.where(blocking > 0, blocking, 1.0)) - top) + np.exp(log_rho[:, 1:] - top[:, None]).sum(
            axis=1
        )
        log_pi_n = -(top + np.log(norm))
        weights = np.exp(log_pi_n[:, None] + log_rho)
        weights[blocking <= 0] = 0.0
        alpha = service / theta
        abandon = (weights * (j[None, :] + 1.0) / (alpha[:, None] + j[None, :] + 1.0)).sum(axis=1)
        if target_s > 0:
            log_x = -theta * target_s
            log_1mx = math.log(-math.expm1(log_x))
            a1 = alpha + 1.0
            inc = np.zeros((rates.size, width))
            inc[:, 1:] = np.log(a1[:, None] + j[None, 1:] - 1.0) - np.log(j[None, 1:]) + log_1mx
            log_pmf = (a1 * log_x)[:, None] + np.cumsum(inc, axis=1)
            cdf = np.minimum(1.0, np.cumsum(np.exp(log_pmf), axis=1))
            served = (alpha[:, None] / (alpha[:, None] + j[None, :] + 1.0)) * (1.0 - cdf)
            late = (weights * (1.0 - served)).sum(axis=1)
        else:
            late = weights.sum(axis=1)
    sl = np.clip(1.0 - late, 0.0, 1.0)
    asa_s = abandon / theta
    occ = np.minimum(1.0, rates * aht_s * (1.0 - abandon) / np.maximum(n, 1.0))
    return sl, asa_s, occ


def required_agents_a_batch(
    arrival_rates: np.ndarray, *, aht_s: float, patience_s: float, target: StaffingTarget
) -> np.ndarray:
    """Erlang A agents on the floor for many intervals at once: a vectorised bisection below the
    Erlang C answer, one Erlang B table for every evaluation."""
    rates = np.asarray(arrival_rates, dtype=float)
    if (rates < 0).any():
        raise ValueError("arrival rates must not be negative")
    loads = rates * aht_s
    upper = required_agents_c_batch(loads, aht_s=aht_s, target=target)
    table = erlang_b_table(loads, int(upper.max(initial=0)))
    live = rates > 0
    lo = np.where(live, 1, 0).astype(np.int64)
    hi = upper.astype(np.int64).copy()
    cols = np.arange(rates.size)
    while True:
        active = live & (lo < hi)
        if not active.any():
            break
        idx = cols[active]
        mid = (lo[idx] + hi[idx]) // 2
        sl, asa_s, occ = _erlang_a_batch(
            mid, rates[idx], table[mid, idx], aht_s=aht_s, patience_s=patience_s, target_s=target.target_s
        )
        good = (sl >= target.sl) & (occ <= target.max_occupancy)
        if target.max_asa_s is not None:
            good &= asa_s <= target.max_asa_s
        hi[idx] = np.where(good, mid, hi[idx])
        lo[idx] = np.where(good, lo[idx], mid + 1)
    return np.where(live, hi, 0)
