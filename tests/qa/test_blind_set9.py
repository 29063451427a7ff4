"""Set 9's figure does not fall. Set 9 (522 chats, tests/qa/blind/set9/) was scored ONCE blind
with the eighth pass (REPORT.md "Sets 9 and 10, blind"), then tuned on by class in the ninth pass
(REPORT.md "Ninth pass: tuning on sets 9 and 10"); the counts below are its measured figures, the blind
ones beside them. A regression guard holding the measured counts as floors and ceilings: a change that
loses a true positive or adds a false positive here must say why."""

from __future__ import annotations

from pathlib import Path

from tests.qa.blind import score

SET = Path(__file__).resolve().parent / "blind" / "set9" / "chats.json"

# measured once (tp, fp, fn)
KEYWORD_TIMING = (449, 2, 11)  # micro P 0.996, R 0.976 (ninth pass; blind 438/2/22)
SENTIMENT_CONTEXT = {
    "buyer_negative": (96, 20, 9),  # eleventh pass (ninth 93/20/12)
    "risk_and_negative": (26, 8, 0),  # unchanged by the ninth pass
    "risk_not_soothed": (21, 1, 0),  # ninth pass: 曝光 of a camera (blind 21/2/0)
    "solution_offered": (58, 4, 4),  # tenth pass: a status or a check is no remedy (ninth 58/5/4)
}


def test_set9_figure_does_not_fall(pack):
    score.assert_counts_hold(pack, SET, KEYWORD_TIMING, SENTIMENT_CONTEXT)
