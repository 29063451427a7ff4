"""The business calendar: periods, local days, 15-minute slots and promo periods.

Every app asks this module, never its own copy, so a month, a local day and a slot mean the same
thing in billing, QA, staffing and the client report.

Rules:
- Local time is Asia/Shanghai (settings.TIME_ZONE; UTC+8, no daylight saving). Instants are stored
  in UTC; a *local day* is the calendar date of an instant in local time.
- Periods are half-open: a month is [its first day, the first day of the next month); a day range
  [start, end) as instants is [start 00:00 local, end 00:00 local).
- A slot is 15 minutes; a day has 96 slots; slot n of a range starts n × 15 minutes after its start.
- A promo period (618, Double 11, ...) runs from its presale day to its end day, both inclusive
  local dates; its peak is a half-open window of aware instants [peak_start, peak_end).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

SLOT_MINUTES = 15
SLOT = timedelta(minutes=SLOT_MINUTES)
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES  # 96
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY


# --- local time ----------------------------------------------------------------------------------


def local_tz_name() -> str:
    """The IANA name of local time ('Asia/Shanghai'), for SQL `AT TIME ZONE`."""
    return settings.TIME_ZONE


def local_tz() -> tzinfo:
    """Local time (Asia/Shanghai)."""
    return timezone.get_default_timezone()


def local_day(moment: datetime | None) -> date | None:
    """The local (Asia/Shanghai) calendar date of an aware instant; None stays None."""
    if moment is None:
        return None
    return timezone.localtime(moment, local_tz()).date()


def local_naive(moment: datetime) -> datetime:
    """An aware instant as a naive local (Asia/Shanghai) datetime, for the pure engines."""
    return timezone.localtime(moment, local_tz()).replace(tzinfo=None)


def day_start(day: date) -> datetime:
    """00:00 local of `day` as an aware instant."""
    return timezone.make_aware(datetime.combine(day, time.min), local_tz())


def day_range_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local dates [start, end) as aware instants [start 00:00, end 00:00)."""
    return day_start(start), day_start(end)


def days_between(start: date, end: date) -> list[date]:
    """Every date of [start, end)."""
    return [start + timedelta(days=i) for i in range((end - start).days)]


# --- months, quarters, weeks ---------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after the month holding `day` (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(day: date) -> tuple[date, date]:
    """The calendar month holding `day` as [first day, first day of the next month)."""
    start = day.replace(day=1)
    return start, add_months(start, 1)


def month_period(year: int, month: int) -> tuple[date, date]:
    """Month `month` of `year` as [first day, first day of the next month)."""
    return month_bounds(date(year, month, 1))


def previous_month(day: date) -> tuple[date, date]:
    """The calendar month before the one holding `day`, half-open."""
    return month_bounds(add_months(day, -1))


def days_in_month(day: date) -> int:
    """How many days the month holding `day` has (28–31)."""
    return _stdlib_calendar.monthrange(day.year, day.month)[1]


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """Quarter 1–4 of `year` as [first day, first day of the next quarter)."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    return start, add_months(start, 3)


def period_for(kind: str, day: date) -> tuple[date, date]:
    """The 'monthly' or 'quarterly' period that holds `day` (anything but 'quarterly' is a month)."""
    if kind == "quarterly":
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    return month_period(day.year, day.month)


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """The local week starting 00:00 of `week_start` as aware instants [start, start + 7 days)."""
    lo = day_start(week_start)
    return lo, lo + timedelta(days=7)


# --- 15-minute slots -----------------------------------------------------------------------------


def slot_at(origin: datetime, slot: int) -> datetime:
    """The instant slot `slot` of a range starting at `origin` begins."""
    return origin + slot * SLOT


def slot_index(origin: datetime, moment: datetime) -> int:
    """The slot of a range starting at `origin` that holds `moment` (may be negative or past the end)."""
    return int((moment - origin) / SLOT)


def slot_of_time(at: time) -> int:
    """The slot of the day a local clock time falls in (08:30 -> 34)."""
    return at.hour * 4 + at.minute // SLOT_MINUTES


# --- promo periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromoPeriod:
    """A shopping festival: [presale_start, end_date] local dates (inclusive), peak [peak_start,
    peak_end) aware instants, and the expected uplift (multiplier on a normal day's volume)."""

    name: str
    kind: str
    year: int
    presale_start: date
    peak_start: datetime
    peak_end: datetime
    end_date: date
    expected_uplift: Decimal

    @property
    def peak_start_local(self) -> datetime:
        """The peak's start as a naive local datetime."""
        return local_naive(self.peak_start)

    @property
    def peak_end_local(self) -> datetime:
        """The peak's end as a naive local datetime."""
        return local_naive(self.peak_end)

    def overlap_days(self, start: date, end: date) -> int:
        """How many days of [start, end) fall inside the promo (presale to end day); may be <= 0."""
        return (min(self.end_date + timedelta(days=1), end) - max(self.presale_start, start)).days


def promo_periods(*, start: date | None = None, end: date | None = None) -> list[PromoPeriod]:
    """The promo periods in presale order; with `start`/`end`, only those overlapping [start, end)."""
    from apps.core.models import PromoEvent

    events = PromoEvent.objects.all()
    if end is not None:
        events = events.filter(presale_start__lt=end)
    if start is not None:
        events = events.filter(end_date__gte=start)
    return [
        PromoPeriod(
            name=e.name,
            kind=e.kind,
            year=e.year,
            presale_start=e.presale_start,
            peak_start=e.peak_start,
            peak_end=e.peak_end,
            end_date=e.end_date,
            expected_uplift=e.expected_uplift,
        )
        for e in events
    ]
