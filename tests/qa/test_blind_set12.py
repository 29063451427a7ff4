"""Set 12's figure does not fall. Set 12 (538 chats, tests/qa/blind/set12/) was scored ONCE blind
with the tenth pass (REPORT.md "Set 12, blind"), then tuned on by class in the eleventh pass
(REPORT.md "Eleventh pass: tuning on set 12"); the counts below are its measured figures, the blind
ones beside them. A regression guard holding the measured counts as floors and ceilings: a change that
loses a true positive or adds a false positive here must say why."""

from __future__ import annotations

from pathlib import Path

from tests.qa.blind import score

SET = Path(__file__).resolve().parent / "blind" / "set12" / "chats.json"

# measured once (tp, fp, fn)
KEYWORD_TIMING = (426, 7, 16)  # micro P 0.984, R 0.964 (eleventh pass; blind the same)
SENTIMENT_CONTEXT = {
    "buyer_negative": (98, 18, 5),  # eleventh pass (blind 84/18/19)
    "risk_and_negative": (19, 12, 0),  # unchanged (blind 19/12/0)
    "risk_not_soothed": (22, 1, 0),  # unchanged (blind 22/1/0)
    "solution_offered": (69, 6, 3),  # unchanged (blind 69/6/3)
}


def test_set12_figure_does_not_fall(pack):
    score.assert_counts_hold(pack, SET, KEYWORD_TIMING, SENTIMENT_CONTEXT)
