from __future__ import annotations

from datetime import date, timedelta

from apps.clients.demo import BRANDS
from apps.conversations import demo as conv_demo

STORES = [s for b in BRANDS for s in b.stores]


def _day_total(day: date, scale: float = 1.0) -> float:
    return sum(conv_demo.expected_day_volume(s, day, scale) for s in STORES)


def _normal_days() -> list[date]:
    return [date(2026, 9, 2) + timedelta(days=i) for i in range(42)]


def test_scale_one_makes_sixty_to_eighty_thousand_chats():
    days = [date(2026, 9, 2) + timedelta(days=i) for i in range(90)]
    total = sum(_day_total(d) for d in days)
    assert 60_000 <= total <= 80_000
    assert abs(sum(_day_total(d, 0.5) for d in days) - total / 2) < 1


def test_double_eleven_is_five_to_ten_times_a_normal_day():
    normal = sum(_day_total(d) for d in _normal_days()) / len(_normal_days())
    assert 5 <= _day_total(date(2026, 11, 11)) / normal <= 10


def test_the_double_eleven_midnight_hours_carry_the_peak():
    plan = conv_demo.day_plan(date(2026, 11, 11))
    normal = conv_demo.day_plan(date(2026, 9, 9))
    assert abs(sum(plan.hours) - 1) < 1e-9 and abs(sum(normal.hours) - 1) < 1e-9
    midnight_rate = plan.factor * (plan.hours[0] + plan.hours[1]) / 2  # share of a normal day per hour
    assert midnight_rate > 5 * max(normal.hours)
    assert max(range(24), key=plan.hours.__getitem__) == 0


def test_normal_days_are_quiet_at_night_and_peak_morning_afternoon_evening():
    hours = conv_demo.day_plan(date(2026, 9, 9)).hours
    assert max(hours[2:6]) < 0.01
    for peak in (10, 15, 21):
        assert hours[peak] > 2 * hours[4] and hours[peak] > hours[18]


def test_presale_and_first_payment_windows_lift_volume():
    normal = _day_total(date(2026, 10, 14))  # a Wednesday before the presale
    assert _day_total(date(2026, 10, 21)) > 1.2 * normal  # a presale Wednesday
    presale_start = conv_demo.day_plan(date(2026, 10, 20)).hours
    assert presale_start[20] > 2 * conv_demo.NORMAL_HOURS[20]
    assert _day_total(date(2026, 11, 1)) > _day_total(date(2026, 11, 2))
    assert _day_total(date(2026, 10, 31)) > _day_total(date(2026, 10, 30))
    assert _day_total(date(2026, 11, 12)) > _day_total(date(2026, 11, 13)) > _day_total(date(2026, 11, 16))


def test_weekends_are_busier_than_midweek():
    assert _day_total(date(2026, 9, 13)) > _day_total(date(2026, 9, 9))


def test_agents_slow_down_only_under_load():
    assert conv_demo.hour_load(date(2026, 9, 9), 21) == 1.0
    assert conv_demo.hour_load(date(2026, 11, 11), 0) > 2.5


def test_one_brand_is_short_handed_in_november_only():
    assert conv_demo.brand_strain("koufu", date(2026, 11, 5)) > 1.5
    assert conv_demo.brand_strain("koufu", date(2026, 10, 5)) == 1.0
    assert conv_demo.brand_strain("yuefu", date(2026, 11, 5)) == 1.0
