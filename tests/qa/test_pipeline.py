"""QA runs after an import (a post-import consumer, Celery eager in tests) and a re-import scores nothing twice."""

from __future__ import annotations

import json

import pytest

from apps.conversations.models import Conversation
from apps.conversations.services import import_file
from apps.qa import services
from apps.qa.models import QAResult, QARun
from tests import factories


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")


def rows(shop):
    out = []
    for c in range(3):
        msgs = [("buyer", "在吗，这个是最低价吗"), ("agent", "亲，您好！全网最低价，保证正品"), ("buyer", "好的")]
        for i, (role, text) in enumerate(msgs):
            out.append(
                {
                    "platform": "tmall",
                    "shop": shop,
                    "conversation_id": f"PQ-{c}",
                    "message_id": f"PQ-{c}-{i}",
                    "sent_at": f"2026-11-11T10:00:{10 * i:02d}+08:00",
                    "sender_role": role,
                    "agent": "qa-agent-1" if role == "agent" else "",
                    "buyer": "tb_buyer",
                    "msg_type": "text",
                    "content": text,
                }
            )
    return out


def import_three(brand, tmp_path, capture):
    """Import three chats into a new store of the brand, running what the import enqueues (its QA)."""
    store = factories.make_store(client=brand, shop_id=f"{brand.code}-shop")
    factories.make_agent(nick="qa-agent-1")
    path = tmp_path / "chats.jsonl"
    write_jsonl(path, rows(store.shop_id))
    with capture(execute=True):
        run = import_file(path=path, file_format="canonical_jsonl")
    return run, path


@pytest.fixture
def imported(brand_a, tmp_path, media_root, django_capture_on_commit_callbacks):
    services.scorecard_install_default(client=brand_a)
    return import_three(brand_a, tmp_path, django_capture_on_commit_callbacks)


def test_import_triggers_qa_for_every_conversation(imported):
    run, _path = imported
    qa_run = QARun.objects.get(import_run=run)
    assert (qa_run.status, qa_run.scored, QAResult.objects.count(), Conversation.objects.count()) == (
        "succeeded",
        3,
        3,
        3,
    )


def test_qa_of_the_same_import_twice_adds_nothing(imported):
    run, _path = imported
    again = services.qa_score_import_run(import_run_id=run.pk)
    assert (again.scored, again.skipped, QAResult.objects.count()) == (0, 3, 3)


def test_task_is_registered_in_the_import_pipeline():
    from apps.conversations import pipeline
    from apps.qa.tasks import qa_score_import_run_task

    assert qa_score_import_run_task in pipeline.CONSUMERS  # registered by QaConfig.ready()


def test_an_import_for_a_brand_without_a_scorecard_says_so(
    brand_b, tmp_path, media_root, django_capture_on_commit_callbacks
):
    """No active scorecard for the brand: the QA run counts its conversations as such (never a silent
    pass), and the nightly sweep scores them once a scorecard is installed."""
    run, _path = import_three(brand_b, tmp_path, django_capture_on_commit_callbacks)
    qa_run = QARun.objects.get(import_run=run)
    assert (qa_run.status, qa_run.scored, qa_run.no_scorecard, QAResult.objects.count()) == ("succeeded", 0, 3, 0)
    services.scorecard_install_default(client=brand_b)
    assert services.qa_sweep_unscored().scored == 3
