"""Blind set 7's figure does not fall. Set 7 (457 chats, tests/qa/blind/set7/, frozen by its blind
writer in 858183e, sha256 d26a0120…) was scored ONCE, at 18:05 UTC on 2026-12-03, with the engine,
pack and models of the sixth pass (ed64484, committed before set 7 was opened); the table is in
tests/qa/blind/REPORT.md ("Set 7, blind"). Nothing was tuned on it before it was scored; the seventh
pass tuned on it afterwards (REPORT.md "Seventh pass"), so this guard now holds the tuned counts as
floors and ceilings (the blind counts stay below): a change that loses a true positive or adds a
false positive here must say why."""

from __future__ import annotations

from pathlib import Path

from tests.qa.blind import score

SET7 = Path(__file__).resolve().parent / "blind" / "set7" / "chats.json"

# (tp, fp, fn) after the seventh pass (tuned on set 7 after its blind score); the blind counts, measured
# once with ed64484: keyword/timing (368, 10, 20) P 0.974 R 0.948; buyer_negative (93, 19, 16) R 0.853;
# risk_and_negative (26, 7, 1) R 0.963; risk_not_soothed (18, 1, 1) R 0.947; solution_offered (53, 19, 1)
# R 0.981.
KEYWORD_TIMING = (
    384,
    7,
    4,
)  # micro P 0.982, R 0.990 (tenth pass: 不能好评返现 is a refusal; ninth 384/8/4; eighth 383/8/5, seventh 375/8/13)
SENTIMENT_CONTEXT = {
    "buyer_negative": (102, 13, 7),  # R 0.936 (eleventh pass: +1 fp, a reply to a blame the page now reads as pushback)
    "risk_and_negative": (27, 7, 0),  # R 1.000
    "risk_not_soothed": (19, 0, 0),  # R 1.000
    "solution_offered": (53, 7, 1),  # R 0.981
}


def test_set7_blind_figure_does_not_fall(pack):
    score.assert_counts_hold(pack, SET7, KEYWORD_TIMING, SENTIMENT_CONTEXT)
