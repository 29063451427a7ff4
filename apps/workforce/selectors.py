"""Workforce reads: history for the forecast, forecasts with overrides, rosters, and the summaries
that billing and the client reports use (names fixed by the team brief).

'Night hours' are hours worked 22:00–08:00 Asia/Shanghai (meal excluded). Worked hours of a shift
count on the local date the shift starts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Sum
from django.utils import timezone

from apps.conversations import selectors as conversations
from apps.core import calendar
from apps.core.calendar import day_range_bounds, local_day, local_naive
from apps.core.roles import scope_queryset
from apps.workforce.choices import RosterStatus


def conversation_start_times(*, client_id: int, channel: str, start: date, end: date) -> list[datetime]:
    """Local naive start times of a brand's conversations in [start, end) (one per contact)."""
    stamps = conversations.conversation_start_times(client_id=client_id, channel=channel, start=start, end=end)
    return [local_naive(t) for t in stamps]


def history_bot_share(*, client_id: int, start: date, end: date) -> float:
    """Share of conversations the bot resolved alone in [start, end) (0 when there is no history)."""
    counts = conversations.handled_counts(client_id=client_id, start=start, end=end)
    return counts.bot / counts.total if counts.total else 0.0


def history_bot_share_or_none(*, client_id: int, start: date, end: date) -> float | None:
    """history_bot_share, or None when the brand has no conversation in [start, end)."""
    counts = conversations.handled_counts(client_id=client_id, start=start, end=end)
    return counts.bot / counts.total if counts.total else None


def forecast_human_parts(*, client_id: int, start: datetime, end: datetime) -> dict[datetime, tuple[float, float]]:
    """{interval start: (human contacts, all contacts)} of the stored forecast rows, summed over
    channels (overrides not applied): the human share the forecast itself carries."""
    from apps.workforce.models import Forecast

    out: dict[datetime, tuple[float, float]] = {}
    for at, human, volume in Forecast.objects.filter(
        client_id=client_id, interval_start__gte=start, interval_start__lt=end
    ).values_list("interval_start", "human_volume", "volume"):
        h, v = out.get(at, (0.0, 0.0))
        out[at] = (h + float(human), v + float(volume))
    return out


