"""Inquiry-to-order attribution: which chat, if any, earned an order. Pure: dataclasses in, out.

Rules (issue #17, "Attribution"; docs/sales.md):

1. A chat QUALIFIES for an order when
   * it is with the same store (shop) and the same buyer (the keyed buyer pseudonym);
   * it is PRESALE: aftersale chats (about an order already placed or paid: the buyer sent an order
     card or wrote an aftersale word, apps.conversations.selectors.AFTERSALE_KEYWORDS) never earn
     presale credit, so they are left out before anything else;
   * it started strictly before the order was created (`chat.started_at < order.created_at`);
   * the order was created within the window: before local midnight (Asia/Shanghai) at the end of
     the `window_days`-th local day counted from the chat's local start day. `window_days` = 2 (the
     default) is "the day of the inquiry and the next day": a chat at 23:59 on 10 Nov covers orders
     until 11 Nov 24:00 local; a chat at 00:00 on 11 Nov covers the same span.
2. LAST TOUCH: of the qualifying chats the one that started last wins. Ties of equal start times
   (rare: two chats of one buyer in the same second) go to the higher chat id, i.e. the one stored
   last; the blind reference breaks them by end time first (docs/sales.md, "Decisions").
3. The winner decides the kind:
   * handled by a human (Conversation.handled_by) → HUMAN, its agent is credited (None when the
     agent nick matched no Agent: still HUMAN, never bot-assisted);
   * handled by the bot alone → BOT (bot-assisted; commissionable only if the contract says so).
     A bot-only chat that wins the last touch keeps the order bot-assisted even when an earlier
     human chat also qualified: last touch is about the last conversation, not the last human.
4. No qualifying chat → SILENT (静默单).
5. Money: net GMV = amount paid − refunded amount (CNY, Decimal, never rounded here); an unpaid
   order (no paid time) has net 0; a fully refunded order earns nothing (net 0).

Attribution concerns the order's creation only; payment and refunds never move it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
DEFAULT_WINDOW_DAYS = 2
HUMAN, BOT, SILENT = "human", "bot", "silent"


@dataclass(frozen=True)
class Chat:
    """A conversation as attribution sees it. `started_at` aware; `human` False = bot-only."""

    id: int
    store_id: int
    buyer: str
    started_at: datetime
    human: bool
    agent_id: int | None = None
    aftersale: bool = False


@dataclass(frozen=True)
class Order:
    """An order. `created_at`/`paid_at` aware (paid None while unpaid); amounts CNY Decimal."""

    id: int
    store_id: int
    buyer: str
    created_at: datetime
    paid_at: datetime | None
    amount_paid: Decimal
    refunded: Decimal = Decimal("0")


@dataclass(frozen=True)
class Attribution:
    order_id: int
    kind: str  # human | bot | silent
    conversation_id: int | None
    agent_id: int | None
    net: Decimal  # CNY: amount paid − refunded, 0 when unpaid


def window_end(started_at: datetime, window_days: int = DEFAULT_WINDOW_DAYS) -> datetime:
    """The end (exclusive, aware) of a chat's window: local midnight after `window_days` local days."""
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    day = started_at.astimezone(LOCAL).date() + timedelta(days=window_days)
    return datetime.combine(day, time(0), tzinfo=LOCAL)


def net_amount(order: Order) -> Decimal:
    """Amount paid − refunded (CNY); 0 for an unpaid order."""
    if order.paid_at is None:
        return Decimal("0")
    return order.amount_paid - order.refunded


def attribute(
    orders: Iterable[Order], chats: Iterable[Chat], *, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[Attribution]:
    """One Attribution per order, in the orders' order (rules in the module docstring)."""
    by_key: dict[tuple[int, str], list[Chat]] = {}
    for chat in chats:
        if chat.aftersale:
            continue
        by_key.setdefault((chat.store_id, chat.buyer), []).append(chat)
    starts: dict[tuple[int, str], list[datetime]] = {}
    for key, group in by_key.items():
        group.sort(key=lambda c: (c.started_at, c.id))
        starts[key] = [c.started_at for c in group]
    result = []
    for order in orders:
        key = (order.store_id, order.buyer)
        winner = None
        group = by_key.get(key)
        if group:
            # the latest chat that started strictly before creation; window ends grow with start
            # times, so if its window has closed, every earlier chat's has too
            i = bisect_left(starts[key], order.created_at) - 1
            if i >= 0 and order.created_at < window_end(group[i].started_at, window_days):
                winner = group[i]
        net = net_amount(order)
        if winner is None:
            result.append(Attribution(order.id, SILENT, None, None, net))
        elif winner.human:
            result.append(Attribution(order.id, HUMAN, winner.id, winner.agent_id, net))
        else:
            result.append(Attribution(order.id, BOT, winner.id, None, net))
    return result
