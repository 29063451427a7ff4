"""Demo step: skills from the imported chats, contracts and availability, then forecasts,
requirements and published rosters for the Double 11 week and the other November weeks.

Skills mirror the data: an agent gets a skill for each brand × platform whose chats it answered
(Conversation.agent), with a proficiency that grows with the number of chats; about a third of the
agents are cross-trained on a second brand served at their site (proficiency 2), so brands share
agents and the Double 11 week is planned brand after brand as stages of one site: each stage
holds the shifts the earlier brands gave those agents (one shift a day, rest, days and hours
counted across brands). Requirements are
sized honestly from the demo's sampled volume, so rosters are as small as that volume is.
Safe to re-run: a brand-week that already has a published roster is left as it is.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import connection, connections, transaction

from apps.core.demo import DemoContext
from apps.people import selectors as people_selectors
from apps.people import services as people_services
from apps.people.choices import ContractType
from apps.workforce import services
from apps.workforce.choices import LeaveKind, RosterStatus, SolveKind
from apps.workforce.models import AgentSkill, Availability, Leave, Roster, SolveRun

DOUBLE_11_WEEK = date(2026, 11, 9)
# October too, so that October bills and reports have worked hours and staffing
OTHER_WEEKS = [
    date(2026, 9, 28),
    date(2026, 10, 5),
    date(2026, 10, 12),
    date(2026, 10, 19),
    date(2026, 10, 26),
    date(2026, 11, 2),
    date(2026, 11, 16),
    date(2026, 11, 23),
    date(2026, 11, 30),
]


def _proficiency(chats: int) -> int:
    return 5 if chats >= 400 else 4 if chats >= 150 else 3 if chats >= 40 else 2


@transaction.atomic
def seed_agents(ctx: DemoContext) -> int:
    """Skills from the chats each agent answered; contract hours, availability and a little leave."""
    from apps.conversations.selectors import agent_chat_counts

    rng = ctx.rng("workforce.demo")
    rows = agent_chat_counts()
    skills = [
        AgentSkill(
            agent_id=r["agent_id"],
            client_id=r["store__client_id"],
            platform=r["store__platform"],
            channel="chat",
            language="zh",
            proficiency=_proficiency(r["chats"]),
        )
        for r in rows
    ]
    AgentSkill.objects.bulk_create(skills, ignore_conflicts=True)
    AgentSkill.objects.bulk_create(_cross_training(ctx, rows), ignore_conflicts=True)
    terms, windows, leaves = _contracts(rng, people_selectors.all_agent_terms())
    people_services.agent_contracts_set(terms)
    Availability.objects.bulk_create(windows, ignore_conflicts=True)
    Leave.objects.bulk_create(leaves, ignore_conflicts=True)
    return len(skills)


def _contracts(rng, agents) -> tuple[dict, list[Availability], list[Leave]]:
    """Contract hours, days and nights by contract type, part-timers' daily windows and a little
    annual leave, drawn from ``rng`` agent by agent in employee-number order (the demo's numbers
    depend on that order). Returns ({agent id: (hours min, hours max, days, nights)}, windows, leaves)."""
    terms: dict[int, tuple[Decimal, Decimal, int, bool]] = {}
    windows = []
    leaves = []
    for agent in agents:
        if agent.contract_type == ContractType.FULL_TIME:
            terms[agent.id] = (Decimal(0), Decimal(44), 6, rng.random() < 0.7)
        elif agent.contract_type == ContractType.PART_TIME:
            terms[agent.id] = (Decimal(0), Decimal(24), 5, False)
            start = rng.choice((9, 10, 12, 14))
            for weekday in range(7):
                windows.append(
                    Availability(agent_id=agent.id, weekday=weekday, starts_at=time(start), ends_at=time(start + 9))
                )
        else:
            terms[agent.id] = (Decimal(0), Decimal(48), 6, True)
        if agent.contract_type != ContractType.SURGE and rng.random() < 0.06:
            first = date(2026, 10, 5) + timedelta(days=rng.randrange(0, 50))
            leaves.append(
                Leave(
                    agent_id=agent.id,
                    kind=LeaveKind.ANNUAL,
                    start=first,
                    end=first + timedelta(days=rng.choice((2, 3, 5))),
                )
            )
    return terms, windows, leaves


CROSS_TRAINED_SHARE = 0.35


def _cross_training(ctx: DemoContext, rows) -> list[AgentSkill]:
    """A second brand for about a third of the agents: one whose chats other agents of the same
    site answer (a brand served at that site), on that brand's platform, proficiency 2."""
    rng = ctx.rng("workforce.cross_training")
    home: dict[int, set[int]] = {}
    platform_of: dict[int, str] = {}
    for r in rows:
        home.setdefault(r["agent_id"], set()).add(r["store__client_id"])
        platform_of.setdefault(r["store__client_id"], r["store__platform"])
    site_of = {pk: t.site_id for pk, t in people_selectors.agent_terms(home).items()}
    site_clients: dict[int, set[int]] = {}
    for agent_id, clients in home.items():
        site_clients.setdefault(site_of[agent_id], set()).update(clients)
    out = []
    for agent_id in sorted(home):
        others = sorted(site_clients[site_of[agent_id]] - home[agent_id])
        if others and rng.random() < CROSS_TRAINED_SHARE:
            client_id = rng.choice(others)
            out.append(
                AgentSkill(
                    agent_id=agent_id,
                    client_id=client_id,
                    platform=platform_of[client_id],
                    channel="chat",
                    language="zh",
                    proficiency=2,
                )
            )
    return out


