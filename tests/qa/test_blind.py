"""Blind sets 1, 2 and 3 stay where tuning left them (a regression guard, not a blind figure: set 1 was tuned on
after its untuned table was recorded in tests/qa/blind/REPORT.md; its hash is checked by
tests/qa/blind/set1/test_frozen.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.qa.blind import score

SET1 = Path(__file__).resolve().parent / "blind" / "set1" / "chats.json"


def test_set1_keyword_and_timing_micro_and_sentiment_recall(pack):
    rows, _wrong = score.measure(pack, json.loads(SET1.read_text(encoding="utf-8")))
    p, r, *_ = score.micro(rows, score.KEYWORD_TIMING)
    assert p >= 0.97 and r >= 0.95, (p, r)
    low = [
        (row["rule"], round(row["r"], 3)) for row in rows if row["rule"] in score.SENTIMENT_CONTEXT and row["r"] < 0.85
    ]
    assert low == []


SET2 = Path(__file__).resolve().parent / "blind" / "set2" / "chats.json"


def test_set2_stays_where_tuning_left_it(pack):
    """Set 2 was tuned on after its blind table was recorded (tests/qa/blind/REPORT.md): a guard."""
    rows, _wrong = score.measure(pack, json.loads(SET2.read_text(encoding="utf-8")))
    p, r, *_ = score.micro(rows, score.KEYWORD_TIMING)
    assert p >= 0.97 and r >= 0.95, (p, r)
    low = [
        (row["rule"], round(row["r"], 3)) for row in rows if row["rule"] in score.SENTIMENT_CONTEXT and row["r"] < 0.85
    ]
    assert low == []


SET3 = Path(__file__).resolve().parent / "blind" / "set3" / "chats.json"


def test_set3_stays_where_tuning_left_it(pack):
    """Set 3 was tuned on after its blind table was recorded (tests/qa/blind/REPORT.md): a guard."""
    rows, _wrong = score.measure(pack, json.loads(SET3.read_text(encoding="utf-8")))
    p, r, *_ = score.micro(rows, score.KEYWORD_TIMING)
    assert p >= 0.97 and r >= 0.95, (p, r)
    low = [
        (row["rule"], round(row["r"], 3)) for row in rows if row["rule"] in score.SENTIMENT_CONTEXT and row["r"] < 0.85
    ]
    assert low == []
