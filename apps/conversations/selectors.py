from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate

from apps.conversations.choices import HandledBy, MessageType, SenderRole
from apps.conversations.models import Conversation, ImportRun, Message
from apps.core.calendar import day_range_bounds, local_tz
from apps.core.roles import scope_queryset


def conversation_list(*, user) -> QuerySet[Conversation]:
    return scope_queryset(Conversation.objects.select_related("store", "store__client", "agent"), user)


def conversation_detail_queryset(*, user) -> QuerySet[Conversation]:
    return conversation_list(user=user).prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("seq")))


def import_run_list(*, user) -> QuerySet[ImportRun]:
    return scope_queryset(ImportRun.objects.select_related("client", "created_by"), user)


# --- period readers for workforce, reports and billing (local days, apps.core.calendar) -------------


def _in_period(*, client_id: int | None, start: date, end: date) -> QuerySet[Conversation]:
    lo, hi = day_range_bounds(start, end)
    qs = Conversation.objects.filter(started_at__gte=lo, started_at__lt=hi)
    return qs if client_id is None else qs.filter(store__client_id=client_id)


def conversation_start_times(*, client_id: int, start: date, end: date, channel: str | None = None) -> list[datetime]:
    """Aware start instants of a brand's conversations over the local dates [start, end), one per
    contact, optionally of one channel; unordered."""
    qs = _in_period(client_id=client_id, start=start, end=end)
    if channel is not None:
        qs = qs.filter(channel=channel)
    return list(qs.values_list("started_at", flat=True).iterator(chunk_size=5000))


def conversation_count(*, client_id: int, start: date, end: date) -> int:
    """How many of a brand's conversations started over the local dates [start, end)."""
    return _in_period(client_id=client_id, start=start, end=end).count()


class HandledCounts(NamedTuple):
    """Conversations over a period: all, answered by the bot alone, by a human."""

    total: int
    bot: int
    human: int


def handled_counts(*, client_id: int, start: date, end: date) -> HandledCounts:
    """How many of a brand's conversations over the local dates [start, end) the bot and humans handled."""
    agg = _in_period(client_id=client_id, start=start, end=end).aggregate(
        total=Count("id"),
        bot=Count("id", filter=Q(handled_by=HandledBy.BOT)),
        human=Count("id", filter=Q(handled_by=HandledBy.HUMAN)),
    )
    return HandledCounts(agg["total"], agg["bot"], agg["human"])


def handled_counts_by_day(*, client_id: int, start: date, end: date) -> dict[date, HandledCounts]:
    """handled_counts per local day of [start, end); days without conversations are absent."""
    rows = (
        _in_period(client_id=client_id, start=start, end=end)
        .annotate(day=TruncDate("started_at", tzinfo=local_tz()))
        .values("day")
        .annotate(
            total=Count("id"),
            bot=Count("id", filter=Q(handled_by=HandledBy.BOT)),
            human=Count("id", filter=Q(handled_by=HandledBy.HUMAN)),
        )
    )
    return {row["day"]: HandledCounts(row["total"], row["bot"], row["human"]) for row in rows}


def human_handle_seconds(*, client_id: int, start: date, end: date, limit: int = 20000) -> list[float]:
    """Lengths in seconds (ended − started) of at most `limit` human-handled conversations over the
    local dates [start, end), unordered."""
    qs = (
        _in_period(client_id=client_id, start=start, end=end)
        .filter(handled_by=HandledBy.HUMAN)
        .annotate(length=F("ended_at") - F("started_at"))
    )
    return [d.total_seconds() for d in qs.values_list("length", flat=True)[:limit]]


def buyer_text_stream(*, client_id: int, start: date, end: date):
    """(conversation id, masked content) of the buyers' text messages of conversations started over
    the local dates [start, end), in conversation and message order, streamed."""
    lo, hi = day_range_bounds(start, end)
    return (
        Message.objects.filter(
            conversation__store__client_id=client_id,
            conversation__started_at__gte=lo,
            conversation__started_at__lt=hi,
            sender_role=SenderRole.BUYER,
            msg_type=MessageType.TEXT,
        )
        .order_by("conversation_id", "seq")
        .values_list("conversation_id", "content")
        .iterator(chunk_size=5000)
    )


