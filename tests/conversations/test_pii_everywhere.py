"""No raw shopper PII anywhere: generated phones, IDs and cards, in every width and separator style,
in every field of every import layout and in the file name, never reach a table, a stored file or an
error message; uploads are deleted once their run has finished; a demo-like import scans clean."""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.conversations import demo_dialogues
from apps.conversations.adapters import douyin, jd
from apps.conversations.models import ImportRun
from apps.conversations.pii_scan import pii_scan
from apps.conversations.services import import_run_create, import_run_execute
from apps.core.models import AuditEvent
from tests.conversations.pii_strategies import pii_values

pytestmark = pytest.mark.django_db
_n = itertools.count(1)

# One buyer message and one agent reply, as canonical fields; each layout below writes them its way.
BASE = [
    {
        "sender_role": "buyer",
        "agent": "",
        "content": "在吗？双十一的满减还能叠加吗",
        "msg_type": "text",
        "t": "00:05:12",
    },
    {"sender_role": "agent", "agent": "小美", "content": "亲，可以叠加的哦", "msg_type": "text", "t": "00:05:40"},
]


def _canonical_rows(platform: str, shop: str, key: str, fields: dict) -> list[dict]:
    rows = []
    for i, base in enumerate(BASE, start=1):
        row = {
            "platform": platform,
            "shop": shop,
            "conversation_id": f"C{key}",
            "message_id": f"C{key}-M{i}",
            "sent_at": f"2026-11-11T{base['t']}+08:00",
            "sender_role": base["sender_role"],
            "agent": base["agent"],
            "buyer": f"tb_小鹿{key}",
            "msg_type": base["msg_type"],
            "content": base["content"],
        }
        rows.append({**row, **{k: v for k, v in fields.items() if k in row and (k != "agent" or i == 2)}})
    return rows


def canonical_csv(key: str, fields: dict) -> str:
    out = io.StringIO()
    rows = _canonical_rows("tmall", "yuefu-tmall-01", key, fields)
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def canonical_jsonl(key: str, fields: dict) -> str:
    rows = _canonical_rows("tmall", "yuefu-tmall-01", key, fields)
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _platform_csv(module, platform: str, shop: str, key: str, fields: dict, time_sep: str) -> str:
    roles = {v: k for k, v in module.ROLES.items()}
    types = {v: k for k, v in module.TYPES.items()}
    out = io.StringIO()
    writer = csv.writer(out)
    names = list(module.COLUMNS)
    writer.writerow([module.COLUMNS[n] for n in names])
    for row in _canonical_rows(platform, shop, key, fields):
        values = {
            **row,
            "sent_at": row["sent_at"][:10].replace("-", time_sep) + " " + row["sent_at"][11:19],
            "sender_role": roles.get(row["sender_role"], row["sender_role"]),
            "msg_type": types.get(row["msg_type"], row["msg_type"]),
        }
        writer.writerow([values[n] for n in names])
    return out.getvalue()


def jd_csv(key: str, fields: dict) -> str:
    return _platform_csv(jd, "jd", "jd-10023456", key, fields, "-")


def douyin_csv(key: str, fields: dict) -> str:
    return _platform_csv(douyin, "douyin", "dy-88234517", key, fields, "/")


def taobao_json(key: str, fields: dict) -> str:
    rows = _canonical_rows("taobao", "shanye-tb-01", key, fields)
    doc = {
        "platform": fields.get("platform", "taobao"),
        "shop_id": fields.get("shop", "shanye-tb-01"),
        "conversations": [
            {
                "conversation_id": rows[0]["conversation_id"] if "conversation_id" in fields else "",
                "buyer_nick": rows[0]["buyer"],
                "agent_nick": "山野户外旗舰店:" + rows[1]["agent"],
                "messages": [
                    {
                        "msg_id": r["message_id"],
                        "direction": 0 if r["sender_role"] == "buyer" else 1,
                        "time": fields.get("sent_at", f"2026-11-11 {BASE[i]['t']}"),
                        "content": r["content"],
                        "msg_type": r["msg_type"],
                    }
                    for i, r in enumerate(rows)
                ],
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False)


def qianniu_text(key: str, fields: dict) -> str:
    rows = _canonical_rows("tmall", "yuefu-tmall-01", key, fields)
    buyer = rows[0]["buyer"]
    lines = [f"平台：{fields.get('platform', 'tmall')}", f"店铺：{fields.get('shop', 'yuefu-tmall-01')}"]
    lines.append(f"与 {buyer} 的聊天记录")
    lines += [f"{buyer} 2026-11-11 0:05:12", rows[0]["content"]]
    lines += [f"悦肤旗舰店:{rows[1]['agent']} 2026-11-11 0:05:40", rows[1]["content"]]
    return "\n".join(lines) + "\n"


LAYOUTS = {
    "canonical_csv": (canonical_csv, ["platform", "shop", "conversation_id", "message_id", "sent_at", "sender_role",
                                      "agent", "buyer", "msg_type", "content"]),
    "canonical_jsonl": (canonical_jsonl, ["platform", "shop", "conversation_id", "message_id", "sent_at",
                                          "sender_role", "agent", "buyer", "msg_type", "content"]),
    "jd_csv": (jd_csv, ["shop", "conversation_id", "message_id", "sent_at", "sender_role", "agent", "buyer",
                        "msg_type", "content"]),
    "douyin_csv": (douyin_csv, ["shop", "conversation_id", "message_id", "sent_at", "sender_role", "agent", "buyer",
                                "msg_type", "content"]),
    "taobao_json": (taobao_json, ["platform", "shop", "conversation_id", "message_id", "sent_at", "agent", "buyer",
                                  "msg_type", "content"]),
    "qianniu_text": (qianniu_text, ["platform", "shop", "agent", "buyer", "content"]),
}  # fmt: skip
CASES = [(layout, field) for layout, (_, fields) in LAYOUTS.items() for field in fields]


@pytest.fixture
def stores_and_media(sample_stores, media_root):
    return media_root


def _import_upload(file_format: str, name: str, body: str):
    upload = SimpleUploadedFile(name, body.encode("utf-8"))
    run = import_run_create(file_name=name, file_format=file_format, upload=upload)
    return import_run_execute(run_id=run.pk)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES), value=pii_values(), wrap=st.sampled_from(["", "我的", "号码："]))
