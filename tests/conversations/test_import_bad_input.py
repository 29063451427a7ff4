"""Bad input: each case fails the run with an error naming file, row and field, and writes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from apps.conversations.models import Conversation, Message
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from tests.conversations.conftest import SAMPLES

HEADER = "platform,shop,conversation_id,message_id,sent_at,sender_role,agent,buyer,msg_type,content\n"
GOOD = "tmall,yuefu-tmall-01,C1,M1,2026-11-11T10:00:00+08:00,buyer,,tb_a,text,在吗\n"
GOOD2 = "tmall,yuefu-tmall-01,C1,M2,2026-11-11T10:00:20+08:00,agent,小美,tb_a,text,亲在的\n"


def assert_rejected(run, *, row, field):
    assert run.status == RunStatus.FAILED
    assert {"row": row, "field": field} in [{"row": e["row"], "field": e["field"]} for e in run.errors], run.errors
    assert run.file_name in run.error
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def test_unknown_store(sample_stores, write_file):
    path = write_file("x.csv", HEADER + GOOD + GOOD.replace("yuefu-tmall-01", "nope").replace("M1", "M3"))
    run = import_file(path=path, file_format="canonical_csv")
    assert_rejected(run, row=3, field="shop")
    assert "未知店铺 tmall/nope" in run.errors[0]["reason"]


def test_mixed_platforms(sample_stores, write_file):
    path = write_file("x.csv", HEADER + GOOD + "jd,jd-10023456,C9,M9,2026-11-11T10:00:00+08:00,buyer,,b,text,hi\n")
    run = import_file(path=path, file_format="canonical_csv")
    assert_rejected(run, row=3, field="platform")
    assert "平台混杂" in run.errors[0]["reason"]


def test_wrong_encoding(sample_stores, write_file):
    path = write_file("x.csv", (HEADER + GOOD).encode("utf-8") + b"tmall,\xff\xfe\xfd\n")
    run = import_file(path=path, file_format="canonical_csv")
    assert_rejected(run, row=3, field="encoding")


def test_utf16_is_refused(sample_stores, write_file):
    run = import_file(path=write_file("x.csv", HEADER + GOOD, encoding="utf-16"), file_format="canonical_csv")
    assert_rejected(run, row=1, field="encoding")


def test_missing_column(sample_stores, write_file):
    path = write_file("x.csv", HEADER.replace(",msg_type", "") + "tmall,s,C,M,2026-11-11T10:00:00+08:00,buyer,,b,hi\n")
    run = import_file(path=path, file_format="canonical_csv")
    assert_rejected(run, row=1, field="msg_type")


def test_unparseable_timestamp(sample_stores, write_file):
    path = write_file("x.csv", HEADER + GOOD + GOOD2.replace("2026-11-11T10:00:20+08:00", "11/11 晚上"))
    run = import_file(path=path, file_format="canonical_csv")
    assert_rejected(run, row=3, field="sent_at")


def test_naive_canonical_timestamp_is_refused(sample_stores, write_file):
    path = write_file("x.csv", HEADER + GOOD.replace("+08:00", ""))
    run = import_file(path=path, file_format="canonical_csv")
    assert_rejected(run, row=2, field="sent_at")


def test_duplicate_rows_inside_the_file(sample_stores, write_file):
    run = import_file(path=write_file("x.csv", HEADER + GOOD + GOOD2 + GOOD), file_format="canonical_csv")
    assert_rejected(run, row=4, field="message_id")
    assert "已在第 2 行出现" in run.errors[0]["reason"]


def test_empty_file(sample_stores, write_file):
    run = import_file(path=write_file("x.csv", ""), file_format="canonical_csv")
    assert_rejected(run, row=1, field="file")


def test_header_only_file(sample_stores, write_file):
    run = import_file(path=write_file("x.csv", HEADER), file_format="canonical_csv")
    assert_rejected(run, row=2, field=None)


def test_file_over_the_size_limit(sample_stores, settings):
    settings.TIDELINE_MAX_UPLOAD_BYTES = 100
    run = import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    assert_rejected(run, row=None, field="file")
    assert "超过上传上限" in run.error


def test_unknown_sender_role(sample_stores, write_file):
    run = import_file(
        path=write_file("x.csv", HEADER + GOOD.replace("buyer,", "shopper,", 1)), file_format="canonical_csv"
    )
    assert_rejected(run, row=2, field="sender_role")


@pytest.mark.parametrize(
    ("text", "row", "field"),
    [
        ('{"platform": "taobao", "shop_id": "shanye-tb-01"}', 1, "conversations"),
        (
            '{"platform": "taobao", "shop_id": "shanye-tb-01", "conversations": [{"buyer_nick": "b", "messages": '
            '[{"direction": 0, "time": "2026-11-11 10:00:00", "content": "a"}, {"direction": 0, "content": "b"}]}]}',
            2,
            "conversations[0].messages[1].time",
        ),
        ("{not json", 1, None),
    ],
)
def test_taobao_json_errors(sample_stores, write_file, text, row, field):
    run = import_file(path=write_file("x.json", text), file_format="taobao_json")
    assert_rejected(run, row=row, field=field)


def test_jd_missing_column(sample_stores, write_file):
    text = (SAMPLES / "jd_export_gbk.csv").read_bytes().decode("gbk").replace("消息内容", "内容")
    run = import_file(path=write_file("jd.csv", text, encoding="gbk"), file_format="jd_csv")
    assert_rejected(run, row=1, field="消息内容")


def test_qianniu_without_header_lines(sample_stores, write_file):
    run = import_file(
        path=write_file("q.txt", "与 b 的聊天记录\nb 2026-11-11 10:00:00\n在吗\n"), file_format="qianniu_text"
    )
    assert_rejected(run, row=1, field="platform")


def test_errors_never_show_raw_pii(sample_stores, write_file):
    bad = GOOD.replace("yuefu-tmall-01", "13812345678").replace("2026-11-11T10:00:00+08:00", "13912345678")
    run = import_file(path=write_file("x.csv", HEADER + bad), file_format="canonical_csv")
    assert run.status == RunStatus.FAILED
    text = run.error + repr(run.errors)
    assert "13912345678" not in text
    assert "[手机号]" in text


def test_skip_bad_rows_imports_the_good_rows(sample_stores, write_file):
    bad = GOOD.replace("yuefu-tmall-01", "nope").replace("M1", "M3")
    path = write_file("x.csv", HEADER + GOOD + bad + GOOD2 + GOOD)
    run = import_file(path=path, file_format="canonical_csv", skip_bad_rows=True)
    assert run.status == RunStatus.SUCCEEDED
    assert run.messages_imported == 2
    assert run.rejected == 2
    assert sorted((e["row"], e["field"]) for e in run.errors) == [(3, "shop"), (5, "message_id")]
    assert Message.objects.count() == 2


def test_a_crash_fails_the_run_with_a_masked_message(sample_stores, write_file, monkeypatch):
    from apps.conversations import importer, services

    def explode(self):
        raise ValueError("cannot handle 13812345678")

    monkeypatch.setattr(importer.FileImporter, "_write", explode)
    with pytest.raises(services.ImportCrashed) as caught:
        import_file(path=write_file("x.csv", HEADER + GOOD), file_format="canonical_csv")
    assert "13812345678" not in str(caught.value)
    run = services.ImportRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "[手机号]" in run.error
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"platform": "tmall"}', "shop"),
        ("[1, 2]", None),
        ("{bad", None),
    ],
)
def test_jsonl_errors(sample_stores, write_file, line, field):
    good = (SAMPLES / "canonical.jsonl").read_text(encoding="utf-8").splitlines()[0]
    run = import_file(path=write_file("x.jsonl", f"{good}\n{line}\n"), file_format="canonical_jsonl")
    assert_rejected(run, row=2, field=field)


def test_a_broken_json_line_is_explained_in_chinese(sample_stores, write_file):
    good = (SAMPLES / "canonical.jsonl").read_text(encoding="utf-8").splitlines()[0]
    run = import_file(path=write_file("x.jsonl", f"{good}\n{{bad\n"), file_format="canonical_jsonl")
    reason = next(e["reason"] for e in run.errors if e["row"] == 2)
    assert "双引号括起的字段名" in reason and "Expecting" not in reason


BAD_TIME = "tmall,yuefu-tmall-01,C1,M2,yesterday 10:00,agent,小美,tb_a,text,亲在的\n"


def test_bad_timestamp_is_reported_in_chinese_by_default(sample_stores, write_file):
    run = import_file(path=write_file("t.csv", HEADER + GOOD + BAD_TIME), file_format="canonical_csv")
    assert_rejected(run, row=3, field="sent_at")
    assert run.errors == [
        {"row": 3, "field": "sent_at", "reason": "无法解析的时间戳 'yesterday 10:00'（应为带时区偏移的 ISO 8601）"}
    ]
    assert run.error == (
        "t.csv：1 行被拒绝，未导入任何数据；第一处：第 3 行，字段 sent_at："
        "无法解析的时间戳 'yesterday 10:00'（应为带时区偏移的 ISO 8601）"
    )


def test_bad_timestamp_is_reported_in_english_when_english_is_active(sample_stores, write_file):
    with translation.override("en"):
        run = import_file(path=write_file("t.csv", HEADER + GOOD + BAD_TIME), file_format="canonical_csv")
    assert_rejected(run, row=3, field="sent_at")
    assert run.errors == [
        {"row": 3, "field": "sent_at", "reason": "unparseable timestamp 'yesterday 10:00' (ISO 8601 with offset)"}
    ]
    assert "row 3, field sent_at: unparseable timestamp" in run.error


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('"\\u12"', "无效的 \\u 转义"),  # the decoder's own message is 'Invalid \\uXXXX escape'
        ('"a\\q"', "无效的转义符"),
        ('{"a" 1}', "缺少冒号"),
        ("[1] 2", "多余内容"),
        ('"abc', "缺少结尾引号"),
    ],
)
def test_each_decoder_reason_reads_in_chinese(text, words):
    import json

    from apps.conversations.adapters.base import json_error_text

    with pytest.raises(json.JSONDecodeError) as err:
        json.loads(text)
    assert words in json_error_text(err.value.msg), err.value.msg