def client_ids_with_conversations(*, start: date | None = None, end: date | None = None) -> QuerySet:
    """Ids of the brands with conversations over the local dates [start, end) (ever, without dates),
    as a subquery."""
    qs = Conversation.objects.all() if start is None else _in_period(client_id=None, start=start, end=end)
    return qs.values("store__client_id").distinct()


def agent_chat_counts() -> list[dict]:
    """Human-answered chats per (agent, brand, platform): dicts with agent_id, store__client_id,
    store__platform and chats (the demo derives skills from them)."""
    return list(
        Conversation.objects.filter(agent__isnull=False)
        .values("agent_id", "store__client_id", "store__platform")
        .annotate(chats=Count("id"))
    )


# --- retention and off-boarding (apps.clients.offboarding orchestrates) ------------------------------


def conversation_export_rows(*, client_id: int, chunk_size: int = 2000):
    """Every conversation of the brand as a dict with its messages (list of dicts), by id, streamed.

    Read as plain rows a chunk of conversations at a time (keyset on id) with one query for the
    chunk's messages: building model instances for a brand's 200k messages cost a minute."""
    fields = [f.attname for f in Conversation._meta.concrete_fields]
    message_fields = ["message_id", "seq", "sent_at", "sender_role", "msg_type", "content"]
    base = (
        Conversation.objects.filter(store__client_id=client_id)
        .order_by("id")
        .values(*fields, store_shop_id=F("store__shop_id"), platform=F("store__platform"))
    )
    after = 0
    while True:
        chunk = list(base.filter(id__gt=after)[:chunk_size])
        if not chunk:
            return
        after = chunk[-1]["id"]
        messages: dict[int, list[dict]] = {row["id"]: [] for row in chunk}
        for values in (
            Message.objects.filter(conversation_id__in=list(messages))
            .order_by("conversation_id", "seq")
            .values_list("conversation_id", *message_fields)
        ):
            messages[values[0]].append(dict(zip(message_fields, values[1:], strict=True)))
        for row in chunk:
            row["messages"] = messages[row["id"]]
            yield row


def import_run_export_rows(*, client_id: int) -> list[dict]:
    """The brand's import runs (metadata only; the stored raw file is not exported)."""
    return list(
        ImportRun.objects.filter(client_id=client_id)
        .order_by("id")
        .values(
            "id",
            "file_name",
            "file_sha256",
            "file_format",
            "status",
            "created_at",
            "rows_read",
            "conversations_imported",
            "messages_imported",
            "duplicates",
            "rejected",
        )
    )


def shopper_content_left(*, client_id: int, before=None) -> dict[str, int]:
    """What shopper content the brand still holds (optionally only in conversations started before
    `before`): messages with text, messages at all, conversations with a buyer pseudonym, stored raw
    import files."""
    conversations = Conversation.objects.filter(store__client_id=client_id)
    messages = Message.objects.filter(conversation__store__client_id=client_id)
    if before is not None:
        conversations = conversations.filter(started_at__lt=before)
        messages = messages.filter(conversation__started_at__lt=before)
    return {
        "messages_with_text": messages.exclude(content="").count(),
        "messages": messages.count(),
        "buyer_pseudonyms": conversations.exclude(buyer_pseudonym="").count(),
        "import_files": ImportRun.objects.filter(client_id=client_id).exclude(file="").count(),
    }


# --- sales attribution (apps.orders reads chats only through these) --------------------------------

# A chat is AFTERSALE (about an order already placed or paid) when the buyer sent an order card in it
# or wrote one of these words; every other chat is PRESALE. The words are the ones shoppers use for
# returns, refunds, exchanges, missing or wrong goods and parcels already on their way; order cards
# are what the platforms attach when a shopper asks about an order. Message types survive the
# retention purge (texts do not), so a purged chat is classified by its order cards alone.
AFTERSALE_KEYWORDS = (
    "退款",
    "退货",
    "换货",
    "售后",
    "补发",
    "漏发",
    "少发",
    "发错",
    "物流",
    "快递到哪",
    "到哪了",
    "还没到",
    "签收",
    "质量问题",
    "订单号",
)
AFTERSALE_PATTERN = "|".join(AFTERSALE_KEYWORDS)


def chat_is_aftersale(messages) -> bool:
    """The Python form of the rule above: `messages` are (sender_role, msg_type, content) triples."""
    for role, msg_type, content in messages:
        if role != "buyer":
            continue
        if msg_type == "order":
            return True
        if any(word in (content or "") for word in AFTERSALE_KEYWORDS):
            return True
    return False


