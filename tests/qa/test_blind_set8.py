"""Blind set 8's figure does not fall. Set 8 (487 chats, tests/qa/blind/set8/, frozen by its blind
writer in 87c477b, sha256 4c81bf2b…) was scored ONCE, at 18:20 UTC on 2026-12-03, with the engine,
pack and models of the seventh pass (10bdc03, committed before set 8 was opened); the table is in
tests/qa/blind/REPORT.md ("Set 8, blind"). Nothing was tuned on it before that. The eighth pass then
tuned on it by class (REPORT.md "Eighth pass: tuning on set 8"); the counts below are its measured
figures, the blind ones beside them. A regression guard holding the measured counts as floors and
ceilings: a change that loses a true positive or adds a false positive here must say why."""

from __future__ import annotations

from pathlib import Path

from tests.qa.blind import score

SET8 = Path(__file__).resolve().parent / "blind" / "set8" / "chats.json"

# measured once (tp, fp, fn)
KEYWORD_TIMING = (389, 4, 3)  # micro P 0.990, R 0.992 (eighth pass, tuned on set 8; blind 359/11/33)
SENTIMENT_CONTEXT = {
    "buyer_negative": (97, 16, 8),  # R 0.924 (eleventh pass, was 95/16/10; blind 95/24/10)
    "risk_and_negative": (25, 5, 1),  # R 0.962 (blind 24/7/2)
    "risk_not_soothed": (18, 0, 0),  # R 1.000 (blind 18/6/0)
    "solution_offered": (59, 4, 0),  # R 1.000 (blind 59/14/0)
}


def test_set8_blind_figure_does_not_fall(pack):
    score.assert_counts_hold(pack, SET8, KEYWORD_TIMING, SENTIMENT_CONTEXT)
