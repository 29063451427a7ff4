"""Seeded random cases for the blind attribution and commission references, and the loader of
the hand-labelled cases in ``labelled_cases.json``.

Random cases lean on the edges the rules are about: chats and orders at 00:00:00 and 23:59:59
local time, several chats by one buyer, equal start times (ties), bot-only and agentless chats,
aftersale chats, other shops and buyers, unpaid, partly and fully refunded orders, refunds that
arrive after a statement was issued, and peak windows to the hour with items on their edges.

    from tests.orders.blind import cases
    convs, orders, window_days = cases.attribution_case(seed)
    case = cases.commission_case(seed)   # dict: period, terms, items, issued_items, current_items
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.orders.blind.attribution_reference import AFTERSALE, PRESALE, Conversation, Order
from tests.orders.blind.commission_reference import CommissionItem, CommissionTerms, PeakWindow, Tier

SHANGHAI = ZoneInfo("Asia/Shanghai")
LABELLED_PATH = Path(__file__).with_name("labelled_cases.json")
BASE_DAY = dt.date(2026, 11, 9)

_EDGE_TIMES = [
    dt.time(0, 0, 0),
    dt.time(0, 0, 1),
    dt.time(23, 59, 59),
    dt.time(23, 59, 58),
    dt.time(12, 0, 0),
    dt.time(20, 0, 0),
    dt.time(1, 59, 59),
    dt.time(2, 0, 0),
]


def _money(rng: random.Random, low: int = 1, high: int = 200_000) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


def _local_time(rng: random.Random, day_span: int = 4, pool: list[dt.datetime] | None = None) -> dt.datetime:
    """A local aware datetime; often an edge of the day, sometimes one already used (ties)."""
    if pool and rng.random() < 0.2:
        return rng.choice(pool)
    day = BASE_DAY + dt.timedelta(days=rng.randint(0, day_span))
    if rng.random() < 0.5:
        t = rng.choice(_EDGE_TIMES)
    else:
        t = dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    value = dt.datetime.combine(day, t, tzinfo=SHANGHAI)
    if rng.random() < 0.3:  # same instant written in UTC
        value = value.astimezone(dt.UTC)
    return value


def attribution_case(seed: int) -> tuple[list[Conversation], list[Order], int]:
    rng = random.Random(seed)
    shops = [f"s{i}" for i in range(1, rng.randint(1, 3) + 1)]
    buyers = [f"b{i}" for i in range(1, rng.randint(1, 6) + 1)]
    agents = [f"a{i}" for i in range(1, rng.randint(1, 4) + 1)]
    window_days = rng.choice([1, 1, 1, 0, 2])
    starts: list[dt.datetime] = []
    conversations: list[Conversation] = []
    for i in range(rng.randint(0, 14)):
        start = _local_time(rng, pool=starts)
        starts.append(start)
        end = start + dt.timedelta(seconds=rng.choice([0, 30, 600, 3600, 7200]))
        bot_only = rng.random() < 0.25
        agent = None if bot_only or rng.random() < 0.08 else rng.choice(agents)
        conversations.append(
            Conversation(
                conversation_id=f"c{rng.randint(0, 99):02d}-{i}",
                shop_id=rng.choice(shops),
                buyer=rng.choice(buyers),
                started_at=start,
                ended_at=end,
                agent_id=agent,
                bot_only=bot_only,
                kind=AFTERSALE if rng.random() < 0.2 else PRESALE,
            )
        )
    orders: list[Order] = []
    for i in range(rng.randint(0, 12)):
        if starts and rng.random() < 0.3:  # at a chat's very start, or just after it
            created = rng.choice(starts) + dt.timedelta(seconds=rng.choice([0, 1, 86_399, 86_400]))
        else:
            created = _local_time(rng, pool=starts)
        paid = None if rng.random() < 0.15 else created + dt.timedelta(seconds=rng.randint(0, 900))
        amount = _money(rng, 1, 500_000)
        refund_kind = rng.random()
        refunded = (
            Decimal("0") if refund_kind < 0.6 else amount if refund_kind < 0.75 else _money(rng, 1, int(amount * 100))
        )
        orders.append(
            Order(
                shop_id=rng.choice(shops),
                order_id=f"o{i}",
                buyer=rng.choice(buyers),
                created_at=created,
                paid_at=paid,
                amount_paid=amount,
                refunded=refunded,
                status="unpaid" if paid is None else ("refunded" if refunded == amount else "paid"),
            )
        )
    return conversations, orders, window_days


def _tiers(rng: random.Random) -> tuple[Tier, ...]:
    bounds = sorted(rng.sample([500, 1000, 2000, 5000, 10000, 20000, 50000], rng.randint(0, 3)))
    rates = [Decimal(rng.choice([50, 40, 35, 30, 25, 20, 15, 10, 5])) / 1000 for _ in range(len(bounds) + 1)]
    tiers = []
    lower = Decimal("0")
    for b, r in zip(bounds, rates, strict=False):
        tiers.append(Tier(lower, Decimal(b), r))
        lower = Decimal(b)
    tiers.append(Tier(lower, None, rates[-1]))
    return tuple(tiers)


def _windows(rng: random.Random) -> tuple[PeakWindow, ...]:
    """0-2 non-overlapping hour windows inside Nov 2026, often at Double 11's edges."""
    candidates = [
        (dt.datetime(2026, 11, 10, 20), dt.datetime(2026, 11, 11, 0)),
        (dt.datetime(2026, 11, 11, 0), dt.datetime(2026, 11, 11, 2)),
        (dt.datetime(2026, 11, 11, 20), dt.datetime(2026, 11, 12, 1)),
        (dt.datetime(2026, 11, 1, 0), dt.datetime(2026, 11, 1, 1)),
    ]
    chosen = rng.sample(candidates, rng.randint(0, 2))
    out = []
    for s, e in sorted(chosen):
        kind = rng.choice(["multiplier", "tiers", "rate"])
        out.append(
            PeakWindow(
                start=s.replace(tzinfo=SHANGHAI),
                end=e.replace(tzinfo=SHANGHAI),
                multiplier=Decimal(rng.choice(["1.5", "2", "1.25", "0.5"])) if kind == "multiplier" else None,
                tiers=_tiers(rng) if kind == "tiers" else None,
                rate=Decimal(rng.choice([60, 45, 33, 5])) / 1000 if kind == "rate" else None,
            )
        )
    return tuple(out)


