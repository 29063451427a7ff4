"""Demo step 2: the vendor's 300 agents at its two sites.

`agent_specs(seed)` is a pure function: the same seed gives the same agents, employee numbers and
chat nicks, so the later steps can rely on them. Every agent belongs to one brand team (its nick
starts with the brand's short name, as shop nicks do on Tmall and JD); the conversations step lets
only a brand's team answer that brand's chats, and the workforce step gives the agents matching
skills, keyed by employee_no: `brand_teams(seed)[brand_code]` lists a team's AgentSpec with its
brand, platforms and languages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from apps.clients import selectors as clients_selectors
from apps.clients.demo import BRANDS, SITES
from apps.core.demo import DemoContext
from apps.people.choices import ContractType
from apps.people.models import Agent

AGENT_COUNT = 300
# Brand teams by site (the Hefei centre serves skincare, baby and most of snacks; Chengdu the rest).
TEAM_SITES: dict[str, tuple[tuple[str, float], ...]] = {
    "yuefu": (("hefei", 1.0),),
    "mengbao": (("hefei", 1.0),),
    "koufu": (("hefei", 0.66), ("chengdu", 0.34)),
    "shanye": (("chengdu", 1.0),),
    "lanju": (("chengdu", 1.0),),
    "haijing": (("chengdu", 1.0),),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_FEMALE = "雨雪婷静敏丽娟艳芳燕玲倩颖琳欣怡佳悦梦瑶雯涵晨萱馨蕾璐菲薇露思若诗嘉慧晴宁洁楠佩婉"
GIVEN_MALE = "伟强磊洋勇军杰涛明超斌浩宇鹏飞凯俊帆博文轩睿哲航辰阳旭翔峰"
NICK_CHARS = "雨雪珂悦琪糖桃橙柚果米豆朵宁安然曦月星晴岚溪贝萌甜乐心禾苗茉莉栗可叮夏秋冬柠檬诺言"


@dataclass(frozen=True)
class AgentSpec:
    employee_no: str
    name: str
    nick: str
    site_code: str
    brand_code: str
    contract_type: str
    hourly_cost: Decimal
    hired_on: date
    platforms: tuple[str, ...]  # the platforms of the brand's stores: the agent's platform skills
    languages: tuple[str, ...]  # zh, plus en for the cross-border team


def team_sizes(total: int = AGENT_COUNT) -> dict[str, int]:
    """Agents per brand, in proportion to the brand's normal daily chat volume (largest remainder)."""
    volume = {b.code: sum(s.daily_conversations for s in b.stores) for b in BRANDS}
    whole = sum(volume.values())
    exact = {code: total * v / whole for code, v in volume.items()}
    sizes = {code: int(x) for code, x in exact.items()}
    for code in sorted(exact, key=lambda c: (sizes[c] - exact[c], c))[: total - sum(sizes.values())]:
        sizes[code] += 1
    return sizes


def _nick_pool() -> list[str]:
    pool = [f"{p}{c}" for p in ("小", "阿", "晓") for c in NICK_CHARS]
    pool += [f"{a}{b}" for a in NICK_CHARS[:12] for b in NICK_CHARS[12:24] if a != b]
    return pool


