"""attribution: import 1M orders and attribute them against 2M conversations (scale 1); a re-run writes 0
rows; compared with a per-order ORM loop (create the order, look up its chats, write its attribution).

Set-up (not timed): 20 Tmall stores of one brand, 2M conversations over November 2026 (30 % human with
an agent, 70 % bot-only), one buyer message each (12 % of them an order card: aftersale), written with
COPY as the chat importer would leave them. Timed: `order_import_file` of a 1M-row canonical CSV (60 %
of the orders by buyers who chatted, within or just outside the window; 40 % silent), then
`attribution_refresh`. Then the same file and refresh again (0 rows), then the ORM loop on 2,000 orders.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NEEDS_DB = True
SEED = 20261111
STORES = 20
T0 = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(hours=8)  # 1 Nov 00:00 Asia/Shanghai
MONTH = 30 * 86400


def _setup(conversations: int):
    from apps.clients.models import Client, Site, Store
    from apps.clients.validators import uscc_check_character
    from apps.orders.models import Attribution, Order, OrderEvent, OrderImportRun
    from apps.people.models import Agent

    client, _ = Client.objects.get_or_create(
        code="bench-attribution",
        defaults={
            "name": "归因基准品牌",
            "legal_name": "归因基准品牌有限公司",
            "uscc": "91310000MA1K9XY31" + uscc_check_character("91310000MA1K9XY31"),
        },
    )
    stores = [
        Store.objects.get_or_create(
            platform="tmall", shop_id=f"bench-attr-{n:02d}", defaults={"client": client, "name": f"归因基准{n}号店"}
        )[0]
        for n in range(STORES + 1)  # the last one is the ORM baseline's
    ]
    site, _ = Site.objects.get_or_create(code="bench-attr", defaults={"name": "归因基准中心", "city": "合肥"})
    agents = [
        Agent.objects.get_or_create(
            nick=f"归因坐席{n:02d}", defaults={"employee_no": f"BA{n:05d}", "name": f"归因坐席{n:02d}", "site": site}
        )[0].pk
        for n in range(50)
    ]
    Attribution.objects.filter(order__store__in=stores)._raw_delete(Attribution.objects.db)
    OrderEvent.objects.filter(order__store__in=stores)._raw_delete(OrderEvent.objects.db)
    Order.objects.filter(store__in=stores)._raw_delete(Order.objects.db)
    OrderImportRun.objects.filter(client=client).delete()
    from django.db import connection

    if not connection.in_atomic_block:  # (the test suite runs it in a transaction, where VACUUM cannot)
        with connection.cursor() as cur:  # the last run's rows, dead: out of the indexes the timed run writes
            for table in ("orders_attribution", "orders_orderevent", "orders_order", "conversations_conversation"):
                cur.execute(f"VACUUM ANALYZE {table}")
            cur.execute("VACUUM ANALYZE conversations_message")
    return client, stores, agents


def _chats_fingerprint(stores) -> tuple:
    """(chats, messages, sum of start epochs, least pseudonym) of the bench stores' stored chats."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), coalesce(sum(extract(epoch FROM started_at))::bigint, 0), min(buyer_pseudonym), "
            "(SELECT count(*) FROM conversations_message m JOIN conversations_conversation c "
            "ON c.id = m.conversation_id WHERE c.store_id = ANY(%s)) "
            "FROM conversations_conversation WHERE store_id = ANY(%s)",
            [[s.pk for s in stores], [s.pk for s in stores]],
        )
        n, epochs, least, messages = cur.fetchone()
    return (n, messages, epochs, least)


def _buyer(n: int) -> str:
    return f"bench买家{n:07d}"


