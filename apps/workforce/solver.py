"""Rostering with OR-Tools: anonymous shift counts (CP-SAT), then named agents by type.

Pure module: no ORM. Time is counted in 15-minute *slots* from the start of the planning week
(slot 0 = Monday 00:00 local); a week has 672 slots and shifts may run past its end.

Stage 1 — counts. A shift *variant* is (start slot, length, meal offset). Integer x_v counts how
many agents work variant v. Coverage is written as a flow: on[t] − on[t−1] = starts − ends −
meal starts + meal ends at t, so each variant has four non-zeros and the model stays small.
Minimise 4 · paid slots + ``under_weight`` · uncovered slots. The same model relaxed to an LP
(GLOP) gives the LP bound — the physical limit of paid hours for this demand.

Stage 2 — names. Agents with identical availability, contract and cost form a *type*. Shifts
are handed out in start order; inside the eligible types the agent with the fewest days worked
(then nights/weekends, then cost) takes the shift, preferring one who started at the same time
the day before. Hard rules are never broken: a shift that no agent may legally take stays
unassigned and its slots are reported short, with the surge headcount that would close them.

Short breaks are not modelled in coverage: they are part of shrinkage, which the requirement
already adds; they are placed after assignment, staggered across agents.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

SLOTS_PER_DAY = 96
SLOT_MINUTES = 15
SMALL_PEAK = 12  # at most this many agents at once: variants on a 30-minute grid
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

    def type_key(self) -> tuple:
        return (self.available, self.weekly_max, self.weekly_min, self.max_days, self.cost, self.surge, self.nights_ok)


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


# ---------------------------------------------------------------- stage 2


def _is_night(problem: RosterProblem, start: int, length: int) -> bool:
    for t in range(start, start + length):
        tod = t % SLOTS_PER_DAY
        if tod >= problem.night_from or tod < problem.night_to:
            return True
    return False


def _is_weekend(start: int) -> bool:
    return (start // SLOTS_PER_DAY) % 7 in (5, 6)


@dataclass
class _AgentState:
    spec: AgentSpec
    last_end: int = -(10**9)
    days: set[int] = field(default_factory=set)
    paid: int = 0
    nights: int = 0
    weekends: int = 0
    last_tod: int | None = None


def assign_agents(problem: RosterProblem, counts: dict[Variant, int]) -> tuple[list[Assignment], list[Variant]]:
    """Hand the counted shifts to named agents, type by type, with fair rotation. Returns the
    assignments and the shifts nobody could legally take."""
    rules = problem.rules
    types: dict[tuple, list[_AgentState]] = defaultdict(list)
    for spec in problem.agents:
        types[spec.type_key()].append(_AgentState(spec))
    type_list = list(types.values())
    shifts = sorted((v for v, n in counts.items() for _ in range(n)), key=lambda v: (v.start, -v.length))
    # per type: heap of (priority, seq, state index) of agents ready now; resting agents wait in
    # a heap keyed by the slot from which they may start again.
    ready: list[list] = [[] for _ in type_list]
    resting: list[list] = [[] for _ in type_list]
    seq = 0

    def priority(st: _AgentState, v: Variant) -> tuple:
        same_time = 0 if st.last_tod == v.start % SLOTS_PER_DAY else 1
        pref = 0 if st.spec.preferred_start is None else abs(st.spec.preferred_start - v.start % SLOTS_PER_DAY)
        under_min = 0 if st.paid < st.spec.weekly_min else 1
        return (st.spec.surge, st.spec.cost, under_min, len(st.days), st.nights + st.weekends, same_time, pref)

    for ti, states in enumerate(type_list):
        for si, _ in enumerate(states):
            heapq.heappush(ready[ti], ((0, 0, seq), si))
            seq += 1

    assignments: list[Assignment] = []
    unassigned: list[Variant] = []
    break_seq = 0
    for v in shifts:
        paid = rules.paid(v.length, v.meal)
        night = _is_night(problem, v.start, v.length)
        day = v.start // SLOTS_PER_DAY
        best = None
        for ti, states in enumerate(type_list):
            spec0 = states[0].spec
            if not _fits(spec0.available, v.start, v.length) or (night and not spec0.nights_ok):
                continue
            while resting[ti] and resting[ti][0][0] <= v.start:
                _, order, si = heapq.heappop(resting[ti])
                heapq.heappush(ready[ti], (order, si))
            # pop until an agent that may legally work this shift; keep the ones skipped
            skipped = []
            legal = []
            while ready[ti] and len(legal) < CANDIDATES:
                item = heapq.heappop(ready[ti])
                st = states[item[1]]
                if (
                    day not in st.days
                    and len(st.days) < min(st.spec.max_days, rules.max_days)
                    and st.paid + paid <= st.spec.weekly_max
                    and st.last_end + rules.min_rest <= v.start
                ):
                    legal.append(item)
                elif len(st.days) < min(st.spec.max_days, rules.max_days) and st.paid + 1 <= st.spec.weekly_max:
                    skipped.append(item)  # still useful for other shifts
            found = None
            if legal:
                # among the next few in rotation (fewest days first), prefer the agent who started at
                # this time of day before, then the one whose preferred start is nearest
                fewest = min(len(states[i[1]].days) for i in legal)
                found = min(
                    (i for i in legal if len(states[i[1]].days) == fewest),
                    key=lambda i: priority(states[i[1]], v)[5:],
                )
                skipped.extend(i for i in legal if i is not found)
            for item in skipped:
                heapq.heappush(ready[ti], item)
            if found is None:
                continue
            st = states[found[1]]
            key = priority(st, v)
            if best is None or key < best[0]:
                if best is not None:
                    heapq.heappush(ready[best[1]], best[2])
                best = (key, ti, found)
            else:
                heapq.heappush(ready[ti], found)
        if best is None:
            unassigned.append(v)
            continue
        _, ti, item = best
        st = type_list[ti][item[1]]
        st.days.add(day)
        st.paid += paid
        st.last_end = v.end
        st.last_tod = v.start % SLOTS_PER_DAY
        st.nights += int(night)
        st.weekends += int(_is_weekend(v.start))
        breaks = place_breaks(rules, v.length, v.meal, stagger=break_seq)
        break_seq += 1
        assignments.append(Assignment(st.spec.id, v.start, v.length, v.meal, breaks))
        seq += 1
        # the agent rests first, then queues behind everyone who has worked fewer days (rotation)
        heapq.heappush(resting[ti], (v.end + rules.min_rest, (len(st.days), st.nights + st.weekends, seq), item[1]))
    return assignments, unassigned


def place_breaks(rules: ShiftRules, length: int, meal: int | None, *, stagger: int = 0) -> tuple[int, ...]:
    """Offsets of the short breaks: one slot per full ``break_every`` paid slots, spread evenly,
    never in the first or last hour, never on the meal; ``stagger`` shifts them by a slot so that
    agents on the same shift do not all leave together."""
    count = rules.paid(length, meal) // rules.break_every
    if count == 0:
        return ()
    blocked = set()
    if meal is not None:
        blocked = set(range(meal - 1, meal + rules.meal_len + 1))
    out: list[int] = []
    for k in range(1, count + 1):
        ideal = round(k * length / (count + 1)) + (stagger % 3) - 1
        for delta in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
            o = ideal + delta
            if 4 <= o <= length - 5 and o not in blocked and o not in out and o - 1 not in out and o + 1 not in out:
                out.append(o)
                break
    return tuple(sorted(out))


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
) -> RosterResult:
    """Both stages and the report: Σ demand, LP bound, CP-SAT bound, gap, efficiency, shortfall.

    ``exact=False`` skips CP-SAT and keeps the LP dive's rounded plan (a quick draft; the LP bound
    and the gap to it are still reported)."""
    started = time.perf_counter()
    notes: list[str] = []
    horizon = len(problem.demand)
    demand_hours = sum(problem.demand) / 4
    stride = 2 if max(problem.demand, default=0) <= SMALL_PEAK else 1
    variants = build_variants(problem, stride=stride)
    if not problem.agents:
        notes.append("no agent with the needed skill is available")
    if stride > 1:
        notes.append("small demand: shift starts and lengths on a 30-minute grid; bounds are over that grid")
    if not variants and sum(problem.demand):
        notes.append("no shift fits: the shift rules, opening hours and availability leave no legal shift")

    def report(stage: str, fraction: float) -> None:
        if on_progress is not None:
            on_progress(stage, fraction)

    if variants:
        lp = solve_lp(problem, variants)
        report("lp", 0.1)
        remaining = max(1.0, time_limit_s - (time.perf_counter() - started))
        # CP-SAT works on the LP's support plus its neighbours (adjacent starts and lengths, every
        # meal place, every meal-free shift starting within an hour): the relaxation of a covering
        # model is nearly integral, so the integer optimum lives there; the LP bound stays global.
        keep = _support(variants, lp.values)
        sub = [variants[i] for i in keep]
        if not exact:
            rounded = dive(problem, sub, [lp.values[i] for i in keep], deadline=started + time_limit_s)
            counts = {v: n for v, n in zip(sub, rounded, strict=True) if n}
            paid = float(sum(4 * problem.rules.paid(v.length, v.meal) * n for v, n in counts.items()))
            stage1 = _Stage1(counts, lp.objective, lp.objective, paid, "LP_ROUNDED")
        else:
            stage1 = solve_counts(
                problem,
                sub,
                time_limit_s=remaining * 0.85,
                workers=workers,
                on_progress=lambda obj, bound: report("cpsat", 0.5),
                lp_values=[lp.values[i] for i in keep],
            )
    else:
        lp = _LP(problem.under_weight * sum(problem.demand), 0.0, float(sum(problem.demand)), [])
        stage1 = _Stage1({}, lp.objective, lp.objective, lp.objective, "NO_VARIANTS")
    stage1.lp_bound = lp.objective
    report("assign", 0.8)
    assignments, unassigned = assign_agents(problem, stage1.counts)
    cover = coverage(problem, assignments)
    short = [(t, problem.demand[t] - cover[t]) for t in range(horizon) if cover[t] < problem.demand[t]]
    surge = _surge_needed(problem, short)
    paid_slots = sum(problem.rules.paid(a.length, a.meal) for a in assignments)
    stage1_paid = sum(problem.rules.paid(v.length, v.meal) * n for v, n in stage1.counts.items())
    # Bounds in paid agent-hours: the LP optimum's paid hours, and CP-SAT's objective bound with
    # the penalty of the LP's unavoidable shortfall taken out (exact when demand can be covered).
    lp_hours = lp.paid_slots / 4
    bound_hours = max(0.0, (stage1.cpsat_bound - problem.under_weight * lp.under_slots) / 16)
    paid_hours = paid_slots / 4
    gap = 0.0
    if stage1.objective and math.isfinite(stage1.objective) and stage1.cpsat_bound:
        gap = max(0.0, (stage1.objective - stage1.cpsat_bound) / stage1.objective)
    eff = paid_hours / demand_hours if demand_hours else 0.0
    report("done", 1.0)
    return RosterResult(
        assignments=assignments,
        counts=stage1.counts,
        demand_hours=demand_hours,
        paid_hours=paid_hours,
        stage1_paid_hours=stage1_paid / 4,
        lp_bound_hours=lp_hours,
        cpsat_bound_hours=bound_hours,
        gap=gap,
        efficiency=eff,
        short_slots=short,
        surge_needed=surge,
        status=stage1.status,
        wall_s=time.perf_counter() - started,
        unassigned=unassigned,
        scheduled=cover,
        notes=notes,
    )


def _support(variants: list[Variant], values: list[float]) -> list[int]:
    used = {(variants[i].start, variants[i].length) for i, val in enumerate(values) if val > 1e-6}
    near = {(s + ds, n + dn) for s, n in used for ds in (-1, 0, 1) for dn in (-1, 0, 1)}
    starts = {s + ds for s, _ in used for ds in range(-4, 5)}
    return [i for i, v in enumerate(variants) if (v.start, v.length) in near or (v.meal is None and v.start in starts)]


def _surge_needed(problem: RosterProblem, short: list[tuple[int, int]]) -> int:
    """Extra surge agents that would close the shortfall: per day, the largest gap of any slot
    (one surge agent works one shift a day); the week needs the largest daily figure."""
    per_day: dict[int, int] = defaultdict(int)
    for t, gap in short:
        per_day[t // SLOTS_PER_DAY] = max(per_day[t // SLOTS_PER_DAY], gap)
    return max(per_day.values(), default=0)
