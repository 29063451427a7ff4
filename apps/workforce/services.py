"""Workforce writes: forecasts, overrides, requirements, solve runs, rosters and their changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from apps.core import calendar
from apps.core.audit import audit_record
from apps.core.calendar import SLOT, local_tz
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_progress, run_start, run_succeed
from apps.people.choices import ContractType
from apps.workforce import erlang, forecasting
from apps.workforce.choices import RosterChangeKind, RosterStatus, SolveKind
from apps.workforce.models import Forecast, ForecastOverride, Roster, RosterChange, Shift, SolveRun, StaffingRequirement
from apps.workforce.problem import (
    NIGHT_FROM,
    NIGHT_TO,
    WEEK_SLOTS,
    build_problem,
    open_slots_mask,
    slot_time,
    week_bounds,
)

if TYPE_CHECKING:
    from apps.people.models import Agent


@dataclass(frozen=True)
class PlanParams:
    """Scenario inputs of a requirement: service level ``sl`` within ``target_s`` seconds, occupancy cap,
    shrinkage, chat concurrency, shopper patience (s, Erlang A), volume factor and bot resolution
    rate (None = the rate seen in history)."""

    sl: float = 0.8
    target_s: float = 30.0
    max_occupancy: float = 0.88
    shrinkage: float = 0.25
    concurrency: int = 3
    patience_s: float = 180.0
    volume_factor: float = 1.0
    bot_resolution: float | None = None
    aht_s: float | None = None  # None = the forecast's AHT

    @classmethod
    def from_dict(cls, data: dict | None) -> PlanParams:
        data = dict(data or {})
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data and data[k] is not None}
        try:
            params = cls(**{k: (int(v) if k == "concurrency" else float(v)) for k, v in known.items()})
            erlang.StaffingTarget(sl=params.sl, target_s=params.target_s, max_occupancy=params.max_occupancy)
        except (TypeError, ValueError) as exc:
            raise DomainError(str(exc), field="params")
        if params.volume_factor < 0:
            raise DomainError("the volume factor must not be negative", field="volume_factor")
        if params.bot_resolution is not None and not 0 <= params.bot_resolution <= 1:
            raise DomainError("the bot resolution rate must be within 0..1", field="bot_resolution")
        if params.aht_s is not None and not 0 < params.aht_s <= 7200:
            raise DomainError("the handle time must be within 1–7200 seconds", field="aht_s")
        if params.concurrency not in erlang.CHAT_CONCURRENCY_FACTOR:
            raise DomainError("concurrency must be 1..5 chats", field="concurrency")
        return params

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# ---------------------------------------------------------------- forecast


def history_series(*, client_id: int, channel: str, start: date, end: date) -> pd.Series:
    """Contacts per local 15-minute interval in [start, end) from the imported conversations."""
    from apps.workforce.selectors import conversation_start_times

    stamps = conversation_start_times(client_id=client_id, channel=channel, start=start, end=end)
    return forecasting.to_interval_series(
        stamps, start=datetime.combine(start, time.min), end=datetime.combine(end, time.min)
    )


def forecast_build(
    *, client, week_start: date, channel: str = "chat", history_days: int = 63, actor=None
) -> list[Forecast]:
    """Forecast the week from the history before it and store it (re-runs replace the same rows)."""
    return forecast_build_with_phases(
        client=client, week_start=week_start, channel=channel, history_days=history_days, actor=actor
    )[0]


@transaction.atomic
def forecast_build_with_phases(
    *, client, week_start: date, channel: str = "chat", history_days: int = 63, actor=None
) -> tuple[list[Forecast], dict[str, float]]:
    """``forecast_build``, also answering the learned uplift per promo phase (× own-year baseline)."""
    from apps.workforce.selectors import forecast_promos, history_aht_seconds, history_bot_share

    week_bounds(week_start)
    promos = forecast_promos()
    first = week_start - timedelta(days=history_days)
    # last year's promo and the weeks before its presale (its own-year baseline) are read too
    for p in promos:
        if week_start - timedelta(days=400) <= p.presale_start < first:
            first = p.presale_start - timedelta(days=28)
    history = history_series(client_id=client.pk, channel=channel, start=first, end=week_start)
    result = forecasting.fit_and_forecast(history, start=week_start, days=7, promos=promos)
    bot_share = history_bot_share(client_id=client.pk, start=first, end=week_start)
    aht = history_aht_seconds(client_id=client.pk, start=first, end=week_start)
    tz = local_tz()
    rows = []
    for ts, volume in result.volume.items():
        at = timezone.make_aware(ts.to_pydatetime(), tz)
        v = Decimal(str(round(float(volume), 2)))
        rows.append(
            Forecast(
                client=client,
                channel=channel,
                interval_start=at,
                volume=v,
                human_volume=Decimal(str(round(float(volume) * (1 - bot_share), 2))),
                aht_seconds=aht,
                promo_uplift=Decimal(str(round(result.uplift.get(ts.date(), 1.0), 2))),
            )
        )
    Forecast.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["client", "channel", "interval_start"],
        update_fields=["volume", "human_volume", "aht_seconds", "promo_uplift", "created_at"],
    )
    audit_record(
        actor=actor,
        action="workforce.forecast_build",
        target=client,
        client=client,
        data={
            "week_start": week_start.isoformat(),
            "channel": channel,
            "total": round(float(result.volume.sum()), 1),
            "phases": {k: round(v, 3) for k, v in result.phases.items()},
        },
    )
    return rows, dict(result.phases)


@transaction.atomic
def forecast_override_set(
    *, client, interval_start: datetime, volume: Decimal, reason: str, channel: str = "chat", actor=None
) -> ForecastOverride:
    """A manager's number for one interval; kept apart from the statistical forecast."""
    if volume is None or Decimal(volume) < 0:
        raise DomainError("an override volume must not be negative", field="volume")
    if interval_start.minute % 15 or interval_start.second:
        raise DomainError("an interval starts on the 15-minute grid", field="interval_start")
    if not reason.strip():
        raise DomainError("say why the forecast is overridden", field="reason")
    override, _ = ForecastOverride.objects.update_or_create(
        client=client,
        channel=channel,
        interval_start=interval_start,
        defaults={"volume": volume, "reason": reason, "created_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(
        actor=actor,
        action="workforce.forecast_override",
        target=override,
        client=client,
        reason=reason,
        data={"volume": str(volume), "interval_start": interval_start.isoformat()},
    )
    return override


# ---------------------------------------------------------------- requirement


@dataclass(frozen=True)
class IntervalNeed:
    at: datetime
    volume: float
    human_volume: float
    staffing: erlang.Staffing


def _human_contacts(*, client_id: int, week_start: date, params: PlanParams):
    """f(interval start, contacts) → the contacts humans must answer there, the volume factor
    applied (DOMAIN: staffing covers only the human share after the bot). The bot's share is the
    scenario's ``bot_resolution`` when set, else the one seen in the 63 days before the week; a
    brand without chat history staffs the human share its forecast rows carry (human / all)."""
    from apps.workforce.selectors import forecast_human_parts, history_bot_share_or_none

    factor = params.volume_factor
    bot = params.bot_resolution
    if bot is None:
        bot = history_bot_share_or_none(client_id=client_id, start=week_start - timedelta(days=63), end=week_start)
    if bot is not None:
        return lambda at, volume: erlang.human_volume(volume=volume * factor, bot_resolution=bot)
    lo, hi = week_bounds(week_start)
    parts = forecast_human_parts(client_id=client_id, start=lo, end=hi)

    def human(at: datetime, volume: float) -> float:
        h, v = parts.get(at, (0.0, 0.0))
        if v <= 0:  # no forecast share here (an override on an empty interval): all of it
            return volume * factor
        return h * factor if volume == v else volume * factor * h / v

    return human


def requirement_plan(*, client, week_start: date, params: PlanParams) -> list[IntervalNeed]:
    """Agents per interval of the week for a scenario (pure computation over the stored forecast)."""
    from apps.workforce.selectors import forecast_volumes

    lo, hi = week_bounds(week_start)
    volumes = forecast_volumes(client_id=client.pk, start=lo, end=hi)
    if not volumes:
        raise DomainError("there is no forecast for this brand and week yet", field="week_start")
    human_of = _human_contacts(client_id=client.pk, week_start=week_start, params=params)
    target = erlang.StaffingTarget(
        sl=params.sl, target_s=params.target_s, max_occupancy=params.max_occupancy, shrinkage=params.shrinkage
    )
    open_mask = open_slots_mask(client, WEEK_SLOTS)
    closed = erlang.Staffing(load=0.0, agents=0, scheduled=0, service_level=0.0, asa_s=0.0, occupancy=0.0)
    out = []
    for at, (volume, aht) in sorted(volumes.items()):
        human = human_of(at, volume)
        slot = calendar.slot_index(lo, at)
        if not (open_mask >> slot) & 1:
            # the shop is closed: nobody is staffed; the chats wait for the opening (or the bot)
            out.append(IntervalNeed(at, volume, human, closed))
            continue
        staffing = erlang.required_agents_interval(
            volume=human,
            aht_s=params.aht_s or aht,
            target=target,
            concurrency=params.concurrency,
            patience_s=params.patience_s,
        )
        out.append(IntervalNeed(at, volume, human, staffing))
    return out


@transaction.atomic
def requirement_compute(*, client, week_start: date, params: PlanParams | None = None, actor=None) -> int:
    """Store the requirement of the week (re-runs replace the same rows). Returns intervals written."""
    params = params or PlanParams()
    needs = requirement_plan(client=client, week_start=week_start, params=params)
    rows = [
        StaffingRequirement(
            client=client,
            interval_start=n.at,
            human_volume=Decimal(str(round(n.human_volume, 2))),
            agents=n.staffing.agents,
            scheduled=n.staffing.scheduled,
            service_level=Decimal(str(round(n.staffing.service_level, 4))),
            asa_seconds=Decimal(str(round(min(n.staffing.asa_s, 99999999), 1))),
            occupancy=Decimal(str(round(n.staffing.occupancy, 4))),
            params=params.as_dict(),
        )
        for n in needs
    ]
    StaffingRequirement.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["client", "interval_start"],
        update_fields=["human_volume", "agents", "scheduled", "service_level", "asa_seconds", "occupancy", "params"],
    )
    audit_record(
        actor=actor,
        action="workforce.requirement_compute",
        target=client,
        client=client,
        data={"week_start": week_start.isoformat(), "params": params.as_dict()},
    )
    return len(rows)


