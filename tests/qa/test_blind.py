"""Blind sets 1, 2, 3 and 4 stay where tuning left them (a regression guard, not a blind figure: set 1 was tuned on
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


SET4 = Path(__file__).resolve().parent / "blind" / "set4" / "chats.json"
# set 4 after the sixth pass (tuned on from the fourth pass, not blind): (tp, fp, fn). The sixth pass
# (buyer_negative model refitted with sets 5 and 6) moved buyer_negative from (139, 13, 11): +5 tp, +1 fp
# (我要求赔偿，快递晚到了一个星期 — a complaint set 4 leaves unlabelled). The seventh pass (models refitted
# with set 7; shirking: blame for not checking, 别来烦; solution_offered: contacting/chasing the courier,
# and 已经在路上 are no remedy): keyword/timing (564, 2, 5) -> (565, 2, 4); buyer_negative (144, 14, 6) ->
# (143, 15, 7) (the refit model moves one borderline message each way); solution_offered (67, 14, 3) -> (68, 12, 2).
SET4_KEYWORD_TIMING = (566, 3, 3)  # ninth pass: +1 fp, a denial after a reported problem (eighth: 566/2/3)
SET4_SENTIMENT_CONTEXT = {
    "buyer_negative": (143, 10, 7),  # eighth pass (seventh: 143/15/7)
    "risk_and_negative": (41, 2, 0),
    "risk_not_soothed": (27, 0, 0),
    "solution_offered": (68, 5, 2),  # eighth pass (seventh: 68/12/2)
}


def test_set4_stays_where_tuning_left_it(pack):
    """Set 4 was tuned on after its blind table was recorded (tests/qa/blind/REPORT.md): a guard
    holding the counts after the fifth pass."""
    rows, _wrong = score.measure(pack, json.loads(SET4.read_text(encoding="utf-8")))
    tp, fp, fn = (sum(row[k] for row in rows if row["rule"] in score.KEYWORD_TIMING) for k in ("tp", "fp", "fn"))
    want_tp, want_fp, want_fn = SET4_KEYWORD_TIMING
    assert tp >= want_tp and fp <= want_fp and fn <= want_fn, (tp, fp, fn)
    for row in rows:
        if row["rule"] in SET4_SENTIMENT_CONTEXT:
            want_tp, want_fp, want_fn = SET4_SENTIMENT_CONTEXT[row["rule"]]
            got = (row["tp"], row["fp"], row["fn"])
            assert row["tp"] >= want_tp and row["fp"] <= want_fp and row["fn"] <= want_fn, (row["rule"], got)
