"""Staffing math: Erlang B, Erlang C, Erlang A (impatient shoppers), chat concurrency, shrinkage.

Pure module: no ORM, no I/O. Units, everywhere:
- ``volume``: contacts offered in the interval (count); ``interval_s``: interval length in seconds;
- ``aht_s``: average handle time in seconds; ``patience_s``: mean shopper patience in seconds;
- ``target_s``: service-level threshold in seconds (e.g. 30 for "80% answered within 30 s");
- offered load ``A`` = λ · AHT in erlangs (λ = arrivals per second);
- probabilities and service levels are fractions 0..1; ASA is in seconds; agents are counts.

Erlang A (M/M/n+M): Poisson arrivals λ, ``n`` agents with exponential handle times (mean AHT),
shoppers with exponential patience (mean ``patience_s``, rate θ) who leave the queue when it runs
out; shoppers in service never abandon. Measures, all over *every arrival* (PASTA):
- ``wait_probability`` = P(an arrival finds all n agents busy) = Σ_{k≥n} π_k;
- ``abandon_probability`` = P(an arrival abandons before service);
- **service level** = P(the arrival is answered, and its wait is ≤ T), with T = ``target_s``.
  Arrivals who find a free agent count as answered at once; arrivals who abandon count as
  misses *whenever* they abandon (also before T); nobody is removed from the denominator. At
  T = 0 it is 1 − P(wait). (Not the variant "P(wait ≤ T)" that counts early abandoners as hits,
  nor one that drops abandoners from the denominator.)
- ASA = E[wait] over all arrivals (served and abandoned), in seconds = P(abandon)/θ (Little).
A waiting shopper who finds ``j`` others queued ahead enters service after a sum of exponentials
with rates nμ + iθ (i = 0..j); that sum equals −ln(U)/θ with U ~ Beta(nμ/θ, j + 1), so P(served
within T | j) = α/(α+j+1) · (1 − I_s(α+1, j+1)) with α = nμ/θ, s = e^{−θT}: a negative-binomial
CDF summed in log space. The queue is truncated where the tail weighs < e^-46 (≈1e-20) of the
mass, with the width sized per interval from λ/θ and nμ/θ through log-gamma (``_queue_width``),
so long patience near load ≈ agents keeps every state that matters. ``erlang_a``,
``required_agents_a`` and ``required_agents_a_batch`` all evaluate through ``erlang_a_measures``.
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
    ``service_level`` (see the module docstring for its exact definition) are 0..1; ``asa_s`` is
    the mean wait of all arrivals in seconds (served and abandoned alike); ``occupancy`` = carried
    load / agents."""

    agents: int
    wait_probability: float
    abandon_probability: float
    service_level: float
    asa_s: float
    occupancy: float


_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def gammaln(values: np.ndarray) -> np.ndarray:
    """log Γ elementwise (math.lgamma over an array; no SciPy needed for a few thousand values)."""
    return _lgamma(np.asarray(values, dtype=float)).astype(float)


_CHUNK_CELLS = 4_000_000  # rows × queue states evaluated at once (memory ~ 32 MB per array)


