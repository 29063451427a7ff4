"""Order imports: every layout, idempotency, later exports update with history, bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from apps.conversations.services import buyer_pseudonym
from apps.core.choices import RunStatus
from apps.orders.models import Order, OrderEvent
from apps.orders.services import order_import_file
from tests import factories

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def shops(db):
    client = factories.make_client(code="yuefu", name="悦肤")
    other = factories.make_client(code="shanye", name="山野")
    return {
        "tmall": factories.make_store(client=client, platform="tmall", shop_id="yuefu-tmall-01"),
        "jd": factories.make_store(client=other, platform="jd", shop_id="shanye-jd-01"),
        "douyin": factories.make_store(client=other, platform="douyin", shop_id="shanye-dy-01"),
        "pdd": factories.make_store(client=other, platform="pinduoduo", shop_id="shanye-pdd-01"),
    }


@pytest.mark.parametrize(
    ("name", "file_format", "shop", "orders"),
    [
        ("canonical_orders.csv", "canonical_csv", "", 3),
        ("canonical_orders.jsonl", "canonical_jsonl", "", 2),
        ("taobao_orders_gbk.csv", "taobao_csv", "yuefu-tmall-01", 2),
        ("jd_orders_gbk.csv", "jd_csv", "", 1),
        ("douyin_orders.csv", "douyin_csv", "", 1),
        ("pinduoduo_orders.csv", "pinduoduo_csv", "shanye-pdd-01", 1),
    ],
)
def test_every_layout_imports_and_a_reimport_writes_nothing(shops, name, file_format, shop, orders):
    run = order_import_file(path=SAMPLES / name, file_format=file_format, shop=shop)
    assert run.status == RunStatus.SUCCEEDED, run.errors
    assert run.created_count == orders
    again = order_import_file(path=SAMPLES / name, file_format=file_format, shop=shop)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, orders)
    assert Order.objects.count() == orders


def test_buyer_is_the_chat_pseudonym_and_no_receiver_data_is_kept(shops):
    order_import_file(path=SAMPLES / "taobao_orders_gbk.csv", file_format="taobao_csv", shop="yuefu-tmall-01")
    order = Order.objects.get(platform_order_id="TB3001")
    assert order.buyer_pseudonym == buyer_pseudonym("tmall", "tb_小鹿123")
    stored = repr(list(Order.objects.values())) + repr(list(OrderEvent.objects.values()))
    for raw in ("13800138000", "张三", "世纪大道", "tb_小鹿123"):
        assert raw not in stored


def test_a_later_export_updates_status_and_refund_with_history(shops, tmp_path):
    order_import_file(path=SAMPLES / "canonical_orders.csv", file_format="canonical_csv")
    later = (SAMPLES / "canonical_orders.csv").read_text().replace("299.00,0,paid,2", "299.00,100.00,completed,2")
    path = tmp_path / "later.csv"
    path.write_text(later)
    run = order_import_file(path=path, file_format="canonical_csv")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 1, 2)
    order = Order.objects.get(platform_order_id="TM-1001")
    assert (order.status, order.refunded_amount) == ("completed", Decimal("100.00"))
    event = OrderEvent.objects.get(order=order)
    assert event.refund_delta == Decimal("100.00")
    # the fully refunded order's first import recorded its refund too: deltas sum to the refund
    closed = Order.objects.get(platform_order_id="TM-1002")
    assert sum(e.refund_delta for e in closed.events.all()) == closed.refunded_amount


BAD = [
    ("2026-11-11T00:10:00+08:00,2026-11-10T00:12:30+08:00,299.00,0,paid", "paid_at", "付款"),
    ("2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,-5,0,paid", "amount_paid", "负"),
    ("2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,299.00,300,paid", "refunded_amount", "退款"),
    ("2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,299.00,0,lost", "status", "状态"),
    ("2026-11-11T00:10:00+08:00,,299.00,5.00,created", "refunded_amount", "未付款"),
]


@pytest.mark.parametrize(("values", "field", "word"), BAD)
def test_bad_rows_are_named_and_nothing_is_written(shops, tmp_path, values, field, word):
    header = "platform,shop,order_id,buyer,created_at,paid_at,amount_paid,refunded_amount,status,item_count,currency\n"
    good = "tmall,yuefu-tmall-01,OK-1,b1,2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,10.00,0,paid,1,CNY\n"
    path = tmp_path / "bad.csv"
    path.write_text(header + good + f"tmall,yuefu-tmall-01,BAD-1,b2,{values},1,CNY\n")
    run = order_import_file(path=path, file_format="canonical_csv")
    assert run.status == RunStatus.FAILED
    assert run.errors[0]["row"] == 3 and run.errors[0]["field"] == field
    assert word in run.errors[0]["reason"]
    assert Order.objects.count() == 0
    skipped = order_import_file(path=path, file_format="canonical_csv", skip_bad_rows=True)
    assert skipped.status == RunStatus.SUCCEEDED and skipped.created_count == 1 and skipped.rejected == 1


def test_unknown_shop_and_foreign_currency_are_refused(shops, tmp_path):
    header = "platform,shop,order_id,buyer,created_at,paid_at,amount_paid,refunded_amount,status,item_count,currency\n"
    path = tmp_path / "bad.csv"
    path.write_text(
        header
        + "tmall,nope-01,A-1,b1,2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,10.00,0,paid,1,CNY\n"
        + "tmall,yuefu-tmall-01,A-2,b1,2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,10.00,0,paid,1,USD\n"
    )
    run = order_import_file(path=path, file_format="canonical_csv")
    assert [(e["row"], e["field"]) for e in run.errors] == [(3, "currency"), (2, "shop")] or [
        (e["row"], e["field"]) for e in run.errors
    ] == [(2, "shop"), (3, "currency")]
    assert "店铺" in run.errors[0]["reason"] or "CNY" in run.errors[0]["reason"]
    assert Order.objects.count() == 0


def test_platform_layout_names_the_chinese_column(shops, tmp_path):
    text = (SAMPLES / "taobao_orders_gbk.csv").read_bytes().decode("gbk").replace("交易成功", "不存在的状态")
    path = tmp_path / "tb.csv"
    path.write_bytes(text.encode("gbk"))
    run = order_import_file(path=path, file_format="taobao_csv", shop="yuefu-tmall-01")
    assert run.status == RunStatus.FAILED
    assert run.errors[0] == {"row": 2, "field": "订单状态", "reason": run.errors[0]["reason"]}
