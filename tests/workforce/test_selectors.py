"""The shared selectors other apps use: worked hours, night hours, surge seats, the period summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.people.choices import ContractType
from apps.workforce import selectors, services
from apps.workforce.choices import RosterStatus
from apps.workforce.models import Roster, Shift
from tests import factories


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute), timezone.get_default_timezone())


def _published(client, week: date) -> Roster:
    return Roster.objects.create(client=client, week_start=week, status=RosterStatus.PUBLISHED)


def _shift(roster, agent, start, end, *, meal=None):
    meal_pair = (meal, meal + timedelta(minutes=30)) if meal else None
    paid = Decimal((end - start).total_seconds() / 3600) - (Decimal("0.5") if meal else 0)
    return Shift.objects.create(
        roster=roster,
        agent=agent,
        start=start,
        end=end,
        meal_start=meal_pair[0] if meal_pair else None,
        meal_end=meal_pair[1] if meal_pair else None,
        paid_hours=paid,
        night_hours=services.night_hours(start, end, meal_pair),
        is_surge=agent.contract_type == ContractType.SURGE,
    )


def test_night_hours_are_22_to_08_shanghai_minus_the_meal():
    day = date(2026, 11, 10)
    assert services.night_hours(_at(day, 20), _at(day + timedelta(days=1), 2)) == Decimal("4")
    assert services.night_hours(
        _at(day, 20), _at(day + timedelta(days=1), 2), (_at(day, 23), _at(day, 23, 30))
    ) == Decimal("3.5")
    assert services.night_hours(_at(day, 8), _at(day, 16)) == 0


def test_worked_hours_by_day_counts_published_shifts_only(brand_a):
    week = date(2026, 11, 9)
    agent = factories.make_agent()
    roster = _published(brand_a, week)
    _shift(roster, agent, _at(week, 20), _at(week + timedelta(days=1), 2))
    draft = Roster.objects.create(client=brand_a, week_start=week, version=2)
    _shift(draft, agent, _at(week + timedelta(days=2), 9), _at(week + timedelta(days=2), 17))
    rows = selectors.worked_hours_by_day(client_id=brand_a.pk, start=week, end=week + timedelta(days=3))
    assert rows == [
        (week, Decimal("6.00"), Decimal("4.00")),
        (week + timedelta(days=1), Decimal("0.00"), Decimal("0.00")),
        (week + timedelta(days=2), Decimal("0.00"), Decimal("0.00")),
    ]


def test_surge_seats_count_distinct_surge_agents_per_day(brand_a):
    week = date(2026, 11, 9)
    roster = _published(brand_a, week)
    surge = [factories.make_agent(contract_type=ContractType.SURGE) for _ in range(2)]
    regular = factories.make_agent()
    _shift(roster, surge[0], _at(week, 8), _at(week, 14))
    _shift(roster, surge[1], _at(week, 9), _at(week, 15))
    _shift(roster, regular, _at(week, 9), _at(week, 15))
    _shift(roster, surge[0], _at(week + timedelta(days=1), 9), _at(week + timedelta(days=1), 15))
    assert selectors.surge_seats_by_day(client_id=brand_a.pk, start=week, end=week + timedelta(days=2)) == [
        (week, 2),
        (week + timedelta(days=1), 1),
    ]


def test_other_brands_shifts_never_count(brand_a, brand_b):
    week = date(2026, 11, 9)
    _shift(_published(brand_b, week), factories.make_agent(), _at(week, 8), _at(week, 14))
    assert selectors.worked_hours_by_day(client_id=brand_a.pk, start=week, end=week + timedelta(days=1))[0][1] == 0


def test_period_summary_has_the_agreed_keys(planned, brand_a):
    services.roster_publish(roster=planned.roster)
    start = date(2026, 11, 9)
    summary = selectors.staffing_period_summary(client_id=brand_a.pk, start=start, end=start + timedelta(days=7))
    assert len(summary.by_day) == 7
    assert set(summary.by_day[0]) == {
        "date",
        "forecast_contacts",
        "actual_contacts",
        "required_agent_hours",
        "scheduled_agent_hours",
        "surge_seats",
    }
    assert set(summary.interval_peak) == {"at", "required", "scheduled"}
    assert set(summary.totals) == {"scheduled_agent_hours", "night_agent_hours", "surge_seat_days", "forecast_wape"}
    assert summary.totals["scheduled_agent_hours"] == sum(d["scheduled_agent_hours"] for d in summary.by_day)
    assert summary.interval_peak["required"] > 0
