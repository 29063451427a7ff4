"""The learned encoder of the similarity operator: a per-rule message classifier.

Rules (what the engine relies on):
- A rule's `similar` parameter may name a model: {"model": "buyer_negative", "model_threshold": 0.9}.
  A message the rule reads then also matches when the model's probability that it carries the
  rule's meaning is at least `model_threshold` (the examples keep matching as before: the model
  adds matches, it never removes one). The hit's note names the model, its probability and the
  three character n-grams that pushed it up most: 模型 buyer_negative 0.93 「到底」+0.9 「多久」+0.4.
- The model is logistic regression on binary character 1–3-grams of the normalised message (white
  space runs collapsed, as scikit-learn's char analyzer does), the vector scaled to unit length:
  p = sigmoid(bias + Σ weight(g) / sqrt(n)), over the n distinct n-grams the model knows. Scoring is
  plain Python over a dict (no scikit-learn at run time); a text's probability is remembered.
- The fitted weights ship in apps/qa/data/message_classifier.json, written by
  `.venv/bin/python -m tests.qa.train_classifier` from the labelled chats (gold set, blind sets 1–3);
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


class MessageClassifier:
    """One rule's fitted model."""

    CACHE_SIZE = 50_000

    def __init__(self, rule: str, bias: float, weights: dict[str, float]):
        self.rule = rule
        self.bias = float(bias)
        self.weights = weights
        self._get = weights.get
        self.cache: dict[str, float] = {}

    def grams(self, text: str) -> set[str]:
        text = _SPACES.sub(" ", text)
        n = len(text)
        out = set(text)
        out.update(text[i : i + 2] for i in range(n - 1))
        out.update(text[i : i + 3] for i in range(n - 2))
        return out

    def logit(self, text: str) -> float:
        get = self._get
        total, known = 0.0, 0
        for g in self.grams(text):
            w = get(g)
            if w is not None:
                total += w
                known += 1
        return self.bias + (total / math.sqrt(known) if known else 0.0)

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
        best = sorted(grams, key=lambda g: -self.weights[g])[:top]
        return " ".join(f"「{g}」{self.weights[g] * scale:+.1f}" for g in best if self.weights[g] > 0)


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
    return MessageClassifier(rule_model, spec["bias"], spec["weights"])
