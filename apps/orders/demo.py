"""Demo step (after apps.qa.demo): 90 days of orders consistent with the demo chats, refunds (some
recorded after the month's statement: clawbacks), satisfaction evaluations for every brand, and the
stored attribution. Deterministic for a seed; a second run finds the orders and stops.

About a third of the buyers who consulted before a sale (presale chats) pay within the window;
besides them each store has silent orders (buyers who never chatted). Everything is written set-based.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection

from apps.clients.demo import BRANDS
from apps.clients.selectors import stores_of_clients_with_codes
from apps.conversations.pseudonyms import keyed_digest
from apps.conversations.selectors import chat_touches_sql
from apps.orders.attribution import LOCAL
from apps.orders.models import Evaluation, Order
from apps.orders.services import attribution_refresh, order_rows_import

ORDER_RATE = 0.36  # of consulting buyer-days, an order within the window
PAY_RATE = 0.92  # of those orders, paid
SILENT_PER_STORE_DAY = (1, 4)
REFUND_RATE = 0.09
LATE_REFUND_SHARE = 0.4  # of refunds: recorded after the month's statement (the clawbacks)
EVALUATION_RATE = 0.35  # of human-handled chats, an evaluation
SCORES = ((5, 58), (4, 24), (3, 9), (2, 5), (1, 4))


def _local(day, hour=0, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


def seed(ctx) -> None:
    codes = [b.code for b in BRANDS]
    stores = stores_of_clients_with_codes(codes)
    if not stores:
        return
    if Order.objects.filter(store__in=stores).exists():
        ctx.say("  orders: already seeded")
        return
    rng = random.Random(ctx.seed * 1009 + 17)
    lo, hi = _local(ctx.start), _local(ctx.end)
    sql, params = chat_touches_sql(store_ids=[s.id for s in stores], started_from=lo, started_to=hi)
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM ({sql}) t ORDER BY t.started_at, t.conversation_id", params)
        chats = cur.fetchall()
    platform = {s.id: s.platform for s in stores}
    rows, seen = [], set()
    n = 0
    for conv_id, store_id, buyer, started, _human, _agent, aftersale in chats:
        day = started.astimezone(LOCAL).date()
        if aftersale or (store_id, buyer, day) in seen:
            continue
        seen.add((store_id, buyer, day))
        if rng.random() >= ORDER_RATE:
            continue
        window_end = _local(day + timedelta(days=2))
        created = started + timedelta(minutes=rng.randint(3, 600))
        if created >= window_end:
            created = window_end - timedelta(minutes=rng.randint(1, 90))
        if created >= hi:
            continue
        n += 1
        rows.append(_order(rng, store_id, f"{platform[store_id][:2].upper()}{conv_id}", buyer, created, hi))
    rows.extend(_silent_orders(rng, stores, ctx.start, ctx.end, hi))
    # first export: every order as placed and paid, no refunds yet
    first = [(*r[:6], Decimal("0.00"), r[7] if r[7] != "closed" or r[4] is None else "completed", r[8]) for r in rows]
    order_rows_import(rows=first, file_name="demo-orders.csv", recorded_at=hi - timedelta(days=1))
    # later exports: refunds, dated early (before the month's statement) or late (after it)
    refunds: dict[datetime, list] = {}
    for r in rows:
        if r[6] > 0:
            paid = r[4].astimezone(LOCAL)
            month_end = _local((paid.replace(day=28) + timedelta(days=4)).replace(day=1).date())
            late = rng.random() < LATE_REFUND_SHARE
            when = month_end + timedelta(days=14, hours=10) if late else month_end - timedelta(hours=2)
            when = min(when, _local(ctx.end + timedelta(days=1), 10))
            refunds.setdefault(when, []).append(r)
    for when in sorted(refunds):
        order_rows_import(rows=refunds[when], file_name=f"demo-refunds-{when:%Y%m%d}.csv", recorded_at=when)
    written = attribution_refresh(store_ids=[s.id for s in stores])
    evaluations = _evaluations(rng, chats)
    ctx.say(
        f"  orders: {len(rows)} ({n} after a presale chat, {len(rows) - n} silent), "
        f"{sum(len(v) for v in refunds.values())} refunded in {len(refunds)} later exports, "
        f"{written} attributions, {evaluations} satisfaction evaluations"
    )


def _silent_orders(rng, stores, start, end, hi) -> list[tuple]:
    """Orders of buyers who never chatted: a few per store and local day (random draws in this order)."""
    rows = []
    day = start
    while day < end:
        for store in stores:
            for k in range(rng.randint(*SILENT_PER_STORE_DAY)):
                created = _local(day, rng.randint(8, 23), rng.randint(0, 59))
                buyer = keyed_digest(f"demo-silent|{store.id}|{day}|{k}", 16)
                rows.append(_order(rng, store.id, f"S{store.id}-{day:%Y%m%d}-{k}", buyer, created, hi))
        day += timedelta(days=1)
    return rows


def _order(rng, store_id, poid, buyer, created, hi):
    paid = created + timedelta(minutes=rng.randint(0, 30)) if rng.random() < PAY_RATE else None
    if paid is not None and paid >= hi:
        paid = None
    amount = Decimal(rng.choice((39, 59, 89, 129, 159, 199, 259, 299, 399, 599, 899))) + Decimal(
        rng.choice(("0.00", "0.90", "0.50"))
    )
    if paid is None:
        return (store_id, poid, buyer, created, None, Decimal("0.00"), Decimal("0.00"), "closed", 1)
    refund = Decimal("0.00")
    status = "completed"
    if rng.random() < REFUND_RATE:
        refund = (
            amount
            if rng.random() < 0.6
            else (amount * Decimal(rng.choice((20, 30, 50))) / 100).quantize(Decimal("0.01"))
        )
        status = "closed" if refund == amount else "completed"
    return (store_id, poid, buyer, created, paid, amount, refund, status, rng.randint(1, 3))


def _evaluations(rng, chats) -> int:
    scores = [s for s, _w in SCORES]
    weights = [w for _s, w in SCORES]
    rows = [
        Evaluation(
            store_id=c[1],
            platform_evaluation_id=f"demo-ev-{c[0]}",
            conversation_id=c[0],
            agent_id=c[5],
            score=rng.choices(scores, weights)[0],
            evaluated_at=c[3] + timedelta(minutes=rng.randint(10, 240)),
        )
        for c in chats
        if c[4] and rng.random() < EVALUATION_RATE
    ]
    Evaluation.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)