def chat_touches_sql(*, store_ids: list[int] | None, started_from, started_to) -> tuple[str, list]:
    """SQL (text, params) of a SELECT of the brand's chats that can earn presale credit, one row each:
    (conversation_id, store_id, buyer_pseudonym, started_at, is_human, agent_id, aftersale).

    Chats with started_at in [started_from, started_to) (either bound may be None) of `store_ids`
    (None: every store), with a buyer pseudonym (purged chats have none and join nothing). `aftersale`
    follows AFTERSALE_KEYWORDS / order cards; `is_human` is handled_by = human (a bot-only chat is
    false). apps.orders embeds this in its set-based attribution; it names only conversations tables.
    """
    where = ["c.buyer_pseudonym <> ''"]
    params: list = []
    if store_ids is not None:
        where.append("c.store_id = ANY(%s)")
        params.append(list(store_ids))
    if started_from is not None:
        where.append("c.started_at >= %s")
        params.append(started_from)
    if started_to is not None:
        where.append("c.started_at < %s")
        params.append(started_to)
    condition = " AND ".join(where)
    # a chat's messages are sent after it started: lets Postgres skip earlier message partitions
    message_condition = "m.sent_at >= %s AND " if started_from is not None else ""
    message_params = [started_from] if started_from is not None else []
    # the aftersale chats: an uncorrelated IN, which Postgres runs once as a hashed set (one pass over
    # the buyers' messages), never once per chat whatever the statistics say
    sql = (
        "SELECT c.id AS conversation_id, c.store_id, c.buyer_pseudonym, c.started_at, "
        "c.handled_by = 'human' AS is_human, c.agent_id, c.id IN (SELECT m.conversation_id "
        "FROM conversations_message m JOIN conversations_conversation c ON c.id = m.conversation_id "
        f"WHERE {message_condition}{condition} AND m.sender_role = 'buyer' AND (m.msg_type = 'order' OR m.content ~ %s)) AS aftersale "
        f"FROM conversations_conversation c WHERE {condition}"
    )
    return sql, [*message_params, *params, AFTERSALE_PATTERN, *params]


def chat_purged_sql(column: str) -> str:
    """SQL condition: the conversation whose id is in `column` (of the caller's query) has lost its
    buyer pseudonym (retention or off-boarding purged it), so nothing can be joined to it any more.
    apps.orders keeps an attribution to such a chat as it was (apps.orders.services.attribution_refresh)."""
    return f"EXISTS (SELECT 1 FROM conversations_conversation pc WHERE pc.id = {column} AND pc.buyer_pseudonym = '')"


def conversation_ids_by_platform_id(*, store_id: int, platform_ids: list[str]) -> dict[str, tuple[int, int | None]]:
    """{platform conversation id: (conversation id, agent id)} of the store's chats with these ids."""
    rows = Conversation.objects.filter(store_id=store_id, platform_conversation_id__in=platform_ids).values_list(
        "platform_conversation_id", "id", "agent_id"
    )
    return {pcid: (pk, agent_id) for pcid, pk, agent_id in rows}


# --- QA scoring (apps.qa reads chats only through these) ------------------------------------------


class ConversationForScoring(NamedTuple):
    """What the QA engine needs of one conversation besides its messages (a tuple: thousands a batch)."""

    id: int
    store_id: int
    handled_by: str
    transferred_to_human: bool
    agent_id: int | None
    agent_nick: str
    started_at: datetime


class MessageForScoring(NamedTuple):
    """One message as the QA engine reads it; sent_at is POSIX seconds."""

    role: str
    sent_at: float
    content: str
    msg_type: str


