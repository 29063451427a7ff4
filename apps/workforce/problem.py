"""The roster week and the solver's problem read from the database: week bounds and slots, shift
rules, the brand's open hours, each agent's availability and leave, demand and floor per slot, the
shifts agents already hold for other brands or in the week before, and the site-wide check.

A week is [Monday 00:00, next Monday 00:00) local (apps.core.calendar), 672 slots of 15 minutes;
shifts may spill SPILL_SLOTS slots into the next week.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.utils import timezone

from apps.core import calendar
from apps.core.calendar import SLOT, SLOTS_PER_DAY, SLOTS_PER_WEEK, local_tz
from apps.core.errors import DomainError
from apps.people import selectors as people_selectors
from apps.people.choices import ContractType
from apps.workforce.choices import RosterStatus
from apps.workforce.models import AgentSkill, Availability, Leave, Roster, Shift, ShiftRule, StaffingRequirement
from apps.workforce.solver import AgentSpec, Assignment, ShiftRules

WEEK_SLOTS = SLOTS_PER_WEEK
SPILL_SLOTS = 48  # shifts may run 12 h into the next week
NIGHT_FROM, NIGHT_TO = 22, 8  # night hours 22:00–08:00 Asia/Shanghai


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """The roster week's local bounds (apps.core.calendar.week_bounds); a roster week starts on a Monday."""
    if week_start.weekday() != 0:
        raise DomainError("a roster week starts on a Monday", field="week_start")
    return calendar.week_bounds(week_start)


def slot_time(week_start: date, slot: int) -> datetime:
    return calendar.slot_at(week_bounds(week_start)[0], slot)


# ---------------------------------------------------------------- solver problem from the database


