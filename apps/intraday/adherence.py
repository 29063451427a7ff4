"""Schedule adherence: each agent's actual state against its published shift, per agent and team.

Pure: plain data in (POSIX seconds), dataclasses out. Units: seconds; adherence 0..1.

Rules:
- **States** (the event feed): ``logged_in`` (logged in, not taking chats), ``available``, ``busy``,
  ``break``, ``offline``. On the floor = available or busy. An agent's state holds from its event
  until the next one; before its first event the agent is offline. Events at the same second: the
  later in the feed wins (the feed is ordered by time, then arrival).
- **Scheduled state**: inside the shift [start, end) the agent should be on the floor, except in its
  meal and its 15-minute short breaks, where it should be on a break (``break`` or ``offline``
  both count as adherent there). Outside the shift nothing is scheduled and nothing is measured.
- **Window**: [shift start, min(shift end, as_of)) — only the time that has happened.
- **Adherence** = seconds in the scheduled state ÷ scheduled seconds in the window (1.0 when the
  window is empty). Team adherence = Σ adherent seconds ÷ Σ scheduled seconds of its agents.
- **Late**: the first moment on the floor comes more than ``grace_s`` (300 s) after the shift
  start; late seconds = that delay (to as_of when the agent has not come at all).
- **Early out**: the agent is not on the floor from some moment before the shift end until as_of
  (or the shift end), that stretch starts with a change to ``offline``, it is longer than
  ``grace_s``, and it is not a scheduled break: early-out seconds = end − that moment.
- **Break out of plan**: seconds in ``break`` while the schedule says on the floor; flagged when
  above ``grace_s`` in total.
- **One row per shift**: a shift is identified by its own start (and ``shift_id``); an agent with
  yesterday's overnight shift and today's shift has two rows, each with its own times. A shift is
  measured only on the events of its own span: the state it starts in (the last event before its
  start) and the events inside [start, end); events after its end belong to a later shift. A shift
  that has not started by ``as_of`` has nothing measured and is never late.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

ON_FLOOR = frozenset({"available", "busy"})
AWAY_OK = frozenset({"break", "offline"})
STATES = ("logged_in", "available", "busy", "break", "offline")
GRACE_S = 300.0


@dataclass(frozen=True)
class ScheduledShift:
    """One shift in POSIX seconds; ``breaks`` are (start, end) pairs, the meal included if any."""

    agent_id: int
    start: float
    end: float
    breaks: tuple[tuple[float, float], ...] = ()
    shift_id: int = 0


@dataclass(frozen=True)
class StateEvent:
    agent_id: int
    at: float
    state: str


@dataclass
class AgentAdherence:
    agent_id: int
    shift_id: int = 0
    start: float = 0.0  # the shift's own start and end (POSIX seconds)
    end: float = 0.0
    scheduled_s: float = 0.0
    adherent_s: float = 0.0
    late_s: float = 0.0
    early_out_s: float = 0.0
    off_plan_break_s: float = 0.0
    state_now: str = "offline"
    flags: list[str] = field(default_factory=list)

    @property
    def adherence(self) -> float:
        return self.adherent_s / self.scheduled_s if self.scheduled_s > 0 else 1.0


@dataclass(frozen=True)
class TeamAdherence:
    agents: list[AgentAdherence]
    scheduled_s: float
    adherent_s: float

    @property
    def adherence(self) -> float:
        return self.adherent_s / self.scheduled_s if self.scheduled_s > 0 else 1.0


def _timeline(events: Sequence[StateEvent]) -> tuple[list[float], list[str]]:
    ordered = sorted(range(len(events)), key=lambda i: (events[i].at, i))
    times, states = [], []
    for i in ordered:
        e = events[i]
        if times and times[-1] == e.at:
            states[-1] = e.state
        else:
            times.append(e.at)
            states.append(e.state)
    return times, states


def _state_at(times: list[float], states: list[str], t: float) -> str:
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if times[mid] <= t:
            lo = mid + 1
        else:
            hi = mid
    return states[lo - 1] if lo else "offline"


def _index_after(times: list[float], t: float) -> int:
    """How many of the sorted ``times`` are ≤ t."""
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if times[mid] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo


def agent_adherence(
    shift: ScheduledShift, events: Sequence[StateEvent], *, as_of: float, grace_s: float = GRACE_S
) -> AgentAdherence:
    """Adherence of one agent's shift up to ``as_of`` (see the module rules)."""
    times, states = _timeline(events)
    out = AgentAdherence(
        agent_id=shift.agent_id,
        shift_id=shift.shift_id,
        start=shift.start,
        end=shift.end,
        state_now=_state_at(times, states, as_of),
    )
    # the shift's own events: the state it starts in and what happens inside it (a later shift's
    # events, e.g. today's after yesterday's overnight shift, are not this shift's)
    first = max(0, _index_after(times, shift.start) - 1)
    last = _index_after(times, shift.end - 1e-6)
    times, states = times[first:last], states[first:last]
    lo, hi = shift.start, min(shift.end, as_of)
    if hi <= lo:
        return out
    breaks = sorted((max(lo, b0), min(hi, b1)) for b0, b1 in shift.breaks if b1 > lo and b0 < hi)
    cuts = {lo, hi}
    cuts.update(t for t in times if lo < t < hi)
    for b0, b1 in breaks:
        cuts.update((b0, b1))
    points = sorted(cuts)
    first_floor = None
    k = 0  # walks the timeline with the segments (both sorted): the state at a segment is the last event ≤ it
    n_times = len(times)
    for a, b in zip(points, points[1:], strict=False):
        if b <= a:
            continue
        mid = (a + b) / 2
        while k < n_times and times[k] <= mid:
            k += 1
        state = states[k - 1] if k else "offline"
        on_break = bool(breaks) and any(b0 <= mid < b1 for b0, b1 in breaks)
        length = b - a
        out.scheduled_s += length
        if on_break:
            if state in AWAY_OK:
                out.adherent_s += length
        else:
            if state in ON_FLOOR:
                out.adherent_s += length
                if first_floor is None:
                    first_floor = a
            elif state == "break":
                out.off_plan_break_s += length
    came = first_floor if first_floor is not None else hi
    if came - lo > grace_s:
        out.late_s = came - lo
        out.flags.append("late")
    went = _went_early(shift, times, states, hi=hi, grace_s=grace_s) if first_floor is not None else None
    if went is not None:
        out.early_out_s = shift.end - went
        out.flags.append("early_out")
    if out.off_plan_break_s > grace_s:
        out.flags.append("break_off_plan")
    return out


