"""Re-imports write nothing; a conversation split over two files merges and is re-timed; post-import tasks."""

from __future__ import annotations

from apps.conversations import pipeline
from apps.conversations.models import Conversation, Message
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from tests.conversations.conftest import SAMPLES

HEADER = "platform,shop,conversation_id,message_id,sent_at,sender_role,agent,buyer,msg_type,content\n"


def test_reimport_writes_zero_rows(sample_stores):
    first = import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    before = list(Message.objects.order_by("id").values_list("id", "seq", "content"))
    again = import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    assert again.status == RunStatus.SUCCEEDED
    assert again.conversations_imported == 0
    assert again.messages_imported == 0
    assert again.duplicates == first.messages_imported
    assert again.file_sha256 == first.file_sha256
    assert list(Message.objects.order_by("id").values_list("id", "seq", "content")) == before


def test_same_messages_in_another_layout_are_duplicates(sample_stores):
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    run = import_file(path=SAMPLES / "canonical.jsonl", file_format="canonical_jsonl")
    assert run.messages_imported == 0
    assert run.duplicates == 21


def test_qianniu_reimport_is_idempotent(sample_stores):
    import_file(path=SAMPLES / "qianniu_copy.txt", file_format="qianniu_text")
    run = import_file(path=SAMPLES / "qianniu_copy.txt", file_format="qianniu_text")
    assert run.messages_imported == 0
    assert run.duplicates == 21


def test_conversation_split_over_two_files_merges(sample_stores, write_file):
    part1 = HEADER + (
        "tmall,yuefu-tmall-01,C7,M1,2026-11-11T10:00:00+08:00,buyer,,tb_a,text,在吗\n"
        "tmall,yuefu-tmall-01,C7,M2,2026-11-11T10:00:30+08:00,agent,小美,tb_a,text,亲在的\n"
    )
    part2 = HEADER + (
        "tmall,yuefu-tmall-01,C7,M2,2026-11-11T10:00:30+08:00,agent,小美,tb_a,text,亲在的\n"
        "tmall,yuefu-tmall-01,C7,M3,2026-11-11T10:01:00+08:00,buyer,,tb_a,text,什么时候发货\n"
        "tmall,yuefu-tmall-01,C7,M4,2026-11-11T10:05:00+08:00,agent,小美,tb_a,text,今天发\n"
    )
    import_file(path=write_file("p1.csv", part1), file_format="canonical_csv")
    run = import_file(path=write_file("p2.csv", part2), file_format="canonical_csv")
    assert run.messages_imported == 2
    assert run.duplicates == 1
    assert run.conversations_imported == 0
    conv = Conversation.objects.get(platform_conversation_id="C7")
    assert conv.message_count == 4
    assert conv.buyer_rounds == 2
    assert conv.rounds_answered == 2
    assert conv.response_seconds_total == 30 + 240
    assert conv.rounds_answered_180s == 1
    assert conv.max_wait_seconds == 240
    assert conv.import_run_id == run.pk
    assert list(conv.messages.values_list("message_id", "seq")) == [("M1", 1), ("M2", 2), ("M3", 3), ("M4", 4)]


def test_post_import_tasks_are_enqueued_on_commit(sample_stores, monkeypatch, django_capture_on_commit_callbacks):
    from tests.conversations import recording_task

    recording_task.CALLS.clear()
    monkeypatch.setattr(pipeline, "CONSUMERS", [recording_task.record_import_task])
    with django_capture_on_commit_callbacks(execute=True):
        run = import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    assert recording_task.CALLS == [run.pk]


def test_failed_import_enqueues_nothing(sample_stores, monkeypatch, django_capture_on_commit_callbacks, write_file):
    from tests.conversations import recording_task

    recording_task.CALLS.clear()
    monkeypatch.setattr(pipeline, "CONSUMERS", [recording_task.record_import_task])
    with django_capture_on_commit_callbacks(execute=True):
        import_file(path=write_file("x.csv", ""), file_format="canonical_csv")
    assert recording_task.CALLS == []


def test_qa_registers_its_scoring_as_a_post_import_consumer(_no_post_import_tasks):
    """The hand-over is a registration in QA's AppConfig.ready(), not a task name in a string
    (the fixture hands back what was registered before it emptied the registry for these tests)."""
    from apps.qa.tasks import qa_score_import_run_task

    assert _no_post_import_tasks == [qa_score_import_run_task]


def test_register_twice_is_a_no_op(monkeypatch):
    from tests.conversations import recording_task

    monkeypatch.setattr(pipeline, "CONSUMERS", [])
    pipeline.post_import_register(recording_task.record_import_task)
    pipeline.post_import_register(recording_task.record_import_task)
    assert pipeline.CONSUMERS == [recording_task.record_import_task]


def test_tabs_newlines_and_backslashes_survive_the_copy(sample_stores, write_file):
    content = 'line one\nline\ttwo \\ "quoted" \\N end'
    text = HEADER + (
        f'tmall,yuefu-tmall-01,C8,M\\1,2026-11-11T10:00:00+08:00,buyer,,tb_a,text,"{content.replace(chr(34), chr(34) * 2)}"\n'
    )
    run = import_file(path=write_file("esc.csv", text), file_format="canonical_csv")
    assert run.status == RunStatus.SUCCEEDED, run.errors
    message = Message.objects.get()
    assert message.content == content
    assert message.message_id == "M\\1"
    again = import_file(path=write_file("esc.csv", text), file_format="canonical_csv")
    assert again.messages_imported == 0


def test_an_id_holding_a_phone_number_is_stored_as_a_keyed_hash(sample_stores, write_file):
    text = HEADER + "tmall,yuefu-tmall-01,13812345678,M1,2026-11-11T10:00:00+08:00,buyer,,tb_a,text,在吗\n"
    import_file(path=write_file("pii.csv", text), file_format="canonical_csv")
    conv = Conversation.objects.get()
    assert "13812345678" not in conv.platform_conversation_id
    assert conv.platform_conversation_id.startswith("pii-")
    assert import_file(path=write_file("pii.csv", text), file_format="canonical_csv").messages_imported == 0


def test_jsonl_content_with_a_line_separator_character(sample_stores, write_file):
    import json

    record = {
        "platform": "tmall",
        "shop": "yuefu-tmall-01",
        "conversation_id": "C9",
        "message_id": "M1",
        "sent_at": "2026-11-11T10:00:00+08:00",
        "sender_role": "buyer",
        "agent": "",
        "buyer": "tb_a",
        "msg_type": "text",
        "content": "第一行\u2028第二行",
    }
    path = write_file("ls.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    run = import_file(path=path, file_format="canonical_jsonl")
    assert run.status == RunStatus.SUCCEEDED, run.errors
    assert Message.objects.get().content == "第一行\u2028第二行"