def test_pii_in_any_field_of_any_layout_or_the_file_name_is_never_stored(stores_and_media, case, value, wrap):
    layout, field = case
    kind, shown, digits = value
    key = str(next(_n))
    build, _ = LAYOUTS[layout]
    body = build(key, {field: f"{wrap}{shown}"})
    run = _import_upload(layout, f"导出{shown}.txt", body)

    assert pii_scan(raw_values=[digits]) == [], (layout, field, shown, run.status, run.errors)
    assert not any(p.is_file() for p in stores_and_media.rglob("*")), "the raw upload is still on disk"


def test_the_upload_is_deleted_after_success_and_after_failure(stores_and_media):
    ok = _import_upload("canonical_csv", "ok.csv", canonical_csv("ok", {}))
    bad = _import_upload("canonical_csv", "bad.csv", "platform,shop\ntmall,x\n")
    assert (ok.status, bad.status) == ("succeeded", "failed")
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert not ok.file and not bad.file
    assert not any(p.is_file() for p in stores_and_media.rglob("*"))


def test_file_names_are_masked_before_they_are_stored_audited_logged_or_echoed(
    stores_and_media, api, account_manager, caplog, django_capture_on_commit_callbacks
):
    name = "客户13912345678的导出.csv"
    upload = SimpleUploadedFile(name, canonical_csv("fn", {}).encode("utf-8"))
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        response = api(account_manager).post(
            "/api/v1/imports/", {"file": upload, "file_format": "canonical_csv"}, format="multipart"
        )
    assert response.status_code == 202
    run = ImportRun.objects.get(pk=response.json()["id"])
    assert run.file_name == "客户[手机号]的导出.csv"
    assert "13912345678" not in json.dumps(response.json(), ensure_ascii=False)
    assert "13912345678" not in caplog.text
    events = AuditEvent.objects.all()
    assert events and all("13912345678" not in str(e.__dict__) for e in events)
    assert pii_scan(raw_values=["13912345678"]) == []


@pytest.mark.slow
def test_a_demo_like_import_leaves_no_raw_pii_in_any_column(monkeypatch, settings, tmp_path):
    """The demo's own chats (4% of shoppers type a phone, address, ID or card), imported as the demo
    does, then every text/JSON column of every table scanned: 0 findings."""
    from apps.clients import demo as clients_demo
    from apps.conversations import demo as conv_demo
    from apps.conversations import pipeline
    from apps.core.demo import DemoContext
    from apps.people import demo_agents

    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(pipeline, "CONSUMERS", [])
    injected: list[str] = []
    original = demo_dialogues._pii_line

    def recording(rng, category, topic, pii):
        line = original(rng, category, topic, pii)
        injected.append(pii[-1])
        return line

    monkeypatch.setattr(demo_dialogues, "_pii_line", recording)
    clients_demo.seed(DemoContext(seed=7, scale=1.0))
    demo_agents.seed(DemoContext(seed=7, scale=1.0))
    conv_demo.seed(DemoContext(seed=7, scale=0.01))

    assert len(injected) >= 10
    digits = ["".join(ch for ch in v if ch.isdigit()) for v in injected]
    assert pii_scan(raw_values=[d for d in digits if len(d) >= 11]) == []
