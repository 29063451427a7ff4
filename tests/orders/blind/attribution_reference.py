"""Blind reference for issue #17 §2: inquiry-to-order attribution and the sales KPIs.

Written from the issue's rules alone, without reading ``apps/orders`` or its tests, so that the
engine and its SQL path can be compared with something that did not copy them. Plain data in,
plain data out; no Django.

THE RULES (issue #17 §2, read literally)
R1. An order is attributed to a conversation when the same buyer consulted the same shop before
    the order was created, within the window (default: the day of the inquiry and the next day,
    local time).
R2. The last such conversation wins (last touch); its human agent is credited.
R3. Chats the bot handled alone count as bot-assisted (reported; commissionable only if the
    contract says so).
R4. Orders with no qualifying conversation are silent orders.
R5. Aftersale chats never earn presale credit.
R6. Net attributed GMV = amount paid - refunded amount; a fully refunded order earns nothing.
R7. KPIs per brand, store, agent and day: consulting buyers, ordering buyers, paying buyers,
    询单转化率 (paying / consulting), 客单价, attributed GMV, silent GMV and its share,
    bot-assisted GMV.

DECISIONS (where the rules are silent)
D1  "Consulted before the order was created" compares the conversation's *start* with the order's
    creation, strictly: ``started_at < created_at``. A chat starting at the very same instant as
    the order does not qualify. ``ended_at`` plays no part (a chat still running when the order is
    created qualifies).
D2  The window is counted in local calendar days of ``tz`` (default Asia/Shanghai):
    ``0 <= local_date(order.created_at) - local_date(conv.started_at) <= window_days``.
    window_days=1 (default) = the inquiry's local day and the next local day; window_days=0 = the
    same local day only. An inquiry at 00:00:00 local on day D covers orders up to 23:59:59.999999
    of D+1; an inquiry at 23:59:59 on D also only covers D and D+1.
D3  "The inquiry's day" is the local day of the conversation's start.
D4  Aftersale conversations (kind == 'aftersale') are ignored entirely by attribution: they never
    qualify, never win, and never block or shadow an earlier presale chat. The ``kind`` field is
    trusted as given (no re-derivation from paid orders).
D5  Last touch = the qualifying conversation with the greatest ``started_at``. Ties (equal
    starts) are broken by, in order: the later ``ended_at``; then a human conversation over a
    bot-handled one; then the greatest ``conversation_id`` (string comparison). The result is
    therefore independent of input order.
D6  A conversation is bot-handled when ``bot_only`` is True or it has no human agent
    (``agent_id is None``). A bot-handled winner gives category 'bot_assisted' and credits nobody
    (``agent_id`` None), even if the buyer spoke to a human in an earlier qualifying chat: last
    touch wins. Otherwise the category is 'human' and the conversation's agent is credited.
    With no qualifying conversation the category is 'silent' (no conversation, no agent).
D7  Net GMV = amount_paid - refunded, floored at 0 (a refund above the amount paid is bad input
    upstream; here it simply earns nothing). An order that is not paid (``paid_at is None``) has
    net GMV 0 whatever its amounts. ``status`` is carried but never consulted: paid_at and the
    amounts decide. Unpaid orders are still attributed (category and conversation), with GMV 0.
D8  Shops and buyers are compared as exact strings; attribution never crosses shops even within
    one brand. Each order is attributed on its own; one conversation may win several orders.
D9  KPI scopes. 'store' = shop_id; 'brand' = shop_brand[shop_id] (the shop itself when no mapping
    is given; a shop missing from a given mapping raises KeyError); 'agent' = the human agent.
    Buyers are counted distinct by pseudonym within the scope key and day (a buyer consulting two
    shops of one brand counts once for the brand).
D10 Funnel (consulting, ordering, paying buyers; 询单转化率; 客单价) is an inquiry-day cohort:
    - consulting_buyers(key, D): distinct buyers with a presale conversation in scope that started
      on local day D. For brand/store every presale chat counts, bot-handled ones included; for an
      agent only the human conversations of that agent. Aftersale chats never count.
    - ordering_buyers(key, D): of those, the buyers with at least one order whose *winning*
      conversation is in scope and started on D (for an agent: category 'human' credited to the
      agent; for brand/store: 'human' or 'bot_assisted').
    - paying_buyers(key, D): the same, restricted to paid orders (``paid_at`` not None), refunded
      or not (a refund does not undo a conversion).
    - conversion_rate = paying / consulting as an exact Fraction (None when consulting is 0).
    So paying <= ordering <= consulting always holds.
    - avg_order_value (客单价) = net GMV of the cohort's paid attributed orders / paying buyers,
      an exact Fraction of yuan (None when no paying buyer).
D11 GMV figures fall on the local day of the order's ``created_at`` (the day the window rule
    looks at), in the order's scope:
    - attributed_gmv: net GMV of 'human' orders (for an agent: those credited to it).
    - bot_assisted_gmv: net GMV of 'bot_assisted' orders (0 for an agent).
    - silent_gmv: net GMV of 'silent' orders (0 for an agent).
    - total_gmv = attributed + bot_assisted + silent.
    - silent_share = silent / total as an exact Fraction (None when total is 0, and always None
      for an agent).
    "Attributed GMV" is the human-credited GMV, i.e. the commissionable base by default; bot-
    assisted GMV is reported beside it, not inside it.
D12 A KPI row exists for every (key, day) with at least one consulting buyer or at least one order
    (created that day) in scope; rows are sorted by (key, day). Days are ``datetime.date``.
D13 Datetimes must be timezone-aware (a naive one raises ValueError). Amounts are Decimals and are
    never rounded here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

PRESALE = "presale"
AFTERSALE = "aftersale"
HUMAN = "human"
BOT_ASSISTED = "bot_assisted"
SILENT = "silent"
ZERO = Decimal("0")


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    shop_id: str
    buyer: str
    started_at: dt.datetime
    ended_at: dt.datetime
    agent_id: str | None = None
    bot_only: bool = False
    kind: str = PRESALE  # 'presale' | 'aftersale'

    @property
    def is_human(self) -> bool:
        return not self.bot_only and self.agent_id is not None


@dataclass(frozen=True)
class Order:
    shop_id: str
    order_id: str
    buyer: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    amount_paid: Decimal
    refunded: Decimal = ZERO
    status: str = "paid"


@dataclass(frozen=True)
class Attribution:
    shop_id: str
    order_id: str
    conversation_id: str | None
    agent_id: str | None
    category: str  # 'human' | 'bot_assisted' | 'silent'
    net_gmv: Decimal


@dataclass(frozen=True)
class KpiRow:
    scope: str  # 'brand' | 'store' | 'agent'
    key: str
    day: dt.date
    consulting_buyers: int
    ordering_buyers: int
    paying_buyers: int
    conversion_rate: Fraction | None
    avg_order_value: Fraction | None
    attributed_gmv: Decimal
    bot_assisted_gmv: Decimal
    silent_gmv: Decimal
    total_gmv: Decimal
    silent_share: Fraction | None


def _aware(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value


def local_date(value: dt.datetime, tz: str = "Asia/Shanghai") -> dt.date:
    return _aware(value, "datetime").astimezone(ZoneInfo(tz)).date()


def net_gmv(order: Order) -> Decimal:
    """D7: paid - refunded, floored at 0; an unpaid order has none."""
    if order.paid_at is None:
        return ZERO
    return max(ZERO, Decimal(order.amount_paid) - Decimal(order.refunded))


def qualifies(conv: Conversation, order: Order, *, window_days: int = 1, tz: str = "Asia/Shanghai") -> bool:
    """R1 + R5 + D1-D4 for one pair."""
    if conv.kind != PRESALE:
        return False
    if conv.shop_id != order.shop_id or conv.buyer != order.buyer:
        return False
    start = _aware(conv.started_at, "started_at")
    created = _aware(order.created_at, "created_at")
    if not start < created:
        return False
    gap = (local_date(created, tz) - local_date(start, tz)).days
    return 0 <= gap <= window_days


def _touch_key(conv: Conversation):
    """D5: larger is 'later'."""
    return (conv.started_at, conv.ended_at, conv.is_human, conv.conversation_id)


def attribute(
    conversations: Iterable[Conversation],
    orders: Iterable[Order],
    *,
    window_days: int = 1,
    tz: str = "Asia/Shanghai",
) -> list[Attribution]:
    """One Attribution per order, in the input order of ``orders``."""
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    by_pair: dict[tuple[str, str], list[Conversation]] = defaultdict(list)
    for conv in conversations:
        _aware(conv.started_at, "started_at")
        _aware(conv.ended_at, "ended_at")
        if conv.kind not in (PRESALE, AFTERSALE):
            raise ValueError(f"unknown conversation kind {conv.kind!r}")
        by_pair[(conv.shop_id, conv.buyer)].append(conv)
    out: list[Attribution] = []
    for order in orders:
        candidates = [
            c
            for c in by_pair.get((order.shop_id, order.buyer), ())
            if qualifies(c, order, window_days=window_days, tz=tz)
        ]
        gmv = net_gmv(order)
        if not candidates:
            out.append(Attribution(order.shop_id, order.order_id, None, None, SILENT, gmv))
            continue
        winner = max(candidates, key=_touch_key)
        if winner.is_human:
            out.append(Attribution(order.shop_id, order.order_id, winner.conversation_id, winner.agent_id, HUMAN, gmv))
        else:
            out.append(Attribution(order.shop_id, order.order_id, winner.conversation_id, None, BOT_ASSISTED, gmv))
    return out


def kpis(
    conversations: Iterable[Conversation],
    orders: Iterable[Order],
    *,
    scope: str = "store",
    shop_brand: Mapping[str, str] | None = None,
    window_days: int = 1,
    tz: str = "Asia/Shanghai",
) -> list[KpiRow]:
    """KPI rows per (key, local day) for scope 'brand', 'store' or 'agent' (D9-D12)."""
    if scope not in ("brand", "store", "agent"):
        raise ValueError(f"unknown scope {scope!r}")
    conversations = list(conversations)
    orders = list(orders)
    conv_by_id = {c.conversation_id: c for c in conversations}
    attributions = attribute(conversations, orders, window_days=window_days, tz=tz)

    def shop_key(shop_id: str) -> str:
        if scope == "store":
            return shop_id
        return shop_id if shop_brand is None else shop_brand[shop_id]

    consulting: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    ordering: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    paying: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    cohort_gmv: dict[tuple[str, dt.date], Decimal] = defaultdict(lambda: ZERO)
    attributed: dict[tuple[str, dt.date], Decimal] = defaultdict(lambda: ZERO)
    bot: dict[tuple[str, dt.date], Decimal] = defaultdict(lambda: ZERO)
    silent: dict[tuple[str, dt.date], Decimal] = defaultdict(lambda: ZERO)
    keys: set[tuple[str, dt.date]] = set()

    for conv in conversations:
        if conv.kind != PRESALE:
            continue
        if scope == "agent":
            if not conv.is_human:
                continue
            key = conv.agent_id
        else:
            key = shop_key(conv.shop_id)
        k = (key, local_date(conv.started_at, tz))
        consulting[k].add(conv.buyer)
        keys.add(k)

    for order, att in zip(orders, attributions, strict=True):
        if scope == "agent":
            if att.category != HUMAN:
                continue
            key = att.agent_id
        else:
            key = shop_key(order.shop_id)
        day_k = (key, local_date(order.created_at, tz))
        keys.add(day_k)
        if att.category == HUMAN:
            attributed[day_k] += att.net_gmv
        elif att.category == BOT_ASSISTED:
            bot[day_k] += att.net_gmv
        else:
            silent[day_k] += att.net_gmv
        if att.conversation_id is not None:
            winner = conv_by_id[att.conversation_id]
            cohort_k = (key, local_date(winner.started_at, tz))
            ordering[cohort_k].add(order.buyer)
            if order.paid_at is not None:
                paying[cohort_k].add(order.buyer)
                cohort_gmv[cohort_k] += att.net_gmv

    rows: list[KpiRow] = []
    for k in sorted(keys):
        n_consult = len(consulting[k])
        n_order = len(ordering[k])
        n_pay = len(paying[k])
        total = attributed[k] + bot[k] + silent[k]
        rows.append(
            KpiRow(
                scope=scope,
                key=k[0],
                day=k[1],
                consulting_buyers=n_consult,
                ordering_buyers=n_order,
                paying_buyers=n_pay,
                conversion_rate=Fraction(n_pay, n_consult) if n_consult else None,
                avg_order_value=Fraction(cohort_gmv[k]) / n_pay if n_pay else None,
                attributed_gmv=attributed[k],
                bot_assisted_gmv=bot[k],
                silent_gmv=silent[k],
                total_gmv=total,
                silent_share=(Fraction(silent[k]) / Fraction(total)) if (scope != "agent" and total) else None,
            )
        )
    return rows
