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
