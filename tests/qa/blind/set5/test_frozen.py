"""Blind set 5 is frozen: chats.json hashes to the value its blind writer recorded in FROZEN, and it parses
with the schema documented in README.md (labels are rule codes of docs/qa_rule_meanings.md).

Nothing from apps/ is imported here; scoring thresholds are added later by the lead, not by the writer."""

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[3] / "docs" / "qa_rule_meanings.md"
ROLES = {"buyer", "agent", "bot", "system"}
PLATFORMS = {"taobao", "jd", "douyin", "pdd"}
KEYS = {"id", "platform", "start", "handled_by", "messages", "labels", "tricks"}


def _frozen_sha256() -> str:
    match = re.search(r"sha256 ([0-9a-f]{64})  chats\.json", (HERE / "FROZEN").read_text(encoding="utf-8"))
    assert match, "FROZEN does not hold a sha256 line for chats.json"
    return match.group(1)


def _doc_codes() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_0-9]+)`", text, re.M))
    timing = set(re.findall(r"^- `([a-z_0-9]+)`:", text, re.M))
    return table | timing


def _chats() -> list[dict]:
    return json.loads((HERE / "chats.json").read_text(encoding="utf-8"))


def test_chats_hash_is_frozen():
    digest = hashlib.sha256((HERE / "chats.json").read_bytes()).hexdigest()
    assert digest == _frozen_sha256()


def test_chats_parse_with_documented_schema():
    codes = _doc_codes()
    assert len(codes) >= 20, "could not parse the rule codes from docs/qa_rule_meanings.md"
    chats = _chats()
    assert len(chats) >= 500
    assert [c["id"] for c in chats] == [f"b5-{n:04d}" for n in range(1, len(chats) + 1)]
    for chat in chats:
        cid = chat["id"]
        assert set(chat) == KEYS, f"{cid}: keys {sorted(chat)}"
        assert chat["platform"] in PLATFORMS, f"{cid}: platform {chat['platform']!r}"
        start = dt.datetime.fromisoformat(chat["start"])
        assert start.utcoffset() == dt.timedelta(hours=8), f"{cid}: start is not Shanghai time"
        msgs = chat["messages"]
        assert msgs, f"{cid}: no messages"
        times = [m["t"] for m in msgs]
        assert times[0] == 0 and times == sorted(times), f"{cid}: message times"
        for m in msgs:
            assert set(m) == {"role", "t", "text"} and m["role"] in ROLES and isinstance(m["text"], str), cid
        human = any(m["role"] == "agent" for m in msgs)
        assert chat["handled_by"] == ("human" if human else "bot"), f"{cid}: handled_by"
        labels = chat["labels"]
        assert len(labels) == len(set(labels)), f"{cid}: duplicate labels"
        unknown = set(labels) - codes
        assert not unknown, f"{cid}: unknown labels {sorted(unknown)}"
        both = {"escalation_risk", "buyer_negative"} <= set(labels)
        assert both == ("risk_and_negative" in labels), f"{cid}: risk_and_negative"
        assert all(isinstance(t, str) for t in chat["tricks"]), cid
