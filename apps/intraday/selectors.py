"""Reads of the intraday room: load one local day of brands (through the other apps' selectors)
into the pure assembly of apps.intraday.room, and this app's own rows (alerts, levers, reforecasts)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from apps.clients import selectors as clients_selectors
from apps.conversations import selectors as conversations
from apps.core.roles import scope_queryset
from apps.intraday import adherence, levers, requirement, room, spikes
from apps.intraday.models import Alert, LeverApplication, Reforecast
from apps.qa import selectors as qa
from apps.workforce import selectors as workforce

if TYPE_CHECKING:
    from apps.clients.models import Client

SLOT = timedelta(minutes=15)
BASELINE_DAYS = 14


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[local 00:00, next local 00:00) of ``day`` as aware datetimes (Asia/Shanghai)."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), tz)
    return start, start + timedelta(days=1)


def slot_of(day_start: datetime, t: datetime) -> int:
    return int((t - day_start) // SLOT)


def now_index(day: date, as_of: datetime) -> int:
    start, _end = day_bounds(day)
    return max(0, min(room.SLOTS, slot_of(start, as_of)))


def room_clients(*, user) -> QuerySet[Client]:
    return clients_selectors.clients_visible(user=user).order_by("name")


def _plan_shift(s: workforce.ShiftSpan, day_start: float) -> levers.PlanShift:
    def slot(t: float) -> int:
        return int((t - day_start) // 900)

    return levers.PlanShift(
        shift_id=s.shift_id,
        agent_id=s.agent_id,
        client_id=s.client_id,
        start=slot(s.start),
        end=slot(s.end),
        meal=(slot(s.meal_start), slot(s.meal_end)) if s.meal_start and s.meal_end else None,
        breaks=tuple(slot(b) for b in s.breaks),
        is_surge=s.is_surge,
    )


def _scheduled(s: workforce.ShiftSpan) -> adherence.ScheduledShift:
    pauses = [(b, b + 900.0) for b in s.breaks]
    if s.meal_start and s.meal_end:
        pauses.append((s.meal_start, s.meal_end))
    return adherence.ScheduledShift(s.agent_id, s.start, s.end, tuple(sorted(pauses)), shift_id=s.shift_id)


def state_events(*, agent_ids, start: datetime, end: datetime) -> list[adherence.StateEvent]:
    """State events of these agents in [start, end], oldest first (POSIX seconds straight from SQL:
    a tick reads tens of thousands of them)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT agent_id, extract(epoch FROM at)::float8, state FROM intraday_agentstateevent "
            "WHERE agent_id = ANY(%s) AND at >= %s AND at <= %s ORDER BY at, id",
            [list(agent_ids), start, end],
        )
        return [adherence.StateEvent(a, t, s) for a, t, s in cur.fetchall()]


def _day_constants(client_id: int, day: date, lo: datetime) -> tuple[float, float]:
    """(normal risk rate, plan bot rate) of a brand for a day: both read only days before it, so
    they are computed once a day and kept in the cache (a tick runs 96 times a day)."""
    key = f"tideline:intraday:constants:{client_id}:{day.isoformat()}"
    found = cache.get(key)
    if found is None:
        base_lo = lo - timedelta(days=BASELINE_DAYS)
        base_n = conversations.conversations_between(client_ids=[client_id], start=base_lo, end=lo)
        base_risk = qa.risk_conversation_count(client_id=client_id, start=base_lo, end=lo)
        bot = workforce.history_bot_share(client_id=client_id, start=day - timedelta(days=28), end=day)
        found = (base_risk / base_n if base_n else 0.0, bot)
        cache.set(key, found, 6 * 3600)
    return found


def _slot_actuals(client_ids: list[int], *, lo: datetime, done: datetime, now: int):
    """{brand id: [SlotActual] for the ``now`` completed intervals} (empty intervals stay zero)."""
    actual: dict[int, list[room.SlotActual]] = {c: [room.SlotActual() for _ in range(now)] for c in client_ids}
    for r in conversations.interval_actuals(client_ids=client_ids, start=lo, end=done):
        actual[r.client_id][slot_of(lo, r.at)] = room.SlotActual(
            r.conversations, r.bot_only, r.human, r.human_seconds, r.offered_to_human,
            r.answered, r.in_target, r.abandoned, r.first_response_sum,
        )  # fmt: skip
    return actual


def _events_by_brand(shifts, *, lo: datetime, as_of: datetime) -> dict[int, list]:
    """The state events of the shifts' agents from two hours before the first shift until ``as_of``,
    by the brand of the agent's shift."""
    agent_ids = {s.agent_id for s in shifts}
    first_start = min((s.start for s in shifts), default=lo.timestamp())
    events = state_events(
        agent_ids=agent_ids, start=datetime.fromtimestamp(first_start, tz=lo.tzinfo) - timedelta(hours=2), end=as_of
    )
    agent_brand = {s.agent_id: s.client_id for s in shifts}
    events_by_brand: dict[int, list] = defaultdict(list)
    for e in events:
        if e.agent_id in agent_brand:
            events_by_brand[agent_brand[e.agent_id]].append(e)
    return events_by_brand


