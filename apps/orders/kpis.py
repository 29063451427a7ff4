"""Sales KPIs from chats and attributed orders. Pure: plain tuples/dataclasses in, SalesKpi out.

Definitions (docs/sales.md):
* consulting buyers: distinct buyers (pseudonyms) with a PRESALE chat in the group (per day: the
  chat's local day; per agent: human presale chats of the agent); a buyer who asked two shops of the
  brand counts once for the brand;
* ordering buyers: consulting buyers with an order credited (human or bot) to one of those chats;
* paying buyers: those whose credited order is paid;
* 询单转化率 = paying ÷ consulting; 客单价 = Σ net of the credited paid orders ÷ paying buyers;
* attributed GMV = Σ net of orders credited to human chats; bot-assisted GMV = Σ net of orders credited
  to bot-only chats; silent GMV = Σ net of paid silent orders; silent share = silent ÷ all three.
  For the daily series GMV is keyed by the local day of the payment (silent orders have no chat).
Money is Decimal CNY, never rounded here; rates are Decimal ratios (None when the base is 0).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from apps.orders.attribution import LOCAL


@dataclass(frozen=True)
class ChatRow:
    conversation_id: int
    store_id: int
    buyer: str
    started_at: datetime
    human: bool
    agent_id: int | None


@dataclass(frozen=True)
class OrderRow:
    order_id: int
    kind: str  # human | bot | silent
    conversation_id: int | None
    agent_id: int | None
    store_id: int
    paid_at: datetime | None
    net: Decimal


@dataclass
class SalesKpi:
    consulting: int = 0
    ordering: int = 0
    paying: int = 0
    attributed_gmv: Decimal = Decimal("0")
    bot_gmv: Decimal = Decimal("0")
    silent_gmv: Decimal = Decimal("0")
    credited_paid_net: Decimal = Decimal("0")
    _consulting: set = field(default_factory=set, repr=False)
    _ordering: set = field(default_factory=set, repr=False)
    _paying: set = field(default_factory=set, repr=False)

    @property
    def conversion(self) -> Decimal | None:
        return Decimal(self.paying) / Decimal(self.consulting) if self.consulting else None

    @property
    def average_order_value(self) -> Decimal | None:
        return self.credited_paid_net / Decimal(self.paying) if self.paying else None

    @property
    def total_gmv(self) -> Decimal:
        return self.attributed_gmv + self.bot_gmv + self.silent_gmv

    @property
    def silent_share(self) -> Decimal | None:
        total = self.total_gmv
        return self.silent_gmv / total if total else None


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


def sales_kpis(
    chats: list[ChatRow], orders: list[OrderRow], *, by: str, period: tuple[date, date]
) -> dict[object, SalesKpi]:
    """KPIs grouped `by` "brand" (key None), "store" (store id), "agent" (agent id) or "day" (local date).
    Chats count when they start in the local dates [period); GMV when the order is paid in it."""
    start, end = period
    chat_by_id = {c.conversation_id: c for c in chats}

    def chat_key(c: ChatRow):
        return {"brand": None, "store": c.store_id, "agent": c.agent_id, "day": local_day(c.started_at)}[by]

    groups: dict[object, SalesKpi] = defaultdict(SalesKpi)
    for c in chats:
        if not start <= local_day(c.started_at) < end:
            continue
        if by == "agent" and (not c.human or c.agent_id is None):
            continue
        groups[chat_key(c)]._consulting.add(c.buyer)
    for o in orders:
        chat = chat_by_id.get(o.conversation_id) if o.conversation_id is not None else None
        if chat is not None and start <= local_day(chat.started_at) < end:
            if not (by == "agent" and (not chat.human or chat.agent_id is None)):
                g = groups[chat_key(chat)]
                who = chat.buyer
                g._ordering.add(who)
                if o.paid_at is not None:
                    g._paying.add(who)
                    g.credited_paid_net += o.net
        if o.paid_at is None or not start <= local_day(o.paid_at) < end:
            continue
        if by == "day":
            key = local_day(o.paid_at)
        elif by == "store":
            key = o.store_id
        elif by == "agent":
            if o.kind != "human" or o.agent_id is None:
                continue
            key = o.agent_id
        else:
            key = None
        g = groups[key]
        if o.kind == "human":
            g.attributed_gmv += o.net
        elif o.kind == "bot":
            g.bot_gmv += o.net
        else:
            g.silent_gmv += o.net
    for g in groups.values():
        g.consulting, g.ordering, g.paying = len(g._consulting), len(g._ordering), len(g._paying)
    return dict(groups)
