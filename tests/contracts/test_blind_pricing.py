"""The pricing engine against the blind reference (tests/contracts/blind), written from the rules alone.

Hypothesis draws contract-months that mix every feature (all four models, allowances, minimums,
proration at month starts and version changes, hour windows of all three kinds, night units, surge
seats, SLA with caps and earn-back, two VAT rates, half-fen prices, leap February, usage within a
second of local midnight); the adapter (tests/contracts/compare_blind.py) only translates inputs.
The bulk run over 5,000+ contract-months is `python -m tests.contracts.compare_blind`.
"""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.contracts import pricing as p
from tests.contracts.blind.generate import contract_months, random_contract_month
from tests.contracts.compare_blind import compare, compare_sequence, engine_inputs, run


@settings(max_examples=150, deadline=None)
@given(contract_months())
def test_engine_agrees_with_the_blind_reference(cm):
    assert compare(cm) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_earn_back_agrees_across_months(seed):
    assert compare_sequence(random.Random(seed)) == []


def test_a_fixed_sample_of_contract_months_agrees():
    agree, by_rule, failing = run(150, seed=20261202)
    assert (agree, dict(by_rule), failing) == (150, {}, [])


def _with_night_lines() -> object:
    for seed in range(1000):
        cm = random_contract_month(random.Random(seed))
        if any(ln.kind == p.NIGHT and ln.amount for ln in p.price_period(**engine_inputs(cm)).lines):
            return cm
    raise AssertionError("no contract-month with a night line in 1,000 seeds")


def test_the_comparison_sees_a_wrong_night_price():
    """The check can fail: the same contract with twice the night rate on the engine's side disagrees."""
    cm = _with_night_lines()
    inputs = engine_inputs(cm)
    inputs["versions"] = [
        replace(v, charges=tuple(replace(c, night_surcharge=c.night_surcharge * 2) for c in v.charges))
        for v in inputs["versions"]
    ]
    assert compare(cm) == []
    assert "4 night" in {rule for rule, _ in compare(cm, inputs=inputs)}
