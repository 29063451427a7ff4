"""Seeded random workforce cases for the blind roster check, built through the models only, and the
bridge from the product's published week to the pure validator (roster_reference).

A case is a site with 1–4 brands (one store each, 24/7 or 08:00–24:00), agents with 1–3 brand
skills, mixed contracts, availability windows, leave, night restrictions, a vendor shift rule and
sometimes a brand's own rule, a forecast for the Double 11 week (11.11 is the Wednesday) with an
optional 5–10× promo (the 00:00–02:00 rush for 24/7 brands and the 11.11 morning for all), and
sometimes a previous published week whose last shifts bear on rest and consecutive days.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.clients.models import Client
from apps.clients.validators import USCC_CHARSET, uscc_check_character
from apps.workforce.models import (
    AgentSkill,
    Availability,
    Forecast,
    Leave,
    Roster,
    Shift,
    ShiftRule,
    SolveRun,
    StaffingRequirement,
)
from tests import factories
from tests.workforce.blind import roster_reference as rr

TZ = ZoneInfo("Asia/Shanghai")
WEEK = date(2026, 11, 9)  # Monday; 11.11 is Wednesday
EPOCH = datetime(2024, 1, 1, tzinfo=TZ)  # a Monday: day numbers keep their weekday (day % 7)
Agent = AgentSkill._meta.get_field("agent").related_model


@dataclass
class CaseSpec:
    seed: int
    brands: int
    agents: int
    level: float  # peak contacts per interval of an ordinary day, per brand
    promo: float = 1.0  # multiplier of the 11.11 rush and morning
    previous_week: bool = False
    own_rule: bool = False
    label: str = ""


@dataclass
class Built:
    spec: CaseSpec
    brands: list
    stores: dict  # brand id -> Store
    agents: list
    forecasts: dict = field(default_factory=dict)  # (brand id, UTC start) -> (volume, aht)


def minute(dt: datetime) -> int:
    return int((dt.astimezone(TZ) - EPOCH).total_seconds() // 60)


def specs(count: int, *, first_seed: int = 0) -> list:
    """``count`` seeded specs: small and medium, every fourth a promo week with shared agents."""
    out = []
    for k in range(count):
        rng = random.Random(1000 + first_seed + k)
        promo = k % 4 == 3
        medium = k % 2 == 1
        brands = rng.randint(2, 4) if (promo or medium) else rng.randint(1, 2)
        out.append(
            CaseSpec(
                seed=first_seed + k,
                brands=brands,
                agents=(rng.randint(30, 60) if medium else rng.randint(8, 20)) + (20 if promo else 0),
                level=rng.uniform(6, 30) if medium else rng.uniform(2, 9),
                promo=rng.uniform(5, 10) if promo else 1.0,
                previous_week=rng.random() < 0.4,
                own_rule=rng.random() < 0.3,
                label=("promo" if promo else "medium" if medium else "small"),
            )
        )
    return out


def _shape(hour: float) -> float:
    """Relative demand of an ordinary day by local hour (night low, peaks 10–12 and 20–22)."""
    return 0.15 + 0.55 * math.exp(-((hour - 11) ** 2) / 6) + 0.85 * math.exp(-((hour - 21) ** 2) / 5)


def build(spec: CaseSpec) -> Built:
    rng = random.Random(spec.seed)
    site = factories.make_site()
    brands = [_brand(rng) for _ in range(spec.brands)]
    stores = {}
    for i, b in enumerate(brands):
        full_day = i == 0 or rng.random() < 0.3
        stores[b.pk] = factories.make_store(client=b, is_24h=full_day, opens_at=time(8), closes_at=time(0))
    if not ShiftRule.objects.filter(client__isnull=True).exists():
        ShiftRule.objects.create(name="默认", client=None)
    if spec.own_rule:
        ShiftRule.objects.create(
            name="自定", client=brands[-1], min_length_minutes=300, max_length_minutes=540, meal_minutes=45,
            min_rest_hours=12, max_days_per_week=5,
        )  # fmt: skip
    agents = [_agent(rng, site, brands) for _ in range(spec.agents)]
    built = Built(spec, brands, stores, agents)
    _forecasts(rng, built)
    if spec.previous_week:
        _previous_week(rng, built)
    return built


def _brand(rng):
    """A brand with a unique code and USCC (tests.factories' USCC repeats every 31 clients)."""
    n = rng.randrange(10**9)
    body = "91310000" + "".join(rng.choice(USCC_CHARSET[:-1]) for _ in range(9))
    return Client.objects.create(
        code=f"blind{n}", name=f"品牌{n}", legal_name=f"上海盲测{n}有限公司", uscc=body + uscc_check_character(body)
    )


def _agent(rng, site, brands):
    kind = rng.choices(["full_time", "part_time", "surge"], [6, 3, 1])[0]
    hours_max = {"full_time": 44, "part_time": rng.choice([20, 24, 30]), "surge": 40}[kind]
    hours_min = rng.choice([0, 24, 32]) if kind == "full_time" else 0
    agent = factories.make_agent(
        site=site,
        contract_type=kind,
        hourly_cost=Decimal(rng.choice(["28.00", "32.00", "35.00", "40.00"])),
        weekly_hours_min=Decimal(hours_min),
        weekly_hours_max=Decimal(hours_max),
        max_days_per_week=rng.choice([5, 5, 6, 6, 6, 4]),
        nights_ok=rng.random() < 0.75,
    )
    skills = rng.sample(brands, k=min(len(brands), rng.choice([1, 1, 2, 2, 3])))
    for b in skills:
        AgentSkill.objects.create(agent=agent, client=b, channel="chat", proficiency=rng.randint(1, 5))
    if rng.random() < 0.3:  # windows: some days, a day or an evening band
        lo, hi = rng.choice([(time(8), time(20)), (time(12), time(0)), (time(0), time(0)), (time(6), time(18))])
        for wd in sorted(rng.sample(range(7), k=rng.randint(4, 7))):
            Availability.objects.create(agent=agent, weekday=wd, starts_at=lo, ends_at=hi)
    if rng.random() < 0.12:
        start = WEEK + timedelta(days=rng.randint(0, 6))
        Leave.objects.create(agent=agent, start=start, end=start + timedelta(days=rng.randint(1, 2)))
    return agent


def _forecasts(rng, built: Built) -> None:
    rows = []
    lo = datetime.combine(WEEK, time(0), tzinfo=TZ)
    for b in built.brands:
        store = built.stores[b.pk]
        level = built.spec.level * rng.uniform(0.6, 1.4)
        aht = rng.choice([180, 240, 300, 360, 420])
        for k in range(7 * 96):
            at = lo + timedelta(minutes=15 * k)
            hour = at.hour + at.minute / 60
            if not store.is_24h and hour < 8:
                volume = 0.0
            else:
                volume = level * _shape(hour) * rng.uniform(0.85, 1.15)
                if at.date() == date(2026, 11, 11) and built.spec.promo > 1:
                    if hour < 2 and store.is_24h:
                        volume = level * built.spec.promo * rng.uniform(0.9, 1.1)
                    elif 8 <= hour < 12:
                        volume *= built.spec.promo
            volume = round(volume, 1)
            rows.append(Forecast(client=b, channel="chat", interval_start=at, volume=volume, human_volume=volume,
                                 aht_seconds=aht))  # fmt: skip
            built.forecasts[(b.pk, at)] = (volume, aht)
    Forecast.objects.bulk_create(rows)


def _previous_week(rng, built: Built) -> None:
    """A published previous week for the first brand: some agents work late on Sunday or every day."""
    brand = built.brands[0]
    prev = WEEK - timedelta(days=7)
    roster = Roster.objects.create(client=brand, week_start=prev, version=1, status="published")
    for agent in built.agents:
        if brand.pk not in set(agent.skills.values_list("client_id", flat=True)) or rng.random() < 0.5:
            continue
        if agent.leaves.exists() or agent.availability.exists() or not agent.nights_ok:
            continue
        days = range(1, 7) if rng.random() < 0.5 else range(3, 7)  # Tue–Sun: a 6-day streak up to Sunday
        end_hour = rng.choice([18, 20, 22])
        for d in days:
            day = prev + timedelta(days=d)
            start = datetime.combine(day, time(end_hour - 8), tzinfo=TZ)
            end = datetime.combine(day, time(end_hour), tzinfo=TZ)
            meal = start + timedelta(hours=4)
            Shift.objects.create(
                roster=roster, agent=agent, start=start, end=end, meal_start=meal,
                meal_end=meal + timedelta(minutes=30), breaks=[], paid_hours=Decimal("7.50"),
            )  # fmt: skip


# ---- reading the product's answer into the validator's terms ----


def _rule(obj) -> rr.Rule:
    return rr.Rule(
        min_length=obj.min_length_minutes,
        max_length=obj.max_length_minutes,
        length_step=obj.length_step_minutes,
        meal_required_over=obj.meal_required_over_minutes,
        meal_minutes=obj.meal_minutes,
        meal_earliest=obj.meal_earliest_minutes,
        meal_latest_before_end=obj.meal_latest_before_end_minutes,
        short_break_every=obj.short_break_every_minutes,
        min_rest_hours=obj.min_rest_hours,
        max_days=obj.max_days_per_week,
    )


def rules_for(brands) -> dict:
    default = ShiftRule.objects.filter(client__isnull=True).first()
    out = {}
    for b in brands:
        own = ShiftRule.objects.filter(client=b).first()
        out[b.pk] = _rule(own or default) if (own or default) else rr.Rule()
    return out


def _agent_info(a) -> rr.AgentInfo:
    windows = tuple(
        (w.weekday, w.starts_at.hour * 60 + w.starts_at.minute, (w.ends_at.hour * 60 + w.ends_at.minute) or 1440)
        for w in a.availability.all()
    )
    leave = set()
    for lv in a.leaves.all():
        d = lv.start
        while d < lv.end:
            leave.add((d - EPOCH.date()).days)
            d += timedelta(days=1)
    return rr.AgentInfo(
        id=a.pk,
        skills=frozenset(s.client_id for s in a.skills.filter(channel="chat")),
        active=a.is_active,
        max_days=a.max_days_per_week,
        hours_max=float(a.weekly_hours_max),
        hours_min=float(a.weekly_hours_min),
        nights_ok=a.nights_ok,
        windows=windows,
        leave_days=frozenset(leave),
        full_time=a.contract_type == "full_time",
        contract=a.contract_type,
    )


def _shift_info(s, *, previous: bool) -> rr.ShiftInfo:
    meal = (minute(s.meal_start), minute(s.meal_end)) if s.meal_start and s.meal_end else None
    return rr.ShiftInfo(
        agent=s.agent_id,
        brand=s.roster.client_id,
        start=minute(s.start),
        end=minute(s.end),
        meal=meal,
        breaks=tuple(minute(datetime.fromisoformat(b)) for b in s.breaks),
        paid_hours=float(s.paid_hours),
        is_surge=s.is_surge,
        previous_week=previous,
    )


def open_slots(store) -> set | None:
    if store.is_24h:
        return None
    lo = minute(datetime.combine(WEEK, time(0), tzinfo=TZ))
    opens = store.opens_at.hour * 60 + store.opens_at.minute
    closes = (store.closes_at.hour * 60 + store.closes_at.minute) or 1440
    return {lo + d * 1440 + m for d in range(-1, 8) for m in range(opens, closes, 15)}


def load_problem(built: Built, *, status: str = "published") -> rr.Problem:
    """The week of every brand of the case (``status`` rosters) plus the previous published week."""
    brand_ids = [b.pk for b in built.brands]
    shifts = []
    for week, previous, st in ((WEEK, False, status), (WEEK - timedelta(days=7), True, "published")):
        qs = Shift.objects.filter(roster__client_id__in=brand_ids, roster__week_start=week, roster__status=st)
        shifts += [_shift_info(s, previous=previous) for s in qs.select_related("roster")]
    agent_ids = {a.pk for a in built.agents} | {s.agent for s in shifts}
    agents = Agent.objects.filter(pk__in=agent_ids).prefetch_related("availability", "leaves", "skills")
    scheduled, floor = {}, {}
    for r in StaffingRequirement.objects.filter(client_id__in=brand_ids):
        scheduled[(r.client_id, minute(r.interval_start))] = r.scheduled
        floor[(r.client_id, minute(r.interval_start))] = r.agents
    return rr.Problem(
        week_start_day=(WEEK - EPOCH.date()).days,
        rules=rules_for(built.brands),
        agents={a.pk: _agent_info(a) for a in agents},
        shifts=shifts,
        scheduled=scheduled,
        floor_need=floor,
        open_slots={b.pk: open_slots(built.stores[b.pk]) for b in built.brands},
    )


def product_short(run: SolveRun) -> dict:
    """The run's own list of short intervals: local slot minute -> agents short."""
    return {minute(datetime.fromisoformat(x["at"])): int(x["short"]) for x in run.short_intervals}


# ---- driving the product as its API does (services named in apps/workforce/api/views.py) ----


def requirement(built: Built, actor) -> None:
    from apps.workforce import services

    for b in built.brands:
        services.requirement_compute(client=b, week_start=WEEK, actor=actor)


def solve_and_publish(built: Built, actor, capture, *, time_limit: int = 2, publish: bool = True) -> list:
    """Solve each brand in turn (the app's stages of the site), then publish every draft."""
    from apps.workforce import services

    runs = []
    for b in built.brands:
        with capture(execute=True):
            run = services.solve_run_create(client=b, week_start=WEEK, time_limit_seconds=time_limit, actor=actor)
        run.refresh_from_db()
        runs.append(run)
    if publish:
        for run in runs:
            if run.roster_id:
                services.roster_publish(roster=run.roster, actor=actor)
    return runs
