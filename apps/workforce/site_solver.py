"""Site rostering: one week of one site for every brand at once, agents shared across brands.

Pure module: no ORM. Slots are 15 minutes from Monday 00:00 of the planning week (see
``solver``); the grid is always 15 minutes (starts, lengths, meals and breaks).

Rules (hard, all counted across brands — the same rules ``checker.check_roster`` verifies):
- a shift serves exactly one brand, and only an agent with that brand's skill may work it, only
  in slots the agent is available and that brand's store is open;
- one shift per agent per start day whatever the brand, ≥ ``min_rest`` slots between shifts
  (also from the previous week's last shift, ``AgentSpec.prev_end``), at most ``max_days`` days
  a week, at most ``max_consecutive`` consecutive days (counting the previous week's streak,
  ``AgentSpec.prev_streak``), paid slots ≤ the agent's weekly maximum, nights only for agents
  who accept them; meals and short breaks as ``ShiftRules`` says. A held shift of another brand
  (``SiteProblem.fixed``) keeps its own brand's rule: a new shift leaves it the rest that rule
  asks before it, and the agent works no more days than the strictest worked brand allows.

Stages:
1. *LP bound* — one GLOP model of the whole site: a count per (brand, shift variant), coverage
   per brand, and per day and per set of brands S: shifts of brands in S ≤ agents available that
   day with a skill in S. Its paid hours are the bound every figure is compared with.
2. *Counts* — per brand, CP-SAT on the LP's support (warm-started by an LP dive), or the dive
   alone for a quick draft.
3. *Names* — all brands' shifts in start order go to named agents with one state per agent for
   the whole site (so a second brand sees the first brand's shifts). Among legal agents the
   order is: non-surge first, then full-timers still below their contract minimum, then hourly
   cost, then fewer skills (keep the versatile agents free), then fewest days, fewest
   nights/weekends, same start as the day before, nearest preferred start.
4. *Repair* — every interval still short is offered first to an extension of a same-brand shift
   next to it (same meal, within length, rest, hours and availability), then to a new shift for
   an idle skilled agent who may legally work it. Only what no legal assignment covers stays
   short; ``checker.avoidable_short`` verifies that independently. Over-covered shift ends are
   then trimmed, and the repair runs again while the trim freed weekly hours (no time limit cuts
   it short: the result may not depend on the machine's load).
5. *Breaks* — short breaks go, shift by shift, into the slots whose floor headcount has the most
   room over the brand's pre-shrinkage requirement (``BrandDemand.floor``); then every slot that
   fell below it is relieved by moving breaks along augmenting paths (``apps.workforce.breaks``).
   A covered interval still below its floor (no legal placement keeps it) is named in the notes.

Surge needed = per day, the sum over brands of the largest remaining gap of that brand (a surge
agent works one brand one shift a day); the week's figure is the largest day. The intervals that
make it up are returned by name (brand, slot, agents short).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from apps.workforce.breaks import floor_below_need, place_breaks_by_coverage
from apps.workforce.site_problem import BrandDemand, ShortInterval, SiteProblem, SiteResult
from apps.workforce.solver import (
    SLOTS_PER_DAY,
    AgentSpec,
    Assignment,
    RosterResult,
    ShiftRules,
    Variant,
    _covers,
    _fits,
    _support,
    build_variants,
    dive,
    solve_counts,
)

# ---------------------------------------------------------------- stage 1: the LP of the whole site


def _useful(variants: list[Variant], demand: list[int], rules: ShiftRules) -> list[Variant]:
    """Drop the variants that cover no slot with demand: they cost and cover nothing, so no optimal
    LP or integer solution uses them (the bound is unchanged)."""
    prefix = [0]
    for d in demand:
        prefix.append(prefix[-1] + (d > 0))
    horizon = len(demand)

    def busy(a: int, b: int) -> int:
        a, b = min(a, horizon), min(b, horizon)
        return prefix[b] - prefix[a] if b > a else 0

    out = []
    for v in variants:
        n = busy(v.start, v.end)
        if v.meal is not None:
            n -= busy(v.start + v.meal, v.start + v.meal + rules.meal_len)
        if n > 0:
            out.append(v)
    return out


def _day_mask(d: int) -> int:
    return ((1 << SLOTS_PER_DAY) - 1) << (d * SLOTS_PER_DAY)


def site_lp(site: SiteProblem, variants: list[list[Variant]]) -> tuple[float, float, list[list[float]]]:
    """GLOP over every brand at once. Returns (paid slots, uncovered slots, counts per brand)."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    rules = site.rules
    xs: list[list] = []
    by_day: dict[tuple[int, int], list] = defaultdict(list)
    objective = lp.Objective()
    for bi, (b, vs) in enumerate(zip(site.brands, variants, strict=True)):
        x = [lp.NumVar(0, lp.infinity(), "") for _ in vs]
        xs.append(x)
        _lp_cover_rows(lp, objective, b, vs, x, rules, site.under_weight)
        for i, v in enumerate(vs):
            objective.SetCoefficient(x[i], 4 * rules.paid(v.length, v.meal))
            by_day[(bi, v.start // SLOTS_PER_DAY)].append(x[i])
    objective.SetMinimization()
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    _solve_with_day_caps(lp, by_day, _day_caps(site))
    values = [[xi.solution_value() for xi in x] for x in xs]
    paid = sum(
        rules.paid(v.length, v.meal) * val
        for vs, vals in zip(variants, values, strict=True)
        for v, val in zip(vs, vals, strict=True)
    )
    under_total = (objective.Value() - 4 * paid) / site.under_weight
    return paid, max(0.0, under_total), values


def _lp_cover_rows(lp, objective, b: BrandDemand, vs: list[Variant], x: list, rules: ShiftRules, under_weight: int):
    """One brand's coverage: agents on duty per slot as a flow of shift starts and ends (meals
    off), plus an uncovered amount per slot at ``under_weight`` in the objective."""
    from apps.workforce.solver import _events

    inf = lp.infinity()
    horizon = len(b.demand)
    ev = _events(vs, rules, horizon)
    prev = None
    for t in range(horizon):
        on = lp.NumVar(0, inf, "")
        under = lp.NumVar(0, max(0, b.demand[t]), "")
        objective.SetCoefficient(under, under_weight)
        flow = lp.Constraint(0, 0)
        flow.SetCoefficient(on, 1)
        if prev is not None:
            flow.SetCoefficient(prev, -1)
        coef: dict[int, int] = defaultdict(int)
        for i, sign in ev[t]:
            coef[i] -= sign
        for i, c in coef.items():
            if c:
                flow.SetCoefficient(x[i], c)
        cover = lp.Constraint(b.demand[t], inf)
        cover.SetCoefficient(on, 1)
        cover.SetCoefficient(under, 1)
        prev = on


def _day_caps(site: SiteProblem) -> dict[tuple[int, tuple], int]:
    """{(day, set of brand indexes): agents present that day with a skill in the set}; every set of
    brands up to six brands, else the single brands and the whole site (2^n rows grow fast)."""
    days = max((len(b.demand) for b in site.brands), default=0) // SLOTS_PER_DAY + 1
    nb = len(site.brands)
    subsets = [s for k in range(1, nb + 1) for s in itertools.combinations(range(nb), k)]
    if nb > 6:
        subsets = [(i,) for i in range(nb)] + [tuple(range(nb))]
    keys = [b.key for b in site.brands]
    caps: dict[tuple[int, tuple], int] = {}
    for d in range(days):
        present = [a for a in site.agents if a.available & _day_mask(d) and a.max_days > 0]
        for sub in subsets:
            names = {keys[i] for i in sub}
            caps[(d, sub)] = sum(1 for a in present if a.skills & names)
    return caps


def _solve_with_day_caps(lp, by_day: dict, caps: dict) -> None:
    """Solve, then add the day-capacity rows the solution breaks and re-solve, until none is broken.
    Without a row the LP is a relaxation (its bound is still valid); at the end no row is broken,
    so the result is the LP of the whole model."""
    from ortools.linear_solver import pywraplp

    added: set = set()
    while True:
        status = lp.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            raise RuntimeError("the LP relaxation of the site could not be solved")
        broken = []
        day_sum = {key: sum(var.solution_value() for var in group) for key, group in by_day.items()}
        for (d, sub), cap in caps.items():
            if (d, sub) in added:
                continue
            used = sum(day_sum.get((i, d), 0.0) for i in sub)
            if used > cap + 1e-6:
                broken.append((d, sub))
        if not broken:
            return
        for d, sub in broken:
            added.add((d, sub))
            row = lp.Constraint(-lp.infinity(), caps[(d, sub)])
            for i in sub:
                for var in by_day.get((i, d), []):
                    row.SetCoefficient(var, 1)


# ---------------------------------------------------------------- agent state and legality


class _State:
    """One agent's week while it is being planned. ``rests[i]`` is the rest the shift starting at
    ``starts[i]`` needs before it when its brand's rule asks more than the planning rule (a held
    shift of another brand); ``day_cap`` the fewest days a week any held brand's rule allows."""

    __slots__ = ("spec", "starts", "ends", "rests", "days", "paid", "nights", "weekends", "last_tod", "day_cap")

    def __init__(self, spec: AgentSpec) -> None:
        self.spec = spec
        self.starts: list[int] = []  # sorted shift starts
        self.ends: list[int] = []  # ends, same order
        self.rests: list[int] = []  # rest each shift needs before it by its own brand's rule (0: the planning rule's)
        self.days: set[int] = set()
        self.paid = 0
        self.nights = 0
        self.weekends = 0
        self.last_tod: int | None = None
        self.day_cap = 7

    def add(self, start: int, end: int, paid: int, night: bool, rest_before: int = 0) -> None:
        i = bisect.bisect(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.rests.insert(i, rest_before)
        self.days.add(start // SLOTS_PER_DAY)
        self.paid += paid
        self.nights += int(night)
        self.weekends += int((start // SLOTS_PER_DAY) % 7 in (5, 6))
        self.last_tod = start % SLOTS_PER_DAY

    def hold(self, site: SiteProblem, f: Assignment) -> None:
        """A shift another brand already holds: counted like any, with its brand's rest and days."""
        own = site.rules_of(f.brand)
        self.add(f.start, f.end, site.paid(f), _night(site, f.start, f.end), rest_before=own.min_rest)
        self.day_cap = min(self.day_cap, own.max_days)

    def remove(self, start: int, paid: int) -> None:
        i = self.starts.index(start)
        del self.starts[i]
        del self.ends[i]
        del self.rests[i]
        self.days.discard(start // SLOTS_PER_DAY)
        self.paid -= paid

    def day_limit(self, rules: ShiftRules) -> int:
        """Days this agent may work: its contract, the planning rule and every held brand's rule."""
        return min(self.spec.max_days, rules.max_days, self.day_cap)


def _streak_ok(rules: ShiftRules, spec: AgentSpec, days: set[int], day: int) -> bool:
    """The run of consecutive worked days through ``day`` (previous week's streak included)."""
    run = 1
    d = day - 1
    while d in days:
        run += 1
        d -= 1
    if d == -1:
        run += spec.prev_streak
    d = day + 1
    while d in days:
        run += 1
        d += 1
    return run <= rules.max_consecutive


def _legal(rules: ShiftRules, st: _State, start: int, end: int, paid: int) -> bool:
    """May the agent take one more shift [start, end) of ``paid`` slots? Days, weekly hours, rest to
    its neighbouring shifts (and the previous week's last shift) and consecutive days. Skill,
    availability, opening hours and nights are checked by the caller."""
    spec = st.spec
    day = start // SLOTS_PER_DAY
    if day in st.days or len(st.days) + 1 > st.day_limit(rules):
        return False
    if st.paid + paid > spec.weekly_max:
        return False
    i = bisect.bisect_left(st.starts, start)
    prev_end = spec.prev_end if spec.prev_end is not None else -(10**9)
    if i > 0:
        prev_end = max(prev_end, st.ends[i - 1])
    if prev_end + rules.min_rest > start:
        return False
    if i < len(st.starts) and end + max(rules.min_rest, st.rests[i]) > st.starts[i]:
        return False
    return _streak_ok(rules, spec, st.days, day)


def _night(site: SiteProblem, start: int, end: int) -> bool:
    for t in range(start, end):
        tod = t % SLOTS_PER_DAY
        if tod >= site.night_from or tod < site.night_to:
            return True
    return False


# ---------------------------------------------------------------- stage 3: names

SITE_CANDIDATES = 3  # legal agents of a type weighed per shift (rotation order, then priority)


def _static_key(spec: AgentSpec) -> tuple:
    """The best ``_priority`` an agent of this type could have: types are scanned in this order and
    the scan stops once the best agent found ranks before every type still to come."""
    return (spec.surge, 0 if spec.weekly_min > 0 else 1, spec.cost, len(spec.skills))


def _priority(st: _State, start: int) -> tuple:
    """Who works a shift starting at ``start`` among legal agents (smallest first): see stage 3."""
    spec = st.spec
    same_time = 0 if st.last_tod == start % SLOTS_PER_DAY else 1
    pref = 0 if spec.preferred_start is None else abs(spec.preferred_start - start % SLOTS_PER_DAY)
    under_min = 0 if st.paid < spec.weekly_min else 1
    return (spec.surge, under_min, spec.cost, len(spec.skills), len(st.days), st.nights + st.weekends, same_time, pref)


def _type_candidate(rules: ShiftRules, sts: list[_State], ready: list, resting: list, v: Variant, paid: int):
    """The best legal agent of one type for shift ``v`` as its heap item, popped from ``ready``
    (None if none). Agents rested enough by ``v``'s start move from ``resting`` to ``ready``; agents
    that are not legal now but may take a shift later go back to ``ready``, the others are done."""
    while resting and resting[0][0] <= v.start:
        _, rank, si = heapq.heappop(resting)
        heapq.heappush(ready, (rank, si))
    skipped, legal = [], []
    while ready and len(legal) < SITE_CANDIDATES:
        item = heapq.heappop(ready)
        st = sts[item[1]]
        if _legal(rules, st, v.start, v.end, paid):
            legal.append(item)
        elif len(st.days) < st.day_limit(rules) and st.paid < st.spec.weekly_max:
            skipped.append(item)  # may still take another shift later
    found = None
    if legal:
        found = min(legal, key=lambda it: _priority(sts[it[1]], v.start))
        skipped.extend(it for it in legal if it is not found)
    for item in skipped:
        heapq.heappush(ready, item)
    return found


def assign_site(site: SiteProblem, shifts: list[tuple[object, Variant]]) -> tuple[list[Assignment], list, dict]:
    """Hand every brand's counted shifts to named agents in start order, one state per agent for the
    whole site. Returns (assignments without breaks, shifts nobody could take, agent states)."""
    rules = site.rules
    states = {a.id: _State(a) for a in site.agents}
    for f in site.fixed:
        if f.agent_id in states:
            states[f.agent_id].hold(site, f)
    types: dict[tuple, list[_State]] = defaultdict(list)
    for a in site.agents:
        types[a.type_key()].append(states[a.id])
    type_list = sorted(types.values(), key=lambda sts: _static_key(sts[0].spec))
    by_brand: dict[object, list[int]] = {
        b.key: [ti for ti, sts in enumerate(type_list) if b.key in sts[0].spec.skills] for b in site.brands
    }
    type_floor = [_static_key(sts[0].spec) + (0, 0, 0, 0) for sts in type_list]
    ready: list[list] = [[] for _ in type_list]
    resting: list[list] = [[] for _ in type_list]
    seq = itertools.count()
    for ti, sts in enumerate(type_list):
        for si in range(len(sts)):
            heapq.heappush(ready[ti], ((0, 0, next(seq)), si))
    out: list[Assignment] = []
    unassigned = []
    for brand, v in sorted(shifts, key=lambda bv: (bv[1].start, -bv[1].length)):
        paid = rules.paid(v.length, v.meal)
        night = _night(site, v.start, v.end)
        best = None
        for ti in by_brand[brand]:
            if best is not None and best[0] < type_floor[ti]:
                break
            sts = type_list[ti]
            if not _fits(sts[0].spec.available, v.start, v.length) or (night and not sts[0].spec.nights_ok):
                continue
            found = _type_candidate(rules, sts, ready[ti], resting[ti], v, paid)
            if found is None:
                continue
            key = _priority(sts[found[1]], v.start)
            if best is None or key < best[0]:
                if best is not None:
                    heapq.heappush(ready[best[1]], best[2])
                best = (key, ti, found)
            else:
                heapq.heappush(ready[ti], found)
        if best is None:
            unassigned.append((brand, v))
            continue
        _, ti, item = best
        st = type_list[ti][item[1]]
        st.add(v.start, v.end, paid, night)
        out.append(Assignment(st.spec.id, v.start, v.length, v.meal, (), brand))
        heapq.heappush(
            resting[ti], (v.end + rules.min_rest, (len(st.days), st.nights + st.weekends, next(seq)), item[1])
        )
    return out, unassigned, states


# ---------------------------------------------------------------- stage 4: repair


def _cover_of(site: SiteProblem, assignments: list[Assignment]) -> dict:
    cover = {b.key: [0] * len(b.demand) for b in site.brands}
    for a in assignments:
        row = cover[a.brand]
        v = Variant(a.start, a.length, a.meal)
        meal_len = site.rules_of(a.brand).meal_len
        for t in range(a.start, min(a.end, len(row))):
            if _covers(v, t, meal_len):
                row[t] += 1
    return cover


def repair(
    site: SiteProblem,
    assignments: list[Assignment],
    states: dict,
    cover: dict,
    *,
    deadline: float = math.inf,
) -> tuple[int, int]:
    """Close short intervals with legal extensions and new shifts (see the module docstring).
    Mutates ``assignments``, ``states`` and ``cover``; returns (new shifts, extended shifts).
    ``solve_site`` lets it run to the end whatever the time limit: what stays short must not
    depend on how loaded the machine was (a deadline here left legal idle agents unused)."""
    added = extended = 0
    by_brand_agents = {b.key: [states[a.id] for a in site.agents if b.key in a.skills] for b in site.brands}
    for b in site.brands:
        demand, row = b.demand, cover[b.key]
        horizon = len(demand)
        t = 0
        while t < horizon:
            if row[t] >= demand[t] or time.perf_counter() > deadline:
                t += 1
                continue
            if _extend_into(site, b, t, assignments, states, row):
                extended += 1
                continue
            if _new_shift_into(site, b, t, assignments, by_brand_agents[b.key], row):
                added += 1
                continue
            t += 1
    return added, extended


def _extend_into(site, b: BrandDemand, t: int, assignments, states, row) -> bool:
    """Lengthen a same-brand shift ending at t (or starting at t + 1) to cover t, keeping its meal."""
    rules = site.rules
    for idx, a in enumerate(assignments):
        if a.brand != b.key or not (a.end == t or a.start == t + 1):
            continue
        st = states[a.agent_id]
        spec = st.spec
        if a.end == t:
            new_start, new_len, new_meal = a.start, a.length + 1, a.meal
        else:
            if (a.start - 1) // SLOTS_PER_DAY != a.start // SLOTS_PER_DAY:
                continue
            new_start, new_len = a.start - 1, a.length + 1
            new_meal = None if a.meal is None else a.meal + 1
        if new_len > rules.max_len or (new_len - rules.min_len) % rules.len_step:
            continue
        needs_meal = new_len > rules.meal_required_over and rules.meal_len > 0
        if needs_meal and new_meal is None:
            continue
        if new_meal is not None and (
            new_meal < rules.meal_earliest or new_meal + rules.meal_len > new_len - rules.meal_latest_before_end
        ):
            continue
        if not (spec.available >> t) & 1 or not (b.open_mask >> t) & 1:
            continue
        if _night(site, t, t + 1) and not spec.nights_ok:
            continue
        paid_old = rules.paid(a.length, a.meal)
        paid_new = rules.paid(new_len, new_meal)
        st.remove(a.start, paid_old)
        ok = _legal(rules, st, new_start, new_start + new_len, paid_new)
        if ok:
            st.add(new_start, new_start + new_len, paid_new, _night(site, new_start, new_start + new_len))
            st.nights -= int(_night(site, a.start, a.end))  # add() counted the shift again
            st.weekends -= int((a.start // SLOTS_PER_DAY) % 7 in (5, 6))
            assignments[idx] = replace(a, start=new_start, length=new_len, meal=new_meal)
            row[t] += 1
            return True
        st.add(a.start, a.end, paid_old, False)
        st.weekends -= int((a.start // SLOTS_PER_DAY) % 7 in (5, 6))
    return False


def _new_shift_into(site, b: BrandDemand, t: int, assignments, skilled: list[_State], row) -> bool:
    """Give t to an idle skilled agent: among the first legal agents in priority order, the
    meal-free shift covering t that covers the most short slots of the brand."""
    rules = site.rules
    demand = b.demand
    horizon = len(demand)
    lengths = [n for n in rules.lengths() if n <= rules.meal_required_over or rules.meal_len == 0]
    if not lengths:
        return False
    night_t = _night(site, t, t + 1)
    days = set(range(max(0, t - lengths[-1] + 1) // SLOTS_PER_DAY, t // SLOTS_PER_DAY + 1))  # a start's day
    cands = [
        st
        for st in skilled
        if (st.spec.available >> t) & 1
        and (st.spec.nights_ok or not night_t)
        and st.paid + lengths[0] <= st.spec.weekly_max
        and len(st.days) < st.day_limit(rules)
        and not days <= st.days
    ]
    cands.sort(
        key=lambda st: (st.spec.surge, st.paid >= st.spec.weekly_min, st.spec.cost, len(st.spec.skills), len(st.days))
    )
    best = None
    tried = 0
    for st in cands:
        spec = st.spec
        found_here = False
        for length in lengths:
            for start in range(max(0, t - length + 1), t + 1):
                end = start + length
                if not _fits(spec.available, start, length) or not _fits(b.open_mask, start, length):
                    continue
                if not spec.nights_ok and _night(site, start, end):
                    continue
                if not _legal(rules, st, start, end, length):
                    continue
                found_here = True
                gain = sum(1 for s in range(start, min(end, horizon)) if row[s] < demand[s])
                key = (gain / length, gain, -length)
                if best is None or key > best[0]:
                    best = (key, st, start, length)
        if found_here:
            tried += 1
            if tried >= 8:
                break
    if best is None:
        return False
    _, st, start, length = best
    st.add(start, start + length, length, _night(site, start, start + length))
    assignments.append(Assignment(st.spec.id, start, length, None, (), b.key))
    for s in range(start, min(start + length, horizon)):
        row[s] += 1
    return True


def repair_and_trim(site: SiteProblem, assignments: list[Assignment], states: dict, cover: dict) -> tuple:
    """``repair`` then ``trim``, again while the trim freed paid hours and the repair still found
    something: a trimmed shift leaves its agent weekly hours a new shift may now use (an agent at
    the weekly maximum during the repair can be idle and legal once its shifts are trimmed).
    Returns (new shifts, extended shifts, slots trimmed)."""
    added = extended = trimmed = 0
    for round_ in range(6):
        new, longer = repair(site, assignments, states, cover)
        saved = trim(site, assignments, states, cover)
        added, extended, trimmed = added + new, extended + longer, trimmed + saved
        if not (new or longer or saved) or (round_ and not (new or longer)):
            break  # again after a round that changed shifts: a shift the repair added after its
            # scan passed a short slot may be the one next to it to lengthen
    return added, extended, trimmed


def trim(site: SiteProblem, assignments: list[Assignment], states: dict, cover: dict) -> int:
    """Shorten shifts whose first or last slot is over-covered (coverage stays ≥ demand there),
    within the length grid and the meal window; rounding leaves such ends. Returns slots saved."""
    rules = site.rules
    demand = {b.key: b.demand for b in site.brands}
    saved = 0
    order = sorted(range(len(assignments)), key=lambda i: -states[assignments[i].agent_id].spec.cost)
    for i in order:
        a = assignments[i]
        row, need = cover[a.brand], demand[a.brand]
        start, length, meal = a.start, a.length, a.meal

        def meal_ok(n: int, m: int | None) -> bool:
            if n < rules.min_len or (n - rules.min_len) % rules.len_step:
                return False
            needs = n > rules.meal_required_over and rules.meal_len > 0
            if m is None:
                return not needs
            return needs and rules.meal_earliest <= m and m + rules.meal_len <= n - rules.meal_latest_before_end

        changed = True
        while changed:
            changed = False
            end = start + length - 1  # the last slot
            if end < len(row) and row[end] > need[end] and meal_ok(length - 1, meal):
                row[end] -= 1
                length -= 1
                changed = True
                continue
            first = start
            new_meal = None if meal is None else meal - 1
            if (
                first < len(row)
                and row[first] > need[first]
                and (first + 1) // SLOTS_PER_DAY == first // SLOTS_PER_DAY
                and meal_ok(length - 1, new_meal)
            ):
                row[first] -= 1
                start, length, meal = start + 1, length - 1, new_meal
                changed = True
        if (start, length) != (a.start, a.length):
            st = states[a.agent_id]
            old_paid, new_paid = rules.paid(a.length, a.meal), rules.paid(length, meal)
            st.remove(a.start, old_paid)
            st.add(start, start + length, new_paid, False)
            saved += old_paid - new_paid
            assignments[i] = replace(a, start=start, length=length, meal=meal)
    return saved


# ---------------------------------------------------------------- whole solve


def surge_figure(short: list[ShortInterval]) -> tuple[int, list[ShortInterval]]:
    """(surge agents needed, the intervals that need them): per day the sum over brands of each
    brand's largest gap; the week's figure is the worst day."""
    per_day: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for s in short:
        day = s.slot // SLOTS_PER_DAY
        per_day[day][s.brand] = max(per_day[day][s.brand], s.short)
    if not per_day:
        return 0, []
    return max(sum(v.values()) for v in per_day.values()), sorted(short, key=lambda s: (s.slot, str(s.brand)))


def _brand_notes(site: SiteProblem, views: list, variants: list) -> dict:
    """Brand key → why it cannot be planned at all (plain English msgids), for brands with demand."""
    notes: dict = defaultdict(list)
    for b, view, vs in zip(site.brands, views, variants, strict=True):
        if not view.agents and sum(b.demand):
            notes[b.key].append("no agent with the needed skill is available")
        elif not vs and sum(b.demand):
            notes[b.key].append("no shift fits: the shift rules, opening hours and availability leave no legal shift")
    return notes


def _stage_counts(site, views, variants, lp_values, deadline: float, workers: int, exact: bool, report):
    """Stage 2, brand by brand on the LP's support: CP-SAT counts (``exact``) or the LP dive, each
    brand's time a share of what is left before ``deadline`` weighted by its demand. Returns
    (counts per brand, statuses, CP-SAT bound, stage-1 objective)."""
    counts: dict = {}
    status = []
    bound_obj = 0.0
    stage1_obj = 0.0
    weights = [max(1, sum(b.demand)) for b in site.brands]
    for bi, (b, view, vs) in enumerate(zip(site.brands, views, variants, strict=True)):
        if not vs:
            counts[b.key] = {}
            continue
        keep = _support(vs, lp_values[bi])
        sub = [vs[i] for i in keep]
        sub_values = [lp_values[bi][i] for i in keep]
        share = max(1.0, (deadline - time.perf_counter()) * weights[bi] / sum(weights[bi:]))
        if exact:
            st1 = solve_counts(view, sub, time_limit_s=share, workers=workers, lp_values=sub_values)
            bound_obj += st1.cpsat_bound
            stage1_obj += st1.objective
            status.append(st1.status)
            counts[b.key] = st1.counts
        else:
            rounded = dive(view, sub, sub_values, deadline=time.perf_counter() + share)
            counts[b.key] = {v: n for v, n in zip(sub, rounded, strict=True) if n}
            status.append("LP_ROUNDED")
        report(f"counts:{b.key}", 0.15 + 0.6 * (bi + 1) / len(site.brands))
    return counts, status, bound_obj, stage1_obj


class _Progress:
    """Seconds from the start at the end of each stage, passed on to ``on_progress``."""

    def __init__(self, started: float, on_progress: Callable[[str, float], None] | None) -> None:
        self.started, self.on_progress = started, on_progress
        self.stage_s: dict[str, float] = {}

    def __call__(self, stage: str, fraction: float) -> None:
        self.stage_s[stage] = round(time.perf_counter() - self.started, 2)
        if self.on_progress is not None:
            self.on_progress(stage, fraction)


def _breaks_and_short(site: SiteProblem, assignments: list[Assignment], cover: dict, notes: list[str]):
    """Stage 5 (breaks by coverage; a covered interval no placement keeps goes into ``notes``) and
    the short intervals left: (assignments with breaks, short intervals)."""
    assignments = place_breaks_by_coverage(site, assignments, cover)
    below = floor_below_need(site, assignments, cover)
    if below:
        notes.append(f"floor after breaks below need in {len(below)} covered intervals (no legal break placement)")
    short = [
        ShortInterval(b.key, t, d - cover[b.key][t])
        for b in site.brands
        for t, d in enumerate(b.demand)
        if cover[b.key][t] < d
    ]
    return assignments, short


def solve_site(
    site: SiteProblem,
    *,
    time_limit_s: float = 50.0,
    workers: int = 2,
    on_progress: Callable[[str, float], None] | None = None,
    exact: bool = True,
) -> SiteResult:
    """All five stages; see the module docstring."""
    started = time.perf_counter()
    notes: list[str] = []
    rules = site.rules
    report = _Progress(started, on_progress)
    views = [site.view(b) for b in site.brands]
    variants = [_useful(build_variants(v), b.demand, rules) for v, b in zip(views, site.brands, strict=True)]
    brand_notes = _brand_notes(site, views, variants)
    demand_hours = sum(sum(b.demand) for b in site.brands) / 4
    lp_paid, _lp_under, lp_values = site_lp(site, variants)
    report("lp", 0.15)
    counts, status, bound_obj, stage1_obj = _stage_counts(
        site, views, variants, lp_values, started + time_limit_s * 0.8, workers, exact, report
    )
    shifts = [(k, v) for k, cs in counts.items() for v, n in cs.items() for _ in range(n)]
    assignments, unassigned, states = assign_site(site, shifts)
    report("assign", 0.8)
    cover = _cover_of(site, assignments)
    short_before = sum(1 for b in site.brands for t, d in enumerate(b.demand) if cover[b.key][t] < d)
    added, extended, trimmed = repair_and_trim(site, assignments, states, cover)
    if trimmed:
        notes.append(f"trimmed {trimmed / 4:.2f} over-covered paid hours at shift ends")
    report("repair", 0.9)
    assignments, short = _breaks_and_short(site, assignments, cover, notes)
    surge, surge_intervals = surge_figure(short)
    gap = max(0.0, (stage1_obj - bound_obj) / stage1_obj) if exact and stage1_obj else 0.0
    report("done", 1.0)
    return SiteResult(
        assignments=assignments,
        counts=counts,
        demand_hours=demand_hours,
        paid_hours=sum(rules.paid(a.length, a.meal) for a in assignments) / 4,
        stage1_paid_hours=sum(rules.paid(v.length, v.meal) * n for cs in counts.values() for v, n in cs.items()) / 4,
        lp_bound_hours=lp_paid / 4,
        cpsat_bound_hours=max(0.0, bound_obj / 16) if exact else lp_paid / 4,
        gap=gap,
        short=short,
        short_before_repair=short_before,
        repaired_shifts=added,
        extended_shifts=extended,
        surge_needed=surge,
        surge_intervals=surge_intervals,
        status="/".join(sorted(set(status))) or "NO_VARIANTS",
        wall_s=time.perf_counter() - started,
        cover=cover,
        unassigned=unassigned,
        notes=notes,
        stage_s=report.stage_s,
        brand_notes=dict(brand_notes),
    )


def roster_result(r: SiteResult, key) -> RosterResult:
    """The one-brand view of a site result (the figures a brand's solve run stores)."""
    return RosterResult(
        assignments=[a for a in r.assignments if a.brand == key],
        counts=r.counts.get(key, {}),
        demand_hours=r.demand_hours,
        paid_hours=r.paid_hours,
        stage1_paid_hours=r.stage1_paid_hours,
        lp_bound_hours=r.lp_bound_hours,
        cpsat_bound_hours=r.cpsat_bound_hours,
        gap=r.gap,
        efficiency=r.paid_hours / r.demand_hours if r.demand_hours else 0.0,
        short_slots=[(s.slot, s.short) for s in r.short if s.brand == key],
        surge_needed=r.surge_needed,
        status=r.status,
        wall_s=r.wall_s,
        unassigned=[v for k, v in r.unassigned if k == key],
        scheduled=r.cover.get(key, []),
        notes=list(r.notes) + list(r.brand_notes.get(key, [])),
    )