# ---------------------------------------------------------------- solve runs


@transaction.atomic
def solve_run_create(
    *,
    client,
    week_start: date,
    kind: str = SolveKind.PLAN,
    params: dict | None = None,
    time_limit_seconds: int = 60,
    actor=None,
) -> SolveRun:
    """Queue a solve (or a what-if scenario) of a brand's week; the Celery task does the work."""
    from apps.workforce.tasks import solve_run_task

    week_bounds(week_start)
    plan = PlanParams.from_dict(params)
    if not 1 <= time_limit_seconds <= 600:
        raise DomainError("the time limit must be 1–600 seconds", field="time_limit_seconds")
    run = SolveRun.objects.create(
        client=client,
        week_start=week_start,
        kind=kind,
        params={**plan.as_dict(), "quick": bool((params or {}).get("quick", False))},
        time_limit_seconds=time_limit_seconds,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="workforce.solve_queued", target=run, client=client, data=plan.as_dict())
    transaction.on_commit(lambda: solve_run_task.delay(run.pk))
    return run


def _scenario_demand(run: SolveRun, params: PlanParams) -> tuple[list[int], list[int], dict]:
    """A what-if's demand and floor per slot of the week (from its own requirement plan) and the
    scenario's inputs and headline figures."""
    needs = requirement_plan(client=run.client, week_start=run.week_start, params=params)
    demand = [n.staffing.scheduled for n in needs][:WEEK_SLOTS]
    demand += [0] * (WEEK_SLOTS - len(demand))
    floor = [n.staffing.agents for n in needs][:WEEK_SLOTS]
    floor += [0] * (WEEK_SLOTS - len(floor))
    scenario = {
        "params": params.as_dict(),
        "human_contacts": round(sum(n.human_volume for n in needs), 1),
        "required_hours": round(sum(demand) / 4, 2),
        "peak_required": max(demand, default=0),
    }
    return demand, floor, scenario


