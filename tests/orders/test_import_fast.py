"""The importer's short path (apps.orders.adapters.read_order_lines) accepts only what check_record
accepts, with the same values, and leaves every other row to check_record (same row and field named)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.conversations.adapters.base import RowError
from apps.orders.adapters import as_line, read_order_lines, read_orders

HEADER = "platform,shop,order_id,buyer,created_at,paid_at,amount_paid,refunded_amount,status,item_count,currency"
TAOBAO = "店铺ID,订单编号,买家会员名,订单创建时间,订单付款时间,买家实际支付金额,退款金额,订单状态,宝贝总数量,收货人姓名"

times = st.sampled_from(
    [
        "2026-11-11T00:10:00+08:00", "2026-11-10T16:10:00Z", "2026-11-11T00:10:00.250+08:00", "2026-11-11 00:10:00+08:00",
        "2026-11-11T00:10:00", "2026-02-30T00:10:00+08:00", "2026-11-11T24:00:00+08:00", "2026-11-11T00:09:59+08:00",
        "2026-11-11T00:10:00.1234567+08:00", "２026-11-11T00:10:00+08:00", "", "soon", " 2026-11-11T00:12:00+08:00 ",
    ]
)  # fmt: skip
local_times = st.sampled_from(
    [
        "2026-11-11 00:10:00", "2026-11-11 00:09:59", "2026/11/11 00:10:00", "2026-11-11 0:10", "2026-02-30 00:10:00",
        "2026-11-11 24:00:00", "2026-11-11 00:10:00.5", "", "1985-06-01 10:00:00",
    ]
)  # fmt: skip
amounts = st.sampled_from(
    ["299.00", "0.00", "0", "12.5", "1,299.00", "¥10", "-5", "10.005", "1e3", "٣", "", "NaN", "99999999999"]
)
statuses = st.sampled_from(["paid", "created", "closed", "completed", "lost", ""])
counts = st.sampled_from(["1", "", "0", "007", "-1", "²", "1.5", "9999999999"])
ids = st.sampled_from(["TM-1", "TM\\2", "x" * 64, "x" * 65, "", "订单\t1"])
currencies = st.sampled_from(["", "CNY", "rmb", "USD", "￥"])


def _norm_time(text: str):
    return None if text == "\\N" else datetime.fromisoformat(text)


def _norm(line: tuple) -> tuple:
    row, platform, shop, oid, buyer, created, paid, amount, refund, status, count = line
    return (row, platform, shop, oid, buyer, _norm_time(created), _norm_time(paid), Decimal(amount), Decimal(refund),
            status, int(count))  # fmt: skip


def _both(text: str, file_format: str, shop: str = ""):
    slow = list(read_orders(text, file_format=file_format, shop=shop))
    fast = list(read_order_lines(text, file_format=file_format, shop=shop))
    return slow, fast


def _assert_same(slow, fast):
    assert len(slow) == len(fast)
    for a, b in zip(slow, fast, strict=True):
        if type(a) is RowError:
            assert b == a
        else:
            assert _norm(b) == _norm(as_line(a))


@settings(max_examples=400, deadline=None)
@given(ids, times, times, amounts, amounts, statuses, counts, currencies)
def test_canonical_rows_read_the_same_on_both_paths(oid, created, paid, amount, refund, status, count, currency):
    row = ",".join(
        ["tmall", "shop-1", f'"{oid}"', "买家1", created, paid, f'"{amount}"', f'"{refund}"', status, count, currency]
    )
    _assert_same(*_both(f"{HEADER}\n{row}\n", "canonical_csv"))


@settings(max_examples=300, deadline=None)
@given(
    local_times,
    local_times,
    amounts,
    amounts,
    st.sampled_from(["交易成功", "等待买家付款", "交易关闭", "未知"]),
    counts,
)
def test_platform_rows_read_the_same_on_both_paths(created, paid, amount, refund, status, count):
    row = ",".join(["", "TB1", "tb_小鹿", created, paid, f'"{amount}"', f'"{refund}"', status, count, "张三"])
    _assert_same(*_both(f"{TAOBAO}\n{row}\n", "taobao_csv", shop="yuefu-tmall-01"))


def test_the_short_path_takes_plain_rows_and_gives_postgres_ready_text():
    text = (
        f"{HEADER}\n"
        "tmall,s1,TM-1,b1,2026-11-11T00:10:00+08:00,2026-11-11T00:12:30+08:00,299.00,0,paid,2,CNY\n"
        "tmall,s1,TM-2,b2,2026-11-11T00:10:00+08:00,,0.00,,created,,\n"
    )
    slow, fast = _both(text, "canonical_csv")
    assert fast[0] == (
        2, "tmall", "s1", "TM-1", "b1", "2026-11-11T00:10:00+08:00", "2026-11-11T00:12:30+08:00", "299.00", "0",
        "paid", "2",
    )  # fmt: skip
    assert fast[1][6] == "\\N" and fast[1][10] == "1"
    _assert_same(slow, fast)


def test_a_bad_row_is_named_the_same_on_both_paths():
    text = f"{HEADER}\ntmall,s1,TM-1,b1,2026-11-11T00:10:00+08:00,2026-11-10T00:12:30+08:00,299.00,0,paid,2,CNY\n"
    slow, fast = _both(text, "canonical_csv")
    assert fast == slow and fast[0].row == 2 and fast[0].field == "paid_at"
