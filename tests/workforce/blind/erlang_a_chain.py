"""Blind numerical reference for the Erlang A queue (M/M/N+M), solved from the model's definition.

Written without reading ``apps/workforce/erlang.py``; it exists so the engine can be checked
against an independent solution (issue 15, section 1).

Model (all times in seconds, all rates per second)
--------------------------------------------------
- Arrivals: Poisson with rate ``lam`` (λ).
- ``N`` identical agents; service times exponential with mean ``aht`` (μ = 1 / aht).
- Every arrival has an exponential patience with mean ``patience`` (θ = 1 / patience), independent
  of everything else. Only a customer who is *waiting* can abandon: it leaves when its patience
  runs out before it reaches an agent. Once in service it stays until served.
- One FCFS queue, no blocking (infinite waiting room).
- ``patience = math.inf`` (θ = 0) is accepted and gives Erlang C; it then requires λ·aht < N.

Chain
-----
The number in system n is a birth–death chain: birth rate λ, death rate min(n, N)·μ + max(n − N, 0)·θ.
Its stationary distribution is π_n ∝ A^n / n! for n ≤ N (A = λ/μ, the offered load in Erlangs) and
π_{N+j} = π_N · ∏_{k=1..j} λ / (Nμ + kθ) for j ≥ 1. Everything is computed in log space and then
normalised, so N up to thousands and loads above N neither overflow nor underflow.
The queue is truncated at J waiting customers, where J grows (doubling) until an upper bound of the
stationary weight beyond J is below ``tail_tol`` (default 1e-15) relative to the total weight, and
so is the bound of that tail's contribution to E[number waiting]. The bound is geometric: the ratio
r_j = λ / (Nμ + jθ) decreases in j, so once r_{J+1} < 1 the tail is at most π_{N+J}·r/(1 − r).

Measures returned by :func:`erlang_a_measures` (q_j = π_{N+j}: an arrival finds j ≥ 0 waiting
and all N agents busy; by PASTA arrivals see the stationary distribution)
------------------------------------------------------------------------------------------------
- ``p_wait``: P(an arrival finds all N agents busy) = Σ_{n ≥ N} π_n.
- ``p_abandon``: fraction of arrivals that abandon = θ·E[Q] / λ (abandonment rate over arrival rate).
- ``mean_queue``: E[Q], the time-average number waiting = Σ_j j·q_j.
- ``sl_virtual``: P(V ≤ t), V the *offered* wait — the time until the arrival would reach an agent
  if it were infinitely patient (V = 0 if an agent is free). An arrival that finds j waiting moves
  up one place each time the queue head leaves; with k customers ahead the head leaves at rate
  Nμ + kθ (a service completion takes the head, or one of the k ahead abandons), and at the head
  (k = 0) it enters service at rate Nμ. Customers behind it do not matter (FCFS). So given j,
  V = S_j = Σ_{k=0..j} Exp(Nμ + kθ), independent of the tagged customer's own patience τ.
  The density of S_j is ∏_{k=0..j}(Nμ + kθ) / (θ^j j!) · e^{−Nμt} (1 − e^{−θt})^j, i.e.
  e^{−θ S_j} ~ Beta(u, j+1) with u = Nμ/θ, and P(S_j > t) = P(NB ≤ j) where NB is negative
  binomial with size u and success probability x = e^{−θt} (pmf C(u+i−1, i) x^u (1−x)^i). That
  CDF is summed exactly (positive terms in log space); for θ = 0 NB becomes Poisson(Nμt).
- ``sl_answered``: P(served and waited ≤ t) over *all* arrivals = P(V ≤ t and τ > V)
  = (1 − p_wait) + Σ_j q_j·E[e^{−θ S_j}; S_j ≤ t], where E[e^{−θS_j}; S_j ≤ t]
  = u/(u+j+1) · P(NB(u+1, x) > j).
- ``sl_of_answered``: P(waited ≤ t | served) = sl_answered / (1 − p_abandon).
- ``asa``: mean wait of served customers = E[V·1{τ > V}] / P(served), with
  E[S_j e^{−θS_j}] = Nμ/(Nμ + (j+1)θ) · Σ_{k=1..j+1} 1/(Nμ + kθ). Customers served at once count 0.
- ``awt_all``: mean wait of all arrivals, served and abandoned, counting the time an abandoning
  customer spent waiting, E[min(V, τ)] = E[Q] / λ (Little's law on the queue).
- ``p_served`` = 1 − p_abandon, ``states`` = number of states kept (N + J + 1), and the inputs.

``t`` must be ≥ 0; at t = 0 the service levels count only customers who did not wait at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp

DEFAULT_TAIL_TOL = 1e-15


@dataclass(frozen=True)
class ErlangAChain:
    """Stationary solution of the M/M/N+M chain.

    ``probs[n]`` is P(n in system) for n = 0 .. N + J (normalised over the kept states; the weight
    beyond is below the tail tolerance). ``queue_probs[j]`` = probs[N + j].
    """

    lam_per_s: float
    aht_s: float
    patience_s: float
    agents: int
    probs: np.ndarray

    @property
    def mu(self) -> float:
        return 1.0 / self.aht_s

    @property
    def theta(self) -> float:
        return 0.0 if math.isinf(self.patience_s) else 1.0 / self.patience_s

    @property
    def queue_probs(self) -> np.ndarray:
        return self.probs[self.agents :]

    @property
    def p_wait(self) -> float:
        return float(self.queue_probs.sum())

    @property
    def mean_queue(self) -> float:
        q = self.queue_probs
        return float(np.dot(np.arange(q.size), q))

    @property
    def p_abandon(self) -> float:
        if self.lam_per_s == 0.0:
            return 0.0
        return self.theta * self.mean_queue / self.lam_per_s

    @property
    def awt_all(self) -> float:
        if self.lam_per_s == 0.0:
            return 0.0
        return self.mean_queue / self.lam_per_s

    def served_given_ahead(self) -> np.ndarray:
        """P(served | found j waiting) = Nμ / (Nμ + (j+1)θ) for j = 0 .. J."""
        a = self.agents * self.mu
        j = np.arange(self.queue_probs.size)
        return a / (a + (j + 1) * self.theta)

    def offered_wait_survival(self, t_s: float, shift: int = 0) -> np.ndarray:
        """P(NB(u + shift, e^{−θt}) ≤ j) for j = 0 .. J; with shift 0 this is P(S_j > t).

        With θ = 0 the negative binomial becomes Poisson(Nμt) (shift must then be 0).
        """
        size = self.queue_probs.size
        a = self.agents * self.mu
        theta = self.theta
        if t_s == 0.0:
            return np.ones(size)
        i = np.arange(1, size)
        if theta == 0.0:
            if shift:
                raise ValueError("shift needs a finite patience")
            log_p0 = -a * t_s
            log_steps = math.log(a * t_s) - np.log(i)
        else:
            u = a / theta + shift
            log_p0 = -(a + shift * theta) * t_s  # u·log x with x = e^{−θt}, exact
            log_one_minus_x = math.log(-math.expm1(-theta * t_s))
            log_steps = np.log(u + i - 1) - np.log(i) + log_one_minus_x
        log_pmf = np.concatenate(([log_p0], log_p0 + np.cumsum(log_steps)))
        return np.minimum(np.cumsum(np.exp(log_pmf)), 1.0)

    def sl_virtual(self, t_s: float) -> float:
        """P(offered wait ≤ t) over all arrivals."""
        _check_t(t_s)
        q = self.queue_probs
        return float(1.0 - q.sum() + np.dot(q, 1.0 - self.offered_wait_survival(t_s)))

    def sl_answered(self, t_s: float) -> float:
        """P(served and waited ≤ t) over all arrivals."""
        _check_t(t_s)
        if self.theta == 0.0:
            return self.sl_virtual(t_s)
        q = self.queue_probs
        answered_in_time = self.served_given_ahead() * (1.0 - self.offered_wait_survival(t_s, shift=1))
        return float(1.0 - q.sum() + np.dot(q, answered_in_time))

    def sl_of_answered(self, t_s: float) -> float:
        """P(waited ≤ t | served)."""
        return self.sl_answered(t_s) / (1.0 - self.p_abandon)

    @property
    def asa(self) -> float:
        """Mean wait of served customers (s), counting those served at once as 0."""
        q = self.queue_probs
        a = self.agents * self.mu
        k = np.arange(1, q.size + 1)
        harmonic = np.cumsum(1.0 / (a + k * self.theta))  # Σ_{k=1..j+1} 1/(Nμ + kθ)
        wait_and_served = np.dot(q, self.served_given_ahead() * harmonic)
        return float(wait_and_served / (1.0 - self.p_abandon))


def _check_t(t_s: float) -> None:
    if not (t_s >= 0.0 and math.isfinite(t_s)):
        raise ValueError(f"t must be a finite number of seconds ≥ 0, got {t_s!r}")


def _check_inputs(lam_per_s: float, aht_s: float, patience_s: float, agents: int) -> None:
    if not (lam_per_s >= 0.0 and math.isfinite(lam_per_s)):
        raise ValueError(f"arrival rate must be finite and ≥ 0, got {lam_per_s!r}")
    if not (aht_s > 0.0 and math.isfinite(aht_s)):
        raise ValueError(f"AHT must be finite and > 0 seconds, got {aht_s!r}")
    if not patience_s > 0.0:
        raise ValueError(f"patience must be > 0 seconds (math.inf for none), got {patience_s!r}")
    if int(agents) != agents or agents < 1:
        raise ValueError(f"agents must be an integer ≥ 1, got {agents!r}")
    if math.isinf(patience_s) and lam_per_s * aht_s >= agents:
        raise ValueError("without abandonment the queue is unstable unless λ·AHT < N")


def _log_weights(lam: float, mu: float, theta: float, agents: int, queue_len: int) -> np.ndarray:
    """Unnormalised log π_n for n = 0 .. N + queue_len."""
    n = np.arange(agents + 1)
    log_a = math.log(lam / mu)
    head = n * log_a - gammaln(n + 1)
    j = np.arange(1, queue_len + 1)
    tail = head[-1] + np.cumsum(math.log(lam) - np.log(agents * mu + j * theta))
    return np.concatenate((head, tail))


def _initial_queue_len(lam: float, mu: float, theta: float, agents: int) -> int:
    if theta == 0.0:
        rho = lam / (agents * mu)
        return max(64, int(40.0 / -math.log(rho)) + 1)
    centre = max(0.0, (lam - agents * mu) / theta)
    spread = math.sqrt(lam / theta)
    return max(64, int(centre + 12.0 * spread) + 1)


def solve_chain(
    lam_per_s: float,
    aht_s: float,
    patience_s: float,
    agents: int,
    *,
    tail_tol: float = DEFAULT_TAIL_TOL,
) -> ErlangAChain:
    """Stationary distribution of the M/M/N+M chain, truncated adaptively (see module docstring)."""
    _check_inputs(lam_per_s, aht_s, patience_s, agents)
    agents = int(agents)
    mu = 1.0 / aht_s
    theta = 0.0 if math.isinf(patience_s) else 1.0 / patience_s
    if lam_per_s == 0.0:
        probs = np.zeros(agents + 1)
        probs[0] = 1.0
        return ErlangAChain(lam_per_s, aht_s, patience_s, agents, probs)
    queue_len = _initial_queue_len(lam_per_s, mu, theta, agents)
    while True:
        log_w = _log_weights(lam_per_s, mu, theta, agents, queue_len)
        log_total = logsumexp(log_w)
        r_next = lam_per_s / (agents * mu + (queue_len + 1) * theta)
        if r_next < 1.0:
            last = math.exp(log_w[-1] - log_total)
            tail_mass = last * r_next / (1.0 - r_next)
            # Σ_{m≥1} (J+m) r^m bounds the tail's share of E[number waiting].
            tail_moment = last * (queue_len * r_next / (1.0 - r_next) + r_next / (1.0 - r_next) ** 2)
            if tail_mass < tail_tol and tail_moment < tail_tol:
                break
        queue_len *= 2
    probs = np.exp(log_w - log_total)
    probs /= probs.sum()
    return ErlangAChain(lam_per_s, aht_s, patience_s, agents, probs)


def erlang_a_measures(lam_per_s: float, aht_s: float, patience_s: float, agents: int, t_s: float) -> dict:
    """All measures of the module docstring for one interval; times in seconds, λ per second."""
    _check_t(t_s)
    chain = solve_chain(lam_per_s, aht_s, patience_s, agents)
    p_abandon = chain.p_abandon
    sl_answered = chain.sl_answered(t_s)
    return {
        "lam_per_s": lam_per_s,
        "aht_s": aht_s,
        "patience_s": patience_s,
        "agents": int(agents),
        "t_s": t_s,
        "offered_load": lam_per_s * aht_s,
        "p_wait": chain.p_wait,
        "p_abandon": p_abandon,
        "p_served": 1.0 - p_abandon,
        "sl_virtual": chain.sl_virtual(t_s),
        "sl_answered": sl_answered,
        "sl_of_answered": sl_answered / (1.0 - p_abandon),
        "asa": chain.asa,
        "awt_all": chain.awt_all,
        "mean_queue": chain.mean_queue,
        "states": int(chain.probs.size),
    }