def plan_week(client, week: date, *, time_limit: int, quick: bool = False) -> Roster | None:
    """Forecast, requirement, solve and publish one brand-week (skipped when already published)."""
    if Roster.objects.filter(client=client, week_start=week, status=RosterStatus.PUBLISHED).exists():
        return None
    services.forecast_build(client=client, week_start=week)
    services.requirement_compute(client=client, week_start=week)
    run = SolveRun.objects.create(
        client=client,
        week_start=week,
        kind=SolveKind.PLAN,
        params={**services.PlanParams().as_dict(), "quick": quick},
        time_limit_seconds=time_limit,
    )
    services.solve_run_execute(run.pk)
    run.refresh_from_db()
    if run.roster is None:
        return None
    return services.roster_publish(roster=run.roster)


def _plan_brands(client_ids: list[int], weeks: list[date]) -> list[str]:
    """Plan and publish every week of these brands in order; the lines to print."""
    from apps.clients.selectors import clients_by_ids

    lines = []
    for client in clients_by_ids(client_ids).order_by("code"):
        for week in weeks:
            # the Double 11 week gets the full CP-SAT solve; ordinary weeks a quick LP-rounded plan
            # (a manager re-plans any week from the schedule page with the full solver)
            peak = week == DOUBLE_11_WEEK
            roster = plan_week(client, week, time_limit=6 if peak else 3, quick=not peak)
            if roster is not None:
                lines.append(f"  {client.code} {week}: {roster.shifts.count()} shifts published")
    return lines


def planning_groups(client_ids: list[int]) -> tuple[list[int], list[list[int]]]:
    """Brands served from several sites first (they share agents with every site), then one group
    per site: after the multi-site brands hold their shifts, brands of different sites share no
    agent (cross-training stays within a site), so the site groups can be planned side by side
    and each gives the same rosters as when planned alone."""
    from apps.workforce.selectors import brand_sites

    sites = brand_sites(client_ids=client_ids)
    shared = sorted(c for c in client_ids if len(sites.get(c, ())) > 1)
    groups: dict[int, list[int]] = {}
    for c in sorted(client_ids):
        if c not in shared:
            groups.setdefault(min(sites.get(c, {0})), []).append(c)
    return shared, [groups[k] for k in sorted(groups)]


def seed(ctx: DemoContext) -> None:
    from apps.conversations.selectors import client_ids_with_conversations

    made = seed_agents(ctx)
    ctx.say(f"  {made} agent skills from the imported chats")
    weeks = [DOUBLE_11_WEEK, *[w for w in OTHER_WEEKS if w < ctx.end]]
    shared, groups = planning_groups([row["store__client_id"] for row in client_ids_with_conversations()])
    for line in _plan_brands(shared, weeks):
        ctx.say(line)
    if len(groups) > 1 and not connection.in_atomic_block and (os.cpu_count() or 1) > 1:
        # a process per site group (fork: Django is set up; each child opens its own connection)
        connections.close_all()
        with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_plan_brands, groups, [weeks] * len(groups)))
    else:
        results = [_plan_brands(group, weeks) for group in groups]
    for lines in results:
        for line in lines:
            ctx.say(line)
