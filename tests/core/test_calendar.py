"""The business calendar: half-open months, local (Asia/Shanghai) days, 15-minute slots, promos."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from apps.core import calendar as cal
from apps.core.choices import PromoKind
from apps.core.models import PromoEvent


def test_month_bounds_are_half_open_and_cross_the_year():
    assert cal.month_bounds(date(2026, 12, 17)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert cal.previous_month(date(2026, 1, 31)) == (date(2025, 12, 1), date(2026, 1, 1))
    assert cal.month_period(2024, 2) == (date(2024, 2, 1), date(2024, 3, 1))
    assert cal.days_in_month(date(2024, 2, 10)) == 29
    assert cal.add_months(date(2026, 11, 30), 3) == date(2027, 2, 1)


def test_quarter_and_kind_periods():
    assert cal.period_for("quarterly", date(2026, 11, 5)) == (date(2026, 10, 1), date(2027, 1, 1))
    assert cal.period_for("monthly", date(2026, 11, 5)) == (date(2026, 11, 1), date(2026, 12, 1))


def test_local_day_is_the_shanghai_date_of_an_instant():
    # 2026-11-10 16:30 UTC is 2026-11-11 00:30 in Shanghai
    assert cal.local_day(datetime(2026, 11, 10, 16, 30, tzinfo=UTC)) == date(2026, 11, 11)
    assert cal.local_day(None) is None
    lo, hi = cal.day_range_bounds(date(2026, 11, 11), date(2026, 11, 12))
    assert lo == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    assert hi - lo == timedelta(days=1)


def test_slots_are_fifteen_minutes():
    lo, hi = cal.week_bounds(date(2026, 11, 9))
    assert cal.slot_index(lo, hi) == cal.SLOTS_PER_WEEK == 7 * 96
    assert cal.slot_at(lo, 34) - lo == timedelta(hours=8, minutes=30)
    assert cal.slot_of_time(time(8, 30)) == 34


@pytest.mark.django_db
def test_promo_periods_overlapping_a_month():
    PromoEvent.objects.all().delete()
    tz = cal.local_tz()
    PromoEvent.objects.create(
        kind=PromoKind.DOUBLE_11,
        year=2026,
        name="双11",
        presale_start=date(2026, 10, 20),
        peak_start=datetime(2026, 11, 10, 20, tzinfo=tz),
        peak_end=datetime(2026, 11, 12, 2, tzinfo=tz),
        end_date=date(2026, 11, 13),
        expected_uplift=Decimal("6"),
    )
    (promo,) = cal.promo_periods(start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert promo.overlap_days(date(2026, 11, 1), date(2026, 12, 1)) == 13
    assert promo.peak_start_local == datetime(2026, 11, 10, 20)
    assert cal.promo_periods(start=date(2026, 12, 1), end=date(2027, 1, 1)) == []
