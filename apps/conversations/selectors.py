from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from apps.conversations.models import Conversation, ImportRun, Message
from apps.core.roles import scope_queryset


def conversation_list(*, user) -> QuerySet[Conversation]:
    return scope_queryset(Conversation.objects.select_related("store", "store__client", "agent"), user)


def conversation_detail_queryset(*, user) -> QuerySet[Conversation]:
    return conversation_list(user=user).prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("seq")))


def import_run_list(*, user) -> QuerySet[ImportRun]:
    return scope_queryset(ImportRun.objects.select_related("client", "created_by"), user)


# --- retention and off-boarding (apps.clients.offboarding orchestrates) ------------------------------


def conversation_export_rows(*, client_id: int, chunk_size: int = 500):
    """Every conversation of the brand as a dict with its messages (list of dicts), by id, streamed."""
    fields = [f.attname for f in Conversation._meta.concrete_fields]
    message_fields = ["message_id", "seq", "sent_at", "sender_role", "msg_type", "content"]
    qs = (
        Conversation.objects.filter(store__client_id=client_id)
        .select_related("store")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("seq")))
        .order_by("id")
    )
    for conversation in qs.iterator(chunk_size=chunk_size):
        row = {name: getattr(conversation, name) for name in fields}
        row["store_shop_id"] = conversation.store.shop_id
        row["platform"] = conversation.store.platform
        row["messages"] = [{name: getattr(m, name) for name in message_fields} for m in conversation.messages.all()]
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
    params: list = [AFTERSALE_PATTERN]
    if store_ids is not None:
        where.append("c.store_id = ANY(%s)")
        params.append(list(store_ids))
    if started_from is not None:
        where.append("c.started_at >= %s")
        params.append(started_from)
    if started_to is not None:
        where.append("c.started_at < %s")
        params.append(started_to)
    sql = (
        "SELECT c.id AS conversation_id, c.store_id, c.buyer_pseudonym, c.started_at, "
        "c.handled_by = 'human' AS is_human, c.agent_id, "
        "EXISTS (SELECT 1 FROM conversations_message m WHERE m.conversation_id = c.id "
        "AND m.sender_role = 'buyer' AND (m.msg_type = 'order' OR m.content ~ %s)) AS aftersale "
        "FROM conversations_conversation c WHERE " + " AND ".join(where)
    )
    return sql, params


def conversation_ids_by_platform_id(*, store_id: int, platform_ids: list[str]) -> dict[str, tuple[int, int | None]]:
    """{platform conversation id: (conversation id, agent id)} of the store's chats with these ids."""
    rows = Conversation.objects.filter(store_id=store_id, platform_conversation_id__in=platform_ids).values_list(
        "platform_conversation_id", "id", "agent_id"
    )
    return {pcid: (pk, agent_id) for pcid, pk, agent_id in rows}