def _solve(run: SolveRun, problem):
    """CP-SAT on the site problem with progress on the run (5–95 %), then the cross-brand check of
    this brand's new shifts against the other brands' held ones. Returns (site result, result)."""
    from apps.workforce import site_solver
    from apps.workforce.checker import check_roster

    home = threading.get_ident()

    def progress(stage: str, fraction: float) -> None:
        run_progress(run, done=max(run.progress_done, int(5 + 90 * fraction)))
        if threading.get_ident() != home:
            # CP-SAT calls back from its own thread: do not leave that thread's connection open
            connection.close()

    exact = not run.params.get("quick", False)
    site_result = site_solver.solve_site(
        problem, time_limit_s=run.time_limit_seconds, workers=2, on_progress=progress, exact=exact
    )
    result = site_solver.roster_result(site_result, run.client.pk)
    # every hard rule is global: check this brand's new shifts with the other brands' held ones
    breaks = check_roster(problem, problem.fixed + result.assignments)
    if breaks:
        raise DomainError(f"the plan breaks a hard rule across brands: {breaks[0]}", field="roster")
    return site_result, result


def _solve_figures(run: SolveRun, site_result, result) -> dict:
    """The run row's figures: status, hours against the bounds, gap, efficiency, short intervals
    (local start, agents short), surge and the solver's notes."""
    short = [{"at": slot_time(run.week_start, t).isoformat(), "short": gap} for t, gap in result.short_slots]
    return {
        "solver_status": result.status,
        "demand_hours": _dec(result.demand_hours),
        "paid_hours": _dec(result.paid_hours),
        "lp_bound_hours": _dec(result.lp_bound_hours),
        "cpsat_bound_hours": _dec(result.cpsat_bound_hours),
        "gap": Decimal(str(round(result.gap, 5))),
        "efficiency": Decimal(str(round(result.efficiency, 4))),
        "short_intervals": short,
        "surge_needed": result.surge_needed,
        "notes": result.notes
        + [f"repair: {site_result.repaired_shifts} new, {site_result.extended_shifts} extended shifts"],
    }