def _risky_by_brand(client_ids: list[int], *, lo: datetime, done: datetime):
    """({brand: {slot: {conversation id: [risk excerpts]}}}, {conversation id: buyer text})."""
    hits = qa.risk_hits(client_ids=client_ids, start=lo, end=done)
    texts = conversations.buyer_texts(conversation_ids={h[1] for h in hits}) if hits else {}
    risky: dict[int, dict[int, dict[int, list[str]]]] = defaultdict(lambda: defaultdict(dict))
    for client_id, conv_id, started, excerpt in hits:
        risky[client_id][slot_of(lo, started)].setdefault(conv_id, []).append(excerpt)
    return risky, texts


def _plan_of(client_id: int, *, lo: datetime, hi: datetime) -> tuple[list[float], float, list[int]]:
    """(forecast contacts per interval, the plan's volume-weighted AHT in s, required agents per interval)."""
    fc = workforce.forecast_volumes(client_id=client_id, start=lo, end=hi)
    forecast = [fc.get(lo + i * SLOT, (0.0, 300))[0] for i in range(room.SLOTS)]
    weight = sum(forecast)
    plan_aht = (
        sum(fc.get(lo + i * SLOT, (0.0, 300))[1] * forecast[i] for i in range(room.SLOTS)) / weight if weight else 300
    )
    req = workforce.requirement_between(client_id=client_id, start=lo, end=hi)
    plan_required = [req.get(lo + i * SLOT, (0, 0))[0] for i in range(room.SLOTS)]
    return forecast, plan_aht, plan_required


def brand_days(*, client_ids, day: date, as_of: datetime, shifts=None) -> dict[int, room.BrandDay]:
    """The loaded day of each brand up to ``as_of`` (only completed intervals count as actuals)."""
    lo, hi = day_bounds(day)
    now = now_index(day, as_of)
    done = lo + now * SLOT
    names = dict(clients_selectors.clients_by_ids(list(client_ids)).values_list("id", "name"))
    actual = _slot_actuals(list(names), lo=lo, done=done, now=now)
    if shifts is None:
        shifts = workforce.published_shift_spans(start=lo, end=hi, client_ids=list(names))
    by_brand: dict[int, list] = defaultdict(list)
    for s in shifts:
        by_brand[s.client_id].append(s)
    events_by_brand = _events_by_brand(shifts, lo=lo, as_of=as_of)
    risky, texts = _risky_by_brand(list(names), lo=lo, done=done)
    out = {}
    for client_id, name in names.items():
        forecast, plan_aht, plan_required = _plan_of(client_id, lo=lo, hi=hi)
        base_rate, plan_bot = _day_constants(client_id, day, lo)
        previous = (
            Reforecast.objects.filter(client_id=client_id, day=day, as_of__lt=as_of)
            .order_by("-as_of")
            .values_list("values", flat=True)
            .first()
        )
        brand_shifts = by_brand.get(client_id, [])
        out[client_id] = room.BrandDay(
            client_id=client_id,
            name=name,
            day_start=lo.timestamp(),
            now=now,
            as_of=as_of.timestamp(),
            forecast=forecast,
            plan_required=plan_required,
            actual=actual[client_id],
            shifts=[_scheduled(s) for s in brand_shifts],
            plan_shifts=[_plan_shift(s, lo.timestamp()) for s in brand_shifts],
            events=events_by_brand.get(client_id, []),
            risky={
                slot: [
                    spikes.RiskConversation(conv_id, tuple(ex), texts.get(conv_id, ""))
                    for conv_id, ex in sorted(convs.items())
                ]
                for slot, convs in risky[client_id].items()
            },
            base_rate=base_rate,
            params=requirement.RequirementParams(
                plan_bot_rate=plan_bot,
                plan_aht_s=float(plan_aht),
            ),
            previous=previous,
            open_slots=[n > 0 for n in plan_required] if any(plan_required) else [],
        )
    return out


def brand_rooms(*, client_ids, day: date, as_of: datetime) -> dict[int, room.BrandRoom]:
    return {c: room.build(d) for c, d in brand_days(client_ids=client_ids, day=day, as_of=as_of).items()}


def site_brand_ids(*, client_id: int) -> list[int]:
    """Brands served at the same sites as this one (itself included)."""
    sites = workforce.brand_sites([client_id]).get(client_id, set())
    all_sites = workforce.brand_sites(clients_selectors.all_client_ids())
    return sorted(c for c, s in all_sites.items() if s & sites) or [client_id]


def alerts_for(*, client_ids, day: date, until: datetime | None = None, limit: int = 50) -> list[Alert]:
    """The day's alerts of these brands, newest interval first; with ``until`` only those raised by
    then (a replay shows what the room had shown at that moment)."""
    qs = Alert.objects.filter(client_id__in=list(client_ids), day=day)
    if until is not None:
        qs = qs.filter(raised_at__lte=until)
    return list(qs.select_related("client")[:limit])


def levers_applied(*, client_ids, day: date) -> list[LeverApplication]:
    return list(
        LeverApplication.objects.filter(client_id__in=list(client_ids), day=day).select_related("client", "roster")
    )


def alert_list(*, user) -> QuerySet[Alert]:
    return scope_queryset(Alert.objects.select_related("client"), user)
