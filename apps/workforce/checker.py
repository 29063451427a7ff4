"""An independent checker of rosters: lists every hard rule a roster breaks.

It shares no code with the solver on purpose (only the plain data classes it reads), so a bug in
the solver cannot hide itself. Rules, with time in 15-minute slots from the week's start:
- the agent exists, has the skill (is in the pool; in a site problem, the shift's brand is in the
  agent's skills) and is available (not on leave) every slot;
- length within [min, max] on the length grid; a long shift has exactly one meal inside its
  window; short breaks lie inside the shift, off the meal, not in the first or last hour;
- no slot worked while the store (of the shift's brand) is closed;
- one shift per day per agent whatever the brand, shifts never overlap, before each shift at
  least the min rest of that shift's brand since the agent's previous shift (or the previous
  week's last shift, ``prev_end``);
- at most max days worked a week (the stricter of the agent's and of the rule of every brand it
  works for that week), paid slots ≤ weekly max, at most ``max_consecutive`` consecutive days
  counting the previous week's streak (``prev_streak``);
- night shifts only for agents who accept nights.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

DAY = 96


@dataclass(frozen=True)
class Violation:
    agent_id: int
    start: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"agent {self.agent_id} @ slot {self.start}: {self.rule} — {self.detail}"


def _open_mask(problem, a) -> int:
    brands = getattr(problem, "brands", None)
    if brands is None:
        return problem.open_mask
    for b in brands:
        if b.key == a.brand:
            return b.open_mask
    return 0


def _shift_rules(problem, a):
    """The shift rule ``a`` is judged by: its brand's own in a site problem (lengths, meal, breaks
    are the brand's), else the problem's."""
    rules_of = getattr(problem, "rules_of", None)
    return problem.rules if rules_of is None else rules_of(a.brand)


def check_roster(problem, assignments) -> list[Violation]:
    """All hard-rule violations of ``assignments`` against ``problem`` (empty list = legal roster).
    ``problem`` is a one-brand RosterProblem or a whole-site SiteProblem (every brand's shifts of
    the week checked together). Each shift's length, meal and breaks follow the rule of its own
    brand; so do the rest before it and the days it may add to a week (the stricter of the agent's
    and every worked brand's). Rest, days, consecutive days and weekly hours count every brand's
    shifts of the agent."""
    agents = {a.id: a for a in problem.agents}
    out: list[Violation] = []
    per_agent = defaultdict(list)
    for a in assignments:
        per_agent[a.agent_id].append(a)
        spec = agents.get(a.agent_id)
        if spec is None:
            out.append(Violation(a.agent_id, a.start, "skill", "agent is not in the skilled pool of this brand"))
            continue
        rules = _shift_rules(problem, a)
        for check in SHIFT_CHECKS:
            out += [Violation(a.agent_id, a.start, rule, detail) for rule, detail in check(problem, spec, a, rules)]
    for agent_id, shifts in per_agent.items():
        spec = agents.get(agent_id)
        if spec is not None:
            out += _agent_violations(problem, spec, sorted(shifts, key=lambda s: s.start))
    return out


# ---------------------------------------------------------------- one check per rule, shift by shift


def _skill(problem, spec, a, rules):
    if getattr(problem, "brands", None) is not None and a.brand not in spec.skills:
        yield "skill", f"agent lacks the skill of brand {a.brand}"


def _length(problem, spec, a, rules):
    if not (rules.min_len <= a.length <= rules.max_len) or (a.length - rules.min_len) % rules.len_step:
        yield "length", f"{a.length} slots is not an allowed shift length"
    if a.start < 0:
        yield "length", "shift starts before the week"


def _availability(problem, spec, a, rules):
    for t in range(a.start, a.start + a.length):
        if not (spec.available >> t) & 1:
            yield "availability", f"slot {t} is outside the agent's availability or on leave"
            return


def _store_open(problem, spec, a, rules):
    mask = _open_mask(problem, a)
    for t in range(a.start, a.start + a.length):
        if not (mask >> t) & 1:
            yield "store_closed", f"slot {t} is worked while the store is closed"
            return


def _meal(problem, spec, a, rules):
    needs_meal = a.length > rules.meal_required_over and rules.meal_len > 0
    if needs_meal and a.meal is None:
        yield "meal", "a long shift has no meal break"
    if a.meal is not None:
        if not needs_meal:
            yield "meal", "a meal break on a shift that needs none"
        if a.meal < rules.meal_earliest or a.meal + rules.meal_len > a.length - rules.meal_latest_before_end:
            yield "meal", f"meal at offset {a.meal} is outside its window"


def _breaks(problem, spec, a, rules):
    meal_slots = set() if a.meal is None else set(range(a.meal, a.meal + rules.meal_len))
    paid = a.length - len(meal_slots)
    if len(a.breaks) != paid // rules.break_every:
        yield "breaks", f"{len(a.breaks)} short breaks, expected {paid // rules.break_every}"
    for b in a.breaks:
        if b < 4 or b > a.length - 5 or b in meal_slots:
            yield "breaks", f"short break at offset {b} is misplaced"
    if len(set(a.breaks)) != len(a.breaks):
        yield "breaks", "two short breaks in the same slot"


def _nights(problem, spec, a, rules):
    if spec.nights_ok:
        return
    for t in range(a.start, a.start + a.length):
        tod = t % DAY
        if tod >= problem.night_from or tod < problem.night_to:
            yield "nights", "agent does not work nights"
            return


SHIFT_CHECKS = (_skill, _length, _availability, _store_open, _meal, _breaks, _nights)


# ---------------------------------------------------------------- one check per rule, agent by agent


def _agent_violations(problem, spec, shifts: list) -> list[Violation]:
    """The per-agent labour-law limits over an agent's shifts of every brand (sorted by start)."""
    out: list[Violation] = []
    for check in AGENT_CHECKS:
        out += [Violation(spec.id, start, rule, detail) for start, rule, detail in check(problem, spec, shifts)]
    return out


def _one_a_day(problem, spec, shifts):
    days = [s.start // DAY for s in shifts]
    if len(set(days)) != len(days):
        yield shifts[0].start, "one_shift_a_day", "two shifts start on one day"


def _rest(problem, spec, shifts):
    """The rest before a shift is its own brand's rule (also after the previous week's last shift)."""
    first = _shift_rules(problem, shifts[0]).min_rest
    if spec.prev_end is not None and shifts[0].start < spec.prev_end + first:
        yield shifts[0].start, "rest", "too little rest after the previous week's last shift"
    for prev, nxt in zip(shifts, shifts[1:], strict=False):
        if nxt.start < prev.start + prev.length + _shift_rules(problem, nxt).min_rest:
            yield nxt.start, "rest", f"only {nxt.start - prev.start - prev.length} slots of rest"


def day_limit(problem, spec, shifts) -> int:
    """Days an agent may work this week: the stricter of its contract and of the rule of every brand
    it works for this week (a one-brand problem: its rule)."""
    return min([spec.max_days] + [_shift_rules(problem, s).max_days for s in shifts])


def _days_per_week(problem, spec, shifts):
    worked, limit = len({s.start // DAY for s in shifts}), day_limit(problem, spec, shifts)
    if worked > limit:
        yield shifts[0].start, "days_per_week", f"{worked} days > {limit}"


def _consecutive(problem, spec, shifts):
    most = problem.rules.max_consecutive
    worked_days = {s.start // DAY for s in shifts}
    for d in sorted(worked_days):
        if d - 1 in worked_days:
            continue
        run = 0
        while d + run in worked_days:
            run += 1
        if d == 0:
            run += spec.prev_streak
        if run > most:
            yield d * DAY, "consecutive_days", f"{run} days in a row > {most}"


def _weekly_hours(problem, spec, shifts):
    paid_total = sum(s.length - (_shift_rules(problem, s).meal_len if s.meal is not None else 0) for s in shifts)
    if paid_total > spec.weekly_max:
        yield shifts[0].start, "weekly_hours", f"{paid_total / 4} h > {spec.weekly_max / 4} h"


AGENT_CHECKS = (_one_a_day, _rest, _days_per_week, _consecutive, _weekly_hours)


def avoidable_short(problem, assignments) -> list[tuple[object, int]]:
    """Short intervals an idle skilled agent could legally have covered: (brand, slot) pairs.

    Written apart from the solver's repair on purpose. A slot t of brand b is short when fewer
    shifts of b cover it (meals excluded) than its demand. It is *avoidable* when some agent with
    b's skill who has no shift on day D (D = t's day or the day before) could work a new shift of
    b starting on day D that covers t — tried with every start and every allowed length up to
    the longest that needs no meal (any longer legal shift contains such a one) — while every
    hard rule still holds: availability, opening hours, nights, one shift a day, days a week,
    consecutive days, weekly hours and rest to the agent's other shifts and to ``prev_end``.
    ``problem`` is a SiteProblem (or a one-brand RosterProblem, whose brand is None)."""
    rules = problem.rules
    brands = getattr(problem, "brands", None)
    if brands is None:
        rows = [(None, problem.demand, problem.open_mask, list(problem.agents))]
    else:
        rows = [(b.key, b.demand, b.open_mask, [a for a in problem.agents if b.key in a.skills]) for b in brands]
    per_agent = defaultdict(list)
    for a in assignments:
        per_agent[a.agent_id].append(a)
    lengths = [
        n
        for n in range(rules.min_len, rules.max_len + 1, rules.len_step)
        if n <= rules.meal_required_over or rules.meal_len == 0
    ]
    out = []
    for key, demand, open_mask, pool in rows:
        cover = [0] * len(demand)
        for a in assignments:
            if brands is not None and a.brand != key:
                continue
            for t in range(a.start, min(a.start + a.length, len(demand))):
                if a.meal is None or not (a.meal <= t - a.start < a.meal + rules.meal_len):
                    cover[t] += 1
        for t, need in enumerate(demand):
            if cover[t] >= need:
                continue
            if any(_could_take(problem, spec, per_agent[spec.id], open_mask, t, lengths) for spec in pool):
                out.append((key, t))
    return out


def _could_take(problem, spec, shifts, open_mask: int, t: int, lengths: list[int]) -> bool:
    rules = problem.rules
    if not (spec.available >> t) & 1:
        return False
    worked_days = {s.start // DAY for s in shifts}
    paid_now = sum(s.length - (_shift_rules(problem, s).meal_len if s.meal is not None else 0) for s in shifts)
    if len(worked_days) + 1 > min(rules.max_days, day_limit(problem, spec, shifts)):
        return False
    for length in lengths:
        if paid_now + length > spec.weekly_max:
            continue
        for start in range(max(0, t - length + 1), t + 1):
            day = start // DAY
            if day in worked_days:
                continue
            end = start + length
            window = ((1 << length) - 1) << start
            if spec.available & window != window or open_mask & window != window:
                continue
            if not spec.nights_ok and any(
                (x % DAY) >= problem.night_from or (x % DAY) < problem.night_to for x in range(start, end)
            ):
                continue
            rest_ok = spec.prev_end is None or start >= spec.prev_end + rules.min_rest
            for s in shifts:
                if s.start < start and s.start + s.length + rules.min_rest > start:
                    rest_ok = False
                if s.start >= start and end + max(rules.min_rest, _shift_rules(problem, s).min_rest) > s.start:
                    rest_ok = False
            if not rest_ok:
                continue
            days = worked_days | {day}
            run, d = 1, day - 1
            while d in days:
                run, d = run + 1, d - 1
            if d == -1:
                run += spec.prev_streak
            d = day + 1
            while d in days:
                run, d = run + 1, d + 1
            if run > rules.max_consecutive:
                continue
            return True
    return False
