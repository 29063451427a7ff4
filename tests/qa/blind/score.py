"""Score the default QA pack on a blind set: per-rule precision/recall and the micro figures.

    .venv/bin/python -m tests.qa.blind.score tests/qa/blind/set1/chats.json [--markdown] [--diff RULE ...]

A blind set is a JSON list of chats written from docs/qa_rule_meanings.md by someone who has not
read the pack, the engine or the gold set:
``{"id", "platform", "start" (local ISO time, Asia/Shanghai unless it names an offset),
"handled_by", "messages": [{"role": buyer|agent|bot|system, "t": seconds from start, "text"}],
"labels": [rule codes], "tricks": [...]}``.

The adapter (``to_input``) turns a chat into the engine's input the way an import does: the text
is masked first (apps.conversations.masking, as the pipeline masks before QA), every message's
time is the start's epoch seconds + t, and a chat counts as transferred to a human when it holds
both bot and agent messages or a system notice of a transfer.

Counting is per conversation and rule (a rule fired or not, against the labels). Groups:
- keyword and timing rules (the goal: micro precision ≥ 0.97 and recall ≥ 0.95): the rules whose
  meaning is a listed phrase, a count or a clock;
- sentiment and context rules (the goal: recall ≥ 0.85 each): buyer_negative, risk_and_negative,
  risk_not_soothed and solution_offered, whose meaning is read from the whole message or the
  exchange.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEYWORD_TIMING = (
    "ad_absolute",
    "forbidden_promise",
    "abuse",
    "shirking",
    "review_manipulation",
    "off_platform",
    "pii_leak",
    "escalation_risk",
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
)
SENTIMENT_CONTEXT = ("buyer_negative", "risk_and_negative", "risk_not_soothed", "solution_offered")
RULES = KEYWORD_TIMING + SENTIMENT_CONTEXT
_TRANSFER_WORDS = ("转人工", "转接", "人工客服")


def start_epoch(value: str | None) -> float:
    """The chat's start as epoch seconds; a time without an offset is Shanghai time."""
    if not value:
        return 0.0
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.timestamp()


def to_input(chat: dict, *, mask: bool = True):
    from apps.conversations.masking import mask_text
    from apps.qa import engine

    origin = start_epoch(chat.get("start"))
    roles = {m["role"] for m in chat["messages"]}
    transferred = chat.get("transferred")
    if transferred is None:
        transferred = ("bot" in roles and "agent" in roles) or any(
            m["role"] == "system" and any(w in m["text"] for w in _TRANSFER_WORDS) for m in chat["messages"]
        )
    messages = tuple(
        engine.MessageIn(m["role"], origin + float(m["t"]), mask_text(m["text"]) if mask else m["text"])
        for m in chat["messages"]
    )
    return engine.ConversationIn(
        key=chat["id"],
        platform=chat.get("platform", ""),
        messages=messages,
        handled_by=chat.get("handled_by") or ("human" if "agent" in roles else "bot"),
        transferred_to_human=bool(transferred),
    )


def measure(card, chats: list[dict]) -> tuple[list[dict], dict[str, list[str]]]:
    """Per-rule rows (tp, fp, fn, p, r) and, per rule, the ids of the chats it got wrong."""
    counts = {code: [0, 0, 0] for code in RULES}
    wrong: dict[str, list[str]] = {code: [] for code in RULES}
    for chat in chats:
        result = card.score(to_input(chat))
        fired = {h.rule for h in result.hits} & set(RULES)
        truth = set(chat["labels"]) & set(RULES)
        for code in RULES:
            if code in fired and code in truth:
                counts[code][0] += 1
            elif code in fired:
                counts[code][1] += 1
                wrong[code].append(f"{chat['id']} (fp)")
            elif code in truth:
                counts[code][2] += 1
                wrong[code].append(f"{chat['id']} (fn)")
    rows = []
    for code in RULES:
        tp, fp, fn = counts[code]
        rows.append(
            {
                "rule": code,
                "group": "keyword/timing" if code in KEYWORD_TIMING else "sentiment/context",
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "p": tp / (tp + fp) if tp + fp else 1.0,
                "r": tp / (tp + fn) if tp + fn else 1.0,
            }
        )
    return rows, wrong


def micro(rows: list[dict], group: tuple[str, ...]) -> tuple[float, float, int, int, int]:
    tp = sum(r["tp"] for r in rows if r["rule"] in group)
    fp = sum(r["fp"] for r in rows if r["rule"] in group)
    fn = sum(r["fn"] for r in rows if r["rule"] in group)
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp, fp, fn)


def table(rows: list[dict]) -> str:
    out = ["| rule | group | tp | fp | fn | precision | recall |", "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['rule']} | {r['group']} | {r['tp']} | {r['fp']} | {r['fn']} | {r['p']:.3f} | {r['r']:.3f} |")
    for name, group in (("keyword/timing", KEYWORD_TIMING), ("sentiment/context", SENTIMENT_CONTEXT)):
        p, r, tp, fp, fn = micro(rows, group)
        out.append(f"| **micro {name}** | | {tp} | {fp} | {fn} | **{p:.3f}** | **{r:.3f}** |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from tests.qa.conftest import pack_scorecard

    paths = [a for a in argv if not a.startswith("--") and a.endswith(".json")]
    diff = [a for a in argv[argv.index("--diff") + 1 :] if not a.startswith("--")] if "--diff" in argv else []
    card = pack_scorecard()
    chats = [c for p in paths for c in json.loads(Path(p).read_text(encoding="utf-8"))]
    rows, wrong = measure(card, chats)
    print(f"{len(chats)} chats from {', '.join(paths)}")
    print(table(rows))
    if diff:
        by_id = {c["id"]: c for c in chats}
        for code in diff:
            for entry in wrong[code]:
                cid = entry.split()[0]
                chat = by_id[cid]
                result = card.score(to_input(chat))
                hits = [h for h in result.hits if h.rule == code]
                print(f"\n== {code} {entry} labels={chat['labels']} tricks={chat.get('tricks')}")
                for i, m in enumerate(chat["messages"]):
                    mark = "*" if any(h.message_index == i for h in hits) else " "
                    print(f" {mark}{i:>2} {m['t']:>6} {m['role']:<6} {m['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def assert_counts_hold(pack, path, keyword_timing: tuple[int, int, int], sentiment_context: dict) -> None:
    """A guard of a scored set: the keyword/timing micro (tp, fp, fn) and each sentiment/context rule's
    counts hold as floors (tp) and ceilings (fp, fn). A change that loses a true positive or adds a
    false positive on the set fails here and must say why."""
    rows, _wrong = measure(pack, json.loads(Path(path).read_text(encoding="utf-8")))
    tp, fp, fn = (sum(row[k] for row in rows if row["rule"] in KEYWORD_TIMING) for k in ("tp", "fp", "fn"))
    assert tp >= keyword_timing[0] and fp <= keyword_timing[1] and fn <= keyword_timing[2], (tp, fp, fn)
    for row in rows:
        if row["rule"] in sentiment_context:
            want_tp, want_fp, want_fn = sentiment_context[row["rule"]]
            got = (row["tp"], row["fp"], row["fn"])
            assert row["tp"] >= want_tp and row["fp"] <= want_fp and row["fn"] <= want_fn, (row["rule"], got)
