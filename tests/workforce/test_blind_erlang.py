"""The Erlang A engine against the blind birth–death reference (tests/workforce/blind/).

The engine's service level is P(answered and waited ≤ T) over all arrivals (erlang.py's
docstring), which is the reference's ``sl_answered``; its ASA is the mean wait of all arrivals,
the reference's ``awt_all``. The suite runs a sampled grid; the full grid of the issue (agents
1–1,500, AHT 60–600 s, patience 30–3,600 s and = AHT, load 0.5×–1.1× agents) is a command:

    .venv/bin/python -m tests.workforce.test_blind_erlang
"""

from __future__ import annotations

import itertools
import math
import sys
import time

import numpy as np
import pytest

from apps.workforce import erlang
from tests.workforce.blind.erlang_a_chain import solve_chain

TOL = 1e-6

SAMPLED = [
    # (agents, aht_s, patience_s, load factor, target_s)
    (1, 60, 30, 0.5, 20),
    (1, 600, 3600, 1.1, 30),
    (3, 300, 300, 1.0, 30),  # patience = AHT
    (12, 180, 90, 0.9, 20),
    (40, 240, 1800, 1.05, 30),
    (150, 60, 60, 1.1, 20),  # patience = AHT
    (400, 300, 120, 0.95, 30),
    (900, 420, 3600, 1.0, 60),
    (1500, 60, 3600, 1.0, 20),  # the worst case of the old truncation
    (1500, 600, 600, 0.5, 30),  # patience = AHT
]


def compare(agents: int, aht: float, patience: float, factor: float, target: float) -> dict[str, float]:
    lam = factor * agents / aht
    ref = solve_chain(lam, aht, patience, agents)
    got = erlang.erlang_a(agents, arrival_rate=lam, aht_s=aht, patience_s=patience, target_s=target)
    return {
        "sl": abs(got.service_level - ref.sl_answered(target)),
        "wait": abs(got.wait_probability - ref.p_wait),
        "abandon": abs(got.abandon_probability - ref.p_abandon),
        "asa_rel": abs(got.asa_s - ref.awt_all) / max(ref.awt_all, 1e-9),
    }


@pytest.mark.parametrize("agents,aht,patience,factor,target", SAMPLED)
def test_engine_matches_the_blind_chain(agents, aht, patience, factor, target):
    d = compare(agents, aht, patience, factor, target)
    assert d["sl"] <= TOL
    assert d["wait"] <= TOL
    assert d["abandon"] <= TOL
    assert d["asa_rel"] <= 1e-6


def test_required_agents_is_the_fewest_by_the_blind_chain_and_batch_equals_app_path():
    target = erlang.StaffingTarget(sl=0.8, target_s=30, max_occupancy=1.0, shrinkage=0.0)
    rates = np.array([0.05, 0.9, 3.0])
    batch = erlang.required_agents_a_batch(rates, aht_s=300, patience_s=600, target=target)
    for lam, n in zip(rates, batch, strict=True):
        app = erlang.required_agents_interval(
            volume=lam * 900, aht_s=300, target=target, patience_s=600, interval_s=900
        ).agents
        assert app == n
        assert solve_chain(lam, 300, 600, int(n)).sl_answered(30) >= 0.8 - 1e-12
        assert solve_chain(lam, 300, 600, int(n) - 1).sl_answered(30) < 0.8


def full_grid() -> int:
    """The issue's grid; prints the worst differences and returns 1 when any SL is off by > 1e-6."""
    agents = [1, 2, 5, 10, 25, 60, 150, 400, 800, 1500]
    ahts = [60, 180, 300, 600]
    patiences = [30, 90, 300, 900, 3600, None]  # None = patience equal to AHT
    factors = [0.5, 0.75, 0.9, 1.0, 1.05, 1.1]
    targets = [0, 20, 60]
    worst: dict[str, tuple[float, tuple]] = {}
    started = time.perf_counter()
    count = 0
    for n, aht, pat, f in itertools.product(agents, ahts, patiences, factors):
        patience = aht if pat is None else pat
        lam = f * n / aht
        ref = solve_chain(lam, aht, patience, n)
        for t in targets:
            got = erlang.erlang_a(n, arrival_rate=lam, aht_s=aht, patience_s=patience, target_s=t)
            diffs = {
                "sl": abs(got.service_level - ref.sl_answered(t)),
                "wait": abs(got.wait_probability - ref.p_wait),
                "abandon": abs(got.abandon_probability - ref.p_abandon),
                "asa_rel": abs(got.asa_s - ref.awt_all) / max(ref.awt_all, 1e-9),
            }
            count += 1
            for k, v in diffs.items():
                if not math.isfinite(v) or v > worst.get(k, (-1.0, ()))[0]:
                    worst[k] = (v, (n, aht, patience, f, t))
    print(f"{count} points in {time.perf_counter() - started:.1f} s")
    for k, (v, at) in worst.items():
        print(f"max |Δ{k}| = {v:.3e} at agents={at[0]} aht={at[1]} patience={at[2]} load={at[3]}×agents T={at[4]}")
    return 0 if worst["sl"][0] <= TOL else 1


if __name__ == "__main__":
    sys.exit(full_grid())
