from __future__ import annotations

from apps.conversations import topics


def test_classify_finds_every_topic_named():
    assert topics.classify("什么时候发货？我想退货") == {"logistics", "refund"}


def test_classify_normalises_full_width_text():
    assert "price" in topics.classify("ＶＩＰ优惠券")


def test_tally_counts_a_conversation_once_per_topic():
    result = topics.tally([(1, "发货了吗"), (1, "快递到哪了"), (2, "尺码偏大吗"), (3, "谢谢")])
    assert result.conversations_read == 3
    assert result.classified == 2
    assert result.counts["logistics"].conversations == 1
    assert [c.code for c in result.ranked()] == ["logistics", "size"]
