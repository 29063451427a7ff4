"""Blind roster validator (rosterblind, issue 15): violations, coverage and avoidable shortfall.

Written from /work/shared/DOMAIN.md ("Rostering"), issue 15 §2–§3, the field meanings of
apps/workforce/models.py (ShiftRule, Agent, Availability, Leave, Shift) and the rule sentences of
docs/workforce.md, WITHOUT reading the product's solver or checker. Pure: plain dataclasses in,
lists out; the Django side lives in test_roster_blind.py.

Times are minutes since an epoch in LOCAL time (Asia/Shanghai); a "day" is the local date of a
shift's start (minute // 1440). Intervals are 15 minutes.

Hard rules checked (``violations``), each named by a code:
- ``skill``        the agent has a skill for the shift's brand (shift serves exactly one brand);
- ``length``       min ≤ length ≤ max and on the length grid; start on the 15-minute grid;
- ``meal``         a shift longer than ``meal_required_over`` has exactly one meal of ``meal_minutes``
                   inside [start + earliest, end − latest_before_end]; paid = length − meal;
- ``breaks``       short breaks are 15 min, on the grid, inside the shift, outside the meal, not
                   overlapping, and there are floor(paid / every) of them;
- ``overlap``      no two shifts of one agent overlap (any brands);
- ``one_a_day``    at most one shift per agent per local day, whatever the brand;
- ``rest``         ≥ min_rest_hours between the end of one shift and the start of the next (any
                   brands, the previous published week included);
- ``days``         working days in the week ≤ min(agent's max days, the brand rule's max days);
- ``consecutive``  ≤ 6 days in a row, the previous week's streak included;
- ``hours_max``    weekly paid hours ≤ the agent's weekly maximum;
- ``availability`` inside the agent's weekly windows when it has any;
- ``leave``        no shift touching a day of leave;
- ``nights``       an agent with nights_ok = False works no minute in 22:00–08:00;
- ``inactive``     only active agents are rostered.
Reported apart (``soft``): ``hours_min`` (full-timer below its contract minimum), ``closed``
(minutes rostered while every store of the brand is closed) — DOMAIN lists them as wishes/contract
terms, not as legal limits.

Coverage: rostered(b, i) = shifts of brand b covering interval i, minus those on their meal;
floor(b, i) = rostered minus those on a short break. short(b, i) = max(0, scheduled − rostered).

Avoidable shortfall (issue 15 §3, docs/workforce.md "Shortfall and surge"): a short interval is
avoidable when an agent with the brand's skill and no shift on that start day could legally work a
new shift of that brand covering it. Only the shortest shift needs trying: any legal longer shift
covering the interval contains a legal shortest one that covers it too (every rule above is kept
under shortening; a shortest shift ≤ the meal threshold needs no meal). ``extendable`` (reported,
not asserted by the docs' definition) asks the same of lengthening a same-brand shift next to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

DAY = 1440
SLOT = 15


@dataclass(frozen=True)
class Rule:
    min_length: int = 240
    max_length: int = 600
    length_step: int = 15
    meal_required_over: int = 360
    meal_minutes: int = 30
    meal_earliest: int = 120
    meal_latest_before_end: int = 120
    short_break_every: int = 180
    min_rest_hours: int = 11
    max_days: int = 6


@dataclass
class AgentInfo:
    id: int
    skills: frozenset
    active: bool = True
    max_days: int = 6
    hours_max: float = 44.0
    hours_min: float = 0.0
    nights_ok: bool = True
    windows: tuple = ()  # (weekday 0=Mon, start_min, end_min) local; end 1440 = midnight
    leave_days: frozenset = frozenset()  # day numbers
    full_time: bool = True
    contract: str = "full_time"


@dataclass
class ShiftInfo:
    agent: int
    brand: int
    start: int
    end: int
    meal: tuple | None = None  # (start, end)
    breaks: tuple = ()  # starts
    paid_hours: float | None = None
    is_surge: bool = False
    previous_week: bool = False


@dataclass
class Problem:
    week_start_day: int  # day number of the Monday
    rules: dict  # brand -> Rule
    agents: dict  # id -> AgentInfo
    shifts: list  # ShiftInfo of this week (all brands) + the previous week's (previous_week=True)
    scheduled: dict = field(default_factory=dict)  # (brand, slot_start_min) -> scheduled
    floor_need: dict = field(default_factory=dict)  # (brand, slot_start_min) -> agents on the floor
    open_slots: dict = field(default_factory=dict)  # brand -> set of slot starts open (None = 24 h)
    max_consecutive: int = 6


def weekday(day: int) -> int:
    """Day 0 of the epoch used by the caller must be a Monday."""
    return day % 7


def _paid(s: ShiftInfo) -> int:
    return (s.end - s.start) - ((s.meal[1] - s.meal[0]) if s.meal else 0)


def _night_minutes(start: int, end: int) -> int:
    total = 0
    day0 = start // DAY
    for d in range(day0 - 1, end // DAY + 1):
        for lo, hi in ((d * DAY, d * DAY + 480), (d * DAY + 1320, d * DAY + DAY)):
            total += max(0, min(end, hi) - max(start, lo))
    return total


def _in_windows(agent: AgentInfo, start: int, end: int) -> bool:
    if not agent.windows:
        return True
    allowed = []
    for d in range(start // DAY - 1, end // DAY + 1):
        for wd, lo, hi in agent.windows:
            if wd == weekday(d):
                allowed.append((d * DAY + lo, d * DAY + (hi if hi > lo else DAY)))
    allowed.sort()
    t = start
    for lo, hi in allowed:
        if lo <= t < hi:
            t = hi
        if t >= end:
            return True
    return t >= end


def _shift_shape(s: ShiftInfo, rule: Rule) -> list:
    out = []
    length = s.end - s.start
    if s.start % SLOT or length % rule.length_step or not rule.min_length <= length <= rule.max_length:
        out.append(("length", f"{length} min from {s.start % DAY // 60:02d}:{s.start % 60:02d}"))
    if length > rule.meal_required_over:
        if not s.meal or s.meal[1] - s.meal[0] != rule.meal_minutes:
            out.append(("meal", f"{length}-min shift needs a {rule.meal_minutes}-min meal, has {s.meal}"))
        elif s.meal[0] < s.start + rule.meal_earliest or s.meal[1] > s.end - rule.meal_latest_before_end:
            out.append(("meal", f"meal {s.meal} outside its window"))
    paid = _paid(s)
    if s.paid_hours is not None and abs(s.paid_hours - paid / 60) > 0.005:
        out.append(("meal", f"paid_hours {s.paid_hours} ≠ length − meal {paid / 60}"))
    want = paid // rule.short_break_every
    starts = sorted(s.breaks)
    bad = [b for b in starts if b % SLOT or b < s.start or b + SLOT > s.end]
    if s.meal:
        bad += [b for b in starts if b < s.meal[1] and b + SLOT > s.meal[0]]
    bad += [b for a, b in zip(starts, starts[1:], strict=False) if b < a + SLOT]
    if bad or len(starts) != want:
        out.append(("breaks", f"{len(starts)} breaks (want {want}), misplaced {bad}"))
    return out


def violations(p: Problem) -> list:
    """[(code, agent, detail)] for every broken hard rule (this week's shifts)."""
    out = []
    by_agent = defaultdict(list)
    for s in p.shifts:
        by_agent[s.agent].append(s)
    week_days = range(p.week_start_day, p.week_start_day + 7)
    for aid, shifts in by_agent.items():
        shifts.sort(key=lambda s: s.start)
        agent = p.agents.get(aid)
        this_week = [s for s in shifts if not s.previous_week]
        if agent is None:
            if not all(s.is_surge for s in this_week):
                out.append(("skill", aid, "unknown agent"))
            continue
        for s in this_week:
            out += [(c, aid, d) for c, d in _single_shift(p, agent, s)]
        for a, b in zip(shifts, shifts[1:], strict=False):
            if b.previous_week:
                continue
            if b.start < a.end:
                out.append(("overlap", aid, f"{a.start}-{a.end} and {b.start}-{b.end}"))
            elif b.start - a.end < p.rules[b.brand].min_rest_hours * 60:
                out.append(("rest", aid, f"{(b.start - a.end) / 60:.2f} h between shifts"))
            if a.start // DAY == b.start // DAY:
                out.append(("one_a_day", aid, f"two shifts on day {b.start // DAY}"))
        days = {s.start // DAY for s in this_week}
        cap = min([agent.max_days] + [p.rules[s.brand].max_days for s in this_week])
        if len(days) > cap:
            out.append(("days", aid, f"{len(days)} days > {cap}"))
        run = _longest_run({s.start // DAY for s in shifts}, week_days)
        if run > p.max_consecutive:
            out.append(("consecutive", aid, f"{run} days in a row"))
        hours = sum(_paid(s) for s in this_week) / 60
        if hours > agent.hours_max + 1e-9:
            out.append(("hours_max", aid, f"{hours:.2f} h > {agent.hours_max}"))
    return out


def _single_shift(p: Problem, agent: AgentInfo, s: ShiftInfo) -> list:
    out = _shift_shape(s, p.rules[s.brand])
    if not agent.active:
        out.append(("inactive", "inactive agent rostered"))
    if s.brand not in agent.skills:
        out.append(("skill", f"no skill for brand {s.brand}"))
    if not _in_windows(agent, s.start, s.end):
        out.append(("availability", f"{s.start}-{s.end} outside the windows"))
    if any(d in agent.leave_days for d in range(s.start // DAY, (s.end - 1) // DAY + 1)):
        out.append(("leave", f"shift on leave day {s.start // DAY}"))
    if not agent.nights_ok and _night_minutes(s.start, s.end):
        out.append(("nights", f"{_night_minutes(s.start, s.end)} night minutes"))
    return out


def _longest_run(days: set, window) -> int:
    """Longest run of consecutive worked days that touches the week (earlier days count)."""
    best = 0
    for d in window:
        if d in days:
            n, k = 0, d
            while k in days:
                n, k = n + 1, k - 1
            best = max(best, n)
    return best


def soft_findings(p: Problem) -> list:
    out = []
    hours = defaultdict(float)
    for s in p.shifts:
        if not s.previous_week:
            hours[s.agent] += _paid(s) / 60
    for aid, a in p.agents.items():
        if a.full_time and a.active and hours[aid] + 1e-9 < a.hours_min:
            out.append(("hours_min", aid, f"{hours[aid]:.2f} h < {a.hours_min}"))
    for s in p.shifts:
        opened = p.open_slots.get(s.brand)
        if opened is not None and not s.previous_week:
            closed = [t for t in range(s.start, s.end, SLOT) if t not in opened]
            if closed:
                out.append(("closed", s.agent, f"{len(closed)} slots while the brand is closed"))
    return out


def coverage(p: Problem) -> dict:
    """(brand, slot) -> (rostered, on the floor) from this week's shifts."""
    cov = defaultdict(lambda: [0, 0])
    for s in p.shifts:
        if s.previous_week:
            continue
        brk = set(s.breaks)
        for t in range(s.start, s.end, SLOT):
            if s.meal and s.meal[0] <= t < s.meal[1]:
                continue
            cov[(s.brand, t)][0] += 1
            if t not in brk:
                cov[(s.brand, t)][1] += 1
    return {k: tuple(v) for k, v in cov.items()}


def shortfall(p: Problem) -> dict:
    """(brand, slot) -> agents short of ``scheduled`` (only the short ones)."""
    cov = coverage(p)
    out = {}
    for key, need in p.scheduled.items():
        got = cov.get(key, (0, 0))[0]
        if need > got:
            out[key] = need - got
    return out


def floor_below_need(p: Problem) -> dict:
    """Covered intervals (rostered ≥ scheduled) whose floor after breaks is below ``agents``."""
    cov = coverage(p)
    out = {}
    for key, need in p.scheduled.items():
        rostered, floor = cov.get(key, (0, 0))
        if rostered >= need and floor < p.floor_need.get(key, 0):
            out[key] = p.floor_need[key] - floor
    return out


class _State:
    def __init__(self, p: Problem):
        self.p = p
        self.by_agent = defaultdict(list)
        for s in p.shifts:
            self.by_agent[s.agent].append(s)

    def legal_new(self, agent: AgentInfo, brand: int, start: int, end: int, ignore=None) -> bool:
        p, rule = self.p, self.p.rules[brand]
        if not agent.active or brand not in agent.skills:
            return False
        mine = [s for s in self.by_agent[agent.id] if s is not ignore]
        day = start // DAY
        if not p.week_start_day <= day < p.week_start_day + 7 or any(s.start // DAY == day for s in mine):
            return False
        trial = ShiftInfo(agent.id, brand, start, end)
        if ignore is not None:
            trial.meal = ignore.meal
        if [c for c, _d in _single_shift(p, agent, trial) if c != "breaks"]:  # breaks are placed later
            return False
        opened = p.open_slots.get(brand)
        if opened is not None and any(t not in opened for t in range(start, end, SLOT)):
            return False
        rest = rule.min_rest_hours * 60
        for s in mine:
            if s.end > start - rest and s.start < end + rest:
                return False
        this_week = [s for s in mine if not s.previous_week]
        days = {s.start // DAY for s in this_week} | {day}
        if len(days) > min([agent.max_days, rule.max_days] + [p.rules[s.brand].max_days for s in this_week]):
            return False
        if _longest_run({s.start // DAY for s in mine} | {day}, range(p.week_start_day, p.week_start_day + 7)) > (
            p.max_consecutive
        ):
            return False
        hours = (sum(_paid(s) for s in this_week) + _paid(trial)) / 60
        return hours <= agent.hours_max + 1e-9


def avoidable(p: Problem, short: dict | None = None, *, conservative: bool = False) -> dict:
    """(brand, slot) short -> an example (agent, start, end) of a legal new shift that covers it.

    ``conservative`` also asks that the agent is not on a surge contract and has no shift touching
    the new shift's calendar days at all (an overnight shift ending that morning counts as touching)."""
    short = shortfall(p) if short is None else short
    st = _State(p)
    out = {}
    for (brand, t), _gap in sorted(short.items()):
        rule = p.rules[brand]
        length = rule.min_length
        found = None
        for agent in p.agents.values():
            if brand not in agent.skills or (conservative and agent.contract == "surge"):
                continue
            if conservative:
                days = set(range((t - length) // DAY, (t + length) // DAY + 1))
                if any({s.start // DAY, (s.end - 1) // DAY} & days for s in st.by_agent[agent.id]):
                    continue
            for start in range(t - length + SLOT, t + SLOT, SLOT):
                if st.legal_new(agent, brand, start, start + length):
                    found = (agent.id, start, start + length)
                    break
            if found:
                break
        if found:
            out[(brand, t)] = found
    return out


def extendable(p: Problem, short: dict | None = None) -> dict:
    """(brand, slot) short -> (agent, old start, old end) of a same-brand shift next to the slot that
    could legally grow by 15 minutes over it (length, meal window, rest, hours, windows, nights)."""
    short = shortfall(p) if short is None else short
    st = _State(p)
    out = {}
    for (brand, t), _gap in sorted(short.items()):
        rule = p.rules[brand]
        for s in p.shifts:
            if s.previous_week or s.is_surge or s.brand != brand or s.agent not in p.agents:
                continue
            if s.end == t:
                start, end = s.start, t + SLOT
            elif s.start == t + SLOT:
                start, end = t, s.end
            else:
                continue
            length = end - start
            if length > rule.max_length or (length > rule.meal_required_over and not s.meal):
                continue
            if s.meal and (s.meal[0] < start + rule.meal_earliest or s.meal[1] > end - rule.meal_latest_before_end):
                continue
            if st.legal_new(p.agents[s.agent], brand, start, end, ignore=s):
                out[(brand, t)] = (s.agent, s.start, s.end)
                break
    return out
