"""What shoppers asked about: a keyword lexicon of our own over buyers' (masked) messages.

Pure: text in, topics out. One Aho-Corasick automaton holds every keyword of every topic, so a
month of messages is one pass. A conversation counts once per topic however often it names it,
and may touch several topics. Text is normalised first (NFKC: full-width → half-width, lower case).

Word boundaries inside longer phrases: matching is leftmost-longest and non-overlapping, and the
automaton also holds PHRASES — longer phrases that contain a keyword of another topic, or of none,
and claim their text for their own topic (什么时候到账 is a refund question, not a delivery one, though
it contains 什么时候到; 订单号 is an order number, not a waybill 单号; 急坏了 is not a broken product).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick_rs
from django.utils.translation import gettext_lazy as _

# topic code -> (label, keywords). Order is the tie-break order in the report.
LEXICON: dict[str, tuple[str, tuple[str, ...]]] = {
    "logistics": (
        _("Shipping / delivery"),
        (
            "发货",
            "物流",
            "快递",
            "到货",
            "送达",
            "配送",
            "单号",
            "几天到",
            "什么时候到",
            "顺丰",
            "中通",
            "圆通",
            "韵达",
            "派送",
            "揽收",
        ),
    ),
    "refund": (
        _("Refund / return"),
        ("退款", "退货", "退钱", "退回", "换货", "七天无理由", "7天无理由", "运费险", "仅退款", "退换"),
    ),
    "size": (
        _("Size / fit"),
        ("尺码", "码数", "大码", "小码", "偏大", "偏小", "身高", "体重", "穿多大", "什么码", "尺寸"),
    ),
    "price": (
        _("Coupons / price"),
        (
            "优惠券",
            "优惠",
            "满减",
            "红包",
            "价格",
            "便宜",
            "降价",
            "保价",
            "差价",
            "定金",
            "尾款",
            "券",
            "折扣",
            "赠品",
        ),
    ),
    "quality": (
        _("Product quality"),
        ("质量", "破损", "瑕疵", "划痕", "开线", "掉色", "起球", "过敏", "假货", "正品", "坏了", "漏液"),
    ),
    "after_sales": (_("After-sales / warranty"), ("售后", "保修", "维修", "安装", "发票", "换新", "质保", "投诉")),
    "order": (_("Order changes"), ("改地址", "修改地址", "地址填错", "取消订单", "拍错", "合并", "备注", "催单")),
    "usage": (_("Product usage"), ("怎么用", "使用方法", "说明书", "保质期", "成分", "适合", "功效", "怎么洗")),
}


# phrase -> the topics it belongs to (empty: none). Each holds a keyword of another topic inside it.
PHRASES: dict[str, tuple[str, ...]] = {
    "到账": ("refund",),
    "什么时候到账": ("refund",),
    "几天到账": ("refund",),
    "多久到账": ("refund",),
    "退款什么时候到": ("refund",),
    "钱什么时候到": ("refund",),
    "钱几天到": ("refund",),
    "运单号": ("logistics",),
    "快递单号": ("logistics",),
    "物流单号": ("logistics",),
    "订单号": (),
    "急坏了": (),
    "气坏了": (),
    "饿坏了": (),
    "发货地址": ("logistics",),
    "券怎么用": ("price",),
    "优惠券怎么用": ("price",),
}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _build() -> tuple[ahocorasick_rs.AhoCorasick, list[tuple[str, ...]]]:
    """The automaton over every keyword, and for each of its patterns the topics that hold it."""
    topics: dict[str, tuple[str, ...]] = {}
    for code, (_label, words) in LEXICON.items():
        for word in words:
            key = normalise(word)
            topics[key] = (*topics.get(key, ()), code)
    for phrase, codes in PHRASES.items():
        topics[normalise(phrase)] = codes  # the phrase decides, whatever a shorter word inside says
    automaton = ahocorasick_rs.AhoCorasick(list(topics), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return automaton, list(topics.values())


_AUTOMATON, _TOPICS = _build()


def classify(text: str) -> set[str]:
    """The topic codes a text mentions."""
    found: set[str] = set()
    for pattern, _start, _end in _AUTOMATON.find_matches_as_indexes(normalise(text)):
        found.update(_TOPICS[pattern])
    return found


@dataclass
class TopicCount:
    code: str
    conversations: int = 0
    example: str = ""


@dataclass
class TopicTally:
    """Conversations per topic over a stream of (conversation id, buyer message text)."""

    counts: dict[str, TopicCount] = field(default_factory=lambda: {code: TopicCount(code) for code in LEXICON})
    conversations_read: int = 0
    classified: int = 0

    def ranked(self) -> list[TopicCount]:
        order = list(LEXICON)
        rows = [c for c in self.counts.values() if c.conversations]
        return sorted(rows, key=lambda c: (-c.conversations, order.index(c.code)))


def tally(messages: Iterable[tuple[int, str]], *, example_chars: int = 40) -> TopicTally:
    """Count conversations per topic. `messages` must be grouped by conversation id (ordered)."""
    result = TopicTally()
    current: int | None = None
    seen: set[str] = set()

    def close() -> None:
        if current is not None:
            result.conversations_read += 1
            if seen:
                result.classified += 1

    for conversation_id, text in messages:
        if conversation_id != current:
            close()
            current, seen = conversation_id, set()
        for code in classify(text or ""):
            if code in seen:
                continue
            seen.add(code)
            count = result.counts[code]
            count.conversations += 1
            if not count.example and 4 <= len(text) <= 80:
                count.example = text.strip()[:example_chars]
    close()
    return result


def topic_label(code: str) -> str:
    return str(LEXICON[code][0])
