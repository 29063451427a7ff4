"""Reads of the orders app: the set-based attribution (SQL), the commission readers billing calls
(contract in /tmp/brief/interfaces/orders_commission.md, restated in docs/sales.md), and the
querysets of pages and the API.

The set-based path implements the rules of apps.orders.attribution in one statement: the chats come
from apps.conversations.selectors.chat_touches_sql (the only SQL naming conversations tables);
tests/orders/test_attribution_agreement.py checks both paths agree on random cases.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, QuerySet

from apps.conversations.selectors import chat_touches_sql
from apps.core.roles import scope_queryset
from apps.orders.attribution import DEFAULT_WINDOW_DAYS, LOCAL
from apps.orders.models import Attribution, Evaluation, Order, OrderImportRun

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "ClawbackHour",
    "CommissionHour",
    "attribution_sql",
    "commission_base_by_hour",
    "commission_clawbacks",
]


@contextmanager
def analytic_cursor():
    """A cursor for the set-based statements: hash joins only, and room to hash in memory.

    Right after a bulk load the planner's statistics still say "a few rows" (autovacuum has not
    analysed the tables yet), and nested loops or merge joins on one key chosen on that belief go
    quadratic (a brand's page took minutes); these statements touch most of the rows they join, so
    hashing is right. No JIT: the refresh of 1M orders spent ~1.8 s compiling (inlining, optimising)
    expressions of a statement bound by hashing and writing."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL enable_nestloop = off")
        cur.execute("SET LOCAL enable_mergejoin = off")
        cur.execute("SET LOCAL work_mem = '64MB'")
        yield cur


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL)


def _client_store_ids(client_id: int) -> list[int]:
    from apps.clients.selectors import store_ids_of_client  # the brand's shops, as the importers resolve them

    return store_ids_of_client(client_id=client_id)