def _item_time(rng: random.Random, windows: tuple[PeakWindow, ...]) -> dt.datetime:
    r = rng.random()
    if windows and r < 0.4:
        w = rng.choice(windows)
        return rng.choice([w.start, w.end, w.end - dt.timedelta(seconds=1), w.start - dt.timedelta(seconds=1)])
    if r < 0.5:  # the month's edges
        return rng.choice(
            [
                dt.datetime(2026, 11, 1, 0, 0, 0, tzinfo=SHANGHAI),
                dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=SHANGHAI),
                dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI),
                dt.datetime(2026, 12, 1, 0, 0, 0, tzinfo=SHANGHAI),
            ]
        )
    day = dt.date(2026, 11, rng.randint(1, 30))
    return dt.datetime.combine(
        day, dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=SHANGHAI
    )


def commission_case(seed: int) -> dict:
    """Terms, the items of period 2026-11 as issued, and the same items with the refunds known later."""
    rng = random.Random(seed)
    model = rng.choice(["flat", "graduated", "volume"])
    windows = _windows(rng)
    minimum = Decimal(rng.choice([0, 50, 100, 500, 2000])) if rng.random() < 0.4 else None
    cap = None
    if rng.random() < 0.4:
        cap = Decimal(rng.choice([100, 300, 1000, 5000, 20000]))
        if minimum is not None and cap < minimum:
            cap = minimum
    terms = CommissionTerms(
        model=model,
        rate=Decimal(rng.choice([30, 35, 40, 25, 33])) / 1000 if model == "flat" else Decimal("0"),
        tiers=_tiers(rng) if model != "flat" else (),
        minimum=minimum,
        cap=cap,
        windows=windows,
    )
    billed: list[CommissionItem] = []
    current: list[CommissionItem] = []
    for i in range(rng.randint(0, 12)):
        amount = _money(rng, 1, 2_000_000)
        refunded = Decimal("0") if rng.random() < 0.7 else _money(rng, 1, int(amount * 100))
        item = CommissionItem(f"o{i}", _item_time(rng, windows), amount, refunded)
        billed.append(item)
        r = rng.random()
        if r < 0.5:
            later = refunded
        elif r < 0.7:
            later = amount  # fully refunded after issue
        elif r < 0.9:
            later = refunded + _money(rng, 0, int((amount - refunded) * 100)) if amount > refunded else refunded
        else:
            later = Decimal("0")  # an export that lost the refund: must never reverse one
        current.append(CommissionItem(item.order_id, item.created_at, amount, later))
    if rng.random() < 0.3:  # an order that appears only after issue never enters the period
        current.append(CommissionItem("late", _item_time(rng, windows), _money(rng), Decimal("0")))
    return {"period": "2026-11", "terms": terms, "items": billed, "issued_items": billed, "current_items": current}


