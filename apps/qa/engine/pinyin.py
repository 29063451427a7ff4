"""Pinyin spellings of a rule's listed words: the class of writing a word with one character in
pinyin (bao证, jue对, zui低价, xiao二, bu发) or the whole short word in pinyin (baozheng, sixia).

Rules (what the engine relies on):
- A keyword rule with `"pinyin": true` (mode any) also lists, for each of its words of 2–4 Chinese
  characters, the word with any ONE character replaced by its most common toneless pinyin, and the
  whole word in pinyin. Words of one character (滚 → gun), words holding Latin letters or digits and
  longer words get none; nor do pinyin initials (sb, tmd stay listed by hand): two or three Latin
  letters collide with ordinary abbreviations.
- A variant counts like its word, and like any Latin word only when not glued into a longer Latin or
  digit run (bao证 inside xbao证 does not count); the rule's exclusions and negators apply as usual.
- The table (apps/qa/data/pinyin.json, every CJK unified ideograph pypinyin reads) is built by
  tests/qa/build_pinyin.py; pypinyin is not needed at run time.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "data" / "pinyin.json"


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def variants(words: list[str]) -> list[str]:
    """The pinyin spellings of the (normalised) words, those already listed left out, sorted."""
    table = _table()
    listed = set(words)
    out: set[str] = set()
    for word in words:
        if not 2 <= len(word) <= 4 or not all(ch in table for ch in word):
            continue
        readings = [table[ch] for ch in word]
        out.update(word[:i] + readings[i] + word[i + 1 :] for i in range(len(word)))
        out.add("".join(readings))
    return sorted(out - listed)
