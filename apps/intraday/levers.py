"""Levers a duty supervisor can pull when the day leaves the plan, each with its effect on SL.

Pure: plain data in slot indices of the day (slot 0 = 00:00 local, 15 minutes each; a shift may run
past slot 96), dataclasses out. Agents are counts; SL 0..1.

Rules:
- **Floor** per slot = shifts covering it minus those on their meal or a short break then.
- **Gap** = slots from ``now`` on where the floor is below the need (Erlang A agents on the floor).
- **Overtime**: a shift of the brand that ends inside or just before the gap is extended by up
  to ``max_overtime_slots`` (2 h) over the gap, only when the agent has legal room: the shift stays
  within ``max_shift_slots`` (10 h), the week's paid hours stay within the agent's weekly maximum,
  and ``min_rest_slots`` (11 h) remain before its next shift. Extensions are handed out while a
  slot still has a gap, shifts that close the most gap slots first.
- **Move breaks**: a short break or meal inside a gap slot moves to the slot of the same shift
  (meal: inside its window, ``meal_earliest_slots`` after the start and ``meal_latest_slots``
  before the end) with the largest surplus and no gap; never into the past.
- **Lend**: an agent of another brand (same site) with the skill, on shift at the gap start, goes
  over for the rest of its shift when the lending brand keeps floor ≥ need on every slot it
  gives up: the lender's shift ends at the gap start, a new shift of this brand runs from there
  to the old end (meal dropped when it fell after the switch).
- **Surge**: a surge agent with the skill and no shift today gets a shift from the gap start
  covering the gap, at least ``min_shift_slots`` (4 h), within the weekly maximum and rest.
- **VTO** (voluntary time off) when over-staffed: shifts that end soonest are cut to end at
  ``now`` while floor − 1 ≥ need + ``vto_margin`` on every remaining slot of the cut shift.
- **Effect**: for each lever, the volume-weighted mean SL over the affected slots before and
  after (Erlang A reverse through ``sl_of``), and the gap slots it closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

SLOTS_PER_HOUR = 4


@dataclass(frozen=True)
class PlanShift:
    """A shift in slots of the day. ``breaks``: slots of 15-minute breaks; ``meal`` (start, end) slots."""

    shift_id: int
    agent_id: int
    client_id: int
    start: int
    end: int
    meal: tuple[int, int] | None = None
    breaks: tuple[int, ...] = ()
    is_surge: bool = False

    def on_floor(self, slot: int) -> bool:
        if not self.start <= slot < self.end:
            return False
        if self.meal and self.meal[0] <= slot < self.meal[1]:
            return False
        return slot not in self.breaks

    @property
    def paid_slots(self) -> int:
        return self.end - self.start - ((self.meal[1] - self.meal[0]) if self.meal else 0)


@dataclass(frozen=True)
class AgentRoom:
    """Legal room of an agent: weekly paid slots so far (this week, other shifts included), the
    weekly maximum, the slot its next shift starts (None: none this week), its skills (brand ids),
    and whether it is a surge agent."""

    agent_id: int
    week_paid_slots: int
    week_max_slots: int
    next_start: int | None
    prev_end: int | None
    skills: frozenset[int]
    is_surge: bool = False


@dataclass(frozen=True)
class LeverRules:
    max_overtime_slots: int = 8
    max_shift_slots: int = 40
    min_shift_slots: int = 16
    min_rest_slots: int = 44
    meal_earliest_slots: int = 8
    meal_latest_slots: int = 8
    vto_margin: int = 1


@dataclass(frozen=True)
class ShiftEdit:
    """A change to one shift: ``shift_id`` None adds a shift; ``end`` ≤ ``start`` never happens."""

    client_id: int
    agent_id: int
    shift_id: int | None
    start: int
    end: int
    meal: tuple[int, int] | None
    breaks: tuple[int, ...]
    is_surge: bool = False


@dataclass
class Lever:
    kind: str  # overtime | move_breaks | lend | surge | vto
    edits: list[ShiftEdit]
    delta: dict[int, int]  # slot -> floor change for this brand
    slots: list[int] = field(default_factory=list)
    sl_before: float = 0.0
    sl_after: float = 0.0
    gap_closed: int = 0
    agents: int = 0
    lender_client_id: int | None = None


def floor(shifts: Sequence[PlanShift], slots: int) -> list[int]:
    out = [0] * slots
    for s in shifts:
        for t in range(max(0, s.start), min(slots, s.end)):
            if s.on_floor(t):
                out[t] += 1
    return out


def gaps(need: Sequence[int], fl: Sequence[int], now: int) -> dict[int, int]:
    return {t: need[t] - fl[t] for t in range(now, len(need)) if need[t] > fl[t]}


def _effect(lever: Lever, need, fl, sl_of: Callable[[int, int], tuple[float, float]]) -> Lever:
    slots = sorted(t for t, d in lever.delta.items() if d and 0 <= t < len(fl))
    lever.slots = slots
    before = after = weight = 0.0
    for t in slots:
        sb, w = sl_of(t, fl[t])
        sa, _w = sl_of(t, fl[t] + lever.delta[t])
        before += sb * w
        after += sa * w
        weight += w
    lever.sl_before = before / weight if weight else 1.0
    lever.sl_after = after / weight if weight else 1.0
    lever.gap_closed = sum(min(max(0, need[t] - fl[t]), max(0, lever.delta[t])) for t in slots if lever.delta[t] > 0)
    lever.agents = len({e.agent_id for e in lever.edits})
    return lever


def overtime(shifts, rooms: dict[int, AgentRoom], need, fl, now: int, rules: LeverRules) -> Lever | None:
    gap = gaps(need, fl, now)
    if not gap:
        return None
    left = dict(gap)
    edits, delta = [], {}
    first_gap = min(gap)
    candidates = []
    for s in shifts:
        room = rooms.get(s.agent_id)
        if room is None or s.end < now or s.end > max(gap) or s.end + 0 < first_gap - 1:
            continue
        limit = min(rules.max_overtime_slots, rules.max_shift_slots - (s.end - s.start))
        limit = min(limit, room.week_max_slots - room.week_paid_slots)
        if room.next_start is not None:
            limit = min(limit, room.next_start - rules.min_rest_slots - s.end)
        if limit <= 0:
            continue
        covered = [t for t in range(s.end, s.end + limit) if t in gap]
        if covered:
            candidates.append((len(covered), s, limit))
    for _n, s, limit in sorted(candidates, key=lambda c: (-c[0], c[1].end, c[1].agent_id)):
        useful = [t for t in range(s.end, s.end + limit) if left.get(t, 0) > 0]
        if not useful:
            continue
        new_end = max(useful) + 1
        for t in range(s.end, new_end):
            delta[t] = delta.get(t, 0) + 1
            if t in left:
                left[t] -= 1
        edits.append(ShiftEdit(s.client_id, s.agent_id, s.shift_id, s.start, new_end, s.meal, s.breaks, s.is_surge))
        if not any(v > 0 for v in left.values()):
            break
    return Lever("overtime", edits, delta) if edits else None


def move_breaks(shifts, need, fl, now: int, rules: LeverRules) -> Lever | None:
    gap = gaps(need, fl, now)
    if not gap:
        return None
    surplus = {t: fl[t] - need[t] for t in range(now, len(fl))}
    edits, delta = [], {}
    for s in shifts:
        breaks = list(s.breaks)
        meal = s.meal
        changed = False
        for i, b in enumerate(breaks):
            if b in gap and b >= now:
                spots = [
                    t
                    for t in range(max(now, s.start), min(s.end, len(fl)))
                    if t not in gap and surplus.get(t, 0) > 0 and s.on_floor(t) and t not in breaks
                ]
                if spots:
                    best = max(spots, key=lambda t: (surplus[t], -abs(t - b)))
                    breaks[i] = best
                    surplus[best] -= 1
                    delta[b] = delta.get(b, 0) + 1
                    delta[best] = delta.get(best, 0) - 1
                    changed = True
        if meal and meal[0] >= now and any(t in gap for t in range(*meal)):
            length = meal[1] - meal[0]
            lo = max(now, s.start + rules.meal_earliest_slots)
            hi = s.end - rules.meal_latest_slots - length
            options = [
                m
                for m in range(lo, hi + 1)
                if all(t not in gap and surplus.get(t, 0) > 0 and t not in breaks for t in range(m, m + length))
            ]
            if options:
                best = max(options, key=lambda m: (min(surplus[t] for t in range(m, m + length)), -abs(m - meal[0])))
                for t in range(*meal):
                    delta[t] = delta.get(t, 0) + 1
                for t in range(best, best + length):
                    delta[t] = delta.get(t, 0) - 1
                    surplus[t] -= 1
                meal = (best, best + length)
                changed = True
        if changed:
            edits.append(
                ShiftEdit(s.client_id, s.agent_id, s.shift_id, s.start, s.end, meal, tuple(breaks), s.is_surge)
            )
    return Lever("move_breaks", edits, delta) if edits else None


def lend(
    client_id: int,
    need,
    fl,
    now: int,
    others: dict[int, tuple[list[int], list[int], list[PlanShift]]],
    rooms: dict[int, AgentRoom],
) -> list[Lever]:
    """One lever per lending brand: ``others`` = {brand: (need, floor, shifts)} of the same site."""
    gap = gaps(need, fl, now)
    if not gap:
        return []
    start = min(gap)
    out = []
    for lender, (o_need, o_fl, o_shifts) in sorted(others.items()):
        spare = list(o_fl)
        left = dict(gap)
        edits, delta = [], {}
        for s in sorted(o_shifts, key=lambda s: (-s.end, s.agent_id)):
            room = rooms.get(s.agent_id)
            if room is None or client_id not in room.skills or not s.start < start < s.end:
                continue
            give = [t for t in range(start, min(s.end, len(spare))) if s.on_floor(t)]
            if not give or any(spare[t] - 1 < o_need[t] for t in give):
                continue
            if not any(left.get(t, 0) > 0 for t in range(start, s.end)):
                continue
            for t in give:
                spare[t] -= 1
            meal_keep = s.meal if s.meal and s.meal[1] <= start else None
            kept_breaks = tuple(b for b in s.breaks if b < start)
            edits.append(ShiftEdit(lender, s.agent_id, s.shift_id, s.start, start, meal_keep, kept_breaks, s.is_surge))
            edits.append(ShiftEdit(client_id, s.agent_id, None, start, s.end, None, (), s.is_surge))
            for t in range(start, s.end):
                delta[t] = delta.get(t, 0) + 1
                if t in left:
                    left[t] -= 1
            if not any(v > 0 for v in left.values()):
                break
        if edits:
            lever = Lever("lend", edits, delta, lender_client_id=lender)
            out.append(lever)
    return out


def surge(client_id: int, rooms: dict[int, AgentRoom], on_shift: set[int], need, fl, now: int, rules: LeverRules):
    gap = gaps(need, fl, now)
    if not gap:
        return None
    start, last = min(gap), max(gap) + 1
    length = max(rules.min_shift_slots, min(rules.max_shift_slots, last - start))
    left = dict(gap)
    edits, delta = [], {}
    for room in sorted(rooms.values(), key=lambda r: r.agent_id):
        if not room.is_surge or client_id not in room.skills or room.agent_id in on_shift:
            continue
        if room.week_paid_slots + length > room.week_max_slots:
            continue
        if room.next_start is not None and room.next_start - (start + length) < rules.min_rest_slots:
            continue
        if room.prev_end is not None and start - room.prev_end < rules.min_rest_slots:
            continue
        edits.append(ShiftEdit(client_id, room.agent_id, None, start, start + length, None, (), True))
        for t in range(start, start + length):
            delta[t] = delta.get(t, 0) + 1
            if t in left:
                left[t] -= 1
        if not any(v > 0 for v in left.values()):
            break
    return Lever("surge", edits, delta) if edits else None


def vto(shifts, need, fl, now: int, rules: LeverRules) -> Lever | None:
    spare = list(fl)
    edits, delta = [], {}
    for s in sorted(shifts, key=lambda s: (s.end, s.agent_id)):
        if s.end <= now or s.start >= now:
            continue
        rest = [t for t in range(now, min(s.end, len(spare))) if s.on_floor(t)]
        if not rest or any(spare[t] - 1 < need[t] + rules.vto_margin for t in rest):
            continue
        if now - s.start < 4:  # at least an hour worked before going home
            continue
        for t in rest:
            spare[t] -= 1
            delta[t] = delta.get(t, 0) - 1
        meal = s.meal if s.meal and s.meal[1] <= now else None
        edits.append(
            ShiftEdit(s.client_id, s.agent_id, s.shift_id, s.start, now, meal, tuple(b for b in s.breaks if b < now))
        )
    return Lever("vto", edits, delta) if edits else None


def propose(
    *,
    client_id: int,
    shifts: Sequence[PlanShift],
    need: Sequence[int],
    now: int,
    rooms: dict[int, AgentRoom],
    others: dict[int, tuple[list[int], list[int], list[PlanShift]]],
    sl_of: Callable[[int, int], tuple[float, float]],
    rules: LeverRules | None = None,
) -> list[Lever]:
    """Every lever that applies now, with its effect. ``sl_of(slot, floor)`` → (SL, weight)."""
    rules = rules or LeverRules()
    fl = floor(shifts, len(need))
    found: list[Lever | None] = [
        overtime(shifts, rooms, need, fl, now, rules),
        move_breaks(shifts, need, fl, now, rules),
        *lend(client_id, need, fl, now, others, rooms),
        surge(client_id, rooms, {s.agent_id for s in shifts}, need, fl, now, rules),
    ]
    if not gaps(need, fl, now):
        found.append(vto(shifts, need, fl, now, rules))
    return [_effect(lv, need, fl, sl_of) for lv in found if lv is not None]


def apply_edits(shifts: Sequence[PlanShift], edits: Sequence[ShiftEdit], client_id: int) -> list[PlanShift]:
    """The brand's shifts after the edits (for tests and what-if)."""
    by_id = {s.shift_id: s for s in shifts}
    new_id = -1
    for e in edits:
        if e.client_id != client_id:
            continue
        if e.shift_id is None:
            by_id[new_id] = PlanShift(new_id, e.agent_id, client_id, e.start, e.end, e.meal, e.breaks, e.is_surge)
            new_id -= 1
        else:
            by_id[e.shift_id] = replace(by_id[e.shift_id], start=e.start, end=e.end, meal=e.meal, breaks=e.breaks)
    return list(by_id.values())
