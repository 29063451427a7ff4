"""The learned encoder of the similarity operator: a per-rule message classifier.

Rules (what the engine relies on):
- A rule's `similar` parameter may name a model: {"model": "buyer_negative", "model_threshold": 0.9}.
  A message the rule reads then also matches when the model's probability that it carries the
  rule's meaning is at least `model_threshold` (the examples keep matching as before: the model
  adds matches, it never removes one). The hit's note names the model, its probability and the
  three character n-grams that pushed it up most: 模型 0.93 「到底」+0.9 「多久」+0.4.
- The model is logistic regression on the binary features of a normalised message (`features`):
  its character 1–3-grams (white space runs collapsed) plus a few classes that generalise beyond
  the characters seen in training — the feeling of its emoji (angry 😡🤬💢, sad 😭💔, contempt 🙄😒,
  happy 😊👍, laughing 😂), runs of ? or ! (「？？？」), a trailing-off 「。。。」/「...」, and its
  length (short, medium, long). The vector is scaled to unit length:
  p = sigmoid(bias + Σ weight(f) / sqrt(n)), over the n distinct features the model knows. Scoring is
  plain Python over a dict (no scikit-learn at run time); a text's probability is remembered.
- The fitted weights ship in apps/qa/data/message_classifier.json, written by
  `.venv/bin/python -m tests.qa.train_classifier` from the labelled chats (gold set, blind sets 1–6);
  how message labels are derived from chat labels is in that module's docstring.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

ARTEFACT = Path(__file__).resolve().parent / "data" / "message_classifier.json"
_SPACES = re.compile(r"\s\s+")
# the feeling of an emoji: a class feature, so an angry emoji unseen in training still reads angry
_EMOJI = {
    "angry": "😡🤬💢😠👿😤🖕💀",
    "sad": "😭😢😞😔😩😫😣😖😥🥲💔😿",
    "contempt": "🙄😒🙃😑😐🤷😏🤨😶",
    "happy": "😊😄😁😃😀🥰😍❤👍🙏💕🤗😘😆🌹👌💯",
    "laugh": "😂🤣😹",
}
_FEELING = {ch: f"\x01{name}" for name, chars in _EMOJI.items() for ch in chars}
_EMOJI_RE = re.compile("[" + "".join(_FEELING) + "]")


def features(text: str, classes: bool = True) -> set[str]:
    """The binary features of a normalised message: character 1–3-grams and (unless classes is
    False: a model fitted without them) the class features, prefixed with \\x01, which no text
    holds."""
    text = _SPACES.sub(" ", text)
    n = len(text)
    out = set(text)
    out.update(text[i : i + 2] for i in range(n - 1))
    out.update(text[i : i + 3] for i in range(n - 2))
    if not classes:
        return out
    out.add("\x01short" if n < 5 else "\x01medium" if n < 16 else "\x01long")
    if "??" in text:
        out.add("\x01??")
    if "!!" in text:
        out.add("\x01!!")
    if "。。" in text or "..." in text:
        out.add("\x01...")
    for ch in _EMOJI_RE.findall(text):
        out.add(_FEELING[ch])
    return out


_RECENT_SIZE = 4096
_RECENT: dict[bool, dict[str, frozenset[str]]] = {True: {}, False: {}}


class MessageClassifier:
    """One rule's fitted model."""

    CACHE_SIZE = 50_000

    def __init__(self, rule: str, bias: float, weights: dict[str, float], classes: bool = True):
        self.rule = rule
        self.classes = classes
        self.bias = float(bias)
        self.weights = weights
        self._get = weights.get
        self._known = weights.keys().__and__
        self.cache: dict[str, float] = {}

    def grams(self, text: str) -> set[str]:
        """The text's features; the last few thousand texts' are shared by every model (a message
        read by several rules' models is split into n-grams once)."""
        recent = _RECENT[self.classes]
        found = recent.get(text)
        if found is None:
            if len(recent) >= _RECENT_SIZE:
                recent.clear()
            found = recent[text] = frozenset(features(text, self.classes))
        return found

    def logit(self, text: str) -> float:
        known = self._known(self.grams(text))  # the features the model has a weight for
        if not known:
            return self.bias
        return self.bias + sum(map(self._get, known)) / math.sqrt(len(known))

    def probability(self, text: str) -> float:
        found = self.cache.get(text)
        if found is None:
            if len(self.cache) >= self.CACHE_SIZE:
                self.cache.clear()
            z = self.logit(text) if text else -30.0
            found = self.cache[text] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return found

    def explain(self, text: str, top: int = 3) -> str:
        """The n-grams that pushed the text's score up most, with their share of the logit."""
        grams = [g for g in self.grams(text) if g in self.weights]
        if not grams:
            return ""
        scale = 1 / math.sqrt(len(grams))
        best = sorted(grams, key=lambda g: (-self.weights[g], g))[:top]  # ties by text: the same in every process
        return " ".join(f"「{g.lstrip(chr(1))}」{self.weights[g] * scale:+.1f}" for g in best if self.weights[g] > 0)


@lru_cache(maxsize=4)
def _artefact(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load(rule_model: str, path: Path = ARTEFACT) -> MessageClassifier | None:
    """The fitted model of that name, or None when the artefact has none."""
    if not path.exists():
        return None
    spec = _artefact(str(path)).get("rules", {}).get(rule_model)
    if spec is None:
        return None
    return MessageClassifier(rule_model, spec["bias"], spec["weights"], spec.get("classes", False))
