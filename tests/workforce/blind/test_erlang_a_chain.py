"""Checks of the blind Erlang A reference against brute force, known closed forms and identities.

No database: these tests only exercise ``tests/workforce/blind/erlang_a_chain.py``.
"""

from __future__ import annotations

import heapq
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, linalg, stats
from scipy.special import betainc

from tests.workforce.blind.erlang_a_chain import erlang_a_measures, solve_chain

MEASURES = ("p_wait", "p_abandon", "sl_virtual", "sl_answered", "sl_of_answered", "asa", "awt_all", "mean_queue")


# --- brute force: truncated generator + tagged-customer absorbing chains, all by dense linear algebra ---


def _generator_stationary(lam: float, mu: float, theta: float, agents: int, max_queue: int) -> np.ndarray:
    size = agents + max_queue + 1
    q = np.zeros((size, size))
    for n in range(size):
        if n + 1 < size:
            q[n, n + 1] = lam
        if n > 0:
            q[n, n - 1] = min(n, agents) * mu + max(n - agents, 0) * theta
        q[n, n] = -q[n].sum()
    # Solve π Q = 0 with Σπ = 1 by replacing one balance equation with the normalisation.
    a = q.T.copy()
    a[-1, :] = 1.0
    b = np.zeros(size)
    b[-1] = 1.0
    return np.linalg.solve(a, b)


def _tagged_generator(agents: int, mu: float, theta: float, max_ahead: int, own_patience: bool) -> np.ndarray:
    """States 0..K = customers ahead of the tagged one, K+1 = reached an agent, K+2 = abandoned."""
    size = max_ahead + 3
    served, gone = max_ahead + 1, max_ahead + 2
    q = np.zeros((size, size))
    for k in range(max_ahead + 1):
        q[k, k - 1 if k > 0 else served] += agents * mu + k * theta
        if own_patience:
            q[k, gone] += theta
        q[k, k] = -q[k].sum()
    return q


def brute_force_measures(lam, aht, patience, agents, t, max_queue):
    mu, theta = 1.0 / aht, 1.0 / patience
    pi = _generator_stationary(lam, mu, theta, agents, max_queue)
    waiting = pi[agents:]  # found j = 0..K waiting, all agents busy
    k_max = max_queue
    served, gone = k_max + 1, k_max + 2

    virtual = _tagged_generator(agents, mu, theta, k_max, own_patience=False)
    reach_by_t = linalg.expm(virtual * t)[: k_max + 1, served]

    answered = _tagged_generator(agents, mu, theta, k_max, own_patience=True)
    served_by_t = linalg.expm(answered * t)[: k_max + 1, served]
    transient = answered[: k_max + 1, : k_max + 1]
    fundamental = np.linalg.inv(-transient)
    p_served_j = fundamental @ answered[: k_max + 1, served]
    wait_and_served_j = fundamental @ p_served_j  # E[T·1{served}]
    wait_j = fundamental @ np.ones(k_max + 1)  # E[min(V, τ)]
    assert np.allclose(p_served_j + fundamental @ answered[: k_max + 1, gone], 1.0)

    p_served = 1.0 - waiting.sum() + waiting @ p_served_j
    answered_t = 1.0 - waiting.sum() + waiting @ served_by_t
    return {
        "p_wait": waiting.sum(),
        "p_abandon": 1.0 - p_served,
        "sl_virtual": 1.0 - waiting.sum() + waiting @ reach_by_t,
        "sl_answered": answered_t,
        "sl_of_answered": answered_t / p_served,
        "asa": (waiting @ wait_and_served_j) / p_served,
        "awt_all": waiting @ wait_j,
        "mean_queue": waiting @ np.arange(k_max + 1),
    }


@pytest.mark.parametrize(
    ("lam", "aht", "patience", "agents", "t"),
    [
        (1 / 60, 60.0, 120.0, 1, 20.0),
        (2.2 / 120, 120.0, 30.0, 2, 15.0),
        (4.0 / 300, 300.0, 900.0, 4, 60.0),
        (5.5 / 90, 90.0, 45.0, 5, 30.0),
        (3.0 / 200, 200.0, 200.0, 3, 10.0),
    ],
)
def test_matches_truncated_generator_and_tagged_chains(lam, aht, patience, agents, t):
    expected = brute_force_measures(lam, aht, patience, agents, t, max_queue=60)
    got = erlang_a_measures(lam, aht, patience, agents, t)
    for key in MEASURES:
        assert got[key] == pytest.approx(expected[key], rel=1e-9, abs=1e-12), key


def test_stationary_distribution_matches_linear_solve():
    chain = solve_chain(0.05, 100.0, 400.0, 4)
    pi = _generator_stationary(0.05, 0.01, 1 / 400, 4, chain.probs.size - 5)
    assert np.max(np.abs(chain.probs - pi)) < 1e-13


# --- patience = AHT: every customer in the system leaves at rate μ, so n ~ Poisson(λ/μ) ---


