"""Accuracy of the default rule pack on the gold set.

The set: handwritten*.json — whole chats written and labelled by hand, one at a time, by several
people (hard cases included: near-misses, negations, buyer-quoted banned words, separators,
traditional and full-width spellings, bot handovers, thresholds ± 1 s) — and gold.json, 600 chats
assembled by gold/build_gold.py from hand-written, hand-labelled lines. A chat tagged
"engine-disagrees" keeps its hand label where the writer judged the engine wrong.
handwritten_e.json and handwritten_f.json were written as a held-out set: the rule pack was not tuned
on them.
Per-rule precision and recall at conversation level are printed at the end of the run (by the
terminal-summary hook of tests/qa/conftest.py, so they show without -s), for the whole set and for
the hand-written chats alone. Keyword, regex, timing and PII rules must reach precision ≥ 0.97 and
recall ≥ 0.95 on the whole set.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.qa import engine
from tests.qa.conftest import ACCURACY_REPORT

GOLD_DIR = Path(__file__).resolve().parent / "gold"
GOLD = GOLD_DIR / "gold.json"  # built by gold/build_gold.py from hand-written, hand-labelled lines
HANDWRITTEN = sorted(GOLD_DIR.glob("handwritten*.json"))  # whole chats written and labelled by hand
ASSERTED_TYPES = {"keyword", "regex", "timing", "pii"}
HELD_OUT = ("e", "f")  # id prefixes of handwritten_e.json / handwritten_f.json
PRECISION_MIN, RECALL_MIN = 0.97, 0.95


def handwritten() -> list[dict]:
    return [conv for path in HANDWRITTEN for conv in json.loads(path.read_text(encoding="utf-8"))]


def gold() -> list[dict]:
    return json.loads(GOLD.read_text(encoding="utf-8")) + handwritten()


def to_input(conv: dict) -> engine.ConversationIn:
    return engine.ConversationIn(
        key=conv["id"],
        platform=conv["platform"],
        messages=tuple(engine.MessageIn(m["role"], float(m["t"]), m["text"]) for m in conv["messages"]),
        handled_by=conv["handled_by"],
        transferred_to_human=conv["transferred"],
    )


def measure(pack, chats: list[dict]) -> list[dict]:
    rules = [c.spec for c in pack.compiled if c.spec.severity != "info"]
    counts = {r.code: [0, 0, 0] for r in rules}  # tp, fp, fn
    for conv in chats:
        result = pack.score(to_input(conv))
        fired = {h.rule for h in result.hits}
        truth = set(conv["labels"])
        for code, c in counts.items():
            if code in fired and code in truth:
                c[0] += 1
            elif code in fired:
                c[1] += 1
            elif code in truth:
                c[2] += 1
    rows = []
    for r in rules:
        tp, fp, fn = counts[r.code]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        rows.append({"rule": r.code, "type": r.type, "tp": tp, "fp": fp, "fn": fn, "p": precision, "r": recall})
    return rows


def report(title: str, rows: list[dict]) -> None:
    ACCURACY_REPORT.append(title)
    ACCURACY_REPORT.append(f"{'rule':<24} {'type':<12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for row in rows:
        mark = " *" if row["type"] in ASSERTED_TYPES else ""
        ACCURACY_REPORT.append(
            f"{row['rule']:<24} {row['type']:<12} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} "
            f"{row['p']:>10.3f} {row['r']:>8.3f}{mark}"
        )


@pytest.fixture(scope="module")
def table(pack):
    rows = measure(pack, gold())
    if not ACCURACY_REPORT:
        files = ", ".join(p.name for p in HANDWRITTEN)
        report(
            f"gold set: {len(gold())} conversations ({GOLD.name} + {len(handwritten())} hand-written in {files})", rows
        )
        report(f"hand-written chats only: {len(handwritten())}", measure(pack, handwritten()))
        held_out = [c for c in handwritten() if c["id"][0] in HELD_OUT]
        if held_out:
            report(f"held-out hand-written chats (pack not tuned on them): {len(held_out)}", measure(pack, held_out))
        ACCURACY_REPORT.append("* asserted on the whole set: precision ≥ 0.97 and recall ≥ 0.95")
    return rows


def test_gold_set_is_large_enough():
    data = gold()
    assert len(handwritten()) >= 500 and len({c["id"] for c in data}) == len(data)


def test_gold_set_has_positives_for_every_asserted_rule(table):
    missing = [row["rule"] for row in table if row["type"] in ASSERTED_TYPES and row["tp"] + row["fn"] == 0]
    assert missing == []


def test_precision_of_keyword_regex_timing_and_pii_rules(table):
    low = [
        (row["rule"], round(row["p"], 3)) for row in table if row["type"] in ASSERTED_TYPES and row["p"] < PRECISION_MIN
    ]
    assert low == []


def test_recall_of_keyword_regex_timing_and_pii_rules(table):
    low = [
        (row["rule"], round(row["r"], 3)) for row in table if row["type"] in ASSERTED_TYPES and row["r"] < RECALL_MIN
    ]
    assert low == []
