"""Readers that other apps call instead of reading conversations' tables (issue #13)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef

from apps.clients.models import Store
from apps.conversations import selectors
from apps.conversations.choices import ImportFormat
from apps.conversations.models import Conversation, ImportRun
from tests import factories
from tests.qa.factories import T0, make_conversation


def test_conversation_ids_where_applies_both_subqueries_and_the_brand(brand_a, brand_b):
    a1, a2 = (make_conversation(client=brand_a, messages=[("buyer", 0, "在吗")]) for _ in range(2))
    b1 = make_conversation(client=brand_b, messages=[("buyer", 0, "在吗")])
    # correlated on the conversation (OuterRef("pk")) and on its brand (OuterRef("store__client_id"))
    of_brand_a = Store.objects.filter(client_id=OuterRef("store__client_id"), client_id__in=[brand_a.pk])
    any_store = Store.objects.filter(pk=OuterRef("store_id"))
    is_a2 = Conversation.objects.filter(id=OuterRef("pk"), pk=a2.pk)

    assert selectors.conversation_ids_where(include=Exists(of_brand_a), exclude=Exists(is_a2)) == [a1.pk]
    assert selectors.conversation_ids_where(include=Exists(any_store), exclude=Exists(is_a2)) == [a1.pk, b1.pk]
    assert selectors.conversation_ids_where(include=Exists(any_store), exclude=Exists(is_a2), client_id=brand_b.pk) == [
        b1.pk
    ]


def test_import_run_clients_names_each_existing_run(brand_a):
    run = ImportRun.objects.create(client=brand_a, file_name="x.jsonl", file_format=ImportFormat.CANONICAL_JSONL)
    assert selectors.import_run_clients(import_run_ids=[run.pk, run.pk + 1000]) == {run.pk: brand_a.pk}


def test_conversation_count_and_transcript_messages(brand_a):
    conv = make_conversation(client=brand_a, messages=[("buyer", 0, "在吗"), ("agent", 5, "在的")])
    make_conversation(client=factories.make_client(), messages=[("buyer", 0, "hi")])
    day = T0.date()
    assert selectors.conversation_count(client_id=brand_a.pk, start=day, end=day + timedelta(days=1)) == 1
    assert selectors.conversation_count(client_id=brand_a.pk, start=date(2026, 1, 1), end=date(2026, 2, 1)) == 0
    rows = selectors.transcript_messages(conversation_id=conv.pk)
    assert [(m["seq"], m["sender_role"], m["content"]) for m in rows] == [(0, "buyer", "在吗"), (1, "agent", "在的")]