# -- the hand-labelled cases ------------------------------------------------------------------


def _dt(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def conversation_from_json(d: dict) -> Conversation:
    start = _dt(d["start"])
    return Conversation(
        conversation_id=d["id"],
        shop_id=d["shop"],
        buyer=d["buyer"],
        started_at=start,
        ended_at=_dt(d["end"]) if "end" in d else start + dt.timedelta(minutes=10),
        agent_id=d.get("agent"),
        bot_only=d.get("bot_only", False),
        kind=d.get("kind", PRESALE),
    )


def order_from_json(d: dict) -> Order:
    return Order(
        shop_id=d["shop"],
        order_id=d["order"],
        buyer=d["buyer"],
        created_at=_dt(d["created"]),
        paid_at=_dt(d["paid"]),
        amount_paid=Decimal(d["amount_paid"]),
        refunded=Decimal(d.get("refunded", "0.00")),
        status=d.get("status", "paid"),
    )


def _tiers_from_json(rows) -> tuple[Tier, ...]:
    return tuple(Tier(Decimal(lo), None if hi is None else Decimal(hi), Decimal(rate)) for lo, hi, rate in rows)


def terms_from_json(d: dict) -> CommissionTerms:
    windows = tuple(
        PeakWindow(
            start=_dt(w["start"]),
            end=_dt(w["end"]),
            multiplier=Decimal(w["multiplier"]) if "multiplier" in w else None,
            tiers=_tiers_from_json(w["tiers"]) if "tiers" in w else None,
            rate=Decimal(w["rate"]) if "rate" in w else None,
            name=w.get("name", ""),
        )
        for w in d.get("windows", [])
    )
    return CommissionTerms(
        model=d.get("model", "flat"),
        rate=Decimal(d.get("rate", "0")),
        tiers=_tiers_from_json(d.get("tiers", [])),
        minimum=Decimal(d["minimum"]) if d.get("minimum") is not None else None,
        cap=Decimal(d["cap"]) if d.get("cap") is not None else None,
        windows=windows,
    )


def item_from_json(d: dict) -> CommissionItem:
    return CommissionItem(d["order"], _dt(d["created"]), Decimal(d["amount_paid"]), Decimal(d.get("refunded", "0.00")))


def labelled_cases() -> list[dict]:
    """The cases of labelled_cases.json with 'same_data_as' resolved."""
    data = json.loads(LABELLED_PATH.read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in data["cases"]}
    out = []
    for case in data["cases"]:
        case = dict(case)
        if "same_data_as" in case:
            src = by_id[case["same_data_as"]]
            case["conversations"] = src["conversations"]
            case["orders"] = src["orders"]
        out.append(case)
    return out
