"""Demo step: a replayable 11.11 for the intraday room.

On top of the recorded day the conversations step imported, this step adds (through the same
services a live day uses):
- a **deviation at 20:00**: from 20:00 to 22:00 the brand with most agents on shift then (else 萌宝乐) gets about 5× its forecast more chats
  (at least 30 an interval), the bot hands them all to humans and the agents answer slowly (SL falls, the requirement jumps);
- a **舆情 spike**: at 20:15–20:30 forty-eight buyers of that brand complain that a product leaked
  (漏液) in the parcel and threaten a complaint (投诉) — QA's escalation-risk rule marks them;
- the **agent state feed** of the day for every published shift (logins, breaks, logouts; a few
  late, a few leaving early, a few breaks out of plan), so adherence is measured;
- ticks of the room at 19:45–20:30, so the alerts stand in the room.
Deterministic for a seed; safe to re-run (imports, events and alerts are idempotent).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from apps.clients import selectors as clients_selectors
from apps.conversations.services import import_file
from apps.core.demo import DemoContext
from apps.intraday import selectors, services
from apps.intraday.choices import StateSource
from apps.qa.services import qa_sweep_unscored
from apps.workforce import selectors as workforce

DAY = date(2026, 11, 11)
BRAND = "mengbao"  # used when no roster covers 20:00; otherwise the brand with most agents on shift then
PRODUCTS = {
    "yuefu": "精华液",
    "mengbao": "婴儿洗衣液",
    "koufu": "酱油",
    "haijing": "面霜",
    "lanju": "加湿器",
    "shanye": "户外水壶",
}
SURGE = (time(20, 0), time(22, 0))
SPIKE_AT = time(20, 15)
TICKS = (time(19, 45), time(20, 0), time(20, 15), time(20, 30))
QUESTIONS = ("宝宝的奶粉今天能发货吗？", "纸尿裤的满减券怎么用？", "下单后多久能到？", "这个辅食适合几个月的宝宝？")
# a flood that stands out at 3x the brand's normal risk rate (~9 % of chats) among the surge's
# ~130 other chats of that interval
LEAK_BUYERS = 48
LEAK = "你们家的{product}漏液了，箱子全湿透了，太差了，我要投诉！"


def _local(t: time, day: date = DAY) -> datetime:
    return timezone.make_aware(datetime.combine(day, t), timezone.get_default_timezone())


def _chat(
    rows, rng, *, store, pcid: str, start: datetime, buyer: str, question: str, nick: str, wait: int, answer: str
):
    def add(k, at, role, agent, text, msg_type="text"):
        rows.append(
            {"platform": store.platform, "shop": store.shop_id, "conversation_id": pcid, "message_id": f"{pcid}-{k}",
             "sent_at": at.isoformat(), "sender_role": role, "agent": agent, "buyer": buyer, "msg_type": msg_type,
             "content": text}
        )  # fmt: skip

    add(1, start, "buyer", "", question)
    add(2, start + timedelta(seconds=3), "system", "", "正在为您转人工客服", "system")
    add(3, start + timedelta(seconds=3 + wait), "agent", nick, answer)
    add(4, start + timedelta(seconds=40 + wait), "buyer", "", "好的谢谢")


def _surge_rows(ctx: DemoContext, client, nicks: list[str]) -> list[dict]:
    rng = ctx.rng("intraday.demo.surge")
    store = client.stores.filter(is_active=True).order_by("pk").first()
    lo, hi = selectors.day_bounds(DAY)
    forecast = workforce.forecast_volumes(client_id=client.pk, start=lo, end=hi)
    rows: list[dict] = []
    t = _local(SURGE[0])
    k = 0
    while t < _local(SURGE[1]):
        extra = max(30, round(forecast.get(t, (0.0, 300))[0] * 5))
        for _ in range(extra):
            k += 1
            start = t + timedelta(seconds=rng.randrange(0, 870))
            _chat(rows, rng, store=store, pcid=f"ID1111-S{k:04d}", start=start, buyer=f"idbuyer{k}",
                  question=rng.choice(QUESTIONS), nick=rng.choice(nicks), wait=rng.randrange(45, 260),
                  answer="亲，您好，这边帮您查询一下")  # fmt: skip
        t += timedelta(minutes=15)
    spike = _local(SPIKE_AT)
    for j in range(LEAK_BUYERS):
        start = spike + timedelta(seconds=18 * j + rng.randrange(0, 15))
        _chat(rows, rng, store=store, pcid=f"ID1111-L{j:03d}", start=start, buyer=f"leakbuyer{j}",
              question=LEAK.format(product=PRODUCTS.get(client.code, "洗衣液")),
              nick=rng.choice(nicks), wait=rng.randrange(20, 90), answer="非常抱歉给您带来不便，已为您申请补发")  # fmt: skip
    return rows


def _state_rows(ctx: DemoContext) -> list[dict]:
    """A state feed for every published shift of the day: on time mostly; 8 % late, 5 % leave early,
    5 % take a break out of plan."""
    rng = ctx.rng("intraday.demo.states")
    lo, hi = selectors.day_bounds(DAY)
    shifts = workforce.published_shifts_between(start=lo, end=hi)
    nicks = workforce.agent_nicks({s.agent_id for s in shifts})
    out = []
    for s in shifts:
        nick = nicks[s.agent_id]

        def ev(at: datetime, state: str, nick=nick):
            out.append({"agent": nick, "state": state, "time": at.isoformat()})

        late = rng.random() < 0.08
        ev(
            s.start + (timedelta(minutes=rng.randrange(10, 35)) if late else -timedelta(minutes=rng.randrange(1, 6))),
            "available",
        )
        pauses = [(b, b + timedelta(minutes=15)) for b in s.breaks]
        if s.meal_start and s.meal_end:
            pauses.append((s.meal_start, s.meal_end))
        for b0, b1 in sorted(pauses):
            ev(b0 + timedelta(seconds=rng.randrange(0, 90)), "break")
            ev(b1 + timedelta(seconds=rng.randrange(0, 120)), "available")
        if rng.random() < 0.05:
            mid = s.start + (s.end - s.start) / 3
            ev(mid, "break")
            ev(mid + timedelta(minutes=20), "available")
        early = rng.random() < 0.05
        ev(
            s.end - (timedelta(minutes=rng.randrange(30, 70)) if early else -timedelta(minutes=rng.randrange(0, 4))),
            "offline",
        )
    return out


def _brand():
    """The brand of the deviation: the one with most agents on shift at 20:00 on 11.11 (so the room
    shows its floor and adherence), 萌宝乐 when no roster covers that hour."""
    lo, hi = selectors.day_bounds(DAY)
    at = _local(SURGE[0])
    counts: dict[int, int] = {}
    for s in workforce.published_shifts_between(start=lo, end=hi):
        if s.start <= at < s.end:
            counts[s.client_id] = counts.get(s.client_id, 0) + 1
    if counts:
        best = min(counts, key=lambda c: (-counts[c], c))
        return clients_selectors.clients_by_ids([best]).get()
    return next(iter(clients_selectors.clients_with_codes([BRAND])), None)


def seed(ctx: DemoContext) -> None:
    client = _brand()
    if client is None:
        ctx.say("  no brand for the intraday demo: skipped")
        return
    lo, hi = selectors.day_bounds(DAY)
    on_shift = [s.agent_id for s in workforce.published_shifts_between(start=lo, end=hi, client_ids=[client.pk])]
    nicks = sorted(set(workforce.agent_nicks(on_shift).values())) or ["mengbao-demo"]
    rows = _surge_rows(ctx, client, nicks)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "intraday-1111-mengbao.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
        run = import_file(path=path, file_format="canonical_jsonl")
    # full coverage even where the import's on-commit QA hand-over has not run (inside a transaction)
    qa_sweep_unscored(client_id=client.pk)
    ctx.say(f"  11.11 20:00 deviation and 舆情 spike for {client.name}: {run.messages_imported} messages imported")
    states = _state_rows(ctx)
    if states:
        result = services.state_events_record(rows=states, source=StateSource.REPLAY, now=hi + timedelta(days=1))
        ctx.say(f"  agent state feed of 11.11: {result.created} new events of {result.received}")
    brand_ids = selectors.site_brand_ids(client_id=client.pk)
    raised = 0
    for t in TICKS:
        raised += len(services.tick(client_ids=brand_ids, day=DAY, as_of=_local(t), deliver=False).new_alerts)
    ctx.say(f"  room ticked at {', '.join(t.strftime('%H:%M') for t in TICKS)}: {raised} new alerts")
