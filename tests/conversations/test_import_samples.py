"""Every adapter imports its sample file: counts, masking, timing, agent resolution."""

from __future__ import annotations

import pytest

from apps.conversations.models import Conversation, Message
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from tests import factories
from tests.conversations.conftest import SAMPLES

CASES = [
    ("canonical.csv", "canonical_csv", "tmall", 3, 21),
    ("canonical.jsonl", "canonical_jsonl", "tmall", 3, 21),
    ("taobao_chatlog.json", "taobao_json", "taobao", 3, 21),
    ("qianniu_copy.txt", "qianniu_text", "tmall", 3, 21),
    ("jd_export_gbk.csv", "jd_csv", "jd", 3, 21),
    ("douyin_export.csv", "douyin_csv", "douyin", 3, 21),
]


@pytest.mark.parametrize(("name", "file_format", "platform", "conversations", "messages"), CASES)
def test_sample_imports(sample_stores, name, file_format, platform, conversations, messages):
    run = import_file(path=SAMPLES / name, file_format=file_format)
    assert run.status == RunStatus.SUCCEEDED, run.errors
    assert run.conversations_imported == conversations
    assert run.messages_imported == messages
    assert run.rows_read == messages
    assert run.rejected == 0
    assert len(run.file_sha256) == 64
    store = sample_stores[platform]
    assert Conversation.objects.filter(store=store).count() == conversations
    assert Message.objects.filter(conversation__store=store).count() == messages
    assert run.client_id == store.client_id


@pytest.mark.parametrize(("name", "file_format", "platform", "conversations", "messages"), CASES)
def test_sample_pii_is_masked_in_the_database(sample_stores, name, file_format, platform, conversations, messages):
    import_file(path=SAMPLES / name, file_format=file_format)
    contents = "\n".join(Message.objects.values_list("content", flat=True))
    for raw in ("13812345678", "11010519491231002X", "6222 0212 3456 7890 128", "文三路90号"):
        assert raw not in contents
    assert "[手机号]" in contents
    assert "[地址]" in contents
    assert "[身份证号]" in contents


def test_encodings_are_detected(sample_stores):
    assert import_file(path=SAMPLES / "jd_export_gbk.csv", file_format="jd_csv").encoding == "gbk"
    assert import_file(path=SAMPLES / "douyin_export.csv", file_format="douyin_csv").encoding == "utf-8-sig"
    assert import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv").encoding == "utf-8"


def test_canonical_timing_of_the_transferred_chat(sample_stores):
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    conv = Conversation.objects.get(platform_conversation_id="C20261111-0001")
    assert conv.handled_by == "human"
    assert conv.transferred_to_human
    # docs/qa_rule_meanings.md: the wait starts at the hand-over moment, the transfer notice
    # (00:05:41), and ends at the agent's first message (00:06:02); then 00:06:30 → 00:07:45
    assert conv.first_response_seconds == 21
    assert (conv.buyer_rounds, conv.rounds_answered, conv.response_seconds_total) == (2, 2, 21 + 75)
    assert conv.message_count == 9
    assert list(conv.messages.values_list("seq", flat=True)) == list(range(1, 10))


def test_bot_only_chat_is_bot_handled(sample_stores):
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    conv = Conversation.objects.get(platform_conversation_id="C20261111-0002")
    assert conv.handled_by == "bot"
    assert not conv.transferred_to_human
    assert conv.buyer_rounds == 0


def test_agent_is_resolved_by_nick(sample_stores):
    agent = factories.make_agent(nick="小美")
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    conv = Conversation.objects.get(platform_conversation_id="C20261111-0001")
    assert conv.agent == agent
    assert conv.agent_nick == "小美"


def test_qianniu_noise_lines_are_dropped(sample_stores):
    import_file(path=SAMPLES / "qianniu_copy.txt", file_format="qianniu_text")
    contents = set(Message.objects.values_list("content", flat=True))
    assert not {"已读", "未读", "对方撤回了一条消息"} & contents


def test_buyer_is_stored_as_a_pseudonym(sample_stores):
    from apps.conversations.services import buyer_pseudonym

    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    conv = Conversation.objects.get(platform_conversation_id="C20261111-0001")
    assert conv.buyer_pseudonym == buyer_pseudonym("tmall", "tb_小鹿123")
    assert len(conv.buyer_pseudonym) == 16


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"), [("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("gbk", b"", "gbk")]
)
def test_canonical_csv_in_other_encodings(sample_stores, write_file, encoding, prefix, expected):
    text = (SAMPLES / "canonical.csv").read_text(encoding="utf-8")
    run = import_file(path=write_file("c.csv", prefix + text.encode(encoding)), file_format="canonical_csv")
    assert run.status == RunStatus.SUCCEEDED, run.errors
    assert run.encoding == expected
    assert Message.objects.filter(content__contains="双十一的满减").exists()


def test_gb18030_only_characters_are_read(sample_stores, write_file):
    text = (SAMPLES / "canonical.csv").read_text(encoding="utf-8").replace("好的谢谢", "好的谢谢𠮷")
    run = import_file(path=write_file("c.csv", text.encode("gb18030")), file_format="canonical_csv")
    assert run.encoding == "gb18030"
    assert Message.objects.filter(content="好的谢谢𠮷").exists()