def solve_run_execute(run_id: int) -> SolveRun:
    """Run a queued solve: requirement (scenario or stored), CP-SAT, then a draft roster (plans) or
    a scenario summary (what-if, the published roster is never touched)."""
    run = SolveRun.objects.select_related("client").get(pk=run_id)
    run_start(run, total=100)
    try:
        params = PlanParams.from_dict(run.params)
        demand = floor = None
        scenario: dict = {}
        if run.kind == SolveKind.WHAT_IF:
            demand, floor, scenario = _scenario_demand(run, params)
        problem, _agents = build_problem(client=run.client, week_start=run.week_start, demand=demand, floor=floor)
        run_progress(run, done=5)
        site_result, result = _solve(run, problem)
        figures = _solve_figures(run, site_result, result)
        if run.kind == SolveKind.WHAT_IF:
            scenario.update(
                {
                    "paid_hours": round(result.paid_hours, 2),
                    "short_intervals": len(figures["short_intervals"]),
                    "surge_needed": result.surge_needed,
                    "agents_rostered": len({a.agent_id for a in result.assignments}),
                    "service_level_at_peak": _reverse_at_peak(run, params, result),
                }
            )
            run_succeed(run, scenario=scenario, **figures)
        else:
            roster = _roster_from_result(run, problem, result)
            run_succeed(run, roster=roster, **figures)
        return run
    except DomainError as exc:
        run_fail(run, error=str(exc))
        return run
    except Exception as exc:  # a failed solve is reported on its run row, never lost
        run_fail(run, error=f"{type(exc).__name__}: {exc}")
        raise


def _dec(hours: float) -> Decimal:
    return Decimal(str(round(hours, 2)))


def _reverse_at_peak(run: SolveRun, params: PlanParams, result) -> float | None:
    """Service level the scenario's roster would reach at its busiest interval (reverse Erlang)."""
    from apps.workforce.selectors import forecast_volumes

    lo, hi = week_bounds(run.week_start)
    volumes = forecast_volumes(client_id=run.client_id, start=lo, end=hi)
    if not volumes:
        return None
    at, (volume, aht) = max(volumes.items(), key=lambda kv: kv[1][0])
    slot = calendar.slot_index(lo, at)
    human_of = _human_contacts(client_id=run.client_id, week_start=run.week_start, params=params)
    rev = erlang.reverse(
        agents=result.scheduled[slot] if slot < len(result.scheduled) else 0,
        volume=human_of(at, volume),
        aht_s=params.aht_s or aht,
        target_s=params.target_s,
        concurrency=params.concurrency,
        patience_s=params.patience_s,
        shrinkage=params.shrinkage,
    )
    return round(rev.service_level, 4)


