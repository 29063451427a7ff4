"""Blind set 4 is frozen (hash written by its blind writer in FROZEN before anything was scored), its
labels are documented rule codes, and its figure does not fall. Its blind figure — scored once with
the third pass's engine — is the one recorded in tests/qa/blind/REPORT.md ("Set 4"); set 4 has since
been tuned on (the fourth pass, "Set 4 is now tuned on"), so the guard below holds the tuned figure,
raised from the blind one (523 tp, 13 fp, 46 fn) with a little room, not a blind result."""

import hashlib
import json
import re
from pathlib import Path

from tests.qa.blind import score

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[3] / "docs" / "qa_rule_meanings.md"
FROZEN_SHA256 = "2c4eaded08007e8ae222cdf6c572ed785ed81982acf448def5f68b488ee4dc72"


def _doc_codes() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_0-9]+)`", text, re.M)) | set(re.findall(r"^- `([a-z_0-9]+)`:", text, re.M))


def _chats() -> list[dict]:
    return json.loads((HERE / "chats.json").read_text(encoding="utf-8"))


def test_chats_hash_is_frozen():
    digest = hashlib.sha256((HERE / "chats.json").read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256
    assert FROZEN_SHA256 in (HERE / "FROZEN").read_text(encoding="utf-8")


def test_labels_are_documented_codes():
    codes = _doc_codes()
    assert len(codes) >= 20, "could not parse the rule codes from the doc"
    chats = _chats()
    assert len(chats) >= 400
    assert len({c["id"] for c in chats}) == len(chats)
    for chat in chats:
        unknown = set(chat["labels"]) - codes
        assert not unknown, f"{chat['id']}: unknown labels {sorted(unknown)}"


def test_figure_does_not_fall(pack):
    """Blind (14:40 UTC, 2026-12-03, engine and pack of 56cb90c): keyword/timing micro P 0.976 R 0.919
    (523 tp, 13 fp, 46 fn). After the fourth pass tuned on it: 562 tp, 3 fp, 7 fn (P 0.995 R 0.988);
    the sentiment/context rules' recall ≥ 0.85 each (buyer_negative 0.927, solution_offered 0.943)."""
    rows, _wrong = score.measure(pack, _chats())
    tp, fp, fn = (sum(row[k] for row in rows if row["rule"] in score.KEYWORD_TIMING) for k in ("tp", "fp", "fn"))
    assert tp >= 558 and fp <= 5 and fn <= 11, (tp, fp, fn)
    low = [(r["rule"], round(r["r"], 3)) for r in rows if r["rule"] in score.SENTIMENT_CONTEXT and r["r"] < 0.9]
    assert low == []