def _generate_chats(stores, agents, conversations: int, rng: random.Random):
    """COPY the chats (and one buyer message each) into the conversation tables; returns
    [(store index, buyer number, started epoch)] for the order generator."""
    from django.db import connection

    from apps.conversations.services import buyer_pseudonym

    buyers = max(10, conversations * 6 // 10)
    pseudonyms: dict[int, str] = {}
    chats = []
    conv_lines, starts = [], []
    for n in range(conversations):
        s = rng.randrange(STORES)
        b = rng.randrange(buyers)
        started = T0.timestamp() + rng.randrange(MONTH)
        p = pseudonyms.get(b)
        if p is None:
            p = pseudonyms[b] = buyer_pseudonym("tmall", _buyer(b))
        human = rng.random() < 0.3
        agent = str(rng.choice(agents)) if human else "\\N"
        ts = datetime.fromtimestamp(started, UTC).isoformat()
        conv_lines.append(
            f"{stores[s].pk}\tBA{n}\tchat\t{ts}\t{ts}\t{agent}\t\t{'human' if human else 'bot'}\t{'t' if human else 'f'}"
            f"\t{p}\t1\t0\t0\t0\t0\t0\t0\n"
        )
        starts.append(ts)
        chats.append((s, b, started))
    fingerprint = (conversations, conversations, sum(int(t) for _s, _b, t in chats), min(pseudonyms.values()))
    if _chats_fingerprint(stores) == fingerprint:  # the last run's chats are these: keep them (deleting
        for _n in range(conversations):  # 2M chats and writing them again took minutes of set-up)
            rng.random()  # (the message draws, so the orders come out the same)
        return chats
    _chats_delete(stores)
    with connection.cursor() as cur:
        with cur.copy(
            "COPY conversations_conversation (store_id, platform_conversation_id, channel, started_at, ended_at, "
            "agent_id, agent_nick, handled_by, transferred_to_human, buyer_pseudonym, message_count, buyer_rounds, "
            "rounds_answered_180s, rounds_in_service_hours, response_seconds_total, rounds_answered, "
            "max_wait_seconds) FROM STDIN"
        ) as copy:
            for i in range(0, len(conv_lines), 50_000):
                copy.write("".join(conv_lines[i : i + 50_000]).encode())
        del conv_lines
        cur.execute(
            "SELECT id, platform_conversation_id FROM conversations_conversation WHERE store_id = ANY(%s)",
            [[s.pk for s in stores[:STORES]]],
        )
        ids = {pcid: pk for pk, pcid in cur.fetchall()}
        msg_lines = []
        for n in range(conversations):
            aftersale = rng.random() < 0.12
            kind, text = ("order", "订单号：1234 商品：外套") if aftersale else ("text", "这款有货吗")
            msg_lines.append(f"{ids[f'BA{n}']}\tm1\t1\t{starts[n]}\tbuyer\t{kind}\t{text}\n")
        with cur.copy(
            "COPY conversations_message (conversation_id, message_id, seq, sent_at, sender_role, msg_type, content) "
            "FROM STDIN"
        ) as copy:
            for i in range(0, len(msg_lines), 50_000):
                copy.write("".join(msg_lines[i : i + 50_000]).encode())
        cur.execute("ANALYZE conversations_conversation")
    return chats


def _chats_delete(stores) -> None:
    from django.db import connection

    from apps.conversations.models import Conversation, Message

    Message.objects.filter(conversation__store__in=stores)._raw_delete(Message.objects.db)
    Conversation.objects.filter(store__in=stores)._raw_delete(Conversation.objects.db)
    if not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE conversations_conversation")
            cur.execute("VACUUM ANALYZE conversations_message")


def _generate_orders(path: Path, stores, chats, orders: int, rng: random.Random) -> None:
    header = "platform,shop,order_id,buyer,created_at,paid_at,amount_paid,refunded_amount,status,item_count\n"
    lines = [header]
    silent_buyer = 10_000_000
    for n in range(orders):
        if rng.random() < 0.6:
            s, b, started = rng.choice(chats)
            created = started + rng.randrange(60, 40 * 3600)
        else:
            s, b, created = rng.randrange(STORES), silent_buyer + n, T0.timestamp() + rng.randrange(MONTH)
        created_dt = datetime.fromtimestamp(created, UTC)
        paid = rng.random() < 0.9
        amount = f"{rng.randrange(1000, 90000) / 100:.2f}" if paid else "0.00"
        refund = "0.00"
        if paid and rng.random() < 0.08:
            refund = amount
        paid_at = (created_dt + timedelta(minutes=rng.randrange(0, 30))).isoformat() if paid else ""
        status = ("closed" if refund != "0.00" else "completed") if paid else "created"
        lines.append(
            f"tmall,{stores[s].shop_id},BO{n},{_buyer(b)},{created_dt.isoformat()},{paid_at},{amount},{refund},"
            f"{status},{rng.randint(1, 3)}\n"
        )
    path.write_text("".join(lines), encoding="utf-8")


def _baseline(stores, rng: random.Random, n: int) -> tuple[int, float]:
    """Per-order ORM: create the order, fetch its buyer's chats in the window, check each for an
    aftersale message, write its attribution (the obvious loop the set-based path replaces)."""
    from apps.conversations.models import Conversation, Message
    from apps.orders.attribution import window_end
    from apps.orders.models import Attribution, Order

    store = stores[-1]
    source = list(
        Conversation.objects.filter(store__in=stores[:STORES]).values("buyer_pseudonym", "started_at")[: n * 2]
    )
    started = time.perf_counter()
    for i in range(n):
        chat = rng.choice(source)
        created = chat["started_at"] + timedelta(hours=rng.randrange(0, 40))
        order = Order.objects.create(
            store=store, platform_order_id=f"ORM{i}", buyer_pseudonym=chat["buyer_pseudonym"], created_at=created,
            paid_at=created, amount_paid="99.00", status="paid",
        )  # fmt: skip
        winner = None
        candidates = Conversation.objects.filter(
            store__in=stores[:STORES], buyer_pseudonym=order.buyer_pseudonym,
            started_at__lt=created, started_at__gte=created - timedelta(days=3),
        ).order_by("-started_at", "-id")  # fmt: skip
        for conv in candidates:
            aftersale = Message.objects.filter(conversation=conv, sender_role="buyer", msg_type="order").exists()
            if not aftersale and created < window_end(conv.started_at):
                winner = conv
                break
        kind = "silent" if winner is None else ("human" if winner.handled_by == "human" else "bot")
        Attribution.objects.create(
            order=order, kind=kind, conversation=winner, agent_id=winner.agent_id if kind == "human" else None
        )
    return n, time.perf_counter() - started


def run(*, scale: float, quick: bool) -> dict:
    from django.conf import settings
    from django.db.models import Count
    from django.test.utils import override_settings

    from apps.core.choices import RunStatus
    from apps.orders.models import Attribution
    from apps.orders.services import attribution_refresh, order_import_file
    from apps.orders.tasks import attribution_refresh_task

    conversations = 4_000 if quick else max(1000, int(2_000_000 * scale))
    orders = 2_000 if quick else max(500, int(1_000_000 * scale))
    baseline_orders = 200  # ~2 orders/s at full size: 200 give the rate (extrapolated) in ~2 minutes
    rng = random.Random(SEED)
    _client, stores, agents = _setup(conversations)
    t = time.perf_counter()
    chats = _generate_chats(stores[:STORES], agents, conversations, rng)
    setup_seconds = time.perf_counter() - t
    store_ids = [s.pk for s in stores[:STORES]]
    # the import queues a refresh task on commit; here the refresh is called (and timed) in place
    queued, attribution_refresh_task.delay = attribution_refresh_task.delay, lambda *args: None
    try:
        with tempfile.TemporaryDirectory(prefix="tideline-attr-") as tmp:
            path = Path(tmp) / "bench_orders.csv"
            started = time.perf_counter()
            _generate_orders(path, stores, chats, orders, rng)
            generate_seconds = time.perf_counter() - started
            limit = max(settings.TIDELINE_MAX_UPLOAD_BYTES, path.stat().st_size)
            with override_settings(TIDELINE_MAX_UPLOAD_BYTES=limit):
                load_before = os.getloadavg()[0]
                started = time.perf_counter()
                first = order_import_file(path=path, file_format="canonical_csv")
                import_seconds = time.perf_counter() - started
                written = attribution_refresh(store_ids=store_ids)
                elapsed = time.perf_counter() - started
                load_after = os.getloadavg()[0]
                if first.status != RunStatus.SUCCEEDED:
                    raise RuntimeError(f"bench import failed: {first.error}")
                started = time.perf_counter()
                again = order_import_file(path=path, file_format="canonical_csv")
                rewritten = attribution_refresh(store_ids=store_ids)
                rerun_seconds = time.perf_counter() - started
    finally:
        attribution_refresh_task.delay = queued
    kinds = dict(
        Attribution.objects.filter(order__store_id__in=store_ids)
        .values("kind")
        .annotate(n=Count("order_id"))
        .values_list("kind", "n")
    )
    base_n, base_seconds = _baseline(stores, rng, baseline_orders)
    ours = orders / elapsed
    baseline = base_n / base_seconds
    return {
        "size": f"{orders:,} orders / {conversations:,} conversations",
        "metric": "import + attribution",
        "value": round(elapsed, 2),
        "unit": "s",
        "baseline": f"per-order ORM loop ({base_n:,} orders), extrapolated to {orders:,}",
        "baseline_value": round(orders / baseline, 1),
        "ratio": round(ours / baseline, 1),
        "bound": None,
        "extra": {
            "orders_per_second": round(ours, 1),
            "baseline_orders_per_second": round(baseline, 1),
            "import_seconds": round(import_seconds, 2),
            "phase_seconds": {
                "generate_csv_not_timed": round(generate_seconds, 2),
                **{name: round(value, 2) for name, value in getattr(first, "phase_seconds", {}).items()},
                "attribute": round(elapsed - import_seconds, 2),
            },
            "attribution_seconds": round(elapsed - import_seconds, 2),
            "orders_created": first.created_count,
            "attributions_written": written,
            "attribution_kinds": kinds,
            "rerun_rows_written": again.created_count + again.updated_count + rewritten,
            "rerun_seconds": round(rerun_seconds, 2),
            "setup_seconds_not_timed": round(setup_seconds, 2),
            "load_average_1m": f"{load_before:.1f} before, {load_after:.1f} after ({os.cpu_count()} CPUs)",
            "goal": "<= 60 s for 1M orders against 2M conversations; re-run writes 0 rows",
        },
    }