def _went_early(
    shift: ScheduledShift, times: Sequence[float], states: Sequence[str], *, hi: float, grace_s: float
) -> float | None:
    """When the agent went early (seconds), or None: offline from some moment before the end up to
    ``hi``, after having been on the floor, longer than the grace and not inside a break that lasts
    up to ``hi``. Only asked once the agent came on the floor."""
    last_on = went = None
    for t, st in zip(times, states, strict=True):
        if t >= hi:
            break
        if st in ON_FLOOR:
            last_on = t
        elif st == "offline":
            went = t
    if last_on is not None and went is not None:
        if went > last_on and _state_at(times, states, hi - 1e-6) == "offline" and went < shift.end:
            in_break = any(b0 <= went < b1 for b0, b1 in shift.breaks) and hi <= max(
                b1 for b0, b1 in shift.breaks if b0 <= went < b1
            )
            if not in_break and hi - went > grace_s:
                return went
    return None


def team_adherence(
    shifts: Iterable[ScheduledShift], events: Iterable[StateEvent], *, as_of: float, grace_s: float = GRACE_S
) -> TeamAdherence:
    """Every shift's adherence (one row per shift) and the team's; events grouped by agent here."""
    by_agent: dict[int, list[StateEvent]] = {}
    for e in events:
        by_agent.setdefault(e.agent_id, []).append(e)
    rows = [agent_adherence(s, by_agent.get(s.agent_id, []), as_of=as_of, grace_s=grace_s) for s in shifts]
    return TeamAdherence(
        agents=rows, scheduled_s=sum(r.scheduled_s for r in rows), adherent_s=sum(r.adherent_s for r in rows)
    )


def floor_counts(
    agent_events: dict[int, Sequence[StateEvent]], slot_starts: Sequence[float], slot_s: float = 900.0
) -> tuple[list[int], list[int]]:
    """(logged in, on the floor) per slot, measured at each slot's midpoint; vectorised over all
    agents at once (one sorted key array of agent × time, one searchsorted for every agent × slot)."""
    n = len(slot_starts)
    if not agent_events or not n:
        return [0] * n, [0] * n
    code = {state: i for i, state in enumerate(STATES)}
    offline, floor_codes = code["offline"], [code["available"], code["busy"]]
    keys, codes = [], []
    base = float(slot_starts[0]) - 2 * 86400.0
    span = 1e7  # seconds per agent in the key space: more than any feed's window
    for a, events in enumerate(agent_events.values()):
        times, states = _timeline(events)
        keys.extend(a * span + (t - base) for t in times)
        codes.extend(code.get(st, offline) for st in states)
    if not keys:
        return [0] * n, [0] * n
    key_arr = np.asarray(keys)
    code_arr = np.asarray(codes, dtype=np.int8)
    agents = len(agent_events)
    mids = np.asarray(slot_starts, dtype=float) + slot_s / 2 - base
    query = (np.arange(agents, dtype=float)[:, None] * span + mids[None, :]).ravel()
    idx = np.searchsorted(key_arr, query, side="right") - 1
    owner = np.repeat(np.arange(agents), n)
    valid = (idx >= 0) & (np.floor(key_arr[np.maximum(idx, 0)] / span) == owner)
    state = np.where(valid, code_arr[np.maximum(idx, 0)], offline).reshape(agents, n)
    logged = (state != offline).sum(axis=0)
    on_floor = np.isin(state, floor_codes).sum(axis=0)
    return [int(x) for x in logged], [int(x) for x in on_floor]
