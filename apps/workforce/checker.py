"""An independent checker of rosters: lists every hard rule a roster breaks.

It shares no code with the solver on purpose (only the plain data classes it reads), so a bug in
the solver cannot hide itself. Rules, with time in 15-minute slots from the week's start:
- the agent exists, has the skill (is in the pool; in a site problem, the shift's brand is in the
  agent's skills) and is available (not on leave) every slot;
- length within [min, max] on the length grid; a long shift has exactly one meal inside its
  window; short breaks lie inside the shift, off the meal, not in the first or last hour;
- no slot worked while the store (of the shift's brand) is closed;
- one shift per day per agent whatever the brand, shifts never overlap, ≥ min rest between
  shifts and after the previous week's last shift (``prev_end``);
- at most max days worked a week (the stricter of agent and rule), paid slots ≤ weekly max, at
  most ``max_consecutive`` consecutive days counting the previous week's streak (``prev_streak``);
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
    brand; the per-agent limits (rest, days, consecutive days, weekly hours) are the problem's and
    count every brand's shifts."""
    site = getattr(problem, "brands", None) is not None
    agents = {a.id: a for a in problem.agents}
    out: list[Violation] = []
    per_agent = defaultdict(list)
    for a in assignments:
        per_agent[a.agent_id].append(a)

    for a in assignments:

        def bad(rule: str, detail: str, a=a) -> None:
            out.append(Violation(a.agent_id, a.start, rule, detail))

        spec = agents.get(a.agent_id)
        if spec is None:
            bad("skill", "agent is not in the skilled pool of this brand")
            continue
        rules = _shift_rules(problem, a)
        if site and a.brand not in spec.skills:
            bad("skill", f"agent lacks the skill of brand {a.brand}")
        if not (rules.min_len <= a.length <= rules.max_len) or (a.length - rules.min_len) % rules.len_step:
            bad("length", f"{a.length} slots is not an allowed shift length")
        if a.start < 0:
            bad("length", "shift starts before the week")
        worked = set(range(a.start, a.start + a.length))
        for t in worked:
            if not (spec.available >> t) & 1:
                bad("availability", f"slot {t} is outside the agent's availability or on leave")
                break
        for t in worked:
            if not (_open_mask(problem, a) >> t) & 1:
                bad("store_closed", f"slot {t} is worked while the store is closed")
                break
        needs_meal = a.length > rules.meal_required_over and rules.meal_len > 0
        if needs_meal and a.meal is None:
            bad("meal", "a long shift has no meal break")
        if a.meal is not None:
            if not needs_meal:
                bad("meal", "a meal break on a shift that needs none")
            if a.meal < rules.meal_earliest or a.meal + rules.meal_len > a.length - rules.meal_latest_before_end:
                bad("meal", f"meal at offset {a.meal} is outside its window")
        meal_slots = set() if a.meal is None else set(range(a.meal, a.meal + rules.meal_len))
        paid = a.length - len(meal_slots)
        if len(a.breaks) != paid // rules.break_every:
            bad("breaks", f"{len(a.breaks)} short breaks, expected {paid // rules.break_every}")
        for b in a.breaks:
            if b < 4 or b > a.length - 5 or b in meal_slots:
                bad("breaks", f"short break at offset {b} is misplaced")
        if len(set(a.breaks)) != len(a.breaks):
            bad("breaks", "two short breaks in the same slot")
        if not spec.nights_ok:
            for t in worked:
                tod = t % DAY
                if tod >= problem.night_from or tod < problem.night_to:
                    bad("nights", "agent does not work nights")
                    break

    for agent_id, shifts in per_agent.items():
        spec = agents.get(agent_id)
        if spec is not None:
            out += _agent_violations(problem, spec, sorted(shifts, key=lambda s: s.start))
    return out


def _agent_violations(problem, spec, shifts: list) -> list[Violation]:
    """The per-agent labour-law limits over an agent's shifts of every brand (sorted by start):
    one shift a day, rest (also after ``prev_end``), days a week, consecutive days, weekly hours."""
    rules = problem.rules
    agent_id = spec.id
    out: list[Violation] = []
    days = [s.start // DAY for s in shifts]
    if len(set(days)) != len(days):
        out.append(Violation(agent_id, shifts[0].start, "one_shift_a_day", "two shifts start on one day"))
    if spec.prev_end is not None and shifts[0].start < spec.prev_end + rules.min_rest:
        out.append(Violation(agent_id, shifts[0].start, "rest", "too little rest after the previous week's last shift"))
    for prev, nxt in zip(shifts, shifts[1:], strict=False):
        if nxt.start < prev.start + prev.length + rules.min_rest:
            out.append(
                Violation(agent_id, nxt.start, "rest", f"only {nxt.start - prev.start - prev.length} slots of rest")
            )
    limit = min(spec.max_days, rules.max_days)
    if len(set(days)) > limit:
        out.append(Violation(agent_id, shifts[0].start, "days_per_week", f"{len(set(days))} days > {limit}"))
    worked_days = set(days)
    for d in sorted(worked_days):
        if d - 1 in worked_days:
            continue
        run = 0
        while d + run in worked_days:
            run += 1
        if d == 0:
            run += spec.prev_streak
        if run > rules.max_consecutive:
            out.append(
                Violation(agent_id, d * DAY, "consecutive_days", f"{run} days in a row > {rules.max_consecutive}")
            )
    paid_total = sum(s.length - (_shift_rules(problem, s).meal_len if s.meal is not None else 0) for s in shifts)
    if paid_total > spec.weekly_max:
        out.append(
            Violation(agent_id, shifts[0].start, "weekly_hours", f"{paid_total / 4} h > {spec.weekly_max / 4} h")
        )
    return out


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
    paid_now = sum(s.length - (rules.meal_len if s.meal is not None else 0) for s in shifts)
    limit = min(spec.max_days, rules.max_days)
    if len(worked_days) + 1 > limit:
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
                if s.start >= start and end + rules.min_rest > s.start:
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
