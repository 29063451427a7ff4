"""The first blind QA set is frozen: its file matches the stored hash and uses only documented codes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[3] / "docs" / "qa_rule_meanings.md"


def documented_codes() -> set[str]:
    """Codes in the first column of the rule tables and in the timing-rule bullets."""
    codes = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([a-z0-9_]+)`", line) or re.match(r"^- `([a-z0-9_]+)`:", line)
        if match:
            codes.add(match.group(1))
    return codes


def test_chats_json_matches_frozen_hash():
    stored = (HERE / "chats.json.sha256").read_text(encoding="utf-8").split()[0]
    actual = hashlib.sha256((HERE / "chats.json").read_bytes()).hexdigest()
    assert actual == stored, "tests/qa/blind/set1/chats.json changed after it was frozen"


def test_every_label_is_a_documented_rule_code():
    codes = documented_codes()
    assert len(codes) >= 20, codes
    chats = json.loads((HERE / "chats.json").read_text(encoding="utf-8"))
    assert len(chats) >= 400
    unknown = {(chat["id"], label) for chat in chats for label in chat["labels"] if label not in codes}
    assert not unknown, sorted(unknown)
    ids = [chat["id"] for chat in chats]
    assert len(ids) == len(set(ids))
