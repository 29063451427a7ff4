"""Normalisation of message text (step 1 of the pipeline in apps.qa.engine): NFKC, traditional to
simplified, lower case, separators removed, with offsets back into the original text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

# Characters removed by normalisation: the separators people put between the characters of a
# banned word. Sentence punctuation (, ! ? ; : 。) and brackets stay: masks such as [手机号] and
# negation/clause boundaries rely on them.
_SEPARATORS = set(" \t\r\n\u00a0\u3000/\\|-_*.·•~'\"`+=^#、…—–‐‑‒―﹏¯")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _map_char(ch: str) -> str:
    if "\ud800" <= ch <= "\udfff":
        return ch  # a lone surrogate (never stored in the database) stays as it is
    out = unicodedata.normalize("NFKC", ch)
    if any(ord(c) > 0x2E7F for c in out):
        out = _t2s().convert(out)
    out = out.lower()
    kept = []
    for c in out:
        if c in _SEPARATORS:
            continue
        cat = unicodedata.category(c)
        if cat[0] == "Z" or cat in ("Cc", "Cf"):
            continue
        kept.append(c)
    return "".join(kept)


class _Table(dict):
    """str.translate table that computes and caches the mapping of a character on first sight."""

    def __missing__(self, code: int):
        ch = chr(code)
        mapped = _map_char(ch)
        value: str | None = None if mapped == "" else (code if mapped == ch else mapped)
        self[code] = value
        return value


_TABLE = _Table()


class _Changes:
    """The characters of the Basic Multilingual Plane that normalisation changes, worked out once per
    process (~0.3 s: every BMP character through `_map_char`, which also fills the table).

    `touched` finds a character that changes, so a text without one is already normal and is
    returned as it is, with no per-character table lookup (most buyer and agent lines have none, or
    only full-width punctuation). `reshaped` finds a character that is dropped or becomes several,
    so a normalised text whose original has none lines up with it character for character. Astral
    characters are in both classes: they always take the table's path. `bmp` is the table as a
    list, which `str.translate` reads faster than a dict (~50 against ~90 ns a character); a text
    with an astral character (`astral`) needs the dict, as the list ends at U+FFFF."""

    def __init__(self):
        touched, reshaped = [], []
        self.bmp: list[int | str | None] = [0] * 0x10000
        for code in range(0x10000):
            value = self.bmp[code] = _TABLE[code]
            if value != code:
                touched.append(code)
                if not isinstance(value, str) or len(value) != 1:
                    reshaped.append(code)
        tail = "\\U00010000-\\U0010ffff]"
        self.touched = re.compile("[" + _ranges(touched) + tail)
        self.reshaped = re.compile("[" + _ranges(reshaped) + tail)
        self.astral = re.compile("[" + tail)


def _ranges(codes: list[int]) -> str:
    """A regular-expression character class body for sorted code points, as ranges."""
    parts = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = codes[i], codes[j]
        parts.append(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}")
        i = j + 1
    return "".join(parts)


@lru_cache(maxsize=1)
def _changes() -> _Changes:
    return _Changes()


def normalize(text: str) -> str:
    """The normalised form of a text (what every rule matches against)."""
    changes = _changes()
    if changes.touched.search(text) is None:
        return text
    return text.translate(_TABLE if changes.astral.search(text) else changes.bmp)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    out: list[str] = []
    offsets: list[int] = []
    table = _TABLE
    for i, ch in enumerate(text):
        mapped = table[ord(ch)]
        if mapped is None:
            continue
        if mapped.__class__ is int:
            out.append(ch)
            offsets.append(i)
        else:
            out.append(mapped)
            offsets.extend([i] * len(mapped))
    return "".join(out), offsets


def original_span(offsets: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span of the normalised text back onto the original text."""
    if not offsets or start >= len(offsets):
        return (0, 0)
    end = max(start + 1, min(end, len(offsets)))
    return offsets[start], offsets[end - 1] + 1
