"""Demo step 3: 90 days of chats for every demo store, written as canonical JSONL and imported.

Volume per store and day = the store's normal daily volume × a weekly shape × the sales calendar
(Double 11 presale from 10/20 with an 8 pm start, the first payment window 10/31–11/01, the peak on
11/11 with most of it at 00:00–02:00, elevated 11/11–11/13, a returns tail after) × ctx.scale.
Within a day chats follow an hourly shape (quiet at night, peaks 10–11 h, 14–16 h and 20–23 h).
Agents answer slower under load, and one brand (口福记) was short-handed in November (SERVICE_STRAIN).

Each store gets one file under VAR_DIR/demo/seed<seed>-scale<scale>/ whose name carries a hash of
everything that shapes its content (generator source, seed, scale, store, dates, agent roster), so
an existing file is reused as is and the same seed always gives byte-identical files. The files go
through the real importer (apps.conversations.services.import_file), which masks the shoppers'
personal data and is idempotent: a re-run imports 0 new rows.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import os
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from json.encoder import encode_basestring
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.clients import demo as clients_demo
from apps.clients.demo import BRANDS, DemoBrand, DemoStore
from apps.conversations import demo_dialogues
from apps.conversations.demo_dialogues import make_dialogue
from apps.conversations.models import Conversation, ImportRun
from apps.conversations.services import import_file
from apps.core.calendar import day_range_bounds, days_between
from apps.core.choices import RunStatus
from apps.core.demo import DemoContext
from apps.people import demo_agents
from apps.people import selectors as people_selectors
from apps.people.choices import ContractType
from apps.people.demo_agents import AgentSpec, brand_teams

GENERATOR_VERSION = "1"
FILE_FORMAT = "canonical_jsonl"

# Relative weight of each local hour in a normal day's chats (normalised by _shape).
HOUR_SHAPE = (
    1.3, 0.7, 0.4, 0.25, 0.2, 0.3, 0.8, 1.8, 3.5, 5.4, 7.1, 6.8,
    4.8, 5.2, 6.4, 6.6, 5.8, 4.6, 4.2, 5.1, 6.9, 7.5, 6.6, 3.75,
)  # fmt: skip
WEEKDAY_SHAPE = (0.98, 0.96, 0.95, 0.97, 1.0, 1.08, 1.12)  # Monday … Sunday
WEEKDAY_MEAN = sum(WEEKDAY_SHAPE) / 7

DOUBLE11 = date(2026, 11, 11)
PRESALE_START = date(2026, 10, 20)
FIRST_PAYMENT = date(2026, 10, 31)
BOT_NAMES = {
    "yuefu": "小悦",
    "shanye": "山野小助手",
    "mengbao": "萌小宝",
    "lanju": "澜小居",
    "koufu": "口福小助手",
    "haijing": "海境小蓝",
}
# A brand whose team was short-handed for a month answers slower (so one SLA misses its target).
SERVICE_STRAIN: dict[str, tuple[date, date, float]] = {"koufu": (date(2026, 11, 1), date(2026, 12, 1), 1.7)}
EMPTY = '""'
PLATFORM_PREFIX = {"tmall": "TM", "taobao": "TB", "jd": "JD", "douyin": "DY", "pinduoduo": "PDD", "cross_border": "XB"}


@dataclass(frozen=True)
class DayPlan:
    factor: float  # volume of the day relative to a normal (average-weekday) day
    phase: str  # normal | presale | peak | post (the intent mix of the dialogues)
    hours: tuple[float, ...]  # share of the day's chats per local hour (sums to 1)


def _shape(boost: dict[int, float] | None = None, fixed: dict[int, float] | None = None) -> tuple[float, ...]:
    """The normal hourly shape with some hours multiplied (`boost`) or pinned to a share (`fixed`)."""
    weights = [w * (boost or {}).get(h, 1.0) for h, w in enumerate(HOUR_SHAPE)]
    free = sum(w for h, w in enumerate(weights) if h not in (fixed or {}))
    pinned = sum((fixed or {}).values())
    return tuple((fixed[h] if fixed and h in fixed else w / free * (1 - pinned)) for h, w in enumerate(weights))


NORMAL_HOURS = _shape()
PEAK_HOUR_SHARE = max(NORMAL_HOURS)
EVENING_START = _shape(boost={20: 3.0, 21: 2.6, 22: 2.2, 23: 2.0})  # presale and payment windows open at 8 pm


def day_plan(day: date) -> DayPlan:
    """The sales-calendar shape of one day (before the weekly shape)."""
    if day < PRESALE_START or day > date(2026, 11, 20):
        return DayPlan(1.0, "normal", NORMAL_HOURS)
    if day == PRESALE_START:
        return DayPlan(1.35, "presale", EVENING_START)
    if day < FIRST_PAYMENT:
        return DayPlan(1.35, "presale", NORMAL_HOURS)
    if day == FIRST_PAYMENT:
        return DayPlan(1.9, "presale", EVENING_START)
    if day == FIRST_PAYMENT + timedelta(days=1):
        return DayPlan(2.3, "peak", _shape(fixed={0: 0.09, 1: 0.05}))
    if day < DOUBLE11 - timedelta(days=1):
        return DayPlan(1.4, "presale", NORMAL_HOURS)
    if day == DOUBLE11 - timedelta(days=1):
        return DayPlan(1.9, "presale", EVENING_START)
    if day == DOUBLE11:
        # The peak: 00:00–02:00 holds about 30% of a day that is ~7x normal.
        return DayPlan(7.2, "peak", _shape(fixed={0: 0.19, 1: 0.11, 2: 0.035}))
    if day == DOUBLE11 + timedelta(days=1):
        return DayPlan(3.0, "post", NORMAL_HOURS)
    if day == DOUBLE11 + timedelta(days=2):
        return DayPlan(2.0, "post", NORMAL_HOURS)
    return DayPlan(1.3, "post", NORMAL_HOURS)  # the logistics and returns tail to 11/20


def expected_day_volume(store: DemoStore, day: date, scale: float) -> float:
    """Expected chats of a store on a day."""
    return store.daily_conversations * WEEKDAY_SHAPE[day.weekday()] / WEEKDAY_MEAN * day_plan(day).factor * scale


def hour_load(day: date, hour: int) -> float:
    """How much slower agents answer: 1 on a normal day, up to 3.5 at the Double 11 midnight rush."""
    plan = day_plan(day)
    ratio = plan.factor * plan.hours[hour] / PEAK_HOUR_SHARE
    return min(3.5, max(1.0, math.sqrt(ratio)))


def brand_strain(brand_code: str, day: date) -> float:
    """Extra slowness of a brand's agents on a day (1 = none)."""
    start, end, factor = SERVICE_STRAIN.get(brand_code, (date.min, date.min, 1.0))
    return factor if start <= day < end else 1.0


