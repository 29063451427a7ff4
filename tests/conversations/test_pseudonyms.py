"""Derived ids and buyer pseudonyms are keyed (HMAC under TIDELINE_PSEUDONYM_KEY), never an unkeyed hash."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from apps.conversations.adapters.qianniu import read_qianniu_text
from apps.conversations.adapters.taobao import read_taobao_json
from apps.conversations.services import buyer_pseudonym

ROOT = Path(__file__).resolve().parents[2]
TAOBAO = json.dumps(
    {
        "platform": "taobao",
        "shop_id": "shanye-tb-01",
        "conversations": [
            {
                "buyer_nick": "tb_小鹿123",
                "messages": [{"direction": 0, "time": "2026-11-11 00:05:12", "content": "在吗"}],
            }
        ],
    },
    ensure_ascii=False,
)
QIANNIU = "平台：tmall\n店铺：yuefu-tmall-01\n与 tb_小鹿123 的聊天记录\ntb_小鹿123 2026-11-11 0:05:12\n在吗\n"


def _unkeyed(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def test_derived_conversation_ids_are_keyed_and_change_with_the_key(settings):
    settings.TIDELINE_PSEUDONYM_KEY = "key-one"
    taobao = next(read_taobao_json(TAOBAO)).conversation_id
    qianniu = next(read_qianniu_text(QIANNIU)).conversation_id
    assert taobao != "tb-" + _unkeyed("tb_小鹿123|2026-11-11")
    assert qianniu != "qn-" + _unkeyed("tb_小鹿123|2026-11-11")
    settings.TIDELINE_PSEUDONYM_KEY = "key-two"
    assert next(read_taobao_json(TAOBAO)).conversation_id != taobao
    assert next(read_qianniu_text(QIANNIU)).conversation_id != qianniu


def test_pseudonyms_do_not_follow_the_secret_key(settings):
    before = buyer_pseudonym("tmall", "tb_小鹿123")
    settings.SECRET_KEY = "a-rotated-secret-key-" + "x" * 40
    assert buyer_pseudonym("tmall", "tb_小鹿123") == before


def test_production_refuses_to_start_without_a_pseudonym_key():
    env = {
        "PATH": "/usr/bin:/bin",
        "TIDELINE_ENV": "production",
        "DJANGO_SECRET_KEY": "s" * 60,
        "DATABASE_URL": "postgresql://x@127.0.0.1/x",
        "DJANGO_ALLOWED_HOSTS": "tideline.example",
    }
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "TIDELINE_PSEUDONYM_KEY must be set" in proc.stderr
