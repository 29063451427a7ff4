"""Blind set 14 is frozen: chats.json must match the committed hash and the documented schema.

Imports nothing from apps/ (the set must stay independent of the engine it measures).
"""

import hashlib
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
RULES = {
    "ad_absolute",
    "forbidden_promise",
    "abuse",
    "shirking",
    "review_manipulation",
    "off_platform",
    "pii_leak",
    "escalation_risk",
    "buyer_negative",
    "risk_and_negative",
    "risk_not_soothed",
    "solution_offered",
    "greeting_missing",
    "closing_missing",
    "repetition",
    "refund_no_arrival_time",
    "handover_ignored",
    "first_response_slow",
    "avg_response_slow",
    "three_minute_miss",
    "buyer_wait_100s",
    "last_unanswered",
}
PLATFORMS = {"taobao", "jd", "douyin", "pdd"}
ROLES = {"buyer", "agent", "bot", "system"}


def test_hash_matches_frozen():
    digest = hashlib.sha256((HERE / "chats.json").read_bytes()).hexdigest()
    assert digest == (HERE / "FROZEN").read_text().split()[0]


def test_schema():
    chats = json.loads((HERE / "chats.json").read_text(encoding="utf-8"))
    assert len(chats) >= 430
    ids = [c["id"] for c in chats]
    assert ids == [f"b14-{n:04d}" for n in range(1, len(chats) + 1)]
    for c in chats:
        assert set(c) == {"id", "platform", "start", "handled_by", "messages", "labels", "tricks"}, c["id"]
        assert c["platform"] in PLATFORMS, c["id"]
        assert c["start"].endswith("+08:00"), c["id"]
        assert c["messages"], c["id"]
        times = [m["t"] for m in c["messages"]]
        assert times == sorted(times) and times[0] == 0, c["id"]
        for m in c["messages"]:
            assert set(m) == {"role", "t", "text"} and m["role"] in ROLES, c["id"]
        human = any(m["role"] == "agent" for m in c["messages"])
        assert c["handled_by"] == ("human" if human else "bot"), c["id"]
        assert set(c["labels"]) <= RULES and len(set(c["labels"])) == len(c["labels"]), c["id"]
        both = {"escalation_risk", "buyer_negative"} <= set(c["labels"])
        assert both == ("risk_and_negative" in c["labels"]), c["id"]
