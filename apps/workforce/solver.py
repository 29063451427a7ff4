"""Rostering with OR-Tools: anonymous shift counts (CP-SAT), then named agents by type.

Pure module: no ORM. Time is counted in 15-minute *slots* from the start of the planning week
(slot 0 = Monday 00:00 local); a week has 672 slots and shifts may run past its end.

Stage 1 — counts. A shift *variant* is (start slot, length, meal offset). Integer x_v counts how
many agents work variant v. Coverage is written as a flow: on[t] − on[t−1] = starts − ends −
meal starts + meal ends at t, so each variant has four non-zeros and the model stays small.
Minimise 4 · paid slots + ``under_weight`` · uncovered slots. The same model relaxed to an LP
(GLOP) gives the LP bound — the physical limit of paid hours for this demand.

Stages 2 and later (named agents, repair of short intervals, short breaks placed by coverage)
live in ``site_solver``: ``solve`` here is the site solve with one brand, and every brand of a
site is solved together there with agents shared across brands. Starts, lengths, meals and
breaks are always on the 15-minute grid (no coarser grid for small demand).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from apps.core.calendar import SLOTS_PER_DAY

CANDIDATES = 6  # agents of a type weighed per shift (same start time, preferred start)


@dataclass(frozen=True)
class ShiftRules:
    """Shift rules in slots (15 min). A shift longer than ``meal_required_over`` slots has one unpaid
    meal of ``meal_len`` slots starting between ``meal_earliest`` slots after the start and
    ``meal_latest_before_end`` slots before the end. One short break of one slot per full
    ``break_every`` paid slots. ``open_slots``-free intervals (store closed) cannot be worked."""

    min_len: int = 16
    max_len: int = 40
    len_step: int = 1
    start_step: int = 1
    meal_required_over: int = 24
    meal_len: int = 2
    meal_earliest: int = 8
    meal_latest_before_end: int = 8
    meal_positions: int = 3
    break_every: int = 12
    min_rest: int = 44
    max_days: int = 6
    max_consecutive: int = 6

    def __post_init__(self) -> None:
        if not 1 <= self.min_len <= self.max_len:
            raise ValueError("shift rule: the minimum length must be at least one slot and ≤ the maximum")
        if self.meal_len < 0 or self.len_step < 1 or self.start_step < 1:
            raise ValueError("shift rule: steps must be ≥ 1 and the meal length ≥ 0")

    def lengths(self) -> list[int]:
        return list(range(self.min_len, self.max_len + 1, self.len_step))

    def meal_offsets(self, length: int) -> list[int]:
        """Allowed meal offsets (slots after the start) for a shift of ``length`` slots; [] if no meal."""
        if length <= self.meal_required_over or self.meal_len == 0:
            return []
        lo = self.meal_earliest
        hi = length - self.meal_latest_before_end - self.meal_len
        if hi < lo:
            return []
        mid = (lo + hi) // 2
        half = self.meal_positions // 2
        picks = sorted({min(hi, max(lo, mid + k * 2)) for k in range(-half, half + 1)})
        return picks[: self.meal_positions]

    def paid(self, length: int, meal: int | None) -> int:
        return length - (self.meal_len if meal is not None else 0)


@dataclass(frozen=True)
class Variant:
    start: int
    length: int
    meal: int | None  # offset in slots, or None

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class AgentSpec:
    """A named agent as the solver sees it. ``available`` is a bit mask over slots (bit t = may work
    slot t; leave and unavailability already removed); hours are in slots."""

    id: int
    available: int
    weekly_max: int
    weekly_min: int = 0
    max_days: int = 6
    cost: float = 35.0
    surge: bool = False
    nights_ok: bool = True
    preferred_start: int | None = None  # slot of the day
    proficiency: int = 3
    skills: frozenset = frozenset()  # brand keys the agent may serve (site solves)
    prev_end: int | None = None  # end slot of the last shift of the previous week (≤ 0), for rest
    prev_streak: int = 0  # consecutive days worked up to the previous week's last day

    def type_key(self) -> tuple:
        """Agents with the same key are interchangeable for where they may work and how they rank;
        per-agent limits (days, hours, rest, streaks) are checked agent by agent."""
        return (self.available, self.nights_ok, self.skills, self.surge, self.cost, self.weekly_min > 0)


@dataclass
class RosterProblem:
    """``demand[t]`` agents required in slot t (scheduled, shrinkage included); ``open_mask`` bit t set
    when the store is open in slot t (shifts may only cover open slots). Night slots are those
    whose time of day is in [``night_from``, 96) ∪ [0, ``night_to``)."""

    demand: list[int]
    open_mask: int
    agents: list[AgentSpec]
    rules: ShiftRules = field(default_factory=ShiftRules)
    horizon_extra: int = 40
    under_weight: int = 1000
    night_from: int = 88
    night_to: int = 32

    def __post_init__(self) -> None:
        for t, d in enumerate(self.demand):
            if d < 0:
                raise ValueError(f"demand must not be negative (slot {t} has {d})")


@dataclass(frozen=True)
class Assignment:
    agent_id: int
    start: int
    length: int
    meal: int | None
    breaks: tuple[int, ...]  # offsets of 1-slot short breaks
    brand: object = None  # brand key in a site solve (None in a one-brand solve)

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass
class RosterResult:
    """The solution and every figure a solve reports. Hours are agent-hours."""

    assignments: list[Assignment]
    counts: dict[Variant, int]
    demand_hours: float
    paid_hours: float
    stage1_paid_hours: float
    lp_bound_hours: float
    cpsat_bound_hours: float
    gap: float
    efficiency: float
    short_slots: list[tuple[int, int]]  # (slot, agents short)
    surge_needed: int
    status: str
    wall_s: float
    unassigned: list[Variant] = field(default_factory=list)
    scheduled: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- variants


def _fits(mask: int, start: int, length: int) -> bool:
    window = ((1 << length) - 1) << start
    return mask & window == window


def build_variants(problem: RosterProblem, *, stride: int = 1) -> list[Variant]:
    """Every variant that lies inside open hours and that at least one agent type could work.

    ``stride`` > 1 keeps only starts and lengths on a coarser grid (a subset of the legal shifts),
    which small demands use: a handful of agents gain nothing from 15-minute start choices."""
    rules = problem.rules
    horizon = len(problem.demand)
    type_masks = {a.available for a in problem.agents}
    variants: list[Variant] = []
    for length in rules.lengths()[::stride]:
        offsets = rules.meal_offsets(length)
        if length > rules.meal_required_over and not offsets:
            continue  # a long shift needs a meal but none fits: the rule forbids this length
        for start in range(0, horizon, rules.start_step * stride):
            if not _fits(problem.open_mask, start, length):
                continue
            if not any(_fits(m, start, length) for m in type_masks):
                continue
            if offsets:
                variants.extend(Variant(start, length, o) for o in offsets)
            else:
                variants.append(Variant(start, length, None))
    return variants


def _covers(v: Variant, t: int, meal_len: int) -> bool:
    if not v.start <= t < v.end:
        return False
    return v.meal is None or not (v.start + v.meal <= t < v.start + v.meal + meal_len)


# ---------------------------------------------------------------- stage 1


@dataclass
class _Stage1:
    counts: dict[Variant, int]
    lp_bound: float  # in objective units
    cpsat_bound: float
    objective: float
    status: str


def _events(variants: list[Variant], rules: ShiftRules, size: int) -> list[list[tuple[int, int]]]:
    """Per slot, (variant index, ±1) pairs of the flow: +start −end −meal start +meal end."""
    ev: list[list[tuple[int, int]]] = [[] for _ in range(size + 1)]
    for i, v in enumerate(variants):
        ev[v.start].append((i, 1))
        if v.end <= size:
            ev[v.end].append((i, -1))
        if v.meal is not None:
            ms = v.start + v.meal
            if ms < size:
                ev[ms].append((i, -1))
            if ms + rules.meal_len <= size:
                ev[ms + rules.meal_len].append((i, 1))
    return ev


def _day_caps(problem: RosterProblem, days: int) -> list[int]:
    caps = []
    for d in range(days):
        day_mask = ((1 << SLOTS_PER_DAY) - 1) << (d * SLOTS_PER_DAY)
        caps.append(sum(1 for a in problem.agents if a.available & day_mask and a.max_days > 0))
    return caps


@dataclass
class _LP:
    objective: float
    paid_slots: float
    under_slots: float
    values: list[float]


def solve_lp(
    problem: RosterProblem,
    variants: list[Variant],
    *,
    demand: list[int] | None = None,
    caps: list[int] | None = None,
) -> _LP:
    """LP relaxation of stage 1 with GLOP: the optimal objective, its paid and uncovered slots,
    and the fractional counts (used to warm-start CP-SAT)."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    rules = problem.rules
    demand = problem.demand if demand is None else demand
    horizon = len(demand)
    x = [lp.NumVar(0, lp.infinity(), "") for _ in variants]
    under = [lp.NumVar(0, max(0, d), "") for d in demand]
    ev = _events(variants, rules, horizon)
    inf = lp.infinity()
    ons = [lp.NumVar(0, inf, "") for _ in range(horizon)]
    for t in range(horizon):
        # flow: on[t] − on[t−1] − Σ events(t) = 0, then cover: on[t] + under[t] ≥ demand[t]
        flow = lp.Constraint(0, 0)
        flow.SetCoefficient(ons[t], 1)
        if t:
            flow.SetCoefficient(ons[t - 1], -1)
        for i, sign in ev[t]:
            flow.SetCoefficient(x[i], flow.GetCoefficient(x[i]) - sign)
        cover = lp.Constraint(demand[t], inf)
        cover.SetCoefficient(ons[t], 1)
        cover.SetCoefficient(under[t], 1)
    days = math.ceil(horizon / SLOTS_PER_DAY)
    caps = _day_caps(problem, days) if caps is None else caps
    by_day: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(variants):
        by_day[v.start // SLOTS_PER_DAY].append(i)
    for d, idx in by_day.items():
        row = lp.Constraint(-inf, max(0, caps[d]))
        for i in idx:
            row.SetCoefficient(x[i], 1)
    objective = lp.Objective()
    for i, v in enumerate(variants):
        objective.SetCoefficient(x[i], 4 * rules.paid(v.length, v.meal))
    for u in under:
        objective.SetCoefficient(u, problem.under_weight)
    objective.SetMinimization()
    status = lp.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise RuntimeError("the LP relaxation could not be solved")
    values = [xi.solution_value() for xi in x]
    paid = sum(rules.paid(v.length, v.meal) * values[i] for i, v in enumerate(variants))
    short = sum(u.solution_value() for u in under)
    return _LP(objective.Value(), paid, short, values)


def solve_counts(
    problem: RosterProblem,
    variants: list[Variant],
    *,
    time_limit_s: float,
    workers: int = 2,
    on_progress: Callable[[float, float], None] | None = None,
    lp_values: list[float] | None = None,
) -> _Stage1:
    """Stage 1 on CP-SAT. The best solution so far is kept when the time limit stops the search."""
    from ortools.sat.python import cp_model

    rules = problem.rules
    horizon = len(problem.demand)
    model = cp_model.CpModel()
    peak = max(problem.demand, default=0)
    cap = max(1, len(problem.agents))
    x = [model.NewIntVar(0, min(cap, peak + 1), "") for _ in variants]
    under = [model.NewIntVar(0, d, "") for d in problem.demand]
    ev = _events(variants, rules, horizon)
    on_prev = None
    ons = []
    for t in range(horizon):
        on = model.NewIntVar(0, cap, "")
        terms = [s * x[i] for i, s in ev[t]]
        model.Add(on == (on_prev if on_prev is not None else 0) + sum(terms))
        model.Add(on + under[t] >= problem.demand[t])
        ons.append(on)
        on_prev = on
    days = math.ceil(horizon / SLOTS_PER_DAY)
    caps = _day_caps(problem, days)
    by_day: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(variants):
        by_day[v.start // SLOTS_PER_DAY].append(i)
    for d, idx in by_day.items():
        model.Add(sum(x[i] for i in idx) <= caps[d])
    model.Minimize(
        sum(4 * rules.paid(v.length, v.meal) * x[i] for i, v in enumerate(variants)) + problem.under_weight * sum(under)
    )
    hint = None
    if lp_values is not None:
        hint = dive(problem, variants, lp_values, deadline=time.perf_counter() + time_limit_s * 0.4)
        hint = [min(h, min(cap, peak + 1)) for h in hint]
        for i, value in enumerate(hint):
            model.AddHint(x[i], value)
        run = 0
        for t in range(horizon):
            run += sum(s * hint[i] for i, s in ev[t])
            model.AddHint(ons[t], min(cap, max(0, run)))
            model.AddHint(under[t], max(0, problem.demand[t] - run))
    else:
        _greedy_hint(model, problem, variants, x)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = 0.001

    class _Progress(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()

        def on_solution_callback(self) -> None:
            if on_progress is not None:
                on_progress(self.ObjectiveValue(), self.BestObjectiveBound())

    status = solver.Solve(model, _Progress())
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hint is None:
            return _Stage1({}, 0.0, 0.0, math.inf, name)
        # out of time before CP-SAT's first solution: keep the rounded LP (always feasible)
        counts = {v: h for v, h in zip(variants, hint, strict=True) if h}
        paid = sum(4 * rules.paid(v.length, v.meal) * n for v, n in counts.items())
        return _Stage1(counts, 0.0, 0.0, float(paid), "LP_ROUNDED")
    counts = {v: solver.Value(x[i]) for i, v in enumerate(variants) if solver.Value(x[i])}
    if hint is not None:
        # CP-SAT stopped by the clock may not have reached its own hint: keep the better plan
        cover, short = [0] * horizon, 0
        run = 0
        for t in range(horizon):
            run += sum(s * hint[i] for i, s in ev[t])
            cover[t] = run
        short = sum(max(0, d - c) for d, c in zip(problem.demand, cover, strict=True))
        hint_obj = sum(4 * rules.paid(v.length, v.meal) * h for v, h in zip(variants, hint, strict=True))
        hint_obj += problem.under_weight * short
        if hint_obj < solver.ObjectiveValue():
            counts = {v: h for v, h in zip(variants, hint, strict=True) if h}
            return _Stage1(counts, 0.0, solver.BestObjectiveBound(), float(hint_obj), name + "+LP_DIVE")
    return _Stage1(counts, 0.0, solver.BestObjectiveBound(), solver.ObjectiveValue(), name)


def dive(problem: RosterProblem, variants: list[Variant], values: list[float], *, deadline: float) -> list[int]:
    """LP diving: fix the integer parts, round up the confidently fractional counts, re-solve the LP
    on what is left, until the LP is integral (or time runs out, then round the rest)."""
    horizon = len(problem.demand)
    rules = problem.rules
    fixed = [0] * len(variants)
    days = math.ceil(horizon / SLOTS_PER_DAY)
    base_caps = _day_caps(problem, days)
    current = values
    while True:
        changed = False
        fracs = []
        for i, val in enumerate(current):
            whole = math.floor(val + 1e-6)
            if whole:
                fixed[i] += whole
                changed = True
            rest = val - whole
            if rest > 1e-6:
                fracs.append((rest, i))
        if not fracs:
            break
        fracs.sort(reverse=True)
        threshold = 0.6
        ups = [i for rest, i in fracs if rest >= threshold] or [fracs[0][1]]
        if time.perf_counter() > deadline:
            ups = [i for _, i in fracs]
        for i in ups:
            fixed[i] += 1
            changed = True
        if time.perf_counter() > deadline or not changed:
            break
        cover = [0] * horizon
        used = [0] * days
        for i, n in enumerate(fixed):
            if n:
                v = variants[i]
                used[min(days - 1, v.start // SLOTS_PER_DAY)] += n
                for t in range(v.start, min(v.end, horizon)):
                    if _covers(v, t, rules.meal_len):
                        cover[t] += n
        residual = [max(0, d - c) for d, c in zip(problem.demand, cover, strict=True)]
        if not any(residual):
            break
        caps = [c - u for c, u in zip(base_caps, used, strict=True)]
        current = solve_lp(problem, variants, demand=residual, caps=caps).values
    return _round_lp(problem, variants, [float(n) for n in fixed], 10**9)


def _round_lp(problem: RosterProblem, variants: list[Variant], values: list[float], upper: int) -> list[int]:
    """Round the LP up (always covers what the LP covers), then drop the shifts that rounding made
    redundant, most-rounded first, while every slot stays covered."""
    rules = problem.rules
    horizon = len(problem.demand)
    hint = [min(math.ceil(v - 1e-6), upper) for v in values]
    cover = [0] * horizon
    slots: list[list[int]] = []
    for i, v in enumerate(variants):
        own = [t for t in range(v.start, min(v.end, horizon)) if _covers(v, t, rules.meal_len)]
        slots.append(own)
        if hint[i]:
            for t in own:
                cover[t] += hint[i]
    order = sorted((i for i in range(len(variants)) if hint[i]), key=lambda i: values[i] - math.floor(values[i]))
    for _ in range(2):
        changed = False
        for i in order:
            while hint[i] > 0 and all(cover[t] - 1 >= problem.demand[t] for t in slots[i]):
                hint[i] -= 1
                for t in slots[i]:
                    cover[t] -= 1
                changed = True
        if not changed:
            break
    return hint


def _greedy_hint(model, problem: RosterProblem, variants: list[Variant], x) -> None:
    """A quick feasible start: walk the slots and open the longest shift that starts where demand
    is still uncovered. It only guides CP-SAT; the model decides."""
    rules = problem.rules
    horizon = len(problem.demand)
    by_start: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(variants):
        by_start[v.start].append(i)
    cover = [0] * (horizon + rules.max_len + 1)
    hint = [0] * len(variants)
    for t in range(horizon):
        need = problem.demand[t] - cover[t]
        if need <= 0 or not by_start.get(t):
            continue
        # the variant that covers the most of the remaining need ahead
        best_i, best_score = None, -1.0
        for i in by_start[t]:
            v = variants[i]
            useful = sum(
                1
                for s in range(v.start, min(v.end, horizon))
                if _covers(v, s, rules.meal_len) and problem.demand[s] - cover[s] > 0
            )
            score = useful / rules.paid(v.length, v.meal)
            if score > best_score:
                best_i, best_score = i, score
        v = variants[best_i]
        hint[best_i] += need
        for s in range(v.start, v.end):
            if _covers(v, s, rules.meal_len):
                cover[s] += need
    for i, h in enumerate(hint):
        model.AddHint(x[i], h)


# ---------------------------------------------------------------- whole solve


def coverage(problem: RosterProblem, assignments: list[Assignment]) -> list[int]:
    """Agents on the floor per slot of the horizon (meals excluded, short breaks in shrinkage)."""
    horizon = len(problem.demand)
    diff = [0] * (horizon + problem.rules.max_len + 2)
    for a in assignments:
        diff[a.start] += 1
        diff[a.end] -= 1
        if a.meal is not None:
            diff[a.start + a.meal] -= 1
            diff[a.start + a.meal + problem.rules.meal_len] += 1
    out, run = [], 0
    for t in range(horizon):
        run += diff[t]
        out.append(run)
    return out


def solve(
    problem: RosterProblem,
    *,
    time_limit_s: float = 30.0,
    workers: int = 2,
    on_progress: Callable[[str, float], None] | None = None,
    exact: bool = True,
    floor: list[int] | None = None,
) -> RosterResult:
    """One brand's week: the site solve (``site_solver``) with a single brand, so the same stages —
    LP bound, counts, names, repair, breaks by coverage — apply. ``floor`` is the pre-shrinkage
    requirement per slot (breaks are placed so it is met). ``exact=False`` skips CP-SAT and keeps
    the LP dive's rounded plan (a quick draft; the LP bound and the gap to it are still reported)."""
    from dataclasses import replace

    from apps.workforce.site_solver import BrandDemand, SiteProblem, roster_result, solve_site

    key = 0
    site = SiteProblem(
        brands=[BrandDemand(key, list(problem.demand), problem.open_mask, floor)],
        agents=[replace(a, skills=frozenset({key})) for a in problem.agents],
        rules=problem.rules,
        under_weight=problem.under_weight,
        night_from=problem.night_from,
        night_to=problem.night_to,
    )
    r = solve_site(site, time_limit_s=time_limit_s, workers=workers, on_progress=on_progress, exact=exact)
    out = roster_result(r, key)
    out.assignments = [replace(a, brand=None) for a in out.assignments]
    if r.repaired_shifts or r.extended_shifts:
        out.notes.append(
            f"repair: {r.repaired_shifts} shifts added and {r.extended_shifts} extended to close short intervals"
        )
    return out


def _support(variants: list[Variant], values: list[float]) -> list[int]:
    used = {(variants[i].start, variants[i].length) for i, val in enumerate(values) if val > 1e-6}
    near = {(s + ds, n + dn) for s, n in used for ds in (-1, 0, 1) for dn in (-1, 0, 1)}
    starts = {s + ds for s, _ in used for ds in range(-4, 5)}
    return [i for i, v in enumerate(variants) if (v.start, v.length) in near or (v.meal is None and v.start in starts)]
