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
