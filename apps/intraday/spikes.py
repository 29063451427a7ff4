"""舆情预警: a spike of escalation-risk and negative-sentiment conversations of one brand in one
interval against the brand's normal level, named by product/issue topic, with excerpts.

Pure: plain data in, dataclasses out. Units: conversations per 15-minute interval; rates 0..1.

Rules:
- A **risk conversation** is one with at least one QA hit of an escalation-risk or negative-sentiment
  rule (buyer alerts: 投诉, 12315, 差评 …; the sentiment lexicon). Counted once however many hits.
- **Normal level** = the brand's risk conversations ÷ its conversations over the baseline days
  (``base_rate``). Expected risk conversations in an interval = base_rate × the interval's
  conversations, at least ``min_expected`` (0.5), so a volume surge alone is not a spike.
- **Spike**: observed ≥ ``min_count`` (5) and observed ≥ ``factor`` (3) × expected and the
  Poisson chance of seeing that many or more by luck, P(X ≥ observed | expected), < ``p_value``
  (0.001).
- **Topic**: the buyer texts of the spike's risk conversations are matched against the topic
  lexicon (apps.conversations.topics.LEXICON, leftmost-longest); the topic named by most conversations
  wins, and within it the keyword named most often (e.g. 质量 → 漏液). Ties: lexicon order.
- **Excerpts**: up to ``max_excerpts`` (3) hit excerpts, preferring conversations that name the
  keyword; they are the QA hits' masked excerpts (never raw text).
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import ahocorasick_rs

from apps.conversations.topics import LEXICON

MIN_COUNT = 5
FACTOR = 3.0
P_VALUE = 1e-3
MIN_EXPECTED = 0.5


@dataclass(frozen=True)
class RiskConversation:
    """One risk conversation: its QA hit excerpts (masked) and its buyer text (masked)."""

    conversation_id: int
    excerpts: tuple[str, ...]
    buyer_text: str = ""


@dataclass(frozen=True)
class IntervalRisk:
    index: int  # interval of the day
    conversations: int
    risky: Sequence[RiskConversation]


@dataclass(frozen=True)
class SpikeParams:
    min_count: int = MIN_COUNT
    factor: float = FACTOR
    p_value: float = P_VALUE
    min_expected: float = MIN_EXPECTED
    max_excerpts: int = 3


@dataclass
class Spike:
    index: int
    observed: int
    expected: float
    p: float
    topic: str | None = None
    keyword: str | None = None
    topic_conversations: int = 0
    excerpts: list[str] = field(default_factory=list)


def poisson_sf(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean), summed in log space (k ≥ 0)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    below = 0.0
    log_term = -mean
    for i in range(k):
        if i:
            log_term += math.log(mean) - math.log(i)
        below += math.exp(log_term)
    return max(0.0, 1.0 - below)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


_WORDS: list[tuple[str, str]] = [(code, _norm(w)) for code, (_l, words) in LEXICON.items() for w in words]
_AUTOMATON = ahocorasick_rs.AhoCorasick([w for _c, w in _WORDS], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
_ORDER = list(LEXICON)


def name_topic(texts: Sequence[str]) -> tuple[str | None, str | None, int]:
    """(topic code, keyword, conversations naming the topic) over one text per conversation."""
    by_topic: Counter[str] = Counter()
    by_word: dict[str, Counter[str]] = {}
    for text in texts:
        seen_topics: set[str] = set()
        seen_words: set[str] = set()
        for pattern, _s, _e in _AUTOMATON.find_matches_as_indexes(_norm(text or "")):
            code, word = _WORDS[pattern]
            seen_topics.add(code)
            if word not in seen_words:
                seen_words.add(word)
                by_word.setdefault(code, Counter())[word] += 1
        by_topic.update(seen_topics)
    if not by_topic:
        return None, None, 0
    code = min(by_topic, key=lambda c: (-by_topic[c], _ORDER.index(c)))
    words = by_word[code]
    keyword = min(words, key=lambda w: (-words[w], w))
    return code, keyword, by_topic[code]


def detect(intervals: Sequence[IntervalRisk], *, base_rate: float, params: SpikeParams | None = None) -> list[Spike]:
    """Spikes among the intervals (see the module rules), in interval order."""
    params = params or SpikeParams()
    out = []
    for iv in intervals:
        observed = len(iv.risky)
        expected = max(params.min_expected, base_rate * iv.conversations)
        if observed < params.min_count or observed < params.factor * expected:
            continue
        p = poisson_sf(observed, expected)
        if p >= params.p_value:
            continue
        spike = Spike(index=iv.index, observed=observed, expected=expected, p=p)
        spike.topic, spike.keyword, spike.topic_conversations = name_topic(
            [r.buyer_text or " ".join(r.excerpts) for r in iv.risky]
        )
        kw = spike.keyword
        ranked = sorted(
            iv.risky,
            key=lambda r: (
                0 if kw and kw in _norm(r.buyer_text or " ".join(r.excerpts)) else 1,
                r.conversation_id,
            ),
        )
        for r in ranked:
            if r.excerpts and len(spike.excerpts) < params.max_excerpts:
                spike.excerpts.append(r.excerpts[0])
        out.append(spike)
    return out
