"""The monthly report's conversion and satisfaction sections, and the QBR's quarter comparison (issue
#17 §5), on a small brand whose every figure is worked out by hand below from the rows created here.

November 2026, shop yuefu-tmall (悦肤):

agent rep-agent ("A") presale chats on 11-05: b1 b2 b3 b4
agent rep-two   ("B") presale chats on 11-06: b5 b6 b8 (b5's reply breaks the QA pack)
the bot                presale chat  on 11-07: b7
orders: b1 paid 200 · b2 paid 100, 30 refunded · b3 ordered, never paid · b5 paid 300 ·
        b7 paid 50 (bot) · b9 paid 80 without any chat (silent)

consulting 8 (b1–b8), ordering 5 (b1 b2 b3 b5 b7), paying 4 (b1 b2 b5 b7): conversion 4/8 = 50.0 %
agent-attributed GMV 200 + 70 + 300 = 570, bot-assisted 50, silent 80, all 700, silent share 11.4 %
客单价 (200 + 70 + 300 + 50) / 4 = 155.00; agent A 2/4 = 50.0 %, GMV 270; agent B 1/3 = 33.3 %, GMV 300

evaluations: b1 很满意, b2 满意, b3 一般, b4 不满意 (A); b5 很不满意, b6 很满意, b8 满意 (B):
7 evaluations, 4 satisfied = 57.1 %; A 2/4 = 50.0 %, B 2/3 = 66.7 %; dissatisfied: b4's and b5's chats.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from apps.conversations.models import Conversation
from apps.conversations.services import import_file
from apps.orders.services import attribution_refresh, order_import_file, order_rows_import
from apps.qa.models import QAResult
from apps.reports import assembly, rendering
from tests import factories
from tests.reports.conftest import DEC, NOV, pdf_text
from tests.reports.factories import BAD_REPLY, SHANGHAI

qa_services = pytest.importorskip("apps.qa.services")

_n = itertools.count(1)
CHATS = [  # buyer, day, hour, agent nick ('' = the bot), buyer's question, reply
    ("b1", 5, 10, "rep-agent", "这款有货吗", "亲，有货的，今天下单今天发"),
    ("b2", 5, 11, "rep-agent", "能便宜点吗", "亲，现在有满减活动哦"),
    ("b3", 5, 12, "rep-agent", "有赠品吗", BAD_REPLY),
    ("b4", 5, 13, "rep-agent", "敏感肌能用吗", BAD_REPLY),
    ("b5", 6, 10, "rep-two", "这个颜色好看吗", BAD_REPLY),
    ("b6", 6, 11, "rep-two", "有大瓶装吗", "亲，有的"),
    ("b8", 6, 12, "rep-two", "保质期多久", "亲，三年"),
    ("b7", 7, 10, "", "在吗，有优惠吗", "您好，我是智能助手，满299减30"),
]


def _rows(store, buyer, day, hour, agent, text, reply, *, month=11):
    start = datetime(2026, month, day, hour, 5, tzinfo=SHANGHAI)
    n = next(_n)
    base = {"platform": store.platform, "shop": store.shop_id, "conversation_id": f"SC{n:04d}", "buyer": buyer}
    role = {"sender_role": "agent", "agent": agent} if agent else {"sender_role": "bot", "agent": ""}
    return [
        {**base, "message_id": f"{n}-1", "sent_at": start.isoformat(), "sender_role": "buyer", "agent": "",
         "msg_type": "text", "content": text},
        {**base, "message_id": f"{n}-2", "sent_at": (start + timedelta(seconds=15)).isoformat(), **role,
         "msg_type": "text", "content": reply},
    ]  # fmt: skip


def _import(tmp_path, rows):
    path = tmp_path / f"chats-{next(_n)}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    run = import_file(path=path, file_format="canonical_jsonl")
    assert run.status == "succeeded", run.errors


def _at(day, hour, minute=0, month=11):
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def shop(brand_a, tmp_path, media_root):
    store = factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall")
    for nick, name in (("rep-agent", "张敏"), ("rep-two", "李娜")):
        agent = factories.make_agent(nick=nick)
        agent.name = name
        agent.save(update_fields=["name"])
    qa_services.scorecard_install_default(client=brand_a)
    rows = {chat[0]: _rows(store, *chat) for chat in CHATS}
    _import(tmp_path, [row for chat_rows in rows.values() for row in chat_rows])
    qa_services.qa_sweep_unscored(client_id=brand_a.pk)
    by_buyer = {
        buyer: Conversation.objects.get(store=store, platform_conversation_id=chat_rows[0]["conversation_id"])
        for buyer, chat_rows in rows.items()
    }
    pseudo = {buyer: conv.buyer_pseudonym for buyer, conv in by_buyer.items()}
    pseudo["b9"] = "silent-buyer-b9"
    money = Decimal
    orders = [  # store, order id, buyer, created, paid, amount, refunded, status, items
        (store.id, "N1", pseudo["b1"], _at(5, 14), _at(5, 14, 5), money("200.00"), money("0.00"), "paid", 1),
        (store.id, "N2", pseudo["b2"], _at(5, 15), _at(5, 15, 5), money("100.00"), money("30.00"), "paid", 1),
        (store.id, "N3", pseudo["b3"], _at(5, 16), None, money("0.00"), money("0.00"), "created", 1),
        (store.id, "N5", pseudo["b5"], _at(6, 15), _at(6, 15, 5), money("300.00"), money("0.00"), "paid", 2),
        (store.id, "N7", pseudo["b7"], _at(7, 15), _at(7, 15, 5), money("50.00"), money("0.00"), "paid", 1),
        (store.id, "N9", pseudo["b9"], _at(8, 15), _at(8, 15, 5), money("80.00"), money("0.00"), "paid", 1),
    ]
    order_rows_import(rows=orders, file_name="nov.csv", recorded_at=_at(20, 9))
    attribution_refresh(store_ids=[store.id])
    grades = {
        "b1": "很满意",
        "b2": "满意",
        "b3": "一般",
        "b4": "不满意",
        "b5": "很不满意",
        "b6": "很满意",
        "b8": "满意",
    }
    lines = ["平台,店铺ID,会话ID,评价时间,评价结果"] + [
        f"tmall,yuefu-tmall,{by_buyer[b].platform_conversation_id},2026-11-{by_buyer[b].started_at.astimezone(SHANGHAI).day:02d} 20:00:00,{g}"
        for b, g in grades.items()
    ]
    path = tmp_path / "evaluations.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert order_import_file(path=path, file_format="evaluation_csv").created_count == 7
    return store, by_buyer


def _report(client, kind="monthly", start=NOV, end=DEC):
    return assembly.assemble_client_report(client=client, kind=kind, start=start, end=end)


def test_conversion_section_figures(shop, brand_a):
    c = _report(brand_a).conversion
    assert (c.consulting, c.ordering, c.paying) == (8, 5, 4)
    assert c.conversion == Decimal("0.5")
    assert (c.attributed_gmv, c.bot_gmv, c.silent_gmv) == (Decimal("570.00"), Decimal("50.00"), Decimal("80.00"))
    assert c.silent_share == Decimal("80") / Decimal("700")
    assert c.average_order_value == Decimal("155.00")
    nov5 = next(day for day in c.days if day.day == date(2026, 11, 5))
    assert (nov5.consulting, nov5.paying, nov5.conversion) == (4, 2, Decimal("0.5"))


def test_per_agent_conversion_has_the_qa_average_beside_it(shop, brand_a):
    agents = {a.name: a for a in _report(brand_a).conversion.agents}
    assert (agents["张敏"].consulting, agents["张敏"].paying, agents["张敏"].attributed_gmv) == (
        4,
        2,
        Decimal("270.00"),
    )
    assert (agents["李娜"].consulting, agents["李娜"].paying, agents["李娜"].attributed_gmv) == (
        3,
        1,
        Decimal("300.00"),
    )
    assert [a.name for a in _report(brand_a).conversion.agents] == ["张敏", "李娜"]  # best conversion first
    for nick, name in (("rep-agent", "张敏"), ("rep-two", "李娜")):
        scores = list(QAResult.objects.filter(agent__nick=nick, status="scored").values_list("score", flat=True))
        assert scores and agents[name].qa_average == sum(scores, Decimal(0)) / len(scores)
        assert agents[name].qa_scored == len(scores)


def test_csat_section_figures(shop, brand_a):
    s = _report(brand_a).csat
    assert (s.evaluations, s.satisfied) == (7, 4)
    assert {a.label: (a.evaluations, a.satisfied) for a in s.agents} == {"张敏": (4, 2), "李娜": (3, 2)}
    counts = dict(s.distribution)
    if "很满意" in counts:  # the orders selector gives the five grades apart
        assert [n for _label, n in s.distribution] == [2, 2, 1, 1, 1]
    else:
        assert [n for _label, n in s.distribution] == [4, 1, 1, 1]
    _store, by_buyer = shop
    assert [(e.conversation, e.score_label) for e in s.dissatisfied] == [
        (by_buyer["b5"].platform_conversation_id, "很不满意"),
        (by_buyer["b4"].platform_conversation_id, "不满意"),
    ]
    for e, buyer in zip(s.dissatisfied, ("b5", "b4"), strict=True):
        result = QAResult.objects.get(conversation=by_buyer[buyer], status="scored")
        assert (e.qa_score, e.qa_passed) == (result.score, result.passed)


def test_the_pdf_prints_both_sections_in_chinese(shop, brand_a, tmp_path):
    report = _report(brand_a)
    text = pdf_text(rendering.render_report(report).content, tmp_path)
    for words in ("销售转化", "询单转化率", "客单价", "静默单", "客户满意度", "很不满意", "不满意会话及其质检结果"):
        assert words in text, words
    for figure in ("50.0%", "¥155.00", "¥570.00", "¥80.00", "11.4%", "57.1%", "33.3%"):
        assert figure in text, figure
    _store, by_buyer = shop
    assert by_buyer["b5"].platform_conversation_id in text and by_buyer["b4"].platform_conversation_id in text
    passed = QAResult.objects.get(conversation=by_buyer["b5"], status="scored").passed
    assert ("不合格" if not passed else "合格") in text


def test_a_brand_without_orders_or_evaluations_leaves_both_sections_out(shop, brand_b):
    report = _report(brand_b)
    assert report.conversion is None and report.csat is None
    assert "销售转化" in "、".join(report.left_out) and "满意度" in "、".join(report.left_out)


def test_qbr_compares_the_quarter_with_the_one_before(shop, brand_a, tmp_path):
    store, _by_buyer = shop
    # Q3: one September presale chat of agent A whose buyer paid 120 — conversion 1/1
    _import(tmp_path, _rows(store, "q3buyer", 10, 10, "rep-agent", "这款有货吗", "亲，有的", month=9))
    q3 = Conversation.objects.get(store=store, started_at__month=9)
    order_rows_import(
        rows=[(store.id, "S1", q3.buyer_pseudonym, _at(10, 12, month=9), _at(10, 12, 5, month=9),
               Decimal("120.00"), Decimal("0.00"), "paid", 1)],
        file_name="sep.csv", recorded_at=_at(20, 9, month=9),
    )  # fmt: skip
    attribution_refresh(store_ids=[store.id])
    report = _report(brand_a, kind="quarterly", start=date(2026, 10, 1), end=date(2027, 1, 1))
    before, after = report.quarters
    assert (before.label, after.label) == ("2026年第3季度", "2026年第4季度")
    assert (before.consulting, before.paying, before.conversion, before.gmv) == (1, 1, Decimal(1), Decimal("120.00"))
    assert (after.consulting, after.paying, after.conversion, after.gmv) == (8, 4, Decimal("0.5"), Decimal("700.00"))
    assert (before.satisfaction, after.satisfaction) == (None, Decimal(4) / Decimal(7))
    assert (before.conversations, after.conversations) == (1, 8)
    rows = {row[0]: row[1:] for row in rendering.quarter_rows(report)}
    assert rows["询单转化率"] == ["100.0%", "50.0%", "-50.0 个百分点"]
    assert rows["成交额（全部订单，扣除退款）"] == ["¥120.00", "¥700.00", "+483.3%"]
    text = pdf_text(rendering.render_report(report).content, tmp_path)
    assert "季度对比" in text and "变化" in text and "-50.0 个百分点" in text
