"""The pure engine and the set-based SQL path agree on random cases (Hypothesis): window edges at local
midnight, bot-only chats, aftersale chats, refunds; and the commission reader's sums follow."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.conversations.models import Conversation, Message
from apps.conversations.selectors import chat_is_aftersale
from apps.orders import attribution as engine
from apps.orders.models import Order
from apps.orders.selectors import attribution_rows, commission_base_by_hour
from tests import factories

BASE = datetime(2026, 11, 10, tzinfo=engine.LOCAL)
# offsets in seconds from BASE: around the local midnights of four days, and anywhere in between
EDGES = [d * 86400 + s for d in range(5) for s in (-1, 0, 1)]
offsets = st.one_of(st.sampled_from(EDGES), st.integers(min_value=0, max_value=4 * 86400))
TEXTS = {False: ("这款有货吗", "能便宜点吗", "大概几天能到"), True: ("我要退款", "订单号：123", "快递到哪了")}

chats_strategy = st.lists(
    st.tuples(
        st.integers(0, 1),  # store
        st.integers(0, 2),  # buyer
        offsets,
        st.booleans(),  # human
        st.integers(0, 2),  # agent
        st.booleans(),  # aftersale
        st.integers(0, 2),  # text choice
        st.booleans(),  # order card instead of text when aftersale
    ),
    max_size=12,
)
orders_strategy = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(0, 2),
        offsets,
        st.one_of(st.none(), st.integers(0, 3600)),  # paid delay
        st.integers(0, 50_000),  # amount in fen
        st.integers(0, 100),  # refund percent
    ),
    min_size=1,
    max_size=10,
)


@pytest.fixture
def world(db):
    client = factories.make_client(code="agree", name="一致")
    stores = [factories.make_store(client=client, platform="tmall", shop_id=f"agree-{i}") for i in range(2)]
    site = factories.make_site()
    agents = [factories.make_agent(site=site, nick=f"agree-agent-{i}") for i in range(3)]
    return client, stores, agents


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chats=chats_strategy, orders=orders_strategy, window_days=st.sampled_from([1, 2, 3]))
def test_engine_and_sql_agree(world, chats, orders, window_days):
    client, stores, agents = world
    Order.objects.all().delete()
    Conversation.objects.all().delete()
    engine_chats, engine_orders = [], []
    for n, (s, b, off, human, a, aftersale, text, card) in enumerate(chats):
        started = BASE + timedelta(seconds=off)
        conv = Conversation.objects.create(
            store=stores[s],
            platform_conversation_id=f"c{n}",
            started_at=started,
            ended_at=started + timedelta(minutes=5),
            handled_by="human" if human else "bot",
            agent=agents[a] if human else None,
            buyer_pseudonym=f"buyer{b}",
        )
        msg_type = "order" if aftersale and card else "text"
        content = TEXTS[aftersale][text]
        Message.objects.create(
            conversation=conv,
            message_id="m1",
            seq=1,
            sent_at=started,
            sender_role="buyer",
            msg_type=msg_type,
            content=content,
        )
        flag = chat_is_aftersale([("buyer", msg_type, content)])
        assert flag == aftersale
        engine_chats.append(
            engine.Chat(conv.id, stores[s].id, f"buyer{b}", started, human, agents[a].id if human else None, flag)
        )
    for n, (s, b, off, delay, fen, pct) in enumerate(orders):
        created = BASE + timedelta(seconds=off)
        paid = None if delay is None else created + timedelta(seconds=delay)
        amount = Decimal(fen if paid else 0) / 100
        refund = (amount * pct / 100).quantize(Decimal("0.01")) if paid else Decimal("0")
        order = Order.objects.create(
            store=stores[s],
            platform_order_id=f"o{n}",
            buyer_pseudonym=f"buyer{b}",
            created_at=created,
            paid_at=paid,
            amount_paid=amount,
            refunded_amount=refund,
            status="paid" if paid else "created",
        )
        engine_orders.append(engine.Order(order.id, stores[s].id, f"buyer{b}", created, paid, amount, refund))

    expected = engine.attribute(engine_orders, engine_chats, window_days=window_days)
    got = attribution_rows(store_ids=[s.id for s in stores], window_days=window_days)
    assert [(a.order_id, a.kind, a.conversation_id, a.agent_id) for a in expected] == [r[:4] for r in got]

    # the commission reader: per local paid hour and kind, Σ net equals the engine's
    want: dict[tuple, Decimal] = defaultdict(Decimal)
    for att, order in zip(expected, engine_orders, strict=True):
        if att.kind != engine.SILENT and order.paid_at is not None:
            local = order.paid_at.astimezone(engine.LOCAL).replace(minute=0, second=0, microsecond=0)
            want[(local, att.kind)] += att.net
    base = commission_base_by_hour(
        client_id=client.id,
        start=BASE.date() - timedelta(days=1),
        end=BASE.date() + timedelta(days=7),
        window_days=window_days,
    )
    assert {(h.hour, h.kind): h.net for h in base} == dict(want)


def test_window_examples():
    chat_day = datetime(2026, 11, 10, 23, 59, 59, tzinfo=engine.LOCAL)
    chat = engine.Chat(1, 1, "b", chat_day, True, 7)

    def order(at):
        return engine.Order(1, 1, "b", at, at, Decimal("10"), Decimal("0"))

    end_of_next_day = datetime(2026, 11, 12, tzinfo=engine.LOCAL)
    assert engine.attribute([order(end_of_next_day - timedelta(seconds=1))], [chat])[0].kind == "human"
    assert engine.attribute([order(end_of_next_day)], [chat])[0].kind == "silent"
    assert engine.attribute([order(chat_day)], [chat])[0].kind == "silent"  # not before the order
    assert engine.attribute([order(end_of_next_day - timedelta(seconds=1))], [chat], window_days=1)[0].kind == "silent"
    bot = engine.Chat(2, 1, "b", chat_day + timedelta(seconds=-5), False)
    after = engine.Chat(3, 1, "b", chat_day + timedelta(seconds=-1), True, 8, aftersale=True)
    result = engine.attribute([order(chat_day + timedelta(hours=1))], [bot, after])[0]
    assert (result.kind, result.conversation_id, result.agent_id) == ("bot", 2, None)
    refunded = engine.Order(
        2, 1, "b", chat_day + timedelta(hours=1), chat_day + timedelta(hours=1), Decimal("10"), Decimal("10")
    )
    assert engine.attribute([refunded], [chat])[0].net == Decimal("0")