def shift_rules_for(client) -> ShiftRules:
    rule = ShiftRule.objects.filter(client=client).first() or ShiftRule.objects.filter(client__isnull=True).first()
    if rule is None:
        return ShiftRules()

    def q(minutes: int) -> int:
        return max(1, math.ceil(minutes / 15))

    return ShiftRules(
        min_len=q(rule.min_length_minutes),
        max_len=max(q(rule.min_length_minutes), rule.max_length_minutes // 15),
        len_step=q(rule.length_step_minutes),
        meal_required_over=rule.meal_required_over_minutes // 15,
        meal_len=q(rule.meal_minutes),
        meal_earliest=rule.meal_earliest_minutes // 15,
        meal_latest_before_end=rule.meal_latest_before_end_minutes // 15,
        break_every=q(rule.short_break_every_minutes),
        min_rest=rule.min_rest_hours * 4,
        max_days=rule.max_days_per_week,
    )


def open_slots_mask(client, horizon: int) -> int:
    stores = list(client.stores.filter(is_active=True))
    if not stores:
        return 0
    mask = 0
    for store in stores:
        if store.is_24h:
            return (1 << horizon) - 1
        opens = calendar.slot_of_time(store.opens_at)
        closes = calendar.slot_of_time(store.closes_at) or SLOTS_PER_DAY
        for day in range(horizon // SLOTS_PER_DAY + 1):
            for t in range(day * SLOTS_PER_DAY + opens, day * SLOTS_PER_DAY + closes):
                if t < horizon:
                    mask |= 1 << t
    return mask


def _windows_and_leaves(agent_ids) -> tuple[dict[int, list[Availability]], dict[int, list[Leave]]]:
    """{agent id: availability windows} and {agent id: leaves} of these agents, one query each."""
    windows: dict[int, list[Availability]] = defaultdict(list)
    leaves: dict[int, list[Leave]] = defaultdict(list)
    for w in Availability.objects.filter(agent_id__in=list(agent_ids)):
        windows[w.agent_id].append(w)
    for leave in Leave.objects.filter(agent_id__in=list(agent_ids)):
        leaves[leave.agent_id].append(leave)
    return windows, leaves


def _availability_mask(windows: list[Availability], leaves: list[Leave], week_start: date, horizon: int) -> int:
    """Bit t set when the agent may work slot t: inside a weekly window (no window = always) and
    not on leave."""
    if not windows:
        mask = (1 << horizon) - 1
    else:
        mask = 0
        for day in range(horizon // SLOTS_PER_DAY + 1):
            weekday = (week_start + timedelta(days=day)).weekday()
            for w in windows:
                if w.weekday != weekday:
                    continue
                a = calendar.slot_of_time(w.starts_at)
                b = calendar.slot_of_time(w.ends_at) or SLOTS_PER_DAY
                for t in range(day * SLOTS_PER_DAY + a, min(horizon, day * SLOTS_PER_DAY + b)):
                    mask |= 1 << t
    for leave in leaves:
        for day in range(horizon // SLOTS_PER_DAY + 1):
            d = week_start + timedelta(days=day)
            if leave.start <= d < leave.end:
                mask &= ~(((1 << SLOTS_PER_DAY) - 1) << (day * SLOTS_PER_DAY))
    return mask & ((1 << horizon) - 1)


def _demand(client, week_start: date, field: str = "scheduled") -> list[int]:
    lo, hi = week_bounds(week_start)
    rows = StaffingRequirement.objects.filter(client=client, interval_start__gte=lo, interval_start__lt=hi)
    demand = [0] * WEEK_SLOTS
    for r in rows.values_list("interval_start", field):
        demand[calendar.slot_index(lo, r[0])] = r[1]
    return demand


def _floor(client, week_start: date) -> list[int]:
    """Agents required on the floor before shrinkage, per slot (where short breaks must not bite)."""
    return _demand(client, week_start, "agents")


def skilled_agents(client, *, channel: str | None = None) -> dict[int, people_selectors.AgentTerms]:
    """{agent id: terms} of the active agents with a skill for ``client`` (on ``channel``)."""
    skilled = AgentSkill.objects.filter(client=client)
    if channel:
        skilled = skilled.filter(channel=channel)
    return people_selectors.agent_terms(set(skilled.values_list("agent_id", flat=True)), active_only=True)


def _agent_spec(terms, mask: int, skills, tail: tuple[int | None, int]) -> AgentSpec:
    """The solver's and checker's view of one agent: its contract terms, availability ``mask``,
    skills (brand ids) and the previous week's tail (last end, streak)."""
    pref = None
    if terms.preferred_start:
        pref = terms.preferred_start.hour * 4 + terms.preferred_start.minute // 15
    return AgentSpec(
        id=terms.id,
        available=mask,
        weekly_max=int(terms.weekly_hours_max * 4),
        weekly_min=int(terms.weekly_hours_min * 4),
        max_days=terms.max_days_per_week,
        cost=float(terms.hourly_cost),
        surge=terms.contract_type == ContractType.SURGE,
        nights_ok=terms.nights_ok,
        preferred_start=pref,
        skills=frozenset(skills),
        prev_end=tail[0],
        prev_streak=tail[1],
    )


def _week_shifts_of_other_brands(client, agent_ids, week_start: date) -> list[Shift]:
    """Shifts other brands already hold for these agents this week: each other brand's published
    roster of the week, or its newest draft when none is published."""
    lo, hi = week_bounds(week_start)
    rosters = (
        Roster.objects.filter(week_start=week_start, status__in=[RosterStatus.DRAFT, RosterStatus.PUBLISHED])
        .exclude(client=client)
        .order_by("client_id", "-status", "-version")
    )
    chosen: dict[int, int] = {}
    for r in rosters.values("pk", "client_id", "status"):
        if r["client_id"] not in chosen or r["status"] == RosterStatus.PUBLISHED:
            chosen.setdefault(r["client_id"], r["pk"])
            if r["status"] == RosterStatus.PUBLISHED:
                chosen[r["client_id"]] = r["pk"]
    return list(
        Shift.objects.filter(roster_id__in=list(chosen.values()), agent_id__in=agent_ids)
        .filter(start__lt=hi + SPILL_SLOTS * SLOT, end__gt=lo)
        .select_related("roster")
    )


def _previous_week_tail(agent_ids, week_start: date) -> dict[int, tuple[int | None, int]]:
    """Per agent, from the previous week's published rosters of every brand: the end of the last
    shift (slot relative to this week's start, ≤ 0 or a little after when it ran past midnight)
    and the streak of consecutive days worked up to that Sunday."""
    lo, _ = week_bounds(week_start)
    prev_start = week_start - timedelta(days=7)
    rows = Shift.objects.filter(
        roster__week_start=prev_start, roster__status=RosterStatus.PUBLISHED, agent_id__in=agent_ids
    ).values_list("agent_id", "start", "end")
    tz = local_tz()
    ends: dict[int, int] = {}
    days: dict[int, set[date]] = {}
    for agent_id, start, end in rows:
        ends[agent_id] = max(ends.get(agent_id, -(10**9)), calendar.slot_index(lo, end))
        days.setdefault(agent_id, set()).add(timezone.localtime(start, tz).date())
    out = {}
    for agent_id, worked in days.items():
        streak, d = 0, week_start - timedelta(days=1)
        while d in worked:
            streak, d = streak + 1, d - timedelta(days=1)
        out[agent_id] = (ends.get(agent_id), streak)
    return out


def _assignment_of(shift: Shift, lo: datetime) -> Assignment:
    """A stored shift as the solver and checker see it (slots from the week's start ``lo``)."""
    start = calendar.slot_index(lo, shift.start)
    meal = calendar.slot_index(shift.start, shift.meal_start) if shift.meal_start else None
    breaks = tuple(
        calendar.slot_index(shift.start, datetime.fromisoformat(b)) for b in (shift.breaks or []) if isinstance(b, str)
    )
    return Assignment(
        shift.agent_id, start, calendar.slot_index(shift.start, shift.end), meal, breaks, shift.roster.client_id
    )


def _held_brand(key, client, size: int, horizon: int):
    """A brand whose shifts are held (fixed) in another brand's stage: no demand, its opening hours
    and its own shift rule (the checker judges its shifts by it)."""
    from apps.workforce.site_solver import BrandDemand

    return BrandDemand(key, [0] * size, open_slots_mask(client, horizon), rules=shift_rules_for(client))


def build_problem(*, client, week_start: date, demand: list[int] | None = None, floor: list[int] | None = None):
    """The solver's view of a brand's week as a stage of its site: this brand's demand, open hours
    and skilled agents; the shifts other brands already hold for those agents are fixed (so one
    shift a day, rest, days, consecutive days and weekly hours are counted across brands), and
    the previous published week's last shifts count for rest and consecutive days. Returns the
    SiteProblem and {agent id: people.selectors.AgentTerms}."""
    from apps.workforce.site_solver import BrandDemand, SiteProblem

    horizon = WEEK_SLOTS + SPILL_SLOTS
    rules = shift_rules_for(client)
    if demand is None:
        demand, floor = _demand(client, week_start), _floor(client, week_start)
    lo, _hi = week_bounds(week_start)
    agents = skilled_agents(client)
    skills: dict[int, set] = {pk: {client.pk} for pk in agents}
    for agent_id, other in AgentSkill.objects.filter(agent_id__in=list(agents)).values_list("agent_id", "client_id"):
        skills[agent_id].add(other)
    others = _week_shifts_of_other_brands(client, list(agents), week_start)
    tails = _previous_week_tail(list(agents), week_start)
    windows, leaves = _windows_and_leaves(agents)
    fixed = []
    other_brands = {}
    for s in others:
        fixed.append(_assignment_of(s, lo))
        skills[s.agent_id].add(s.roster.client_id)
        other_brands.setdefault(s.roster.client_id, s.roster.client)
    specs = [
        _agent_spec(
            terms,
            _availability_mask(windows[pk], leaves[pk], week_start, horizon),
            skills[pk],
            tails.get(pk, (None, 0)),
        )
        for pk, terms in agents.items()
    ]
    brands = [BrandDemand(client.pk, demand, open_slots_mask(client, horizon), floor)]
    brands += [_held_brand(key, other, len(demand), horizon) for key, other in other_brands.items()]
    problem = SiteProblem(
        brands=brands,
        agents=specs,
        rules=rules,
        night_from=NIGHT_FROM * 4,
        night_to=NIGHT_TO * 4,
        fixed=fixed,
    )
    return problem, agents


def site_check(*, client_ids, week_start: date) -> list:
    """The checker over a whole site week: every listed brand's current roster of the week
    (published, else newest draft) checked together, with the previous week's tail."""
    from apps.workforce.checker import check_roster
    from apps.workforce.site_solver import BrandDemand, SiteProblem

    lo, _ = week_bounds(week_start)
    horizon = WEEK_SLOTS + SPILL_SLOTS
    rosters = {}
    for r in Roster.objects.filter(
        client_id__in=client_ids, week_start=week_start, status__in=[RosterStatus.DRAFT, RosterStatus.PUBLISHED]
    ).order_by("-version"):
        current = rosters.get(r.client_id)
        if current is None or (r.status == RosterStatus.PUBLISHED and current.status != RosterStatus.PUBLISHED):
            rosters[r.client_id] = r
    shifts = list(Shift.objects.filter(roster__in=list(rosters.values())).select_related("roster"))
    agent_ids = {s.agent_id for s in shifts}
    tails = _previous_week_tail(list(agent_ids), week_start)
    first = next(iter(rosters.values()), None)
    rules = shift_rules_for(first.client) if first else ShiftRules()
    skills: dict[int, set] = defaultdict(set)
    for agent_id, cid in AgentSkill.objects.filter(agent_id__in=agent_ids).values_list("agent_id", "client_id"):
        skills[agent_id].add(cid)
    windows, leaves = _windows_and_leaves(agent_ids)
    specs = [
        _agent_spec(
            terms,
            _availability_mask(windows[pk], leaves[pk], week_start, horizon),
            skills[pk],
            tails.get(pk, (None, 0)),
        )
        for pk, terms in people_selectors.agent_terms(agent_ids).items()
    ]
    assignments = [_assignment_of(s, lo) for s in shifts]
    brands = [
        BrandDemand(cid, [0] * WEEK_SLOTS, open_slots_mask(r.client, horizon), rules=shift_rules_for(r.client))
        for cid, r in rosters.items()
    ]
    site = SiteProblem(brands=brands, agents=specs, rules=rules, night_from=NIGHT_FROM * 4, night_to=NIGHT_TO * 4)
    return check_roster(site, assignments)