def night_hours(start: datetime, end: datetime, meal: tuple[datetime, datetime] | None = None) -> Decimal:
    """Hours of [start, end) minus the meal that fall in 22:00–08:00 Asia/Shanghai."""
    tz = local_tz()
    t = timezone.localtime(start, tz)
    stop = timezone.localtime(end, tz)
    slots = 0
    while t < stop:
        in_meal = meal is not None and meal[0] <= t < meal[1]
        if not in_meal and (t.hour >= NIGHT_FROM or t.hour < NIGHT_TO):
            slots += 1
        t += SLOT
    return Decimal(slots) / 4


@transaction.atomic
def _roster_from_result(run: SolveRun, problem, result) -> Roster:
    last = (
        Roster.objects.select_for_update()
        .filter(client=run.client, week_start=run.week_start)
        .order_by("-version")
        .first()
    )
    roster = Roster.objects.create(
        client=run.client,
        week_start=run.week_start,
        version=(last.version + 1) if last else 1,
        status=RosterStatus.DRAFT,
        stats={
            "demand_hours": round(result.demand_hours, 2),
            "paid_hours": round(result.paid_hours, 2),
            "lp_bound_hours": round(result.lp_bound_hours, 2),
            "short_intervals": len(result.short_slots),
            "surge_needed": result.surge_needed,
            "solve_run": run.pk,
        },
    )
    surge_ids = {a.id for a in problem.agents if a.surge}
    rules = problem.rules
    shifts = []
    for a in result.assignments:
        start = slot_time(run.week_start, a.start)
        end = slot_time(run.week_start, a.end)
        meal = None
        if a.meal is not None:
            meal = (
                slot_time(run.week_start, a.start + a.meal),
                slot_time(run.week_start, a.start + a.meal + rules.meal_len),
            )
        shifts.append(
            Shift(
                roster=roster,
                agent_id=a.agent_id,
                start=start,
                end=end,
                meal_start=meal[0] if meal else None,
                meal_end=meal[1] if meal else None,
                breaks=[slot_time(run.week_start, a.start + b).isoformat() for b in a.breaks],
                paid_hours=Decimal(rules.paid(a.length, a.meal)) / 4,
                night_hours=night_hours(start, end, meal),
                is_surge=a.agent_id in surge_ids,
            )
        )
    Shift.objects.bulk_create(shifts, batch_size=2000)
    audit_record(
        actor=run.created_by,
        action="workforce.roster_drafted",
        target=roster,
        client=run.client,
        data={"shifts": len(shifts), "solve_run": run.pk},
    )
    return roster


# ---------------------------------------------------------------- publishing and changes


@transaction.atomic
def roster_publish(*, roster: Roster, actor=None) -> Roster:
    """Draft → published; the week's previously published version becomes superseded."""
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    if roster.status != RosterStatus.DRAFT:
        raise DomainError(f"only a draft can be published (this one is {roster.status})", field="status")
    Roster.objects.filter(client=roster.client, week_start=roster.week_start, status=RosterStatus.PUBLISHED).update(
        status=RosterStatus.SUPERSEDED
    )
    roster.status = RosterStatus.PUBLISHED
    roster.published_at = timezone.now()
    roster.published_by = actor if getattr(actor, "pk", None) else None
    roster.save(update_fields=["status", "published_at", "published_by"])
    audit_record(actor=actor, action="workforce.roster_published", target=roster, client=roster.client)
    return roster


def _shift_state(shift: Shift) -> dict:
    return {
        "agent": shift.agent_id,
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
        "meal_start": shift.meal_start.isoformat() if shift.meal_start else None,
    }


