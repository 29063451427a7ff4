"""Bad input that used to slip through: an unclosed quote, an oversized row, deep JSON, long lines.

Each fails naming the row (and field where there is one) and writes nothing; with skip_bad_rows
exactly the bad rows are skipped and every good row after them is imported."""

from __future__ import annotations

import json

import pytest

from apps.conversations.models import Message
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from tests.conversations.test_import_bad_input import GOOD, GOOD2, HEADER, assert_rejected

pytestmark = pytest.mark.django_db


def _row(n: int, content: str, role: str = "buyer") -> str:
    return f"tmall,yuefu-tmall-01,C1,M{n},2026-11-11T10:00:{n:02d}+08:00,{role},,tb_a,text,{content}\n"


def _contents() -> list[str]:
    return list(Message.objects.order_by("message_id").values_list("content", flat=True))


def test_an_unclosed_quote_fails_naming_its_row(sample_stores, write_file):
    text = HEADER + _row(1, "在吗") + _row(2, '"这个"好用吗') + _row(3, "亲") + _row(4, "好的")
    text = HEADER + _row(1, "在吗") + _row(2, '"这个好用吗') + _row(3, "亲") + _row(4, "好的")
    run = import_file(path=write_file("q.csv", text), file_format="canonical_csv")
    assert_rejected(run, row=3, field="content")
    assert "引号没有闭合" in run.error


def test_an_unclosed_quote_in_an_inner_column_fails_naming_that_column(sample_stores, write_file):
    text = HEADER + _row(1, "在吗") + _row(2, "x").replace(",tb_a,", ',"tb_a,') + _row(3, "亲")
    run = import_file(path=write_file("q.csv", text), file_format="canonical_csv")
    assert run.status == RunStatus.FAILED
    assert run.errors[0]["row"] == 3


def test_skip_bad_rows_skips_only_the_row_with_the_unclosed_quote(sample_stores, write_file):
    text = HEADER + _row(1, "在吗") + _row(2, '"这个好用吗') + _row(3, "亲") + _row(4, "好的")
    run = import_file(path=write_file("q.csv", text), file_format="canonical_csv", skip_bad_rows=True)
    assert run.status == RunStatus.SUCCEEDED
    assert [e["row"] for e in run.errors] == [3]
    assert _contents() == ["在吗", "亲", "好的"]


def test_a_quoted_multi_line_message_is_still_one_message(sample_stores, write_file):
    text = HEADER + _row(1, '"第一行\n第二行，还有逗号"') + _row(2, "好的")
    run = import_file(path=write_file("q.csv", text), file_format="canonical_csv")
    assert run.status == RunStatus.SUCCEEDED, run.errors
    assert _contents() == ["第一行\n第二行，还有逗号", "好的"]


def test_an_oversized_message_is_a_row_error_and_the_rows_after_it_import(sample_stores, write_file, settings):
    settings.TIDELINE_MAX_MESSAGE_BYTES = 1024
    text = HEADER + _row(1, "在吗") + _row(2, "长" * 2000) + _row(3, "亲") + _row(4, "好的")
    failed = import_file(path=write_file("big.csv", text), file_format="canonical_csv")
    assert_rejected(failed, row=3, field="content")
    assert "1 KB" in failed.error
    run = import_file(path=write_file("big2.csv", text), file_format="canonical_csv", skip_bad_rows=True)
    assert [e["row"] for e in run.errors] == [3]
    assert _contents() == ["在吗", "亲", "好的"]


def test_a_row_past_the_csv_modules_field_limit_costs_only_itself(sample_stores, write_file):
    text = HEADER + _row(1, "在吗") + _row(2, "长" * 200_000) + _row(3, "亲") + _row(4, "好的")
    run = import_file(path=write_file("huge.csv", text), file_format="canonical_csv", skip_bad_rows=True)
    assert run.status == RunStatus.SUCCEEDED
    assert [(e["row"], e["field"]) for e in run.errors] == [(3, "content")]
    assert _contents() == ["在吗", "亲", "好的"]


def test_a_line_over_the_line_limit_is_a_row_error(sample_stores, write_file, settings):
    settings.TIDELINE_MAX_LINE_BYTES = 4096
    text = HEADER + GOOD + _row(5, "x" * 5000) + GOOD2
    run = import_file(path=write_file("line.csv", text), file_format="canonical_csv")
    assert_rejected(run, row=3, field=None)
    assert "4 KB" in run.error
    jsonl = "\n".join(json.dumps({"platform": "tmall", "content": "x" * 5000}) for _ in range(2))
    run = import_file(path=write_file("line.jsonl", jsonl), file_format="canonical_jsonl")
    assert_rejected(run, row=1, field=None)


def test_deeply_nested_jsonl_is_a_row_error_not_a_recursion_error(sample_stores, write_file):
    good = {
        "platform": "tmall", "shop": "yuefu-tmall-01", "conversation_id": "C1", "message_id": "M1",
        "sent_at": "2026-11-11T10:00:00+08:00", "sender_role": "buyer", "agent": "", "buyer": "b",
        "msg_type": "text", "content": "在吗",
    }  # fmt: skip
    deep = '{"platform": ' + "[" * 5000 + "]" * 5000 + "}"
    nested = {**good, "message_id": "M2", "content": {"a": [[["x"]]]}}
    text = "\n".join([json.dumps(good, ensure_ascii=False), deep, json.dumps(nested, ensure_ascii=False)])
    run = import_file(path=write_file("deep.jsonl", text), file_format="canonical_jsonl")
    assert run.status == RunStatus.FAILED
    errors = {(e["row"], e["field"]) for e in run.errors}
    assert errors == {(2, None), (3, "content")}, run.errors
    assert "嵌套超过 64 层" in run.errors[0]["reason"]


def test_deeply_nested_taobao_json_names_the_line(sample_stores, write_file):
    text = '{"platform": "taobao",\n"shop_id": "shanye-tb-01",\n"conversations": ' + "[" * 5000 + "]" * 5000 + "}"
    run = import_file(path=write_file("deep.json", text), file_format="taobao_json")
    assert_rejected(run, row=3, field=None)
    assert "嵌套超过 64 层" in run.error


def test_a_json_object_where_taobao_text_belongs_is_a_field_error(sample_stores, write_file):
    doc = {
        "platform": "taobao", "shop_id": "shanye-tb-01",
        "conversations": [{"buyer_nick": "b", "messages": [
            {"direction": 0, "time": "2026-11-11 10:00:00", "content": {"x": [1, 2]}},
        ]}],
    }  # fmt: skip
    run = import_file(path=write_file("obj.json", json.dumps(doc)), file_format="taobao_json")
    assert_rejected(run, row=1, field="conversations[0].messages[0].content")