class _AgentPicker:
    """Chooses the agent of a human chat from the brand's own team, among those hired by that day;
    temporary surge agents work only the promo weeks."""

    def __init__(self, team: list[AgentSpec]):
        self.team = team
        self._cache: dict[date, tuple[list[str], list[float]]] = {}

    def pool(self, day: date) -> tuple[list[str], list[float]]:
        cached = self._cache.get(day)
        if cached is None:
            promo = PRESALE_START <= day <= date(2026, 11, 20)
            nicks, cum, total = [], [], 0.0
            for spec in self.team:
                if spec.hired_on > day:
                    continue
                if spec.contract_type == ContractType.SURGE:
                    if not promo:
                        continue
                    weight = 1.2
                elif spec.contract_type == ContractType.PART_TIME:
                    weight = 0.5
                else:
                    weight = 1.0
                total += weight
                nicks.append(spec.nick)
                cum.append(total)
            cached = self._cache[day] = (nicks, cum)
        return cached

    def pick(self, rng: random.Random, day: date) -> str:
        nicks, cum = self.pool(day)
        return nicks[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _iso(day: date, seconds: float) -> str:
    """Local time `seconds` after the day's midnight, ISO 8601 with the +08:00 offset."""
    days, rest = divmod(math.floor(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{(day + timedelta(days=days)).isoformat()}T{hours:02d}:{minutes:02d}:{secs:02d}+08:00"


def store_lines(
    ctx: DemoContext,
    brand: DemoBrand,
    store: DemoStore,
    team: list[AgentSpec],
    stats: Counter | None = None,
    pii_sink: list[str] | None = None,
):
    """Yield one store's chats over the demo period in time order: per chat, its canonical JSONL
    lines (each ending in a newline)."""
    rng = ctx.rng(f"conversations.demo:{store.platform}:{store.shop_id}")
    picker = _AgentPicker(team)
    prefix = PLATFORM_PREFIX[store.platform]
    bot = BOT_NAMES.get(brand.code, f"{brand.short}小助手")
    recent_buyers: list[str] = []
    text = encode_basestring  # a JSON string literal, UTF-8 kept as is (the C encoder of json.dumps)
    platform, shop = text(str(store.platform)), text(store.shop_id)
    for day in days_between(ctx.start, ctx.end):
        plan = day_plan(day)
        strain = brand_strain(brand.code, day)
        expected = expected_day_volume(store, day, ctx.scale) * rng.uniform(0.92, 1.08)
        count = int(expected) + (rng.random() < expected - int(expected))
        for seq, start in enumerate(_chat_starts(rng, plan.hours, count), start=1):
            hour = int(start // 3600)
            on_duty = store.is_24h or hour >= 8
            agent = picker.pick(rng, day) if on_duty else None
            dialogue = make_dialogue(
                rng,
                category=brand.category,
                platform=store.platform,
                shop=store.name,
                bot_name=bot,
                agent_nick=agent,
                phase=plan.phase,
                load=hour_load(day, hour) * strain,
            )
            conversation_id = f"{prefix}{day:%y%m%d}{seq:05d}"
            if recent_buyers and rng.random() < (0.25 if plan.phase == "post" else 0.12):
                buyer = recent_buyers[rng.randrange(len(recent_buyers))]  # a shopper coming back
            else:
                buyer = demo_dialogues.buyer_nick(rng, store.platform)
                recent_buyers.append(buyer)
                if len(recent_buyers) > 4000:
                    del recent_buyers[:1000]
            if pii_sink is not None:
                pii_sink.extend(dialogue.pii)
            if stats is not None:
                _tally(stats, dialogue, day)
            head = f'{{"platform":{platform},"shop":{shop},"conversation_id":"{conversation_id}",'
            buyer_json = text(buyer)
            agent_json = text(agent or "")
            yield "".join(
                f'{head}"message_id":"{conversation_id}-{i:02d}","sent_at":"{_iso(day, start + turn.at)}",'
                f'"sender_role":"{turn.role}","agent":{agent_json if turn.role == "agent" else EMPTY},'
                f'"buyer":{buyer_json},"msg_type":"{turn.msg_type}","content":{text(turn.content)}}}\n'
                for i, turn in enumerate(dialogue.turns, start=1)
            )


def _chat_starts(rng, hour_shares, count: int) -> list[float]:
    """`count` chat start times (seconds into the day, sorted): an hour drawn by the day's hourly
    shares, then a second within it."""
    cum_hours = []
    total = 0.0
    for share in hour_shares:
        total += share
        cum_hours.append(total)
    return sorted(
        min(bisect.bisect_right(cum_hours, rng.random() * total), 23) * 3600 + rng.uniform(0, 3599)
        for _ in range(count)
    )


def _tally(stats: Counter, dialogue, day) -> None:
    """Count one chat in the step's figures: by handler, day, messages, personal data and event."""
    stats["conversations"] += 1
    stats[f"handled:{dialogue.handled_by}"] += 1
    stats[f"day:{day.isoformat()}"] += 1
    stats["messages"] += len(dialogue.turns)
    stats["pii"] += len(dialogue.pii)
    for event in dialogue.events:
        stats[f"event:{event}"] += 1


def _source_digest() -> str:
    """A hash of the code that shapes the files, so a changed generator never reuses an old file."""
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for module in (demo_dialogues, demo_agents, clients_demo):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def demo_dir(ctx: DemoContext) -> Path:
    return Path(settings.VAR_DIR) / "demo" / f"seed{ctx.seed}-scale{ctx.scale}"


def store_file(ctx: DemoContext, store: DemoStore, source_digest: str) -> Path:
    key = json.dumps(
        [source_digest, ctx.seed, ctx.scale, ctx.start.isoformat(), ctx.end.isoformat(), store.platform, store.shop_id]
    )
    name = f"{store.platform}-{store.shop_id}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.jsonl"
    return demo_dir(ctx) / name


def store_parts(path: Path) -> list[Path]:
    """The files of a store: `path`, then any overflow parts `<stem>.2.jsonl`, `<stem>.3.jsonl`, …"""
    extra = [p for p in path.parent.glob(f"{path.stem}.*.jsonl") if p.stem.rsplit(".", 1)[-1].isdigit()]
    return [path, *sorted(extra, key=lambda p: int(p.stem.rsplit(".", 1)[-1]))]


def write_store_file(
    ctx: DemoContext,
    brand: DemoBrand,
    store: DemoStore,
    team: list[AgentSpec],
    path: Path,
    max_bytes: int | None = None,
) -> Counter:
    """Write the store's file; return its stats.

    A store whose chats would exceed `max_bytes` (default: the importer's upload limit, with some
    headroom) continues in overflow parts, split between chats. Every part is written to a temporary
    file and renamed into place, `path` itself last, so an existing `path` means a complete set.
    """
    limit = max_bytes or int(settings.TIDELINE_MAX_UPLOAD_BYTES * 0.9)
    path.parent.mkdir(parents=True, exist_ok=True)
    stats: Counter = Counter()
    written: list[tuple[Path, Path]] = []  # (temporary, final)

    def open_part(n: int):
        final = path if n == 1 else path.with_name(f"{path.stem}.{n}.jsonl")
        tmp = final.with_name(f".{final.stem}.{os.getpid()}.part")  # concurrent runs write their own
        written.append((tmp, final))
        return tmp.open("wb")

    part, size = 1, 0
    fh = open_part(part)
    try:
        batch: list[bytes] = []
        for block in store_lines(ctx, brand, store, team, stats):
            data = block.encode("utf-8")
            if size and size + len(data) > limit:
                fh.write(b"".join(batch))
                batch.clear()
                fh.close()
                part, size = part + 1, 0
                fh = open_part(part)
            batch.append(data)
            size += len(data)
            if len(batch) >= 2_000:
                fh.write(b"".join(batch))
                batch.clear()
        fh.write(b"".join(batch))
    finally:
        fh.close()
    keep = {final for _tmp, final in written}
    for tmp, final in reversed(written):  # `path` (part 1) last
        tmp.replace(final)
    for stale in path.parent.glob(f"{store.platform}-{store.shop_id}-*.jsonl"):
        if stale not in keep:
            stale.unlink(missing_ok=True)
    return stats


def generate_files(ctx: DemoContext) -> list[tuple[DemoBrand, DemoStore, Path, bool]]:
    """Make sure each store's file exists; returns (brand, store, path, generated now) per file."""
    teams = brand_teams(ctx.seed)
    digest = _source_digest()
    out = []
    for brand in BRANDS:
        for store in brand.stores:
            path = store_file(ctx, store, digest)
            fresh = not path.exists()
            if fresh:
                stats = write_store_file(ctx, brand, store, teams[brand.code], path)
                ctx.say(
                    f"  wrote {path.name}: {stats['conversations']} chats, {stats['messages']} messages, "
                    f"bot {stats['handled:bot'] / max(stats['conversations'], 1):.0%}"
                )
            out += [(brand, store, part, fresh) for part in store_parts(path)]
    return out


def already_imported(path: Path) -> bool:
    """True if this exact file was imported before and every conversation it made is still there."""
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    runs = ImportRun.objects.filter(file_sha256=sha, status=RunStatus.SUCCEEDED)
    made = runs.aggregate(n=Sum("conversations_imported"))["n"]
    return bool(made) and Conversation.objects.filter(import_run__in=runs).count() == made


def seed(ctx: DemoContext) -> None:
    nicks = [a.nick for team in brand_teams(ctx.seed).values() for a in team]
    if len(people_selectors.agent_ids_by_nick(nicks)) != len(nicks):
        raise RuntimeError("The demo agents are missing: run the people.demo_agents step first.")
    files = generate_files(ctx)
    conversations = messages = 0
    for _brand, store, path, fresh in files:
        if already_imported(path):
            ctx.say(f"  {store.name}: {path.name} already imported")
            continue
        run = import_file(path=path, file_format=FILE_FORMAT)
        if run.status != RunStatus.SUCCEEDED:
            raise RuntimeError(f"Import of {path.name} failed: {run.error}")
        conversations += run.conversations_imported
        messages += run.messages_imported
        ctx.say(
            f"  {store.name}: {run.conversations_imported} chats and {run.messages_imported} messages imported"
            f"{'' if fresh else ' (file reused)'}, {run.duplicates} already there"
        )
    ctx.say(f"  conversations: {conversations} new chats, {messages} new messages")
    for line in summary_lines(ctx):
        ctx.say(line)


def summary_lines(ctx: DemoContext) -> list[str]:
    """Chats per brand and the Double 11 peak against a normal day, from the database."""
    lo, hi = day_range_bounds(ctx.start, ctx.end)
    chats = Conversation.objects.filter(
        started_at__gte=lo, started_at__lt=hi, store__client__code__in=[b.code for b in BRANDS]
    )
    per_brand = dict(chats.values_list("store__client__name").annotate(n=Count("id")))
    by_day = dict(
        chats.annotate(day=TruncDate("started_at", tzinfo=timezone.get_default_timezone()))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    lines = [
        f"  chats {sum(per_brand.values())}, bot share "
        f"{chats.filter(handled_by='bot').count() / max(sum(per_brand.values()), 1):.1%}: "
        + ", ".join(f"{name} {n}" for name, n in sorted(per_brand.items(), key=lambda kv: -kv[1]))
    ]
    normal = [n for day, n in by_day.items() if day_plan(day).phase == "normal" and day < PRESALE_START]
    if normal and DOUBLE11 in by_day:
        mean = sum(normal) / len(normal)
        lines.append(
            f"  Double 11: {by_day[DOUBLE11]} chats on 11/11 vs {mean:.0f} on a normal day ({by_day[DOUBLE11] / mean:.1f}x)"
        )
    return lines