@transaction.atomic
def shift_change(
    *,
    shift: Shift,
    start: datetime | None = None,
    end: datetime | None = None,
    agent: Agent | None = None,
    reason: str = "",
    actor=None,
) -> Shift:
    """Move or reassign one shift. On a published roster the change is tracked (RosterChange)."""
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=shift.pk)
    if shift.roster.status == RosterStatus.SUPERSEDED:
        raise DomainError("a superseded roster cannot change", field="roster")
    before = _shift_state(shift)
    kind = RosterChangeKind.MOVED
    if agent is not None and agent.pk != shift.agent_id:
        kind = RosterChangeKind.REASSIGNED
        shift.agent = agent
        shift.is_surge = agent.contract_type == ContractType.SURGE
    new_start, new_end = start or shift.start, end or shift.end
    if new_start >= new_end:
        raise DomainError("a shift must end after it starts", field="end")
    length = (new_end - new_start) / SLOT
    if length != int(length) or not 16 <= length <= 40:
        raise DomainError("a shift lasts 4–10 hours on the 15-minute grid", field="end")
    shift.start, shift.end = new_start, new_end
    if shift.meal_start and not (new_start < shift.meal_start and shift.meal_end < new_end):
        shift.meal_start = shift.meal_end = None
    meal = (shift.meal_start, shift.meal_end) if shift.meal_start else None
    meal_h = (shift.meal_end - shift.meal_start).total_seconds() / 3600 if meal else 0
    shift.paid_hours = Decimal(str(round(int(length) / 4 - meal_h, 2)))
    shift.night_hours = night_hours(new_start, new_end, meal)
    shift.save()
    if shift.roster.status == RosterStatus.PUBLISHED:
        RosterChange.objects.create(
            roster=shift.roster,
            kind=kind,
            agent=shift.agent,
            before=before,
            after=_shift_state(shift),
            reason=reason,
            changed_by=actor if getattr(actor, "pk", None) else None,
        )
    audit_record(
        actor=actor,
        action="workforce.shift_changed",
        target=shift,
        client=shift.roster.client,
        reason=reason,
        data={"before": before, "after": _shift_state(shift)},
    )
    return shift


@transaction.atomic
def shift_remove(*, shift: Shift, reason: str = "", actor=None) -> None:
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=shift.pk)
    if shift.roster.status == RosterStatus.SUPERSEDED:
        raise DomainError("a superseded roster cannot change", field="roster")
    if shift.roster.status == RosterStatus.PUBLISHED:
        RosterChange.objects.create(
            roster=shift.roster,
            kind=RosterChangeKind.REMOVED,
            agent=shift.agent,
            before=_shift_state(shift),
            reason=reason,
            changed_by=actor if getattr(actor, "pk", None) else None,
        )
    audit_record(actor=actor, action="workforce.shift_removed", target=shift, client=shift.roster.client, reason=reason)
    shift.delete()


@transaction.atomic
def shift_add(*, roster: Roster, agent: Agent, start: datetime, end: datetime, reason: str = "", actor=None) -> Shift:
    """Add a shift by hand (no meal); on a published roster the addition is tracked."""
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    if roster.status == RosterStatus.SUPERSEDED:
        raise DomainError("a superseded roster cannot change", field="roster")
    length = (end - start) / SLOT
    if end <= start or length != int(length) or not 16 <= length <= 40:
        raise DomainError("a shift lasts 4–10 hours on the 15-minute grid", field="end")
    shift = Shift.objects.create(
        roster=roster,
        agent=agent,
        start=start,
        end=end,
        paid_hours=Decimal(int(length)) / 4,
        night_hours=night_hours(start, end),
        is_surge=agent.contract_type == ContractType.SURGE,
    )
    if roster.status == RosterStatus.PUBLISHED:
        RosterChange.objects.create(
            roster=roster,
            kind=RosterChangeKind.ADDED,
            agent=agent,
            after=_shift_state(shift),
            reason=reason,
            changed_by=actor if getattr(actor, "pk", None) else None,
        )
    audit_record(actor=actor, action="workforce.shift_added", target=shift, client=roster.client, reason=reason)
    return shift


# ---------------------------------------------------------------- intraday revisions (apps.intraday)


