"""bench --preload (bench/preload.py): whole units of history, in the months' partitions, grown and
shrunk to the size asked for."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.conversations.models import Conversation, Message
from apps.qa.models import QAHit, QAResult
from bench import preload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_units(monkeypatch):
    monkeypatch.setattr(preload, "UNIT_CONVERSATIONS", 30)
    monkeypatch.setattr(preload, "TABLES", [])  # no VACUUM: it cannot run inside the test's transaction


def _default_rows() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM conversations_message_default")
        return cur.fetchone()[0]


def test_preload_holds_exactly_the_units_asked_for():
    held = preload.preload(2, out=lambda line: None)
    assert held["preload_units"] == 2
    stores = Conversation.objects.filter(store__client__code=preload.CODE)
    assert stores.count() == 60
    assert Message.objects.filter(conversation__store__client__code=preload.CODE).count() == 60 * 20
    assert QAResult.objects.filter(scorecard__client__code=preload.CODE).count() == 60
    assert QAHit.objects.filter(result__scorecard__client__code=preload.CODE).count() == 60
    assert _default_rows() == 0  # every month's partition existed before the rows came

    assert preload.preload(2, out=lambda line: None)["preload_seconds"] == 0  # already there: nothing written
    preload.preload(1, out=lambda line: None)
    assert stores.count() == 30
    assert Message.objects.filter(conversation__store__client__code=preload.CODE).count() == 30 * 20
    assert QAHit.objects.filter(result__scorecard__client__code=preload.CODE).count() == 30