@pytest.mark.parametrize(("load", "agents", "aht"), [(3.0, 4, 60.0), (80.0, 75, 240.0), (1650.0, 1500, 600.0)])
def test_patience_equal_to_aht_gives_poisson_number_in_system(load, agents, aht):
    chain = solve_chain(load / aht, aht, aht, agents)
    n = np.arange(chain.probs.size)
    poisson = stats.poisson.pmf(n, load)
    assert np.max(np.abs(chain.probs - poisson)) < 1e-12
    assert chain.p_wait == pytest.approx(stats.poisson.sf(agents - 1, load), abs=1e-12)
    expected_queue = float(np.dot(np.maximum(n - agents, 0), poisson))
    assert chain.mean_queue == pytest.approx(expected_queue, rel=1e-10, abs=1e-13)
    assert chain.p_abandon == pytest.approx(expected_queue / load, rel=1e-10, abs=1e-13)


# --- no abandonment: Erlang C as written in DOMAIN.md ---


def _erlang_c(load: float, agents: int, aht: float, t: float) -> tuple[float, float, float]:
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    c = agents * b / (agents - load * (1 - b))
    return c, 1 - c * math.exp(-(agents - load) * t / aht), c * aht / (agents - load)


@pytest.mark.parametrize(("load", "agents", "aht", "t"), [(8.0, 10, 180.0, 20.0), (450.0, 470, 300.0, 30.0)])
def test_infinite_patience_is_erlang_c(load, agents, aht, t):
    c, sl, asa = _erlang_c(load, agents, aht, t)
    got = erlang_a_measures(load / aht, aht, math.inf, agents, t)
    assert got["p_wait"] == pytest.approx(c, rel=1e-10)
    assert got["sl_virtual"] == pytest.approx(sl, rel=1e-10)
    assert got["sl_answered"] == pytest.approx(sl, rel=1e-10)
    assert got["asa"] == pytest.approx(asa, rel=1e-10)
    assert got["p_abandon"] == 0.0


def test_very_long_patience_tends_to_erlang_c():
    c, sl, asa = _erlang_c(95.0, 100, 240.0, 20.0)
    got = erlang_a_measures(95.0 / 240.0, 240.0, 1e9, 100, 20.0)
    assert got["p_wait"] == pytest.approx(c, abs=1e-6)
    assert got["sl_answered"] == pytest.approx(sl, abs=1e-6)
    assert got["asa"] == pytest.approx(asa, rel=1e-5)


# --- offered wait distribution: closed form vs the regularised incomplete beta ---


@pytest.mark.parametrize(("agents", "aht", "patience", "t"), [(3, 60.0, 30.0, 40.0), (1500, 60.0, 3600.0, 20.0)])
def test_offered_wait_survival_is_incomplete_beta(agents, aht, patience, t):
    chain = solve_chain(agents * 1.05 / aht, aht, patience, agents)
    u = agents * patience / aht
    j = np.arange(chain.queue_probs.size)
    x = math.exp(-t / patience)
    assert np.max(np.abs(chain.offered_wait_survival(t) - betainc(u, j + 1, x))) < 1e-10
    assert np.max(np.abs(chain.offered_wait_survival(t, shift=1) - betainc(u + 1, j + 1, x))) < 1e-10


# --- Monte Carlo of the queue itself (FCFS, N agents, patience), a check of the model reading ---


def _simulate(lam, aht, patience, agents, t, customers, seed):
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / lam, customers))
    services = rng.exponential(aht, customers)
    patiences = rng.exponential(patience, customers)
    free_at = [0.0] * agents  # heap of times each agent is next free
    waited = answered_in_t = abandoned = offered_in_t = 0
    wait_served = wait_all = 0.0
    for arrival, service, tau in zip(arrivals, services, patiences, strict=True):
        offered = max(0.0, free_at[0] - arrival)
        waited += offered > 0
        offered_in_t += offered <= t
        if tau > offered:
            heapq.heapreplace(free_at, arrival + offered + service)
            answered_in_t += offered <= t
            wait_served += offered
            wait_all += offered
        else:
            abandoned += 1
            wait_all += tau
    served = customers - abandoned
    return {
        "p_wait": waited / customers,
        "p_abandon": abandoned / customers,
        "sl_virtual": offered_in_t / customers,
        "sl_answered": answered_in_t / customers,
        "sl_of_answered": answered_in_t / served,
        "asa": wait_served / served,
        "awt_all": wait_all / customers,
    }


def test_monte_carlo_of_the_queue_agrees():
    lam, aht, patience, agents, t = 2.0 / 60, 60.0, 90.0, 2, 20.0
    sim = _simulate(lam, aht, patience, agents, t, customers=200_000, seed=20261202)
    exact = erlang_a_measures(lam, aht, patience, agents, t)
    for key in ("p_wait", "p_abandon", "sl_virtual", "sl_answered", "sl_of_answered"):
        assert sim[key] == pytest.approx(exact[key], abs=0.004), key
    for key in ("asa", "awt_all"):
        assert sim[key] == pytest.approx(exact[key], rel=0.02), key


