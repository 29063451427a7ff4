"""An independent checker of rosters: lists every hard rule a roster breaks.

It shares no code with the solver on purpose (only the plain data classes it reads), so a bug in
the solver cannot hide itself. Rules, with time in 15-minute slots from the week's start:
- the agent exists, has the skill (is in the pool) and is available (not on leave) every slot;
- length within [min, max] on the length grid; a long shift has exactly one meal inside its
  window; short breaks lie inside the shift, off the meal, not in the first or last hour;
- no slot worked while the store is closed;
- one shift per day per agent, shifts never overlap, ≥ min rest between shifts;
- at most max days worked a week (the stricter of agent and rule), paid slots ≤ weekly max;
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


def check_roster(problem, assignments) -> list[Violation]:
    """All hard-rule violations of ``assignments`` against ``problem`` (empty list = legal roster)."""
    rules = problem.rules
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
            if not (problem.open_mask >> t) & 1:
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
        if spec is None:
            continue
        shifts = sorted(shifts, key=lambda s: s.start)
        days = [s.start // DAY for s in shifts]
        if len(set(days)) != len(days):
            out.append(Violation(agent_id, shifts[0].start, "one_shift_a_day", "two shifts start on one day"))
        for prev, nxt in zip(shifts, shifts[1:], strict=False):
            if nxt.start < prev.start + prev.length + rules.min_rest:
                out.append(
                    Violation(agent_id, nxt.start, "rest", f"only {nxt.start - prev.start - prev.length} slots of rest")
                )
        limit = min(spec.max_days, rules.max_days)
        if len(set(days)) > limit:
            out.append(Violation(agent_id, shifts[0].start, "days_per_week", f"{len(set(days))} days > {limit}"))
        paid_total = sum(s.length - (rules.meal_len if s.meal is not None else 0) for s in shifts)
        if paid_total > spec.weekly_max:
            out.append(
                Violation(agent_id, shifts[0].start, "weekly_hours", f"{paid_total / 4} h > {spec.weekly_max / 4} h")
            )
    return out
