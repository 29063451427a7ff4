"""The conversations demo step at a tiny scale: files, import, masking, idempotency."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.db.models.functions import TruncDate

from apps.clients import demo as clients_demo
from apps.clients.demo import BRANDS
from apps.conversations import demo as conv_demo
from apps.conversations import pipeline
from apps.conversations.models import Conversation, ImportRun, Message
from apps.people import demo_agents
from apps.people.demo_agents import brand_teams

pytestmark = pytest.mark.django_db

SCALE = 0.01


@pytest.fixture(autouse=True)
def _no_post_import_tasks(monkeypatch):
    """These tests are about the demo data; the QA loop scores imports in its own tests."""
    monkeypatch.setattr(pipeline, "CONSUMERS", [])


@pytest.fixture
def seeded(make_ctx, var_dir):
    clients_demo.seed(make_ctx())
    demo_agents.seed(make_ctx())
    ctx = make_ctx(scale=SCALE)
    conv_demo.seed(ctx)
    return ctx


def _file_rows(ctx) -> list[dict]:
    rows = []
    for path in sorted(conv_demo.demo_dir(ctx).glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def test_one_canonical_file_per_store_with_one_platform_each(seeded):
    paths = sorted(conv_demo.demo_dir(seeded).glob("*.jsonl"))
    assert len(paths) == sum(len(b.stores) for b in BRANDS)
    for path in paths:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert {r["platform"] for r in rows} == {path.name.split("-")[0]}
        assert len({r["shop"] for r in rows}) == 1
        assert set(rows[0]) == {
            "platform", "shop", "conversation_id", "message_id", "sent_at",
            "sender_role", "agent", "buyer", "msg_type", "content",
        }  # fmt: skip
        assert rows[0]["sent_at"].endswith("+08:00")


def test_every_chat_of_the_files_is_imported(seeded):
    rows = _file_rows(seeded)
    assert Message.objects.count() == len(rows)
    assert Conversation.objects.count() == len({(r["shop"], r["conversation_id"]) for r in rows})
    assert Conversation.objects.count() > 400
    assert ImportRun.objects.filter(status="succeeded").count() == 10


def test_the_bot_keeps_about_seventy_percent(seeded):
    total = Conversation.objects.count()
    bot = Conversation.objects.filter(handled_by="bot").count()
    assert 0.62 <= bot / total <= 0.78
    humans = Conversation.objects.filter(handled_by="human")
    assert humans.filter(transferred_to_human=True).count() == humans.count()


def test_each_brand_is_served_only_by_its_own_team(seeded):
    teams = {code: {a.nick for a in team} for code, team in brand_teams(seeded.seed).items()}
    served = Conversation.objects.filter(handled_by="human").values_list("store__client__code", "agent__nick")
    assert served
    for code, nick in served:
        assert nick in teams[code]


def test_personal_data_is_in_the_raw_files_but_never_in_the_database(seeded):
    rows = _file_rows(seeded)
    raw = [r["content"] for r in rows if r["sender_role"] == "buyer"]
    # Re-create the personal data the generator typed: run it again and collect Dialogue.pii.
    pii: list[str] = []
    stats = Counter()
    for brand in BRANDS:
        team = brand_teams(seeded.seed)[brand.code]
        for store in brand.stores:
            for _ in conv_demo.store_lines(seeded, brand, store, team, stats, pii_sink=pii):
                pass
    assert pii, "the demo must contain some personal data to mask"
    joined_raw = "\n".join(raw)
    assert all(value in joined_raw for value in pii)
    stored = "\n".join(Message.objects.values_list("content", flat=True))
    leaked = [value for value in pii if value in stored]
    assert leaked == []


def test_same_seed_gives_byte_identical_files(seeded, tmp_path):
    brand = BRANDS[0]
    store = brand.stores[0]
    team = brand_teams(seeded.seed)[brand.code]
    first = tmp_path / "a.jsonl"
    second = tmp_path / "b.jsonl"
    conv_demo.write_store_file(seeded, brand, store, team, first)
    conv_demo.write_store_file(seeded, brand, store, team, second)
    assert first.read_bytes() == second.read_bytes()
    reused = conv_demo.store_file(seeded, store, conv_demo._source_digest())
    assert reused.read_bytes() == first.read_bytes()


def test_rerunning_the_step_imports_nothing(seeded, make_ctx):
    conversations, messages = Conversation.objects.count(), Message.objects.count()
    files = {p: p.stat().st_mtime_ns for p in conv_demo.demo_dir(seeded).glob("*.jsonl")}
    conv_demo.seed(make_ctx(scale=SCALE))
    assert (Conversation.objects.count(), Message.objects.count()) == (conversations, messages)
    assert {p: p.stat().st_mtime_ns for p in conv_demo.demo_dir(seeded).glob("*.jsonl")} == files


def test_importing_a_demo_file_again_writes_zero_rows(seeded):
    from apps.conversations.services import import_file

    path = sorted(conv_demo.demo_dir(seeded).glob("*.jsonl"))[0]
    run = import_file(path=path, file_format=conv_demo.FILE_FORMAT)
    assert run.status == "succeeded"
    assert (run.conversations_imported, run.messages_imported) == (0, 0)
    assert run.duplicates == run.rows_read


def test_double_eleven_is_five_to_ten_times_a_normal_day_in_the_database(make_ctx, var_dir):
    clients_demo.seed(make_ctx())
    demo_agents.seed(make_ctx())
    ctx = make_ctx(scale=0.05)
    ctx.start, ctx.end = date(2026, 10, 5), date(2026, 11, 12)
    conv_demo.seed(ctx)
    local_day = TruncDate("started_at", tzinfo=ZoneInfo("Asia/Shanghai"))
    by_day = dict(Conversation.objects.annotate(day=local_day).values_list("day").annotate(n=Count("id")))
    normal_days = [date(2026, 10, d) for d in range(5, 19)]
    normal = sum(by_day[d] for d in normal_days) / len(normal_days)
    assert 5 <= by_day[date(2026, 11, 11)] / normal <= 10


def test_the_step_refuses_to_run_without_the_demo_agents(make_ctx, var_dir):
    clients_demo.seed(make_ctx())
    with pytest.raises(RuntimeError, match="people.demo_agents"):
        conv_demo.seed(make_ctx(scale=SCALE))


def test_a_store_too_big_for_one_upload_continues_in_parts_split_between_chats(make_ctx, tmp_path):
    ctx = make_ctx(scale=SCALE)
    brand = BRANDS[0]
    store = brand.stores[0]
    team = brand_teams(ctx.seed)[brand.code]
    whole = tmp_path / "whole" / "s-whole.jsonl"
    conv_demo.write_store_file(ctx, brand, store, team, whole)
    split = tmp_path / "split" / "s-split.jsonl"
    conv_demo.write_store_file(ctx, brand, store, team, split, max_bytes=100_000)
    parts = conv_demo.store_parts(split)
    assert len(parts) > 2
    assert all(p.stat().st_size <= 100_000 for p in parts)
    assert b"".join(p.read_bytes() for p in parts) == whole.read_bytes()
    ids = [{json.loads(line)["conversation_id"] for line in p.read_text("utf-8").splitlines()} for p in parts]
    assert all(not (a & b) for i, a in enumerate(ids) for b in ids[i + 1 :])


def test_some_shoppers_come_back(seeded):
    per_buyer = Counter(Conversation.objects.values_list("store_id", "buyer_pseudonym"))
    returning = sum(1 for n in per_buyer.values() if n > 1)
    assert 0 < returning < len(per_buyer) / 3
