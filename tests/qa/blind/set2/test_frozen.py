"""Blind set 2 is frozen: its hash must not change and every label must be a documented rule code."""

import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[3] / "docs" / "qa_rule_meanings.md"
FROZEN_SHA256 = "a8e9986d729a43582c31de3df7711a9fddf08f361f77bd784d4db70057272808"


def _doc_codes() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z_0-9]+)`", text, re.M)
    timing = re.findall(r"^- `([a-z_0-9]+)`:", text, re.M)
    return set(table) | set(timing)


def test_chats_hash_is_frozen():
    digest = hashlib.sha256((HERE / "chats.json").read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256
    recorded = (HERE / "chats.json.sha256").read_text(encoding="utf-8").split()[0]
    assert recorded == FROZEN_SHA256


def test_labels_are_documented_codes():
    codes = _doc_codes()
    assert len(codes) >= 20, "could not parse the rule codes from the doc"
    chats = json.loads((HERE / "chats.json").read_text(encoding="utf-8"))
    assert len(chats) >= 400
    assert len({c["id"] for c in chats}) == len(chats)
    for chat in chats:
        unknown = set(chat["labels"]) - codes
        assert not unknown, f"{chat['id']}: unknown labels {sorted(unknown)}"
        assert chat["platform"] in {"tmall", "taobao", "jd", "douyin", "pdd"}
        assert chat["handled_by"] == ("human" if any(m["role"] == "agent" for m in chat["messages"]) else "bot")
        times = [m["t"] for m in chat["messages"]]
        assert times == sorted(times), chat["id"]
