"""The similarity operator of the QA engine: "does this message mean the same as one of these example
sentences?", without a model download.

Rules (what the engine relies on):
- An encoder turns a normalised text into a set of features. The default, `CharNgramEncoder`,
  takes the text's character bigrams after punctuation and symbols (Unicode categories P and S:
  emoji, ~, ¥ …) are dropped (a text of one character is its own feature). Chinese carries meaning in two-character words, so
  bigram overlap is a fair, fast stand-in for closeness in meaning; a better encoder (a sentence
  embedding) can replace it by implementing `features` and `similarity` over its own vectors.
- The similarity of two texts is the cosine of their binary feature vectors:
  |A ∩ B| / sqrt(|A| · |B|), in [0, 1].
- A rule lists `examples` (what it means) and may list `unlike` (near misses that do NOT mean it:
  "没办法改地址，但我可以帮您拦截重发" for shirking). A message matches the rule when its best
  example scores at least the rule's `threshold` AND higher than its best near miss. The hit's
  note names the example and the score: ≈「已为您申请退款」0.71.
- A rule's `similar` may also name a learned model (apps/qa/classifier.py: per-rule logistic
  regression on character 1–3-grams, fitted on labelled chats): a message it reads then matches too
  when the model's probability reaches `model_threshold`; the note names the model, the probability
  and the n-grams behind it. The model adds matches; it never removes one the examples make.
- The examples are encoded once, when the scorecard compiles, into one inverted index (feature →
  the examples holding it) for all rules of the scorecard; a message is encoded once and compared
  with only the examples it shares a feature with, so the cost of a message does not grow with
  the number of examples that have nothing in common with it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Protocol


class _Drop(dict):
    """str.translate table deleting every character of Unicode category P or S (punctuation, emoji,
    ~, ¥ …), each character's category looked up once per process, on first sight."""

    def __missing__(self, code: int):
        value = None if unicodedata.category(chr(code))[0] in "PS" else code
        self[code] = value
        return value


_DROP = _Drop()


@lru_cache(maxsize=1)
def _bmp_class() -> tuple[re.Pattern, re.Pattern]:
    """The P and S characters of the Basic Multilingual Plane as one character class (a bitmap in
    `re`, one step a character), and a search for any astral character (those take the table)."""
    codes = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c))[0] in "PS"]
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" if i == j else f"\\u{codes[i]:04x}-\\u{codes[j]:04x}")
        i = j + 1
    return re.compile("[" + "".join(parts) + "]+"), re.compile("[\\U00010000-\\U0010ffff]")


def strip_punctuation_and_symbols(text: str) -> str:
    """The text without punctuation, emoji and other symbols (categories P and S)."""
    bmp, astral = _bmp_class()
    if astral.search(text) is not None:
        return text.translate(_DROP)
    return bmp.sub("", text)


class Encoder(Protocol):
    """What the engine needs of an encoder."""

    name: str

    def features(self, text: str) -> frozenset[str]: ...


class CharNgramEncoder:
    """Binary character n-gram features of a normalised text (bigrams by default)."""

    name = "char-bigram"

    def __init__(self, n: int = 2):
        self.n = n

    def features(self, text: str) -> frozenset[str]:
        text = strip_punctuation_and_symbols(text)
        n = self.n
        if len(text) < n:
            return frozenset((text,)) if text else frozenset()
        if n == 2:
            return frozenset(map(str.__add__, text, text[1:]))
        return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


DEFAULT_ENCODER = CharNgramEncoder()


def cosine(shared: int, size_a: int, size_b: int) -> float:
    """The cosine of two binary vectors from their overlap and sizes (the one formula used)."""
    return shared / (math.sqrt(size_a) * math.sqrt(size_b))


@dataclass(frozen=True, slots=True)
class Example:
    key: int  # the (rule, kind) group it belongs to
    text: str
    size: int  # number of features


class SimilarityIndex:
    """The examples of every rule of a scorecard, encoded once, behind one inverted index.

    Groups are added with `add(examples)` (each call returns the group's key); `best(features)`
    returns, per group that shares a feature with the text, (score, example text) of its best
    example."""

    CACHE_SIZE = 50_000  # texts remembered (a chat's quick replies and common questions recur)

    def __init__(self, encoder: Encoder = DEFAULT_ENCODER):
        self.encoder = encoder
        self.examples: list[Example] = []
        self.postings: dict[str, list[int]] = {}
        self.groups = 0
        self.cache: dict[str, dict[int, tuple[float, str]]] = {}
        self.use_cache = True

    def add(self, texts: list[str]) -> int:
        key = self.groups
        self.groups += 1
        for text in texts:
            feats = self.encoder.features(text)
            if not feats:
                continue
            idx = len(self.examples)
            self.examples.append(Example(key, text, len(feats)))
            for f in feats:
                self.postings.setdefault(f, []).append(idx)
        return key

    def freeze(self, floor: float = 0.0) -> None:
        """Ready to compare. `floor`: no score below it is wanted (the lowest threshold of the
        scorecard's rules), which lets `best` skip the examples that share too few features to
        reach it: cosine ≥ floor needs |A ∩ B| ≥ floor · sqrt(|A|) · sqrt(smallest |B|)."""
        self.keys = frozenset(self.postings)
        self._get = {f: tuple(v) for f, v in self.postings.items()}.__getitem__
        self.floor = floor
        self.root_min = math.sqrt(min((ex.size for ex in self.examples), default=1))

    def best_for(self, text: str) -> dict[int, tuple[float, str]]:
        """`best` of a normalised text, remembered: the same text always gives the same answer, and
        agents' quick replies and buyers' common questions recur across chats. The memory is
        emptied when it holds CACHE_SIZE texts."""
        if not self.use_cache:
            return self.best(self.encoder.features(text))
        found = self.cache.get(text)
        if found is None:
            cache = self.cache
            if len(cache) >= self.CACHE_SIZE:
                cache.clear()
            found = cache[text] = self.best(self.encoder.features(text))
        return found

    def best(self, feats: frozenset[str]) -> dict[int, tuple[float, str]]:
        """Per group sharing a feature with the text: (score, text) of its best example, for the
        groups whose best example can reach the floor."""
        shared = feats & self.keys
        if not shared:
            return {}
        counts = Counter(chain.from_iterable(map(self._get, shared)))
        size = len(feats)
        least = self.floor * math.sqrt(size) * self.root_min - 1e-9
        out: dict[int, tuple[float, str]] = {}
        examples = self.examples
        for idx, n in counts.items():
            if n < least:
                continue
            ex = examples[idx]
            score = cosine(n, size, ex.size)
            prev = out.get(ex.key)
            if prev is None or score > prev[0]:
                out[ex.key] = (score, ex.text)
        return out
