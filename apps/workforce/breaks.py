"""Short breaks placed by coverage (stage 5 of the site solve). Pure module: no ORM.

The written rule (issue #15 §3, DOMAIN "short breaks placed so that coverage holds"): after breaks,
the agents on the floor meet the pre-shrinkage requirement (``BrandDemand.floor``) in every
interval where the plan says it is covered. A shift's breaks are a hard rule too: one 1-slot break
per full ``break_every`` paid slots, inside the shift, not in its first or last hour, off the meal
(``checker.check_roster``). Within those, the engine prefers breaks not next to the meal or to each
other and the k-th near k/(count + 1) of the shift.

1. *Spread*: shift by shift in start order, each break goes to the slot within ±6 slots of its ideal
   offset whose floor has the most room over the need.
2. *Relieve*: a greedy shift can take the one slot a later shift needed although it had another
   (finding 3 of tests/workforce/blind). So every slot whose room fell below zero, covered slots
   first, is relieved along an augmenting path: a break leaves the slot for another legal offset
   of its shift; if that slot has no room either, a break there moves on, and so on until a slot
   with room is reached (breadth first, so the fewest moves). A break moves anywhere legal in its
   shift (the ±6 spread is a preference, coverage is the rule) but never next to the meal or to
   another break of its shift. The search never takes room a covered slot needs. When a covered
   slot cannot be relieved that way, its chain may end in a *short* slot instead (one the plan
   already reports short, with its surge): the rule protects covered intervals, and a short
   interval's gap is named either way. Seen on the blind sweep (seed 27): a covered 23:45 dip
   between a short evening and the short 11.11 rush, every other legal offset of the shifts on
   break there inside the short stretch.

What no legal placement can keep is a trade-off, not a defect: each break must be placed
somewhere, and when every legal offset of every shift on break in a slot lies where the floor is
already at the need, one interval drops below it. ``floor_below_need`` names those slots; the site
solve lists them in its notes, so the plan never says silently that such an interval is covered.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

SPREAD = 6  # slots either side of a break's ideal offset in the spread stage


def place_breaks_by_coverage(site, assignments: list, cover: dict) -> list:
    """``assignments`` with their short breaks placed (see the module docstring). ``cover`` is the
    scheduled agents per brand per slot (meals excluded), as the site solve counts them."""
    floors = {b.key: (b.floor if b.floor is not None else [0] * len(b.demand)) for b in site.brands}
    room = {k: [c - f for c, f in zip(cover[k], floors[k], strict=True)] for k in cover}
    order = sorted(range(len(assignments)), key=lambda i: (assignments[i].start, assignments[i].agent_id))
    shifts = {i: _Shift(assignments[i], site.rules_of(assignments[i].brand)) for i in order}
    for i in order:
        shifts[i].spread(room[assignments[i].brand])
    for b in site.brands:
        covered = [cover[b.key][t] >= d for t, d in enumerate(b.demand)]
        _relieve(room[b.key], [shifts[i] for i in order if assignments[i].brand == b.key], covered)
    return [replace(assignments[i], breaks=tuple(sorted(shifts[i].breaks))) for i in range(len(assignments))]


def floor_below_need(site, assignments: list, cover: dict) -> list[tuple[object, int, int]]:
    """(brand, slot, agents missing) where the plan covers the scheduled requirement but the agents
    on the floor after meals and short breaks are fewer than the pre-shrinkage requirement."""
    out = []
    for b in site.brands:
        if b.floor is None:
            continue
        away = [0] * len(b.demand)
        for a in assignments:
            if a.brand == b.key:
                for o in a.breaks:
                    if a.start + o < len(away):
                        away[a.start + o] += 1
        for t, (d, f) in enumerate(zip(b.demand, b.floor, strict=True)):
            on = cover[b.key][t] - away[t]
            if cover[b.key][t] >= d and on < f:
                out.append((b.key, t, f - on))
    return out


class _Shift:
    """One shift's breaks while they are being placed: offsets from its start."""

    def __init__(self, a, rules) -> None:
        self.start, self.length = a.start, a.length
        self.count = rules.paid(a.length, a.meal) // rules.break_every
        self.meal = set() if a.meal is None else set(range(a.meal, a.meal + rules.meal_len))
        self.blocked = set() if a.meal is None else set(range(a.meal - 1, a.meal + rules.meal_len + 1))
        self.breaks: list[int] = []

    def free(self, o: int, without: int | None = None) -> bool:
        """May a break go to offset ``o`` (the break at ``without`` being moved away)?"""
        others = [b for b in self.breaks if b != without]
        return 4 <= o <= self.length - 5 and o not in self.blocked and all(abs(o - b) > 1 for b in others)

    def spread(self, row: list[int]) -> None:
        """Stage 1: the k-th break near k/(count + 1) of the shift, in the slot with most room."""
        for k in range(1, self.count + 1):
            ideal = round(k * self.length / (self.count + 1))
            best = None
            for delta in range(-SPREAD, SPREAD + 1):
                o = ideal + delta
                if not self.free(o):
                    continue
                key = (_room(row, self.start + o), -abs(delta))
                if best is None or key > best[0]:
                    best = (key, o)
            if best is None:  # a crowded shift: the first offset off the meal, else any the checker allows
                fits = [o for o in range(4, self.length - 4) if o not in self.breaks and o not in self.meal]
                spaced = [o for o in fits if o not in self.blocked]
                if not fits:
                    continue  # cannot happen with a valid rule: the checker names the missing break
                best = ((0, 0), (spaced or fits)[0])
            self.breaks.append(best[1])
            _take(row, self.start + best[1], -1)


