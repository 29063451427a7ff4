"""Blind set 1 stays where tuning left it (a regression guard, not a blind figure: set 1 was tuned on
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
