"""The room of one brand's day: the pure assembly of what a tick computes from loaded data.

Pure: a ``BrandDay`` (plain data the selectors loaded) in, a ``BrandRoom`` out. Units: contacts and
agents per 15-minute interval (96 a local day), seconds, fractions 0..1. It runs, in order: the
reforecast (apps.intraday.reforecast), the intraday Erlang A requirement from today's observed AHT
and bot rate (apps.intraday.requirement), the achieved SL/ASA/abandonment from the conversations'
own timing, floor counts and adherence (apps.intraday.adherence), the 舆情 spikes
(apps.intraday.spikes) and the alert rules (apps.intraday.alerting).

Achieved, per completed interval (conversations that *started* in it):
- SL = first human response within the target (30 s) ÷ conversations offered to humans (a chat the
  bot handed over that nobody answered is offered and missed);
- ASA = mean first human response (s) of the answered ones;
- abandonment = offered to humans and never answered ÷ offered to humans.
An interval with no chat offered to humans has no SL, ASA or abandonment (shown —, never 0 %).

SL correction of the requirement: when the recent completed intervals' pooled SL
(alerting.recent_sl) is below the target, the floor they had was not enough whatever Erlang A
says (slow answers, a bot flow that hands over badly): the requirement of the next ``lookahead``
(8) open intervals is raised to at least the mean floor of those intervals (on the floor from the
state feed, else the scheduled floor), rounded up, plus one agent; the understaffed alert and the
levers then see the gap. The levers' SL before/after in those intervals follows the measurement too
(``SlCorrection.cap``): the floor seen gets the measured SL, the raised requirement the target,
linear in between, never above Erlang A's figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from apps.intraday import adherence, alerting, levers, requirement, spikes
from apps.intraday.reforecast import ReforecastParams, reforecast

SLOTS = 96
SLOT_S = 900.0


@dataclass
class SlotActual:
    conversations: int = 0
    bot_only: int = 0
    human: int = 0
    human_seconds: float = 0.0
    offered: int = 0
    answered: int = 0
    in_target: int = 0
    abandoned: int = 0
    first_response_sum: int = 0


@dataclass
class BrandDay:
    """Everything one brand's tick needs. Times are POSIX seconds; ``day_start`` is local 00:00."""

    client_id: int
    name: str
    day_start: float
    now: int  # index of the interval in progress (completed: 0..now-1); 96 once the day is over
    as_of: float
    forecast: list[float]
    plan_required: list[int]
    actual: list[SlotActual]  # completed intervals only (len == now)
    shifts: list[adherence.ScheduledShift]
    plan_shifts: list[levers.PlanShift]
    events: list[adherence.StateEvent]
    risky: dict[int, list[spikes.RiskConversation]]  # interval -> risk conversations
    base_rate: float
    params: requirement.RequirementParams
    previous: list[float] | None = None
    open_slots: list[bool] = field(default_factory=list)


@dataclass
class SlotRow:
    index: int
    forecast: float
    actual: int | None
    reforecast: float
    change: float
    plan_required: int
    required: int
    scheduled: int
    logged_in: int | None
    on_floor: int | None
    sl: float | None
    asa_s: float | None
    abandon: float | None


@dataclass
class BrandRoom:
    client_id: int
    name: str
    now: int
    ratio: float
    raw_ratio: float | None
    rest_deviation: float
    rest_total: float
    rest_plan: float
    bot_rate: float
    aht_s: float
    rows: list[SlotRow]
    reforecast_values: list[float]
    required: list[int]
    floor_plan: list[int]
    human_volume: list[float]
    team: adherence.TeamAdherence
    spikes: list[spikes.Spike]
    alerts: list[alerting.AlertDraft]
    sl_correction: SlCorrection | None = None


@dataclass(frozen=True)
class SlCorrection:
    """The SL correction in force (module docstring): over ``slots`` the floor ``seen`` (mean) got the
    measured ``sl``; ``needed`` agents are assumed to reach the ``target``."""

    slots: range
    seen: float
    sl: float
    needed: int
    target: float

    def cap(self, floor: int) -> float:
        """The SL a floor can be expected to reach in a corrected slot: the measured SL up to the floor
        seen, the target from the raised requirement on, linear in between."""
        if floor <= self.seen:
            return self.sl
        if floor >= self.needed:
            return self.target
        return self.sl + (self.target - self.sl) * (floor - self.seen) / (self.needed - self.seen)


def _observed(actual: Sequence[SlotActual]) -> requirement.Observed:
    return requirement.Observed(
        conversations=sum(a.conversations for a in actual),
        bot_only=sum(a.bot_only for a in actual),
        human=sum(a.human for a in actual),
        human_seconds=sum(a.human_seconds for a in actual),
    )


