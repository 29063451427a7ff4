"""The blind sweep's ``extendable`` figure on one case (seed 24 of the sweep: one brand, 15 agents,
a previous published week): after the repair no short interval may be closable by lengthening the
same-brand shift next to it by 15 minutes within every rule (issue 15 §3: "a new shift or an
extended one within the rules"). It had 5 such intervals on 649b97a: the repair added a shift after
its scan had passed the short slot just before it, and ran again only when the trim freed hours."""

from __future__ import annotations

import pytest

from tests.workforce.blind import cases
from tests.workforce.blind import roster_reference as rr


@pytest.mark.slow
def test_no_short_interval_next_to_a_shift_that_could_legally_grow_over_it(
    bpo_manager, django_capture_on_commit_callbacks
):
    spec = cases.specs(25)[24]
    assert (spec.brands, spec.agents, spec.previous_week) == (1, 15, True)
    built = cases.build(spec)
    cases.requirement(built, bpo_manager)
    runs = cases.solve_and_publish(built, bpo_manager, django_capture_on_commit_callbacks, time_limit=5)
    assert [r.status for r in runs] == ["succeeded"]
    p = cases.load_problem(built)
    short = rr.shortfall(p)
    assert short  # the week stays short: the check can fail
    assert rr.extendable(p, short) == {}
    assert rr.violations(p) == []