# --- identities that must hold whatever the parameters (grid of issue 15) ---


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    agents=st.integers(1, 1500),
    aht=st.floats(60.0, 600.0),
    patience=st.floats(30.0, 3600.0),
    load_ratio=st.floats(0.5, 1.1),
    t=st.floats(0.0, 600.0),
)
def test_identities_on_issue_grid(agents, aht, patience, load_ratio, t):
    lam = load_ratio * agents / aht
    chain = solve_chain(lam, aht, patience, agents)
    q = chain.queue_probs
    a, theta = agents / aht, 1 / patience
    j = np.arange(q.size)
    assert chain.probs.sum() == pytest.approx(1.0, abs=1e-12)
    # Abandonment two ways: θE[Q]/λ and Σ q_j·P(abandon | j ahead).
    assert chain.p_abandon == pytest.approx(float(q @ (1 - chain.served_given_ahead())), rel=1e-9, abs=1e-15)
    # Mean wait of all two ways: Little and Σ q_j·E[min(S_j, τ)].
    assert chain.awt_all == pytest.approx(float(q @ ((j + 1) / (a + (j + 1) * theta))), rel=1e-9, abs=1e-15)
    virtual, answered = chain.sl_virtual(t), chain.sl_answered(t)
    assert 0.0 <= answered <= virtual + 1e-15 <= 1.0 + 2e-15
    assert answered >= 1 - chain.p_wait - 1e-15
    assert chain.sl_answered(t + 30) >= answered - 1e-15
    assert chain.sl_virtual(1e6) == pytest.approx(1.0, abs=1e-12)
    assert chain.sl_answered(1e6) == pytest.approx(1 - chain.p_abandon, abs=1e-12)


@pytest.mark.parametrize(
    ("agents", "aht", "patience", "load_ratio"), [(40, 180.0, 300.0, 1.05), (600, 300.0, 120.0, 0.98)]
)
def test_mean_waits_equal_integrals_of_the_service_levels(agents, aht, patience, load_ratio):
    chain = solve_chain(load_ratio * agents / aht, aht, patience, agents)
    p_served = 1 - chain.p_abandon
    # E[W; served] = ∫ (P(served) − P(served, W ≤ t)) dt ; E[min(V, τ)] = ∫ P(V > t)·e^{−θt} dt.
    served_wait, _ = integrate.quad(lambda s: p_served - chain.sl_answered(s), 0, np.inf, epsabs=1e-11, limit=200)
    all_wait, _ = integrate.quad(
        lambda s: (1 - chain.sl_virtual(s)) * math.exp(-s / patience), 0, np.inf, epsabs=1e-11, limit=200
    )
    assert chain.asa == pytest.approx(served_wait / p_served, rel=1e-7)
    assert chain.awt_all == pytest.approx(all_wait, rel=1e-7)


# --- truncation and size ---


def test_state_space_grows_with_patience_and_a_tighter_tail_changes_nothing():
    short = solve_chain(1500 / 600, 600.0, 30.0, 1500)
    long = solve_chain(1650 / 60, 60.0, 3600.0, 1500)
    assert long.probs.size > short.probs.size + 10_000  # queue centred near (λ − Nμ)/θ = 9,000
    for args in [(1500 / 600, 600.0, 3600.0, 1500), (1650 / 60, 60.0, 3600.0, 1500), (9.9 / 120, 120.0, 3600.0, 10)]:
        base, tight = solve_chain(*args), solve_chain(*args, tail_tol=1e-30)
        assert tight.probs.size > base.probs.size
        for t in (0.0, 20.0, 180.0):
            assert base.sl_answered(t) == pytest.approx(tight.sl_answered(t), abs=1e-13)
            assert base.sl_virtual(t) == pytest.approx(tight.sl_virtual(t), abs=1e-13)
        assert base.mean_queue == pytest.approx(tight.mean_queue, rel=1e-12)


def test_one_point_at_1500_agents_is_fast():
    erlang_a_measures(1650 / 60, 60.0, 3600.0, 1500, 20.0)  # warm-up (imports, caches)
    start = time.process_time()
    for _ in range(5):
        erlang_a_measures(1650 / 60, 60.0, 3600.0, 1500, 20.0)
    assert (time.process_time() - start) / 5 < 0.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.1, 0.0, 60.0, 5, 20.0), "AHT"),
        ((0.1, 60.0, 0.0, 5, 20.0), "patience"),
        ((0.1, 60.0, 60.0, 0, 20.0), "agents"),
        ((0.1, 60.0, 60.0, 5, -1.0), "t must"),
        ((0.1, 60.0, math.inf, 5, 20.0), "unstable"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        erlang_a_measures(*args)


def test_no_arrivals_means_no_waiting():
    got = erlang_a_measures(0.0, 60.0, 60.0, 3, 20.0)
    assert got["p_wait"] == 0.0 and got["sl_answered"] == 1.0 and got["asa"] == 0.0
