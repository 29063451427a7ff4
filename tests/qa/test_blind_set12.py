"""Set 12's figure does not fall. Set 12 (538 chats, tests/qa/blind/set12/) was scored ONCE blind
with the tenth pass (REPORT.md "Set 12, blind"), then tuned on by class in the eleventh pass
(REPORT.md "Eleventh pass: tuning on set 12"); the counts below are its measured figures, the blind
ones beside them. A regression guard holding the measured counts as floors and ceilings: a change that
loses a true positive or adds a false positive here must say why."""

from __future__ import annotations

import json
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
    rows, _wrong = score.measure(pack, json.loads(SET.read_text(encoding="utf-8")))
    tp, fp, fn = (sum(row[k] for row in rows if row["rule"] in score.KEYWORD_TIMING) for k in ("tp", "fp", "fn"))
    assert tp >= KEYWORD_TIMING[0] and fp <= KEYWORD_TIMING[1] and fn <= KEYWORD_TIMING[2], (tp, fp, fn)
    for row in rows:
        if row["rule"] in SENTIMENT_CONTEXT:
            want_tp, want_fp, want_fn = SENTIMENT_CONTEXT[row["rule"]]
            got = (row["tp"], row["fp"], row["fn"])
            assert row["tp"] >= want_tp and row["fp"] <= want_fp and row["fn"] <= want_fn, (row["rule"], got)