def _edit_time(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _revised_shift(new: Roster, e: dict, start: datetime, end: datetime) -> Shift:
    """The shift an edit asks for on the new version; DomainError when it is off the 15-minute grid
    or outside 15 minutes to 12 hours."""
    length = (end - start) / SLOT
    if length != int(length) or not 1 <= length <= 48:
        raise DomainError("a shift lasts 15 minutes to 12 hours on the 15-minute grid", field="end")
    meal_start, meal_end = _edit_time(e.get("meal_start")), _edit_time(e.get("meal_end"))
    meal = (meal_start, meal_end) if meal_start and meal_end else None
    meal_h = (meal_end - meal_start).total_seconds() / 3600 if meal else 0
    return Shift(
        roster=new,
        agent_id=e["agent_id"],
        start=start,
        end=end,
        meal_start=meal[0] if meal else None,
        meal_end=meal[1] if meal else None,
        breaks=[_edit_time(b).isoformat() for b in e.get("breaks") or []],
        paid_hours=Decimal(str(round(int(length) / 4 - meal_h, 2))),
        night_hours=night_hours(start, end, meal),
        is_surge=bool(e.get("is_surge")),
    )


def _revision_rows(new: Roster, old: dict[int, Shift], edits: list[dict], *, reason: str, user):
    """(the new version's shifts, the RosterChange rows): unedited shifts copied onto ``new``, edited
    and added ones rebuilt, removals (end not after start) recorded only."""
    by_id = {e["shift_id"]: e for e in edits if e.get("shift_id") is not None}
    unknown = set(by_id) - set(old)
    if unknown:
        raise DomainError(f"shift {sorted(unknown)[0]} is not on this roster", field="shift_id")
    keep, changes = [], []
    for pk, s in old.items():
        if pk not in by_id:
            s.pk = None
            s.roster = new
            keep.append(s)
    for e in edits:
        start, end = _edit_time(e["start"]), _edit_time(e["end"])
        before = _shift_state(old[e["shift_id"]]) if e.get("shift_id") is not None else {}
        if end <= start:
            if before:
                changes.append(
                    RosterChange(
                        roster=new,
                        kind=RosterChangeKind.REMOVED,
                        agent_id=e["agent_id"],
                        before=before,
                        reason=reason,
                        changed_by=user,
                    )
                )
            continue
        shift = _revised_shift(new, e, start, end)
        keep.append(shift)
        changes.append(
            RosterChange(
                roster=new,
                kind=RosterChangeKind.MOVED if before else RosterChangeKind.ADDED,
                agent_id=e["agent_id"],
                before=before,
                after=_shift_state(shift),
                reason=reason,
                changed_by=user,
            )
        )
    return keep, changes


@transaction.atomic
def roster_revise(*, roster: Roster, edits: list[dict], reason: str, actor=None) -> Roster:
    """A published roster changed during its week: a new version with ``edits`` applied is published
    and the old one superseded, each edit recorded as a RosterChange of the new version, one audit row.

    An edit is {"shift_id": id of a shift of ``roster`` or None to add one, "agent_id", "start",
    "end", "meal_start", "meal_end", "breaks": [ISO starts], "is_surge"} (datetimes or ISO text);
    an edit whose end is not after its start removes the shift. Intraday pieces (a lent agent's
    rest of a shift) may be shorter than a planned shift: 15 minutes to 12 hours on the grid."""
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    if roster.status != RosterStatus.PUBLISHED:
        raise DomainError("only the published roster can be revised", field="roster")
    last = Roster.objects.filter(client=roster.client, week_start=roster.week_start).order_by("-version").first()
    new = Roster.objects.create(
        client=roster.client,
        week_start=roster.week_start,
        version=last.version + 1,
        status=RosterStatus.DRAFT,
        stats={**roster.stats, "revised_from": roster.version, "reason": reason[:200]},
    )
    user = actor if getattr(actor, "pk", None) else None
    keep, changes = _revision_rows(new, {s.pk: s for s in roster.shifts.all()}, edits, reason=reason, user=user)
    Shift.objects.bulk_create(keep, batch_size=2000)
    RosterChange.objects.bulk_create(changes)
    Roster.objects.filter(pk=roster.pk).update(status=RosterStatus.SUPERSEDED)
    new.status = RosterStatus.PUBLISHED
    new.published_at = timezone.now()
    new.published_by = user
    new.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        action="workforce.roster_revised",
        target=new,
        client=roster.client,
        reason=reason,
        data={"from_version": roster.version, "version": new.version, "changes": len(changes)},
    )
    return new