def conversations_for_scoring(*, conversation_ids: Sequence[int]) -> list[ConversationForScoring]:
    """The conversations with these ids, newest first (started_at, then id, descending: the model's
    ordering). `= ANY(array)` rather than the ORM's IN (…): one parameter instead of thousands."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.id, c.store_id, c.handled_by, c.transferred_to_human, c.agent_id, c.agent_nick, c.started_at "
            f"FROM {Conversation._meta.db_table} c WHERE c.id = ANY(%s::bigint[]) "
            "ORDER BY c.started_at DESC, c.id DESC",
            [list(conversation_ids)],
        )
        return [ConversationForScoring._make(row) for row in cur.fetchall()]


def messages_for_scoring(*, conversation_ids: Sequence[int]) -> dict[int, list[MessageForScoring]]:
    """{conversation id: its messages in order} for these conversations (absent: no messages)."""
    out: dict[int, list[MessageForScoring]] = defaultdict(list)
    with transaction.atomic(), connection.cursor() as cur:
        # One index probe per conversation (a LATERAL subquery with its own ORDER BY is planned as such):
        # `conversation_id = ANY(ids)` or a plain join is estimated at a good part of the table right
        # after a bulk import and planned as a scan of the whole table, once per batch. The estimate
        # still crosses jit_above_cost, and JIT compilation (~90 ms with stale statistics) would cost
        # more than the query; the ~4 MB of messages are sorted in memory rather than on disk.
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL work_mem = '32MB'")
        cur.execute(
            "SELECT m.conversation_id, m.sender_role, EXTRACT(EPOCH FROM m.sent_at)::float8, m.content, m.msg_type "
            "FROM unnest(%s::bigint[]) AS b(id) CROSS JOIN LATERAL (SELECT x.conversation_id, x.seq, "
            f"x.sender_role, x.sent_at, x.content, x.msg_type FROM {Message._meta.db_table} x "
            "WHERE x.conversation_id = b.id ORDER BY x.seq) AS m ORDER BY m.conversation_id, m.seq",
            [list(conversation_ids)],
        )
        for conv_id, role, sent_at, content, msg_type in cur.fetchall():
            out[conv_id].append(MessageForScoring(role, sent_at, content, msg_type))
    return out


def transcript_messages(*, conversation_id: int) -> list[dict]:
    """The conversation's messages in order, as {seq, sender_role, sent_at, content} (QA's review screen)."""
    return list(
        Message.objects.filter(conversation_id=conversation_id)
        .order_by("seq")
        .values("seq", "sender_role", "sent_at", "content")
    )


def import_run_clients(*, import_run_ids: Sequence[int]) -> dict[int, int | None]:
    """{import run id: its brand id} of the runs that exist (a missing id is absent)."""
    return dict(ImportRun.objects.filter(pk__in=list(import_run_ids)).values_list("pk", "client_id"))


def conversation_ids_where(*, include: Exists, exclude: Exists, client_id: int | None = None) -> list[int]:
    """Ids, ascending, of the conversations (of one brand, or all) for which ``include`` finds a row
    and ``exclude`` none: Exists() subqueries over the caller's own tables, correlated on
    OuterRef("pk") (the conversation) and OuterRef("store__client_id") (its brand)."""
    qs = Conversation.objects.filter(include).exclude(exclude)
    if client_id is not None:
        qs = qs.filter(store__client_id=client_id)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def conversation_ids_of_brand(*, client_id: int) -> list[int]:
    """Ids of every conversation of the brand's stores, ascending."""
    return list(Conversation.objects.filter(store__client_id=client_id).order_by("pk").values_list("pk", flat=True))


def conversation_ids_of_import(*, import_run_id: int) -> list[int]:
    """Ids of the conversations an import run brought in, ascending."""
    return list(Conversation.objects.filter(import_run_id=import_run_id).order_by("pk").values_list("pk", flat=True))


# --- the intraday room (apps.intraday) ------------------------------------------------------------


class IntervalActuals(NamedTuple):
    """One brand's conversations that started in one 15-minute interval (``at`` UTC).

    ``offered_to_human``: chats that reached the human side (a human answered, or the bot handed
    over and nobody answered); ``in_target``: their first human response came within the target;
    ``abandoned``: handed over or asked, never answered by a human; ``first_response_sum`` over the
    ``answered`` ones (s); ``human_seconds``: summed length of the human-handled chats (s)."""

    client_id: int
    at: datetime
    conversations: int
    bot_only: int
    human: int
    human_seconds: float
    offered_to_human: int
    answered: int
    in_target: int
    abandoned: int
    first_response_sum: int


