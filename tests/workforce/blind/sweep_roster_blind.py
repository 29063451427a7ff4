"""Exploratory sweep (a script, not part of the suite: minutes, not seconds).

    SWEEP_CASES=32 SWEEP_TIME_LIMIT=5 .venv/bin/pytest tests/workforce/blind/sweep_roster_blind.py \
        -q -p no:randomly -n 0 -s

Runs seeded cases (small, medium, and every fourth a 5–10× Double 11 promo with agents shared across
brands) through the product (requirement_compute, solve_run_create per brand, roster_publish) and
the blind references, and prints one JSON line per case plus a summary. The file name does not
match ``test_*.py``: pytest collects it only when named on the command line.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter

from django.db import transaction

from tests.workforce.blind import cases
from tests.workforce.blind import roster_reference as rr
from tests.workforce.blind.test_roster_blind import compare_requirement


def _one(spec, actor, capture, limit):
    t0 = time.perf_counter()
    built = cases.build(spec)
    cases.requirement(built, actor)
    req = compare_requirement(built)
    runs = cases.solve_and_publish(built, actor, capture, time_limit=limit)
    p = cases.load_problem(built)
    short = rr.shortfall(p)
    avoid = rr.avoidable(p, short)
    ext = rr.extendable(p, short)
    strict = rr.avoidable(p, short, conservative=True)
    listed_equal = all(
        cases.product_short(run) == {t: k for (b, t), k in short.items() if b == run.client_id} for run in runs
    )
    example = None
    if avoid:
        (b, t), (aid, s, e) = sorted((strict or avoid).items())[0]
        example = {"brand": b, "slot": _local(t), "short": short[(b, t)], "agent": aid, "shift": [_local(s), _local(e)]}
    return {
        "seed": spec.seed,
        "label": spec.label,
        "brands": spec.brands,
        "agents": spec.agents,
        "promo": round(spec.promo, 2),
        "prev_week": spec.previous_week,
        "own_rule": spec.own_rule,
        "req_intervals": req["intervals"],
        "req_agree_served": req["agree_served"],
        "req_agree_offered": req["agree_offered"],
        "req_sl_agree": req["sl_agree"],
        "solver": [r.solver_status for r in runs],
        "failed_runs": [r.error for r in runs if r.status != "succeeded"],
        "violations": dict(Counter(c for c, _a, _d in rr.violations(p))),
        "soft": dict(Counter(c for c, _a, _d in rr.soft_findings(p))),
        "short_intervals": len(short),
        "short_list_equal": listed_equal,
        "avoidable": len(avoid),
        "avoidable_conservative": len(strict),
        "extendable": len(ext),
        "floor_below_need": len(rr.floor_below_need(p)),
        "surge_needed": [r.surge_needed for r in runs],
        "repair_notes": [n for r in runs for n in r.notes if n.startswith("repair")],
        "example": example,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _local(m):
    d, r = divmod(m, 1440)
    day = cases.EPOCH.date().fromordinal(cases.EPOCH.date().toordinal() + d)
    return f"{day:%m-%d} {r // 60:02d}:{r % 60:02d}"


def test_sweep(bpo_manager, django_capture_on_commit_callbacks):
    count = int(os.environ.get("SWEEP_CASES", "32"))
    limit = int(os.environ.get("SWEEP_TIME_LIMIT", "5"))
    first = int(os.environ.get("SWEEP_FIRST_SEED", "0"))
    rows = []
    for spec in cases.specs(count, first_seed=first):
        with transaction.atomic():  # each case rolls back: the next starts from an empty site
            row = _one(spec, bpo_manager, django_capture_on_commit_callbacks, limit)
            transaction.set_rollback(True)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    summary = {
        "cases": len(rows),
        "requirement_intervals": sum(r["req_intervals"] for r in rows),
        "agree_served": sum(r["req_agree_served"] for r in rows),
        "agree_offered": sum(r["req_agree_offered"] for r in rows),
        "cases_with_violations": sum(1 for r in rows if r["violations"]),
        "cases_with_failed_runs": sum(1 for r in rows if r["failed_runs"]),
        "cases_short_list_equal": sum(1 for r in rows if r["short_list_equal"]),
        "cases_with_avoidable": sum(1 for r in rows if r["avoidable"]),
        "avoidable_intervals": sum(r["avoidable"] for r in rows),
        "cases_with_avoidable_conservative": sum(1 for r in rows if r["avoidable_conservative"]),
        "avoidable_conservative_intervals": sum(r["avoidable_conservative"] for r in rows),
        "extendable_intervals": sum(r["extendable"] for r in rows),
        "short_intervals": sum(r["short_intervals"] for r in rows),
        "cases_floor_below_need": sum(1 for r in rows if r["floor_below_need"]),
    }
    print("SUMMARY", json.dumps(summary), flush=True)