def _queue_width(agents: np.ndarray, rates: np.ndarray, blocking: np.ndarray, mu: float, theta: float) -> np.ndarray:
    """Queue states to keep per row so that the dropped tail weighs < e^-_LOG_TAIL of π_n's mass.

    With x = λ/θ and α = nμ/θ the queue weights relative to state n are ρ_j = x^j Γ(α+1)/Γ(α+j+1)
    (closed form through log-gamma). They rise while x > α + j and fall after; past the peak j* the
    step ratio r_J = x/(α+J+1) < 1 keeps falling, so the tail beyond J is below ρ_J · r_J/(1 − r_J).
    The width doubles from j* + 16 until that bound is below e^-_LOG_TAIL times the larger of
    ρ_{j*} and 1/B (both lower bounds of the normalising sum), then bisects down to the first J
    that still satisfies it. Vectorised over rows."""
    out = np.ones(rates.size, dtype=np.int64)
    live = (rates > 0) & (blocking > 0)
    if not live.any():
        return out
    x = rates[live] / theta
    alpha = agents[live].astype(float) * mu / theta
    log_x = np.log(x)
    lg_a1 = gammaln(alpha + 1.0)

    def log_rho(j: np.ndarray) -> np.ndarray:
        return j * log_x - (gammaln(alpha + j + 1.0) - lg_a1)

    peak = np.maximum(0.0, np.floor(x - alpha))
    top = np.maximum(log_rho(peak), -np.log(blocking[live]))

    def small_tail(j: np.ndarray) -> np.ndarray:
        r = x / (alpha + j + 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = log_rho(j) + np.log(r) - np.log1p(-np.minimum(r, 1.0))
        return (r < 1.0) & (tail < top - _LOG_TAIL)

    step = np.full(x.size, 16.0)
    ok = small_tail(peak + step)
    while not ok.all():
        step = np.where(ok, step, step * 2.0)
        ok = small_tail(peak + step)
    lo, hi = np.zeros_like(step), step  # small_tail(peak + hi) holds
    while True:
        active = hi - lo > 1
        if not active.any():
            break
        mid = np.floor((lo + hi) / 2)
        good = small_tail(peak + mid)
        hi = np.where(active & good, mid, hi)
        lo = np.where(active & ~good, mid, lo)
    out[live] = (peak + hi).astype(np.int64) + 1
    return out


def _width_chunks(widths: np.ndarray):
    """(row indexes, queue width) of rows of similar width together (padding to at most 1.5× the
    narrowest), within a memory cap of ``_CHUNK_CELLS`` cells."""
    size = widths.size
    order = np.argsort(widths, kind="stable")
    pos = 0
    while pos < size:
        first = int(widths[order[pos]])
        end = pos + 1
        while (
            end < size
            and widths[order[end]] <= 1.5 * first + 8
            and (end - pos + 1) * int(widths[order[end]]) <= _CHUNK_CELLS
        ):
            end += 1
        idx = order[pos:end]
        yield idx, int(widths[idx].max())
        pos = end


def _arrival_weights(lam: np.ndarray, b: np.ndarray, service: np.ndarray, theta: float, j: np.ndarray) -> np.ndarray:
    """P(an arrival finds n + j present), row by row (n agents busy, j waiting), in log space from
    Erlang B: π_n = 1 / (1/B + Σ_{j≥1} ρ_j), ρ_j = Π_{k≤j} λ / (nμ + kθ)."""
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        steps = np.log(lam)[:, None] - np.log(service[:, None] + j[None, 1:] * theta)
        log_rho = np.concatenate([np.zeros((lam.size, 1)), np.cumsum(steps, axis=1)], axis=1)
        inv_b = -np.log(b)
        top = np.maximum(log_rho.max(axis=1), inv_b)
        norm = np.exp(inv_b - top) + np.exp(log_rho[:, 1:] - top[:, None]).sum(axis=1)
        log_pi_n = -(top + np.log(norm))
        return np.exp(log_pi_n[:, None] + log_rho)


def _late_cdf(alpha: np.ndarray, theta: float, target_s: float, j: np.ndarray) -> np.ndarray:
    """I_s(α+1, j+1) per row and j, s = e^{−θT}. P(served within T | j ahead) = α/(α+j+1) · (1 −
    I_s(α+1, j+1)): the wait is −ln(U)/θ with U ~ Beta(α, j+1); I_s(a, j+1) is a negative-binomial
    CDF in j."""
    log_s = -theta * target_s
    log_1ms = math.log(-math.expm1(log_s))
    a1 = alpha + 1.0
    inc = np.zeros((alpha.size, j.size))
    with np.errstate(divide="ignore", under="ignore"):
        inc[:, 1:] = np.log(a1[:, None] + j[None, 1:] - 1.0) - np.log(j[None, 1:]) + log_1ms
        log_pmf = (a1 * log_s)[:, None] + np.cumsum(inc, axis=1)
        return np.minimum(1.0, np.cumsum(np.exp(log_pmf), axis=1))


def erlang_a_measures(
    agents: np.ndarray,
    rates: np.ndarray,
    *,
    aht_s: float,
    patience_s: float,
    target_s: float,
    blocking: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The one Erlang A evaluator (``erlang_a``, ``required_agents_a`` and the batch all call it).

    For arrays of agents n and arrival rates λ (per second) returns (P(wait), P(abandon), SL, ASA
    in seconds, occupancy) per row. ``blocking`` may pass Erlang B(n, λ·AHT) per row."""
    n_arr = np.asarray(agents, dtype=np.int64).ravel()
    rates = np.asarray(rates, dtype=float).ravel()
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    loads = rates * aht_s
    if blocking is None:
        blocking = np.array([erlang_b(int(n), float(a)) for n, a in zip(n_arr, loads, strict=True)])
    blocking = np.asarray(blocking, dtype=float).ravel()
    size = rates.size
    wait = np.zeros(size)
    abandon = np.zeros(size)
    late = np.zeros(size)
    for idx, width in _width_chunks(_queue_width(n_arr, rates, blocking, mu, theta)):
        live = (rates[idx] > 0) & (blocking[idx] > 0)
        if not live.any():
            continue
        idx = idx[live]
        service = n_arr[idx].astype(float) * mu
        alpha = service / theta
        j = np.arange(width, dtype=float)
        weights = _arrival_weights(rates[idx], blocking[idx], service, theta, j)
        wait[idx] = weights.sum(axis=1)
        served = alpha[:, None] / (alpha[:, None] + j[None, :] + 1.0)  # P(served | j ahead)
        abandon[idx] = (weights * (1.0 - served)).sum(axis=1)
        if target_s > 0:
            late[idx] = (weights * (1.0 - served * (1.0 - _late_cdf(alpha, theta, target_s, j)))).sum(axis=1)
        else:
            late[idx] = wait[idx]
    sl = np.clip(1.0 - late, 0.0, 1.0)
    asa_s = abandon / theta
    carried = loads * (1.0 - abandon)
    occ = np.where(n_arr > 0, np.minimum(1.0, carried / np.maximum(n_arr, 1)), 1.0)
    occ = np.where(rates > 0, occ, 0.0)
    sl = np.where(rates > 0, sl, 1.0)
    return wait, abandon, sl, asa_s, occ


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
    if arrival_rate == 0:
        return ErlangAResult(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    wait, abandon, sl, asa_s, occ = erlang_a_measures(
        np.array([agents]),
        np.array([arrival_rate]),
        aht_s=aht_s,
        patience_s=patience_s,
        target_s=target_s,
        blocking=None if blocking is None else np.array([blocking]),
    )
    return ErlangAResult(agents, float(wait[0]), float(abandon[0]), float(sl[0]), float(asa_s[0]), float(occ[0]))


def required_agents_a(
    *, arrival_rate: float, aht_s: float, patience_s: float, target: StaffingTarget, max_agents: int | None = None
) -> Staffing:
    """Fewest agents meeting the target under Erlang A: the same search as the batch (one row).

    ``max_agents`` caps the answer; when the cap binds, what the cap achieves is reported."""
    _check_positive("aht_s", aht_s)
    _check_positive("patience_s", patience_s)
    load = arrival_rate * aht_s
    if load == 0:
        return Staffing(load=0.0, agents=0, scheduled=0, service_level=1.0, asa_s=0.0, occupancy=0.0)
    n = int(
        required_agents_a_batch(
            np.array([arrival_rate]), aht_s=aht_s, patience_s=patience_s, target=target, max_agents=max_agents
        )[0]
    )
    res = erlang_a(n, arrival_rate=arrival_rate, aht_s=aht_s, patience_s=patience_s, target_s=target.target_s)
    return _staffing_from_a(load, res, target)


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


class _TargetCheck:
    """Does n agents meet the target in these intervals? One Erlang B table, grown on demand."""

    def __init__(self, rates, loads, *, aht_s: float, patience_s: float, target: StaffingTarget, n_max: int) -> None:
        self.rates, self.loads, self.aht_s, self.patience_s, self.target = rates, loads, aht_s, patience_s, target
        self.table = erlang_b_table(loads, n_max)

    def __call__(self, ns: np.ndarray, idx: np.ndarray) -> np.ndarray:
        if int(ns.max(initial=0)) >= self.table.shape[0]:
            self.table = erlang_b_table(self.loads, int(ns.max()) + 16)
        _, _, sl, asa_s, occ = erlang_a_measures(
            ns,
            self.rates[idx],
            aht_s=self.aht_s,
            patience_s=self.patience_s,
            target_s=self.target.target_s,
            blocking=self.table[ns, idx],
        )
        ok = (sl >= self.target.sl) & (occ <= self.target.max_occupancy)
        if self.target.max_asa_s is not None:
            ok &= asa_s <= self.target.max_asa_s
        return ok


def _gallop_up(good, live: np.ndarray, lo: np.ndarray, hi: np.ndarray, cap: int) -> None:
    """Raise ``hi`` (×1.25 + 2 a step, at most ``cap``) until it meets the target; ``lo`` follows
    to the last failing n + 1. In place."""
    cols = np.arange(live.size)
    unchecked = live.copy()
    while unchecked.any():
        idx = cols[unchecked]
        ok = good(hi[idx], idx)
        at_cap = hi[idx] >= cap
        done = ok | at_cap
        failed = idx[~ok]
        lo[failed] = hi[failed] + np.where(at_cap[~ok], 0, 1)  # at the cap: the cap is the answer
        grow = idx[~done]
        hi[grow] = np.minimum(cap, np.ceil(hi[grow] * 1.25).astype(np.int64) + 2)
        unchecked[idx[done]] = False


def _bisect_down(good, live: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Bisect [lo, hi] to the least n meeting the target (the measures are monotone in n). In place."""
    cols = np.arange(live.size)
    while True:
        active = live & (lo < hi)
        if not active.any():
            return
        idx = cols[active]
        mid = (lo[idx] + hi[idx]) // 2
        ok = good(mid, idx)
        hi[idx] = np.where(ok, mid, hi[idx])
        lo[idx] = np.where(ok, lo[idx], mid + 1)


def required_agents_a_batch(
    arrival_rates: np.ndarray,
    *,
    aht_s: float,
    patience_s: float,
    target: StaffingTarget,
    max_agents: int | None = None,
) -> np.ndarray:
    """Erlang A agents on the floor for many intervals at once, 0 where the rate is 0.

    Start from the Erlang C answer; where it does not meet the target (short patience can need
    more agents than Erlang C, whose SL does not count abandonments as misses), gallop upwards;
    then bisect below. The measures are monotone in n. One Erlang B table serves every
    evaluation; every evaluation is ``erlang_a_measures``. ``max_agents`` caps the answer."""
    _check_positive("aht_s", aht_s)
    _check_positive("patience_s", patience_s)
    rates = np.asarray(arrival_rates, dtype=float).ravel()
    if (rates < 0).any():
        raise ValueError("arrival rates must not be negative")
    loads = rates * aht_s
    live = rates > 0
    cap = max_agents if max_agents is not None else 10**7
    hi = np.maximum(required_agents_c_batch(loads, aht_s=aht_s, target=target), 1).astype(np.int64)
    hi = np.minimum(hi, max(cap, 1))
    good = _TargetCheck(rates, loads, aht_s=aht_s, patience_s=patience_s, target=target, n_max=int(hi.max(initial=1)))
    # SL ≤ P(served) = carried / load ≤ n / load, so no n below sl · load can meet the target
    lo = np.where(live, np.maximum(1, np.ceil(target.sl * loads - 1e-9)), 0).astype(np.int64)
    lo = np.minimum(lo, hi)
    _gallop_up(good, live, lo, hi, cap)
    _bisect_down(good, live, lo, hi)
    return np.where(live, hi, 0).reshape(np.shape(arrival_rates))