def interval_actuals(
    *, client_ids: Sequence[int], start: datetime, end: datetime, target_s: int = 30
) -> list[IntervalActuals]:
    """Per brand and 15-minute interval of [start, end): counts from each conversation's own timing
    (apps.conversations.timing: first response, rounds, hand-over), by brand and interval.

    Two queries: the brands' stores (apps.clients.selectors), then one grouped query per store and
    interval, whose counts and sums add up per brand here (a few dozen stores × 96 intervals)."""
    from apps.clients.selectors import store_clients

    brand_of = store_clients(client_ids=client_ids)
    sql = """
        SELECT c.store_id,
               date_bin('15 minutes', c.started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS at,
               count(*),
               count(*) FILTER (WHERE c.handled_by = 'bot' AND NOT c.transferred_to_human),
               count(*) FILTER (WHERE c.handled_by = 'human'),
               coalesce(sum(extract(epoch FROM c.ended_at - c.started_at)) FILTER (WHERE c.handled_by = 'human'), 0),
               count(*) FILTER (WHERE (c.handled_by = 'human' AND c.buyer_rounds > 0)
                                   OR (c.handled_by = 'bot' AND c.transferred_to_human)),
               count(*) FILTER (WHERE c.first_response_seconds IS NOT NULL),
               count(*) FILTER (WHERE c.first_response_seconds <= %s),
               count(*) FILTER (WHERE (c.handled_by = 'human' AND c.buyer_rounds > 0
                                       AND c.first_response_seconds IS NULL)
                                   OR (c.handled_by = 'bot' AND c.transferred_to_human)),
               coalesce(sum(c.first_response_seconds), 0)
          FROM conversations_conversation c
         WHERE c.store_id = ANY(%s) AND c.started_at >= %s AND c.started_at < %s
         GROUP BY 1, 2
    """
    totals: dict[tuple[int, datetime], list] = {}
    with connection.cursor() as cur:
        cur.execute(sql, [target_s, list(brand_of), start, end])
        for store_id, at, *values in cur.fetchall():
            row = totals.setdefault((brand_of[store_id], at), [0] * len(values))
            for i, value in enumerate(values):
                row[i] += value
    return [
        IntervalActuals(client_id, at, *v[0:3], float(v[3]), *v[4:])
        for (client_id, at), v in sorted(totals.items(), key=lambda item: item[0])
    ]


def buyer_texts(*, conversation_ids: Sequence[int], max_chars: int = 400) -> dict[int, str]:
    """The (masked) buyer messages of each conversation joined by spaces, cut at ``max_chars``."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        Message.objects.filter(conversation_id__in=list(conversation_ids), sender_role="buyer")
        .order_by("conversation_id", "seq")
        .values_list("conversation_id", "content")
    )
    for conversation_id, content in rows:
        out[conversation_id].append(content)
    return {k: " ".join(v)[:max_chars] for k, v in out.items()}


def conversations_between(*, client_ids: Sequence[int], start: datetime, end: datetime) -> int:
    """How many conversations of these brands started in [start, end)."""
    return Conversation.objects.filter(
        store__client_id__in=list(client_ids), started_at__gte=start, started_at__lt=end
    ).count()


# --- SLA measurements of many brands at once (the billing run) -------------------------------------


def conversation_metrics_by_client(*, client_ids: Sequence[int], start: date, end: date) -> dict:
    """`apps.conversations.metrics.conversation_metrics` of many brands in one grouped query.

    Returns {client id: ConversationMetrics} for every id asked, the same figures as one call per
    brand (a brand with no conversations gets the empty metrics), so a billing run measures the SLA
    KPIs of thousands of contracts without one query each.
    """
    from apps.conversations.metrics import metric_aggregates, metrics_from_aggregates

    rows = (
        _in_period(client_id=None, start=start, end=end)
        .filter(store__client_id__in=list(client_ids))
        .values(client=F("store__client_id"))
        .annotate(**metric_aggregates())
        .order_by()
    )
    found = {row["client"]: row for row in rows}
    return {client_id: metrics_from_aggregates(found.get(client_id, {})) for client_id in client_ids}


def conversation_usage_sql(
    *, store_ids: Sequence[int], started_from: datetime, started_to: datetime
) -> tuple[str, list]:
    """SQL (text, params) of a SELECT of the chats of `store_ids` that started in [started_from,
    started_to), one row each: (conversation_id, store_id, started_at, channel, is_human,
    message_count). `is_human` is handled_by = human. apps.contracts embeds it in its set-based
    INSERT of usage records (billable conversations and messages); it names only conversations tables.
    """
    sql = (
        "SELECT c.id AS conversation_id, c.store_id, c.started_at, c.channel, "
        "c.handled_by = 'human' AS is_human, c.message_count "
        "FROM conversations_conversation c "
        "WHERE c.store_id = ANY(%s) AND c.started_at >= %s AND c.started_at < %s"
    )
    return sql, [list(store_ids), started_from, started_to]
