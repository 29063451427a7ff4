"""Forecast → requirement → solve → publish, through the services and the Celery task."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.core.choices import RunStatus
from apps.core.errors import DomainError
from apps.workforce import problem as wf_problem
from apps.workforce import services
from apps.workforce.choices import RosterChangeKind, RosterStatus, SolveKind
from apps.workforce.models import (
    AgentSkill,
    Forecast,
    Roster,
    RosterChange,
    Shift,
    SolveRun,
    StaffingRequirement,
)
from tests import factories
from tests.workforce.conftest import WEEK
from tests.workforce.factories import chat_history


def test_forecast_covers_every_interval_and_lifts_double_11(planned, brand_a):
    assert Forecast.objects.filter(client=brand_a).count() == 672
    by_day = {}
    for f in Forecast.objects.filter(client=brand_a):
        day = f.interval_start.astimezone(services.local_tz()).date()
        by_day[day] = by_day.get(day, 0) + f.volume
    assert Decimal(160 * 0.8) < by_day[date(2026, 11, 14)] < Decimal(160 * 1.2)  # an ordinary Saturday
    assert by_day[date(2026, 11, 11)] > 6 * by_day[date(2026, 11, 14)]  # the hand-set 8x uplift


def test_requirement_is_zero_at_night_and_positive_by_day(planned, brand_a):
    reqs = {
        r.interval_start.astimezone(services.local_tz()).hour: r.scheduled
        for r in StaffingRequirement.objects.filter(client=brand_a)
    }
    assert reqs[4] == 0
    assert reqs[15] > 0


def test_without_chat_history_the_requirement_staffs_the_forecast_rows_human_share(brand_b):
    """No conversations before the week: the rows' human_volume is the share after the bot; an
    override keeps that share (80 contacts where the row says 10 of 40 are human → 20)."""
    from datetime import datetime, time

    from apps.workforce.models import ForecastOverride

    factories.make_store(client=brand_b, is_24h=True)
    ten = datetime.combine(WEEK, time(10), tzinfo=services.local_tz())
    eleven = ten + timedelta(hours=1)
    Forecast.objects.create(client=brand_b, interval_start=ten, volume=60, human_volume=24, aht_seconds=300)
    Forecast.objects.create(client=brand_b, interval_start=eleven, volume=40, human_volume=10, aht_seconds=300)
    ForecastOverride.objects.create(client=brand_b, interval_start=eleven, volume=80, reason="promo")
    needs = services.requirement_plan(client=brand_b, week_start=WEEK, params=services.PlanParams())
    human = {n.at: n.human_volume for n in needs}
    assert (human[ten], human[eleven]) == (pytest.approx(24.0), pytest.approx(20.0))


def test_solve_run_writes_a_draft_roster_with_its_figures(planned):
    assert planned.status == RunStatus.SUCCEEDED, planned.error
    assert planned.roster is not None and planned.roster.status == RosterStatus.DRAFT
    assert planned.lp_bound_hours > 0
    assert planned.paid_hours >= planned.lp_bound_hours
    assert planned.efficiency >= 1
    assert planned.roster.shifts.count() > 0


def test_re_running_the_forecast_writes_no_new_rows(planned, brand_a):
    services.forecast_build(client=brand_a, week_start=WEEK)
    assert Forecast.objects.filter(client=brand_a).count() == 672


def test_publish_then_a_change_is_tracked(planned, bpo_manager):
    roster = services.roster_publish(roster=planned.roster, actor=bpo_manager)
    assert roster.status == RosterStatus.PUBLISHED
    shift = roster.shifts.first()
    services.shift_change(
        shift=shift,
        end=shift.end - timedelta(minutes=15)
        if (shift.end - shift.start) > timedelta(hours=4)
        else shift.end + timedelta(minutes=15),
        reason="doctor",
        actor=bpo_manager,
    )
    change = RosterChange.objects.get(roster=roster)
    assert change.kind == RosterChangeKind.MOVED
    assert change.before["end"] != change.after["end"]


def test_publishing_twice_is_refused(planned, bpo_manager):
    services.roster_publish(roster=planned.roster, actor=bpo_manager)
    with pytest.raises(DomainError, match="only a draft"):
        services.roster_publish(roster=planned.roster, actor=bpo_manager)


def test_a_new_published_version_supersedes_the_old(planned, brand_a, bpo_manager, django_capture_on_commit_callbacks):
    services.roster_publish(roster=planned.roster, actor=bpo_manager)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.solve_run_create(client=brand_a, week_start=WEEK, time_limit_seconds=5)
    run.refresh_from_db()
    services.roster_publish(roster=run.roster, actor=bpo_manager)
    statuses = dict(Roster.objects.filter(client=brand_a).values_list("version", "status"))
    assert statuses == {1: RosterStatus.SUPERSEDED, 2: RosterStatus.PUBLISHED}


def test_what_if_leaves_the_published_roster_alone(planned, brand_a, bpo_manager, django_capture_on_commit_callbacks):
    services.roster_publish(roster=planned.roster, actor=bpo_manager)
    shifts_before = Shift.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.solve_run_create(
            client=brand_a,
            week_start=WEEK,
            kind=SolveKind.WHAT_IF,
            params={"volume_factor": 1.5, "bot_resolution": 0.7},
            time_limit_seconds=5,
        )
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.roster is None
    assert run.scenario["required_hours"] > 0
    assert Shift.objects.count() == shifts_before


def test_more_volume_needs_more_hours_in_a_what_if(planned, brand_a):
    low = services.requirement_plan(client=brand_a, week_start=WEEK, params=services.PlanParams(volume_factor=0.5))
    high = services.requirement_plan(client=brand_a, week_start=WEEK, params=services.PlanParams(volume_factor=2.0))
    assert sum(n.staffing.scheduled for n in high) > sum(n.staffing.scheduled for n in low)


def test_a_week_must_start_on_monday(brand_a):
    with pytest.raises(DomainError, match="Monday"):
        services.forecast_build(client=brand_a, week_start=date(2026, 11, 10))


def test_bad_scenario_inputs_name_their_field(brand_a):
    with pytest.raises(DomainError) as err:
        services.solve_run_create(client=brand_a, week_start=WEEK, params={"bot_resolution": 1.5})
    assert err.value.field == "bot_resolution"


def test_a_brand_without_skilled_agents_gets_a_shortfall(brand_b, django_capture_on_commit_callbacks):
    store = factories.make_store(client=brand_b, is_24h=True)
    chat_history(store, start=WEEK - timedelta(days=14), days=14, per_day=100, seed=5)
    services.forecast_build(client=brand_b, week_start=WEEK)
    services.requirement_compute(client=brand_b, week_start=WEEK)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.solve_run_create(client=brand_b, week_start=WEEK, time_limit_seconds=5)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.short_intervals and run.surge_needed > 0
    assert "no agent with the needed skill is available" in run.notes
    assert SolveRun.objects.filter(pk=run.pk, roster__shifts__isnull=True).exists()


def test_time_given_to_another_brand_is_held_and_every_rule_counts_across_brands(planned, brand_a, brand_b):
    from apps.workforce.checker import check_roster
    from apps.workforce.site_solver import solve_site

    shift = planned.roster.shifts.select_related("agent").first()
    AgentSkill.objects.create(agent=shift.agent, client=brand_b, channel="chat")
    factories.make_store(client=brand_b, is_24h=True)
    problem, _ = wf_problem.build_problem(client=brand_b, week_start=WEEK, demand=[1] * 672)
    spec = next(a for a in problem.agents if a.id == shift.agent_id)
    assert spec.skills == frozenset({brand_a.pk, brand_b.pk})
    given = planned.roster.shifts.filter(agent=shift.agent)
    held = [f for f in problem.fixed if f.agent_id == shift.agent_id]
    assert len(held) == given.count() and {f.brand for f in held} == {brand_a.pk}
    result = solve_site(problem, time_limit_s=5, workers=1, exact=False)
    # brand B's plan never gives the agent a second shift on a day it works for brand A, and the
    # checker over both brands' shifts finds nothing
    a_days = {f.start // 96 for f in held}
    b_days = {a.start // 96 for a in result.assignments if a.agent_id == shift.agent_id and a.brand == brand_b.pk}
    assert not a_days & b_days
    assert check_roster(problem, problem.fixed + result.assignments) == []


def test_no_requirement_while_every_store_is_closed(brand_b):
    from datetime import time

    store = factories.make_store(client=brand_b, opens_at=time(8), closes_at=time(0))
    chat_history(store, start=WEEK - timedelta(days=14), days=14, per_day=400, seed=9, earliest=0)
    services.forecast_build(client=brand_b, week_start=WEEK)
    needs = services.requirement_plan(client=brand_b, week_start=WEEK, params=services.PlanParams())
    by_hour = {}
    for n in needs:
        by_hour.setdefault(n.at.astimezone(services.local_tz()).hour, []).append(n.staffing.scheduled)
    assert all(v == 0 for h in range(8) for v in by_hour[h])
    assert sum(n.human_volume for n in needs if n.at.astimezone(services.local_tz()).hour < 8) > 10
    assert any(v > 0 for v in by_hour[15])


def test_shifts_added_and_removed_after_publishing_are_tracked(planned, bpo_manager):
    roster = services.roster_publish(roster=planned.roster, actor=bpo_manager)
    shift = roster.shifts.first()
    start = shift.start + timedelta(days=1)
    added = services.shift_add(
        roster=roster, agent=shift.agent, start=start, end=start + timedelta(hours=5), reason="cover"
    )
    assert added.paid_hours == 5
    services.shift_remove(shift=added, reason="not needed", actor=bpo_manager)
    kinds = list(RosterChange.objects.filter(roster=roster).order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [RosterChangeKind.ADDED, RosterChangeKind.REMOVED]


def test_a_shift_outside_4_to_10_hours_is_refused(planned):
    shift = planned.roster.shifts.first()
    with pytest.raises(DomainError, match="4–10 hours"):
        services.shift_change(shift=shift, end=shift.start + timedelta(hours=11))