def history_aht_seconds(*, client_id: int, start: date, end: date, default: int = 300) -> int:
    """Median length of human-handled conversations, bounded to 60–1,800 s (the chat's handle time)."""
    lengths = sorted(conversations.human_handle_seconds(client_id=client_id, start=start, end=end, limit=20000))
    if not lengths:
        return default
    return int(min(1800, max(60, lengths[len(lengths) // 2])))


def forecast_promos() -> list:
    """Every promo period as the forecast engine's Promo (naive local peak), in presale order."""
    from apps.workforce import forecasting

    return [
        forecasting.Promo(
            p.name, p.presale_start, p.peak_start_local, p.peak_end_local, p.end_date, float(p.expected_uplift)
        )
        for p in calendar.promo_periods()
    ]


def forecast_volumes(*, client_id: int, start: datetime, end: datetime) -> dict[datetime, tuple[float, int]]:
    """{interval start: (contacts, AHT s)} summed over channels, manager overrides winning."""
    from apps.workforce.models import Forecast, ForecastOverride

    out: dict[datetime, list] = {}
    for at, channel, volume, aht in Forecast.objects.filter(
        client_id=client_id, interval_start__gte=start, interval_start__lt=end
    ).values_list("interval_start", "channel", "volume", "aht_seconds"):
        out.setdefault(at, {})[channel] = [float(volume), aht]
    for at, channel, volume in ForecastOverride.objects.filter(
        client_id=client_id, interval_start__gte=start, interval_start__lt=end
    ).values_list("interval_start", "channel", "volume"):
        slot = out.setdefault(at, {})
        slot[channel] = [float(volume), slot.get(channel, [0, 300])[1]]
    result = {}
    for at, by_channel in out.items():
        total = sum(v for v, _ in by_channel.values())
        aht = max(a for _, a in by_channel.values())
        result[at] = (total, aht)
    return result


def published_roster(*, client_id: int, week_start: date):
    from apps.workforce.models import Roster

    return Roster.objects.filter(client_id=client_id, week_start=week_start, status=RosterStatus.PUBLISHED).first()


def latest_roster(*, client_id: int, week_start: date):
    """The week's published roster, else its newest draft."""
    from apps.workforce.models import Roster

    return published_roster(client_id=client_id, week_start=week_start) or (
        Roster.objects.filter(client_id=client_id, week_start=week_start, status=RosterStatus.DRAFT)
        .order_by("-version")
        .first()
    )


def coverage_series(roster, *, start: datetime, slots: int) -> list[int]:
    """Agents on the floor per 15-minute slot from ``start`` (meals excluded)."""
    diff = [0] * (slots + 1)

    def idx(t: datetime) -> int:
        return max(0, min(slots, calendar.slot_index(start, t)))

    if roster is None:
        return [0] * slots
    for s_start, s_end, m_start, m_end in roster.shifts.values_list("start", "end", "meal_start", "meal_end"):
        diff[idx(s_start)] += 1
        diff[idx(s_end)] -= 1
        if m_start:
            diff[idx(m_start)] -= 1
            diff[idx(m_end)] += 1
    out, run = [], 0
    for t in range(slots):
        run += diff[t]
        out.append(run)
    return out


def rosters_for_user(user):
    from apps.workforce.models import Roster

    return scope_queryset(Roster.objects.select_related("client"), user)


# ---------------------------------------------------------------- shared interfaces


def _published_shifts(client_id: int, start: date, end: date):
    from apps.workforce.models import Shift

    lo, hi = day_range_bounds(start, end)
    return Shift.objects.filter(
        roster__client_id=client_id, roster__status=RosterStatus.PUBLISHED, start__gte=lo, start__lt=hi
    )


def worked_hours_by_day(*, client_id: int, start: date, end: date) -> list[tuple[date, Decimal, Decimal]]:
    """(local date, paid hours, night hours) per day of [start, end) from the client's published
    rosters; days without shifts are included with zeros."""
    hours: dict[date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for s_start, paid, night in _published_shifts(client_id, start, end).values_list(
        "start", "paid_hours", "night_hours"
    ):
        day = hours[local_day(s_start)]
        day[0] += paid
        day[1] += night
    out = []
    d = start
    while d < end:
        paid, night = hours.get(d, (Decimal(0), Decimal(0)))
        out.append((d, paid.quantize(Decimal("0.01")), night.quantize(Decimal("0.01"))))
        d += timedelta(days=1)
    return out


def surge_seats_by_day(*, client_id: int, start: date, end: date) -> list[tuple[date, int]]:
    """(local date, distinct temporary-surge agents rostered that day) from published rosters."""
    agents: dict[date, set[int]] = defaultdict(set)
    for s_start, agent_id in (
        _published_shifts(client_id, start, end).filter(is_surge=True).values_list("start", "agent_id")
    ):
        agents[local_day(s_start)].add(agent_id)
    out = []
    d = start
    while d < end:
        out.append((d, len(agents.get(d, ()))))
        d += timedelta(days=1)
    return out


@dataclass(frozen=True)
class StaffingPeriodSummary:
    """Staffing vs demand of one client over [start, end): see the team brief for the keys."""

    by_day: list[dict] = field(default_factory=list)
    interval_peak: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)


def _forecast_by_interval(*, client_id: int, lo: datetime, hi: datetime) -> dict[datetime, Decimal]:
    """{interval start: contacts} over [lo, hi): the forecast summed over channels, where a manager's
    override replaces the whole interval."""
    from apps.workforce.models import Forecast, ForecastOverride

    forecast: dict[datetime, Decimal] = {}
    for at, volume in Forecast.objects.filter(
        client_id=client_id, interval_start__gte=lo, interval_start__lt=hi
    ).values_list("interval_start", "volume"):
        forecast[at] = forecast.get(at, Decimal(0)) + volume
    for at, volume in ForecastOverride.objects.filter(
        client_id=client_id, interval_start__gte=lo, interval_start__lt=hi
    ).values_list("interval_start", "volume"):
        forecast[at] = volume
    return forecast


def _published_coverage(*, client_id: int, start: date, end: date, lo: datetime, slots: int) -> list[int]:
    """Agents on the floor per 15-minute slot from `lo`, summed over the published rosters of the
    weeks that touch the local dates [start, end)."""
    from apps.workforce.models import Roster

    scheduled = [0] * slots
    for roster in Roster.objects.filter(
        client_id=client_id,
        status=RosterStatus.PUBLISHED,
        week_start__gte=start - timedelta(days=6),
        week_start__lt=end,
    ):
        scheduled = [a + b for a, b in zip(scheduled, coverage_series(roster, start=lo, slots=slots), strict=True)]
    return scheduled


def _actual_by_interval(*, client_id: int, start: date, end: date) -> dict[datetime, int]:
    """{local interval start (aware): contacts} from the imported conversations."""
    actual: dict[datetime, int] = defaultdict(int)
    tz = calendar.local_tz()
    for t in conversations.conversation_start_times(client_id=client_id, start=start, end=end):
        local = timezone.localtime(t, tz)
        actual[local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)] += 1
    return actual


def _peak_interval(required: dict[datetime, int], scheduled: list[int], lo: datetime) -> dict:
    """The interval with the most agents required (the earliest on a tie) and who was scheduled then."""
    peak_at, peak_required = None, 0
    for at, value in required.items():
        if value > peak_required or (value == peak_required and peak_at is not None and at < peak_at):
            peak_at, peak_required = at, value
    interval_peak = {"at": peak_at, "required": peak_required, "scheduled": 0}
    if peak_at is not None:
        interval_peak["scheduled"] = scheduled[calendar.slot_index(lo, peak_at)]
    return interval_peak


def staffing_period_summary(*, client_id: int, start: date, end: date) -> StaffingPeriodSummary:
    from apps.workforce.models import StaffingRequirement

    lo, hi = day_range_bounds(start, end)
    forecast = _forecast_by_interval(client_id=client_id, lo=lo, hi=hi)
    actual = _actual_by_interval(client_id=client_id, start=start, end=end)
    required = dict(
        StaffingRequirement.objects.filter(
            client_id=client_id, interval_start__gte=lo, interval_start__lt=hi
        ).values_list("interval_start", "scheduled")
    )
    scheduled = _published_coverage(client_id=client_id, start=start, end=end, lo=lo, slots=calendar.slot_index(lo, hi))
    worked = {d: (h, n) for d, h, n in worked_hours_by_day(client_id=client_id, start=start, end=end)}
    surge = dict(surge_seats_by_day(client_id=client_id, start=start, end=end))
    by_day = []
    for d in calendar.days_between(start, end):
        day_lo, day_hi = day_range_bounds(d, d + timedelta(days=1))
        f = sum((v for at, v in forecast.items() if day_lo <= at < day_hi), Decimal(0))
        a = sum(v for at, v in actual.items() if day_lo <= at < day_hi)
        req = sum(v for at, v in required.items() if day_lo <= at < day_hi)
        by_day.append(
            {
                "date": d,
                "forecast_contacts": f.quantize(Decimal("0.1")),
                "actual_contacts": a,
                "required_agent_hours": (Decimal(req) / 4).quantize(Decimal("0.01")),
                "scheduled_agent_hours": worked[d][0],
                "surge_seats": surge[d],
            }
        )
    # WAPE over the intervals that have a forecast (aware datetimes compare as instants)
    abs_err = sum(abs(float(v) - actual.get(at, 0)) for at, v in forecast.items())
    actual_in_forecast = sum(actual.get(at, 0) for at in forecast)
    wape = Decimal(str(round(abs_err / actual_in_forecast, 4))) if actual_in_forecast else None
    totals = {
        "scheduled_agent_hours": sum((h for h, _ in worked.values()), Decimal(0)),
        "night_agent_hours": sum((n for _, n in worked.values()), Decimal(0)),
        "surge_seat_days": sum(surge.values()),
        "forecast_wape": wape,
    }
    return StaffingPeriodSummary(by_day=by_day, interval_peak=_peak_interval(required, scheduled, lo), totals=totals)


def solve_runs_for(*, client_id: int, week_start: date, limit: int = 10):
    from apps.workforce.models import SolveRun

    return SolveRun.objects.filter(client_id=client_id, week_start=week_start).order_by("-created_at")[:limit]


def roster_grid(roster) -> list[dict]:
    """One row per agent: name and, per weekday, the shift text ("08:00–16:30")."""
    if roster is None:
        return []
    tz = timezone.get_default_timezone()
    rows: dict[int, dict] = {}
    for shift in roster.shifts.select_related("agent").order_by("agent__employee_no", "start"):
        row = rows.setdefault(
            shift.agent_id,
            {"agent": shift.agent, "days": [""] * 7, "hours": Decimal(0), "surge": shift.is_surge},
        )
        start = timezone.localtime(shift.start, tz)
        end = timezone.localtime(shift.end, tz)
        day = (start.date() - roster.week_start).days
        if 0 <= day < 7:
            row["days"][day] = f"{start:%H:%M}–{end:%H:%M}"
        row["hours"] += shift.paid_hours
    return list(rows.values())


def sum_paid_hours(roster) -> Decimal:
    return roster.shifts.aggregate(total=Sum("paid_hours"))["total"] or Decimal(0) if roster else Decimal(0)


def forecast_accuracy(*, client_id: int, week_start: date, channel: str = "chat", history_days: int = 63):
    """WAPE of the forecast model vs the seasonal-naive baseline on the held-out week ``week_start``
    (fit on the history before it). None when the week has no actual contacts yet."""
    from apps.workforce import forecasting

    first = week_start - timedelta(days=history_days)
    stamps = conversation_start_times(client_id=client_id, channel=channel, start=first, end=week_start + timedelta(7))
    series = forecasting.to_interval_series(
        stamps,
        start=datetime.combine(first, datetime.min.time()),
        end=datetime.combine(week_start + timedelta(days=7), datetime.min.time()),
    )
    if series[series.index >= datetime.combine(week_start, datetime.min.time())].sum() == 0:
        return None
    through = min(week_start + timedelta(days=7), timezone.localdate())
    return forecasting.accuracy_report(series, start=week_start, days=7, promos=forecast_promos(), through=through)


@dataclass(frozen=True)
class StaffingGaps:
    """What a client report needs beyond staffing_period_summary: the exact forecast of each day (not
    rounded: the report rounds once, at display) and the 15-minute intervals whose published rosters
    cover fewer agents than required, as (local start, required, scheduled), in time order."""

    forecast_by_day: dict[date, Decimal]
    short_intervals: list[tuple[datetime, int, int]]


def staffing_gaps(*, client_id: int, start: date, end: date) -> StaffingGaps:
    """Exact daily forecast and the intervals rostered under demand over the local dates [start, end)."""
    from apps.workforce.models import StaffingRequirement

    lo, hi = day_range_bounds(start, end)
    tz = calendar.local_tz()
    by_day: dict[date, Decimal] = defaultdict(Decimal)
    for at, volume in _forecast_by_interval(client_id=client_id, lo=lo, hi=hi).items():
        by_day[local_day(at)] += volume
    scheduled = _published_coverage(client_id=client_id, start=start, end=end, lo=lo, slots=calendar.slot_index(lo, hi))
    short = []
    for at, required in sorted(
        StaffingRequirement.objects.filter(
            client_id=client_id, interval_start__gte=lo, interval_start__lt=hi, scheduled__gt=0
        ).values_list("interval_start", "scheduled")
    ):
        have = scheduled[calendar.slot_index(lo, at)]
        if have < required:
            short.append((timezone.localtime(at, tz), required, have))
    return StaffingGaps(forecast_by_day=dict(by_day), short_intervals=short)


def draft_beside_published(*, client_id: int, week_start: date):
    """(published, newest draft newer than it) of a week; either may be None."""
    from apps.workforce.models import Roster

    published = published_roster(client_id=client_id, week_start=week_start)
    drafts = Roster.objects.filter(client_id=client_id, week_start=week_start, status=RosterStatus.DRAFT)
    if published is not None:
        drafts = drafts.filter(version__gt=published.version)
    return published, drafts.order_by("-version").first()


@dataclass(frozen=True)
class RosterComparison:
    """A draft beside the published roster: paid hours, short intervals (against ``required``) and
    agents rostered of each, and how many agents' week changed (a shift added, removed or moved)."""

    paid_published: Decimal
    paid_draft: Decimal
    short_published: int
    short_draft: int
    agents_published: int
    agents_draft: int
    agents_changed: int

    @property
    def paid_diff(self) -> Decimal:
        return self.paid_draft - self.paid_published

    @property
    def short_diff(self) -> int:
        return self.short_draft - self.short_published


def compare_rosters(published, draft, *, required: list[int], start: datetime) -> RosterComparison:
    def weeks(roster) -> dict[int, set]:
        out: dict[int, set] = {}
        for agent_id, s, e in roster.shifts.values_list("agent_id", "start", "end"):
            out.setdefault(agent_id, set()).add((s, e))
        return out

    def short(roster) -> int:
        cover = coverage_series(roster, start=start, slots=len(required))
        return sum(1 for r, c in zip(required, cover, strict=True) if c < r)

    a, b = weeks(published), weeks(draft)
    changed = sum(1 for agent in set(a) | set(b) if a.get(agent) != b.get(agent))
    return RosterComparison(
        paid_published=sum_paid_hours(published),
        paid_draft=sum_paid_hours(draft),
        short_published=short(published),
        short_draft=short(draft),
        agents_published=len(a),
        agents_draft=len(b),
        agents_changed=changed,
    )


def has_forecast(*, client_id: int, start: datetime, end: datetime) -> bool:
    from apps.workforce.models import Forecast

    return Forecast.objects.filter(client_id=client_id, interval_start__gte=start, interval_start__lt=end).exists()


PHASE_ORDER = ("presale_start", "presale_2000", "rush_0000", "double11_day", "returns_week")


def learned_phases(*, client_id: int, week_start: date) -> list[tuple[str, float]]:
    """The learned uplift per promo phase (× the promo year's own baseline) of the week's newest
    forecast build, from its audit record, in phase order; [] when none was learned."""
    from apps.core.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            action="workforce.forecast_build", client_id=client_id, data__week_start=week_start.isoformat()
        )
        .order_by("-at")
        .first()
    )
    phases = (event.data or {}).get("phases", {}) if event else {}
    return [(k, float(phases[k])) for k in PHASE_ORDER if k in phases]


# ---------------------------------------------------------------- the intraday room (apps.intraday)


@dataclass(frozen=True)
class DayShift:
    """A published shift touching a day: UTC times, the roster's brand, breaks as datetimes."""

    shift_id: int
    roster_id: int
    client_id: int
    agent_id: int
    agent_name: str
    site_id: int
    start: datetime
    end: datetime
    meal_start: datetime | None
    meal_end: datetime | None
    breaks: tuple[datetime, ...]
    is_surge: bool


def published_shifts_between(*, start: datetime, end: datetime, client_ids=None) -> list[DayShift]:
    """Shifts of published rosters overlapping [start, end), of these brands (None: all)."""
    from apps.workforce.models import Shift

    qs = Shift.objects.filter(roster__status=RosterStatus.PUBLISHED, start__lt=end, end__gt=start)
    if client_ids is not None:
        qs = qs.filter(roster__client_id__in=list(client_ids))
    rows = qs.order_by("start", "agent_id").values_list(
        "id", "roster_id", "roster__client_id", "agent_id", "agent__name", "agent__site_id",
        "start", "end", "meal_start", "meal_end", "breaks", "is_surge",
    )  # fmt: skip
    return [DayShift(*r[:10], tuple(datetime.fromisoformat(b) for b in (r[10] or [])), r[11]) for r in rows]


def requirement_between(*, client_id: int, start: datetime, end: datetime) -> dict[datetime, tuple[int, int]]:
    """{interval start: (agents on the floor, scheduled)} of the stored staffing requirement."""
    from apps.workforce.models import StaffingRequirement

    return {
        at: (agents, scheduled)
        for at, agents, scheduled in StaffingRequirement.objects.filter(
            client_id=client_id, interval_start__gte=start, interval_start__lt=end
        ).values_list("interval_start", "agents", "scheduled")
    }


@dataclass(frozen=True)
class AgentWeek:
    """What the levers need to know of an agent this week: paid hours in published rosters (all
    brands), the weekly maximum, its shifts' (start, end) this week and the surrounding days, its
    skills (brand ids), site, name and whether it is a surge agent."""

    agent_id: int
    name: str
    site_id: int
    paid_hours: float
    weekly_hours_max: float
    shifts: tuple[tuple[datetime, datetime], ...]
    skills: frozenset[int]
    is_surge: bool


def agent_weeks(*, site_ids, week_start: date) -> list[AgentWeek]:
    """Every active agent of these sites with its week (see AgentWeek)."""
    from apps.people.selectors import active_agent_rows
    from apps.workforce.models import AgentSkill, Shift

    tz = timezone.get_default_timezone()
    lo = timezone.make_aware(datetime.combine(week_start, datetime.min.time()), tz)
    hi = lo + timedelta(days=7)
    agents = active_agent_rows(site_ids=site_ids)
    ids = [a[0] for a in agents]
    paid: dict[int, float] = defaultdict(float)
    spans: dict[int, list] = defaultdict(list)
    for agent_id, s, e, hours in Shift.objects.filter(
        agent_id__in=ids, roster__status=RosterStatus.PUBLISHED, start__gte=lo - timedelta(days=1),
        start__lt=hi + timedelta(days=1),
    ).values_list("agent_id", "start", "end", "paid_hours"):  # fmt: skip
        spans[agent_id].append((s, e))
        if lo <= s < hi:
            paid[agent_id] += float(hours)
    skills: dict[int, set[int]] = defaultdict(set)
    for agent_id, client_id in AgentSkill.objects.filter(agent_id__in=ids).values_list("agent_id", "client_id"):
        skills[agent_id].add(client_id)
    return [
        AgentWeek(
            agent_id=a_id,
            name=name,
            site_id=site_id,
            paid_hours=paid[a_id],
            weekly_hours_max=float(wmax),
            shifts=tuple(sorted(spans[a_id])),
            skills=frozenset(skills[a_id]),
            is_surge=contract == "surge",
        )
        for a_id, name, site_id, wmax, contract in agents
    ]


def agent_ids_by_nick(nicks) -> dict[str, int]:
    from apps.people import selectors as people_selectors

    return people_selectors.agent_ids_by_nick(nicks)


def agent_ids_by_employee_no(numbers) -> dict[str, int]:
    from apps.people import selectors as people_selectors

    return people_selectors.agent_ids_by_employee_no(numbers)


def agent_names(ids) -> dict[int, str]:
    from apps.people import selectors as people_selectors

    return people_selectors.agent_names(ids)


def brand_sites(client_ids) -> dict[int, set[int]]:
    """{brand id: the sites whose agents have a skill for it}."""
    from apps.workforce.models import AgentSkill

    out: dict[int, set[int]] = defaultdict(set)
    for client_id, site_id in (
        AgentSkill.objects.filter(client_id__in=list(client_ids)).values_list("client_id", "agent__site_id").distinct()
    ):
        out[client_id].add(site_id)
    return out


def agent_nicks(ids) -> dict[int, str]:
    """{agent id: chat nick} (what chat exports and state feeds name agents by)."""
    from apps.people import selectors as people_selectors

    return people_selectors.agent_nicks(ids)


class ShiftSpan(NamedTuple):
    """A published shift as POSIX seconds (the intraday tick reads thousands of them a tick)."""

    shift_id: int
    client_id: int
    agent_id: int
    start: float
    end: float
    meal_start: float | None
    meal_end: float | None
    breaks: tuple[float, ...]
    is_surge: bool


def published_shift_spans(*, start: datetime, end: datetime, client_ids) -> list[ShiftSpan]:
    """Shifts of published rosters of these brands overlapping [start, end), times in POSIX seconds
    (the same rows as published_shifts_between, without building datetimes)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            'SELECT s.id, r.client_id, s.agent_id, extract(epoch FROM s.start)::float8, extract(epoch FROM s."end")::float8, '
            "extract(epoch FROM s.meal_start)::float8, extract(epoch FROM s.meal_end)::float8, "
            "ARRAY(SELECT extract(epoch FROM b::timestamptz)::float8 FROM jsonb_array_elements_text(s.breaks) b), "
            "s.is_surge FROM workforce_shift s JOIN workforce_roster r ON r.id = s.roster_id "
            'WHERE r.status = %s AND r.client_id = ANY(%s) AND s.start < %s AND s."end" > %s ORDER BY s.start, s.agent_id',
            [RosterStatus.PUBLISHED, list(client_ids), end, start],
        )
        return [ShiftSpan(*r[:7], tuple(r[7] or ()), r[8]) for r in cur.fetchall()]
