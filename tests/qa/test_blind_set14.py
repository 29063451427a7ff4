"""Set 14's blind figure does not fall. Set 14 (449 hand-written chats, tests/qa/blind/set14/) was scored ONCE
blind with the eleventh pass (REPORT.md "Sets 13 and 14, blind"); nothing was tuned on it after. A
regression guard holding the measured counts as floors and ceilings: a change that loses a true
positive or adds a false positive here must say why."""

from __future__ import annotations

from pathlib import Path

from tests.qa.blind import score

SET = Path(__file__).resolve().parent / "blind" / "set14" / "chats.json"

# measured once, blind (tp, fp, fn)
KEYWORD_TIMING = (400, 6, 7)  # micro P 0.985, R 0.983
SENTIMENT_CONTEXT = {
    "buyer_negative": (92, 29, 14),
    "risk_and_negative": (17, 20, 1),
    "risk_not_soothed": (18, 2, 0),
    "solution_offered": (74, 10, 4),
}


def test_set14_figure_does_not_fall(pack):
    score.assert_counts_hold(pack, SET, KEYWORD_TIMING, SENTIMENT_CONTEXT)