def _hourly_cost(rng: random.Random, contract_type: str, hired_on: date) -> Decimal:
    if contract_type == ContractType.FULL_TIME:
        seniority = min((date(2026, 9, 1) - hired_on).days // 365, 6)
        steps = 68 + 2 * seniority + rng.randint(0, 4)  # 34.00–48.00 in 0.50 steps
    elif contract_type == ContractType.PART_TIME:
        steps = 60 + rng.randint(0, 8)  # 30.00–34.00
    else:
        steps = 92 + rng.randint(0, 12)  # 46.00–52.00: agency surge staff cost more per hour
    return (Decimal(steps) / 2).quantize(Decimal("0.01"))


def _hired_on(rng: random.Random, contract_type: str) -> date:
    if contract_type == ContractType.FULL_TIME:
        return date(2019, 3, 1) + timedelta(days=rng.randint(0, (date(2026, 6, 30) - date(2019, 3, 1)).days))
    if contract_type == ContractType.PART_TIME:
        return date(2025, 1, 6) + timedelta(days=rng.randint(0, (date(2026, 8, 20) - date(2025, 1, 6)).days))
    return date(2026, 10, 9) + timedelta(days=rng.randint(0, 10))  # taken on for the Double 11 presale


def agent_specs(seed: int) -> list[AgentSpec]:
    """The demo agents for a seed: 75% full-time, 15% part-time, 10% temporary surge per brand team."""
    rng = random.Random(f"{seed}:workforce.demo_agents")  # its old name: the same seed, the same agents
    prefixes = {s.code: s.employee_prefix for s in SITES}
    counters = dict.fromkeys(prefixes, 0)
    nick_pool = _nick_pool()
    specs: list[AgentSpec] = []
    used_names: set[str] = set()
    for brand in BRANDS:
        size = team_sizes()[brand.code]
        n_surge = round(size * 0.10)
        n_part = round(size * 0.15)
        types = (
            [ContractType.SURGE] * n_surge
            + [ContractType.PART_TIME] * n_part
            + [ContractType.FULL_TIME] * (size - n_surge - n_part)
        )
        rng.shuffle(types)
        nicks = rng.sample(nick_pool, size)
        sites: list[str] = []
        for site_code, share in TEAM_SITES[brand.code]:
            sites += [site_code] * round(size * share)
        sites = (sites + [TEAM_SITES[brand.code][0][0]] * size)[:size]
        for contract_type, nick, site_code in zip(types, nicks, sites, strict=True):
            counters[site_code] += 1
            while True:
                chars = GIVEN_FEMALE if rng.random() < 0.7 else GIVEN_MALE
                given = "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2))))
                name = rng.choice(SURNAMES) + given
                if name not in used_names:
                    used_names.add(name)
                    break
            hired_on = _hired_on(rng, contract_type)
            specs.append(
                AgentSpec(
                    employee_no=f"{prefixes[site_code]}{counters[site_code]:04d}",
                    name=name,
                    nick=f"{brand.short}-{nick}",
                    site_code=site_code,
                    brand_code=brand.code,
                    contract_type=contract_type,
                    hourly_cost=_hourly_cost(rng, contract_type, hired_on),
                    hired_on=hired_on,
                    platforms=tuple(str(store.platform) for store in brand.stores),
                    languages=("zh", "en") if brand.category == "cosmetics_xb" else ("zh",),
                )
            )
    return specs


def brand_teams(seed: int) -> dict[str, list[AgentSpec]]:
    """brand code -> the agents of its team, in employee-number order."""
    teams: dict[str, list[AgentSpec]] = {b.code: [] for b in BRANDS}
    for spec in sorted(agent_specs(seed), key=lambda s: s.employee_no):
        teams[spec.brand_code].append(spec)
    return teams


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    sites = clients_selectors.sites_by_code(s.code for s in SITES)
    missing = {s.code for s in SITES} - set(sites)
    if missing:
        raise RuntimeError(f"The sites {sorted(missing)} are missing: run the clients demo step first.")
    specs = agent_specs(ctx.seed)
    wanted = {s.employee_no: s.nick for s in specs}
    strangers = list(
        Agent.objects.filter(nick__in=wanted.values()).exclude(employee_no__in=wanted).values_list("nick", flat=True)
    )
    if strangers:
        raise RuntimeError(f"Agents outside the demo roster hold the demo chat nicks {sorted(strangers)[:5]}.")
    # A roster made with another seed may hold these nicks under other employee numbers: park them first.
    for agent in Agent.objects.filter(nick__in=wanted.values()):
        if wanted[agent.employee_no] != agent.nick:
            agent.nick = f"~{agent.employee_no}"
            agent.save(update_fields=["nick"])
    before = Agent.objects.filter(employee_no__in=wanted).count()
    Agent.objects.bulk_create(
        [
            Agent(
                employee_no=spec.employee_no,
                name=spec.name,
                nick=spec.nick,
                site=sites[spec.site_code],
                contract_type=spec.contract_type,
                hourly_cost=spec.hourly_cost,
                is_active=True,
                hired_on=spec.hired_on,
            )
            for spec in specs
        ],
        update_conflicts=True,
        unique_fields=["employee_no"],
        update_fields=["name", "nick", "site", "contract_type", "hourly_cost", "is_active", "hired_on"],
    )
    changed = len(specs) - before
    by_type = {t: sum(1 for s in specs if s.contract_type == t) for t in ContractType.values}
    ctx.say(f"  {len(specs)} agents ({changed} new): " + ", ".join(f"{k} {v}" for k, v in by_type.items()))