def build(day: BrandDay, *, rules: alerting.AlertRules | None = None) -> BrandRoom:
    """The room of one brand at ``day.now`` (see the module docstring)."""
    rf = reforecast(
        day.forecast, [float(a.conversations) for a in day.actual], params=ReforecastParams(), previous=day.previous
    )
    req = requirement.requirement(rf.values, _observed(day.actual), day.params)
    required = [iv.agents for iv in req.intervals]
    if day.open_slots:
        required = [n if open_ else 0 for n, open_ in zip(required, day.open_slots, strict=True)]
    floor_plan = levers.floor(day.plan_shifts, SLOTS)
    by_agent = _events_by_agent(day)
    starts = [day.day_start + i * SLOT_S for i in range(min(day.now, SLOTS))]
    # without state events there are no logged-in or on-floor counts (None), only the plan's
    logged, on_floor = adherence.floor_counts(by_agent, starts) if by_agent else (None, None)
    team = adherence.team_adherence(day.shifts, [e for evs in by_agent.values() for e in evs], as_of=day.as_of)
    rules = rules or alerting.AlertRules()
    offered = [a.offered for a in day.actual]
    recent = alerting.recent_sl(offered, [a.in_target for a in day.actual], day.now, rules)
    low = recent is not None and recent.sl < rules.sl_target
    correction = _raise_required_after_low_sl(required, day, rules, recent, on_floor, floor_plan) if low else None
    rows = _slot_rows(day, rf, required, floor_plan, logged=logged, on_floor=on_floor)
    intervals = [
        spikes.IntervalRisk(i, day.actual[i].conversations, day.risky.get(i, [])) for i in range(len(day.actual))
    ]
    found = spikes.detect(intervals, base_rate=day.base_rate)
    facts = alerting.TickFacts(
        now=min(day.now, SLOTS - 1),
        rest_deviation=rf.rest_deviation,
        required=required,
        floor_plan=floor_plan,
        offered=offered,
        in_target=[a.in_target for a in day.actual],
        team_adherence=team.adherence,
        adherence_scheduled_s=team.scheduled_s,
        spikes=found,
        open_slots=day.open_slots,
    )
    return BrandRoom(
        client_id=day.client_id,
        name=day.name,
        now=day.now,
        ratio=rf.ratio,
        raw_ratio=rf.raw_ratio,
        rest_deviation=rf.rest_deviation,
        rest_total=rf.rest_total,
        rest_plan=rf.rest_plan,
        bot_rate=req.bot_rate,
        aht_s=req.aht_s,
        rows=rows,
        reforecast_values=rf.values,
        required=required,
        floor_plan=floor_plan,
        human_volume=[iv.human_volume for iv in req.intervals],
        team=team,
        spikes=found,
        alerts=alerting.evaluate(facts, rules) if day.now < SLOTS else [],
        sl_correction=correction,
    )


def _events_by_agent(day: BrandDay) -> dict[int, list[adherence.StateEvent]]:
    """{agent id: its state events up to ``day.as_of``}, in the order given."""
    by_agent: dict[int, list[adherence.StateEvent]] = {}
    for e in day.events:
        if e.at <= day.as_of:
            by_agent.setdefault(e.agent_id, []).append(e)
    return by_agent


def _raise_required_after_low_sl(
    required: list[int], day: BrandDay, rules: alerting.AlertRules, recent, seen_floor, floor_plan
) -> SlCorrection:
    """The service level of the recent slots was under target: the open slots ahead need at least one
    agent more than were on the floor then (``seen_floor``: agents on the floor per past slot, None
    without state events, then the plan counts). Raises ``required`` in place; returns the correction
    the levers' SL estimate follows."""
    window = range(recent.first, recent.last + 1)
    seen = [seen_floor[t] if seen_floor is not None and t < len(seen_floor) else floor_plan[t] for t in window]
    seen_mean = sum(seen) / len(seen)
    floor_needed = math.ceil(seen_mean) + 1
    slots = range(day.now, min(SLOTS, day.now + rules.lookahead))
    for t in slots:
        if not day.open_slots or day.open_slots[t]:
            required[t] = max(required[t], floor_needed)
    return SlCorrection(slots=slots, seen=seen_mean, sl=recent.sl, needed=floor_needed, target=rules.sl_target)


def _slot_rows(day: BrandDay, rf, required, floor_plan, *, logged, on_floor) -> list[SlotRow]:
    """The room's table, one row per slot of the day (``logged``/``on_floor``: None without state events)."""
    rows = []
    for i in range(SLOTS):
        a = day.actual[i] if i < len(day.actual) else None
        sl = asa = ab = None
        if a is not None and a.offered:
            sl = a.in_target / a.offered
            ab = a.abandoned / a.offered
            asa = a.first_response_sum / a.answered if a.answered else None
        rows.append(
            SlotRow(
                index=i,
                forecast=day.forecast[i],
                actual=a.conversations if a else None,
                reforecast=rf.values[i],
                change=rf.change[i] if rf.change else 0.0,
                plan_required=day.plan_required[i],
                required=required[i],
                scheduled=floor_plan[i],
                logged_in=logged[i] if logged is not None and i < len(logged) else None,
                on_floor=on_floor[i] if on_floor is not None and i < len(on_floor) else None,
                sl=sl,
                asa_s=asa,
                abandon=ab,
            )
        )
    return rows


def sl_function(room: BrandRoom, params: requirement.RequirementParams):
    """``sl_of(slot, floor)`` for the levers: (Erlang A SL of that floor, the slot's human volume).

    In a slot under the SL correction the measurement outranks the model: Erlang A had said the floor
    seen was enough while it got the measured SL, so the estimate is capped by ``SlCorrection.cap``
    (a lever then reads "20 % → 80 %", not "100 % → 100 %")."""
    fix = room.sl_correction

    def sl_of(slot: int, floor: int) -> tuple[float, float]:
        volume = room.human_volume[slot] if 0 <= slot < len(room.human_volume) else 0.0
        sl = requirement.sl_with(floor, volume, aht_s=room.aht_s, params=params).service_level
        if fix is not None and slot in fix.slots:
            sl = min(sl, fix.cap(floor))
        return sl, volume

    return sl_of