def attribution_sql(
    *,
    store_ids: list[int] | None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    paid_from: datetime | None = None,
    paid_to: datetime | None = None,
    order_ids: list[int] | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> tuple[str, list]:
    """SQL (text, params) of a SELECT (order_id, kind, conversation_id, agent_id, store_id, paid_at,
    amount_paid, refunded_amount, created_at, buyer_pseudonym) — one row per order of `store_ids`
    (None: all), optionally only orders paid in [paid_from, paid_to) or with these ids.

    Rules: apps.orders.attribution. Chats are read from the earliest order's creation minus the window."""
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    condition, params = _orders_condition(
        store_ids=store_ids,
        paid_from=paid_from,
        paid_to=paid_to,
        order_ids=order_ids,
        created_from=created_from,
        created_to=created_to,
    )
    chats_from = None
    if paid_from is not None or order_ids is not None or created_from is not None:
        with connection.cursor() as cur:
            cur.execute(f"SELECT min(o.created_at), max(o.created_at) FROM orders_order o WHERE {condition}", params)
            low, high = cur.fetchone()
        if low is None:
            low = high = paid_from or local_midnight(date(2000, 1, 1))
        chats_from = low - timedelta(days=window_days + 1)
        chats_to = high
    else:
        chats_to = None
    touches, touch_params = chat_touches_sql(store_ids=store_ids, started_from=chats_from, started_to=chats_to)
    sql = (
        f"WITH o AS MATERIALIZED (SELECT o.id, o.store_id, o.buyer_pseudonym, o.created_at, o.paid_at, o.amount_paid, "
        f"o.refunded_amount FROM orders_order o WHERE {condition}), "
        f"t AS ({touches}), "
        "best AS (SELECT DISTINCT ON (o.id) o.id AS order_id, t.conversation_id, t.is_human, t.agent_id "
        "FROM o JOIN t ON t.store_id = o.store_id AND t.buyer_pseudonym = o.buyer_pseudonym "
        "AND t.started_at < o.created_at AND NOT t.aftersale "
        "AND o.created_at < ((((t.started_at AT TIME ZONE 'Asia/Shanghai')::date + %s)::timestamp) "
        "AT TIME ZONE 'Asia/Shanghai') "
        "ORDER BY o.id, t.started_at DESC, t.conversation_id DESC) "
        "SELECT o.id AS order_id, CASE WHEN b.order_id IS NULL THEN 'silent' WHEN b.is_human THEN 'human' "
        "ELSE 'bot' END AS kind, b.conversation_id, CASE WHEN b.is_human THEN b.agent_id END AS agent_id, "
        "o.store_id, o.paid_at, o.amount_paid, o.refunded_amount, o.created_at, o.buyer_pseudonym "
        "FROM o LEFT JOIN best b ON b.order_id = o.id"
    )
    return sql, [*params, *touch_params, window_days]


def _orders_condition(*, store_ids, paid_from, paid_to, order_ids, created_from, created_to) -> tuple[str, list]:
    """The WHERE condition (text, params) on orders_order `o` of attribution_sql's optional filters."""
    where, params = ["TRUE"], []
    for column, test, value in (
        ("store_id", "= ANY(%s)", None if store_ids is None else list(store_ids)),
        ("paid_at", ">= %s", paid_from),
        ("paid_at", "< %s", paid_to),
        ("id", "= ANY(%s)", None if order_ids is None else list(order_ids)),
        ("created_at", ">= %s", created_from),
        ("created_at", "< %s", created_to),
    ):
        if value is not None:
            where.append(f"o.{column} {test}")
            params.append(value)
    return " AND ".join(where), params


def attribution_rows(**kwargs) -> list[tuple]:
    """The rows of attribution_sql (same keyword arguments), ordered by order id."""
    sql, params = attribution_sql(**kwargs)
    with analytic_cursor() as cur:
        cur.execute(f"SELECT * FROM ({sql}) a ORDER BY order_id", params)
        return cur.fetchall()


# --- commission readers (billing) -------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionHour:
    hour: datetime  # aware, Asia/Shanghai, start of the local hour of the order's paid time
    kind: str  # human | bot
    orders: int
    paid: Decimal
    refunded: Decimal
    net: Decimal


@dataclass(frozen=True)
class ClawbackHour:
    hour: datetime  # aware, Asia/Shanghai, start of the ORIGINAL local paid hour
    kind: str  # human | bot
    orders: int
    refunded: Decimal


def commission_base_by_hour(
    *,
    client_id: int,
    start: date,
    end: date,
    window_days: int = DEFAULT_WINDOW_DAYS,
    refunds_as_of: datetime | None = None,
) -> list[CommissionHour]:
    """Attributed (human or bot) orders of the brand PAID in local dates [start, end), by local paid hour
    and kind, sorted. Refunds: those recorded at or before `refunds_as_of` (all if None)."""
    store_ids = _client_store_ids(client_id)
    if not store_ids:
        return []
    sql, params = attribution_sql(
        store_ids=store_ids, window_days=window_days, paid_from=local_midnight(start), paid_to=local_midnight(end)
    )
    if refunds_as_of is None:
        refund = "a.refunded_amount"
        refund_params: list = []
    else:
        refund = (
            "COALESCE((SELECT sum(e.refund_delta) FROM orders_orderevent e WHERE e.order_id = a.order_id "
            "AND e.recorded_at <= %s), 0)"
        )
        refund_params = [refunds_as_of]
    query = (
        "SELECT date_trunc('hour', a.paid_at AT TIME ZONE 'Asia/Shanghai') AS hour, a.kind, count(*), "
        f"sum(a.amount_paid), sum(r.refunded) FROM ({sql}) a CROSS JOIN LATERAL (SELECT {refund} AS refunded) r "
        "WHERE a.kind <> 'silent' GROUP BY 1, 2 ORDER BY 1, 2"
    )
    with analytic_cursor() as cur:
        cur.execute(query, [*params, *refund_params])
        rows = cur.fetchall()
    return [
        CommissionHour(
            hour=hour.replace(tzinfo=LOCAL),
            kind=kind,
            orders=count,
            paid=paid,
            refunded=refunded,
            net=paid - refunded,
        )
        for hour, kind, count, paid, refunded in rows
    ]


def commission_clawbacks(
    *,
    client_id: int,
    paid_before: date,
    after: datetime,
    until: datetime | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[ClawbackHour]:
    """Refund increments recorded in (after, until] on attributed orders of the brand paid before local
    date `paid_before`, by the original local paid hour and kind, sorted.

    A refund that came with the order's FIRST import is not clawed back: an order first seen after the
    statement was never billed, and one seen before it was billed net of that refund."""
    store_ids = _client_store_ids(client_id)
    if not store_ids:
        return []
    with analytic_cursor() as cur:
        cur.execute(
            "SELECT DISTINCT e.order_id FROM orders_orderevent e JOIN orders_order o ON o.id = e.order_id "
            "WHERE o.store_id = ANY(%s) AND o.paid_at < %s AND e.recorded_at > %s "
            "AND (%s::timestamptz IS NULL OR e.recorded_at <= %s) AND e.refund_delta <> 0 "
            "AND e.import_run_id IS DISTINCT FROM o.import_run_id",
            [store_ids, local_midnight(paid_before), after, until, until],
        )
        order_ids = [row[0] for row in cur.fetchall()]
        if not order_ids:
            return []
        sql, params = attribution_sql(store_ids=store_ids, window_days=window_days, order_ids=order_ids)
        cur.execute(
            "SELECT date_trunc('hour', a.paid_at AT TIME ZONE 'Asia/Shanghai') AS hour, a.kind, "
            "count(DISTINCT a.order_id), sum(e.refund_delta) "
            f"FROM ({sql}) a JOIN orders_orderevent e ON e.order_id = a.order_id "
            "JOIN orders_order o ON o.id = a.order_id "
            "WHERE a.kind <> 'silent' AND e.recorded_at > %s AND (%s::timestamptz IS NULL OR e.recorded_at <= %s) "
            "AND e.import_run_id IS DISTINCT FROM o.import_run_id "
            "GROUP BY 1, 2 HAVING sum(e.refund_delta) <> 0 ORDER BY 1, 2",
            [*params, after, until, until],
        )
        rows = cur.fetchall()
    return [
        ClawbackHour(hour=hour.replace(tzinfo=LOCAL), kind=kind, orders=count, refunded=refunded)
        for hour, kind, count, refunded in rows
    ]


# --- querysets for pages, API and admin --------------------------------------------------------------


def order_list(*, user) -> QuerySet[Order]:
    return scope_queryset(
        Order.objects.select_related("store", "store__client", "attribution", "attribution__agent"), user
    )


def order_import_run_list(*, user) -> QuerySet[OrderImportRun]:
    return scope_queryset(OrderImportRun.objects.select_related("client", "created_by"), user)


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    return scope_queryset(Evaluation.objects.select_related("store", "store__client", "agent"), user)


def attribution_list(*, user) -> QuerySet[Attribution]:
    return scope_queryset(Attribution.objects.select_related("order", "order__store", "agent"), user)


# --- sales page, API and export ------------------------------------------------------------------------


@dataclass
class SalesReport:
    """Everything the sales page, its API and its XLSX show for one brand and period."""

    client_id: int
    start: date
    end: date
    window_days: int
    brand: object  # kpis.SalesKpi
    by_day: dict
    by_store: dict
    by_agent: dict
    store_names: dict
    agent_names: dict
    agent_qa: dict  # agent id -> average QA score (Decimal) or None
    csat: dict  # "brand" -> (evaluations, satisfied), "days" -> {date: (n, sat)}, "agents" -> {id: (n, sat)},
    # "scores" -> {5: n, 4: n, 3: n, 2: n, 1: n} (the brand's evaluations by grade, 很满意 … 很不满意)
    dissatisfied: list  # dicts: conversation, store, agent, score, evaluated_at, qa_score, qa_passed
    promos: list  # (name, first local date, last local date) overlapping the period


def sales_report(*, client_id: int, start: date, end: date, window_days: int = DEFAULT_WINDOW_DAYS, user=None):
    """The brand's sales KPIs over local dates [start, end): funnel, daily trend, per store, per agent
    (with the QA average), silent share, satisfaction and the dissatisfied chats with their QA results."""
    from apps.clients.selectors import store_names_of_client
    from apps.orders import kpis

    stores = store_names_of_client(client_id=client_id)
    store_ids = list(stores)
    lo, hi = local_midnight(start), local_midnight(end)
    chat_rows: list = []
    order_rows: list = []
    if store_ids:
        sql, params = chat_touches_sql(store_ids=store_ids, started_from=lo, started_to=hi)
        with analytic_cursor() as cur:
            cur.execute(f"SELECT * FROM ({sql}) t WHERE NOT t.aftersale", params)
            chat_rows = [kpis.ChatRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in cur.fetchall()]
        for r in attribution_rows(
            store_ids=store_ids,
            window_days=window_days,
            created_from=lo - timedelta(days=31),
            created_to=hi + timedelta(days=window_days),
        ):
            order_id, kind, conv_id, agent_id, store_id, paid_at, amount, refunded = r[:8]
            net = (amount - refunded) if paid_at is not None else Decimal("0")
            order_rows.append(kpis.OrderRow(order_id, kind, conv_id, agent_id, store_id, paid_at, net))
    period = (start, end)
    brand = kpis.sales_kpis(chat_rows, order_rows, by="brand", period=period).get(None) or kpis.SalesKpi()
    by_agent = kpis.sales_kpis(chat_rows, order_rows, by="agent", period=period)
    agent_ids = [a for a in by_agent if a is not None]
    agent_names, agent_qa = _agents(client_id=client_id, start=start, end=end, agent_ids=agent_ids, user=user)
    csat, dissatisfied = _satisfaction(store_ids=store_ids, lo=lo, hi=hi, client_id=client_id, start=start, end=end)
    return SalesReport(
        client_id=client_id,
        start=start,
        end=end,
        window_days=window_days,
        brand=brand,
        by_day=kpis.sales_kpis(chat_rows, order_rows, by="day", period=period),
        by_store=kpis.sales_kpis(chat_rows, order_rows, by="store", period=period),
        by_agent=by_agent,
        store_names=stores,
        agent_names=agent_names,
        agent_qa=agent_qa,
        csat=csat,
        dissatisfied=dissatisfied,
        promos=_promos(start, end),
    )


def _agents(*, client_id, start, end, agent_ids, user):
    from apps.people.selectors import agent_names  # names only, as the conversations admin shows them
    from apps.qa.selectors import agent_scores

    names = agent_names(agent_ids)
    qa = {}
    if user is not None:
        qa = {
            row["agent_id"]: row["average"]
            for row in agent_scores(user=user, client_id=client_id, start=start, end=end)
        }
    return names, qa


def _satisfaction(*, store_ids, lo, hi, client_id, start, end):
    from apps.qa.selectors import period_results

    evaluations = list(
        Evaluation.objects.filter(store_id__in=store_ids, evaluated_at__gte=lo, evaluated_at__lt=hi)
        .select_related("store", "agent", "conversation")
        .order_by("evaluated_at")
    )
    days: dict = {}
    agents: dict = {}
    total = satisfied = 0
    for e in evaluations:
        ok = e.score >= 4
        total += 1
        satisfied += ok
        day = e.evaluated_at.astimezone(LOCAL).date()
        n, s = days.get(day, (0, 0))
        days[day] = (n + 1, s + ok)
        if e.agent_id is not None:
            n, s = agents.get(e.agent_id, (0, 0))
            agents[e.agent_id] = (n + 1, s + ok)
    bad = [e for e in evaluations if e.score <= 2]
    qa = {}
    if bad:
        results = period_results(client_id=client_id, start=start - timedelta(days=7), end=end).filter(
            conversation_id__in=[e.conversation_id for e in bad if e.conversation_id]
        )
        qa = {r.conversation_id: (r.score, r.passed) for r in results}
    dissatisfied = [
        {
            "evaluation": e.platform_evaluation_id,
            "conversation_id": e.conversation_id,
            "conversation": e.conversation.platform_conversation_id if e.conversation else "",
            "store": e.store.name,
            "agent": e.agent.name if e.agent else "",
            "score": e.score,
            "evaluated_at": e.evaluated_at,
            "qa_score": qa.get(e.conversation_id, (None, None))[0],
            "qa_passed": qa.get(e.conversation_id, (None, None))[1],
        }
        for e in bad
    ]
    grades = Counter(e.score for e in evaluations)
    scores = {score: grades.get(score, 0) for score in (5, 4, 3, 2, 1)}
    return {"brand": (total, satisfied), "days": days, "agents": agents, "scores": scores}, dissatisfied


def _promos(start: date, end: date) -> list[tuple[str, date, date]]:
    from apps.core.models import PromoEvent

    return [
        (str(p), max(p.presale_start, start), min(p.end_date, end - timedelta(days=1)))
        for p in PromoEvent.objects.filter(presale_start__lt=end, end_date__gte=start).order_by("presale_start")
    ]


# --- off-boarding and data export (apps.clients.offboarding calls these) ------------------------------

ORDER_EXPORT_FIELDS = (
    "id",
    "platform_order_id",
    "buyer_pseudonym",
    "created_at",
    "paid_at",
    "amount_paid",
    "refunded_amount",
    "status",
    "item_count",
)


def order_export_rows(*, client_id: int) -> list[dict]:
    """The brand's orders for its archive, by id: the order, its shop, and how it was attributed (kind,
    credited conversation and agent; None while not attributed, written blank by the archive)."""
    rows = (
        Order.objects.filter(store_id__in=_client_store_ids(client_id))
        .order_by("id")
        .values(
            *ORDER_EXPORT_FIELDS,
            shop_id=F("store__shop_id"),
            platform=F("store__platform"),
            attribution_kind=F("attribution__kind"),
            credited_conversation_id=F("attribution__conversation_id"),
            credited_agent_id=F("attribution__agent_id"),
        )
    )
    return list(rows)


def evaluation_export_rows(*, client_id: int) -> list[dict]:
    """The brand's satisfaction evaluations for its archive, by id."""
    rows = (
        Evaluation.objects.filter(store_id__in=_client_store_ids(client_id))
        .order_by("id")
        .values(
            "id",
            "platform_evaluation_id",
            "conversation_id",
            "agent_id",
            "score",
            "evaluated_at",
            shop_id=F("store__shop_id"),
            platform=F("store__platform"),
        )
    )
    return list(rows)


def order_pseudonyms_left(*, client_id: int) -> int:
    """How many of the brand's orders still carry a buyer pseudonym (0 after an off-boarding)."""
    return Order.objects.filter(store_id__in=_client_store_ids(client_id)).exclude(buyer_pseudonym="").count()