def _room(row: list[int], t: int) -> int:
    return row[t] if t < len(row) else 10**6  # past the week: nothing to keep


def _take(row: list[int], t: int, n: int) -> None:
    if t < len(row):
        row[t] += n


def _relieve(row: list[int], shifts: list[_Shift], covered: list[bool]) -> None:
    """Stage 2: augmenting paths out of every slot below zero room, covered slots first. A chain
    out of a covered slot ends in a slot with room, else (the rule protects covered intervals) in a
    short one, already below its requirement and reported short; a short slot's chain ends only
    in a slot with room."""
    deficits = sorted((t for t, r in enumerate(row) if r < 0), key=lambda t: (not covered[t], t))

    def has_room(u: int) -> bool:
        return _room(row, u) >= 1

    def room_or_short(u: int) -> bool:
        return has_room(u) or not covered[u]

    for t0 in deficits:
        while row[t0] < 0 and _augment(row, shifts, t0, has_room):
            pass
        while covered[t0] and row[t0] < 0 and _augment(row, shifts, t0, room_or_short):
            pass


def _augment(row: list[int], shifts: list[_Shift], t0: int, is_end) -> bool:
    """One break fewer in slot ``t0`` by a shortest chain of moves ending in a slot ``is_end``
    accepts; False when no chain exists."""
    on_break: dict[int, list[tuple[_Shift, int]]] = {}
    for s in shifts:
        for o in s.breaks:
            on_break.setdefault(s.start + o, []).append((s, o))
    parent: dict[int, tuple[int, _Shift, int, int]] = {}  # slot -> (slot before, shift, from, to)
    queue = deque([t0])
    seen = {t0}
    while queue:
        t = queue.popleft()
        for s, o in on_break.get(t, []):
            for to in range(4, s.length - 4):
                u = s.start + to
                if u in seen or not s.free(to, without=o):
                    continue
                parent[u] = (t, s, o, to)
                if is_end(u):
                    if _apply(row, parent, u):
                        return True
                    continue  # the chain used one shift twice; look further
                seen.add(u)
                queue.append(u)
    return False


def _apply(row: list[int], parent: dict, end: int) -> bool:
    """Move the breaks along the chain that ends in ``end`` (last move first, so every move is
    checked against the shift as it is then); undo and answer False if one became illegal (a
    chain that used one shift twice)."""
    done = []
    u = end
    while u in parent:
        t, s, o, to = parent[u]
        if o not in s.breaks or not s.free(to, without=o):
            for s2, o2, to2 in reversed(done):
                s2.breaks[s2.breaks.index(to2)] = o2
            return False
        s.breaks[s.breaks.index(o)] = to
        done.append((s, o, to))
        u = t
    for s, o, to in done:
        _take(row, s.start + o, +1)
        _take(row, s.start + to, -1)
    return True
