"""Order exports → canonical order records (see docs/imports.md, "Order imports").

One canonical layout (CSV and JSONL) and four platform CSV layouts (Taobao/Tmall 订单报表, JD, Douyin
抖店, Pinduoduo), all described by a `Layout`: which column holds which canonical field, how the
platform's status words map onto OrderStatus, and how times are written. Receiver name, phone and
address columns are never read. Adapters never touch the database and never keep the buyer's nick:
the importer turns it into the keyed pseudonym as the record is accepted.

A record's values are validated here (times, amounts, status, currency) so that every error names the
row and the column as the file spells it; the importer checks what needs the database (the shop).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from apps.conversations.adapters.base import FileError, RowError, csv_rows, parse_local, shown
from apps.orders.choices import OrderImportFormat, OrderStatus

CANONICAL_ORDER_FIELDS = (
    "platform",
    "shop",
    "order_id",
    "buyer",
    "created_at",
    "paid_at",
    "amount_paid",
    "refunded_amount",
    "status",
    "item_count",
)
CURRENCY_WORDS = {"CNY", "RMB", "人民币", "元", "¥", "￥"}
MAX_AMOUNT = Decimal("9999999999.99")


class OrderRecord(NamedTuple):
    """One order as read: times in POSIX seconds (UTC), amounts Decimal with ≤ 2 places."""

    row: int
    platform: str
    shop: str
    order_id: str
    buyer: str
    created_at: float
    paid_at: float | None
    amount_paid: Decimal
    refunded_amount: Decimal
    status: str
    item_count: int


@dataclass(frozen=True)
class Layout:
    """How one export spells the canonical fields. `platform` None: read from a `platform` column;
    `platforms` the platforms a store of this file may be on. Optional columns may be absent."""

    platform: str | None
    columns: dict[str, str]
    statuses: dict[str, str]
    local_times: bool = True
    optional: tuple[str, ...] = ("shop", "refunded_amount", "item_count", "currency")
    platforms: tuple[str, ...] = field(default_factory=tuple)


CANONICAL_STATUSES = {value: value for value in OrderStatus.values}

LAYOUTS: dict[str, Layout] = {
    OrderImportFormat.CANONICAL_CSV: Layout(
        platform=None,
        columns={name: name for name in (*CANONICAL_ORDER_FIELDS, "currency")},
        statuses=CANONICAL_STATUSES,
        local_times=False,
        optional=("currency",),
    ),
    OrderImportFormat.TAOBAO_CSV: Layout(
        platform="taobao",
        platforms=("taobao", "tmall"),
        columns={
            "shop": "店铺ID",
            "order_id": "订单编号",
            "buyer": "买家会员名",
            "created_at": "订单创建时间",
            "paid_at": "订单付款时间",
            "amount_paid": "买家实际支付金额",
            "refunded_amount": "退款金额",
            "status": "订单状态",
            "item_count": "宝贝总数量",
            "currency": "币种",
        },
        statuses={
            "等待买家付款": "created",
            "买家已付款，等待卖家发货": "paid",
            "买家已付款": "paid",
            "等待卖家发货": "paid",
            "卖家已发货，等待买家确认": "shipped",
            "卖家已发货": "shipped",
            "等待买家确认收货": "shipped",
            "交易成功": "completed",
            "交易关闭": "closed",
        },
    ),
    OrderImportFormat.JD_CSV: Layout(
        platform="jd",
        platforms=("jd",),
        columns={
            "shop": "店铺ID",
            "order_id": "订单号",
            "buyer": "下单帐号",
            "created_at": "下单时间",
            "paid_at": "付款确认时间",
            "amount_paid": "应付金额",
            "refunded_amount": "退款金额",
            "status": "订单状态",
            "item_count": "订购数量",
            "currency": "币种",
        },
        statuses={
            "等待付款": "created",
            "等待出库": "paid",
            "等待发货": "paid",
            "等待确认收货": "shipped",
            "已发货": "shipped",
            "完成": "completed",
            "已完成": "completed",
            "已取消": "closed",
            "(删除)已取消": "closed",
        },
    ),
    OrderImportFormat.DOUYIN_CSV: Layout(
        platform="douyin",
        platforms=("douyin",),
        columns={
            "shop": "店铺编号",
            "order_id": "主订单编号",
            "buyer": "用户昵称",
            "created_at": "订单提交时间",
            "paid_at": "支付完成时间",
            "amount_paid": "订单应付金额",
            "refunded_amount": "退款金额",
            "status": "订单状态",
            "item_count": "商品数量",
            "currency": "币种",
        },
        statuses={
            "待支付": "created",
            "备货中": "paid",
            "待发货": "paid",
            "已发货": "shipped",
            "已完成": "completed",
            "已关闭": "closed",
            "已取消": "closed",
        },
    ),
    OrderImportFormat.PINDUODUO_CSV: Layout(
        platform="pinduoduo",
        platforms=("pinduoduo",),
        columns={
            "shop": "店铺ID",
            "order_id": "订单号",
            "buyer": "用户昵称",
            "created_at": "订单成交时间",
            "paid_at": "支付时间",
            "amount_paid": "用户实付金额(元)",
            "refunded_amount": "退款金额(元)",
            "status": "订单状态",
            "item_count": "商品数量(件)",
            "currency": "币种",
        },
        statuses={
            "待支付": "created",
            "待发货": "paid",
            "已发货，待签收": "shipped",
            "已发货，待收货": "shipped",
            "已签收": "completed",
            "已收货": "completed",
            "交易成功": "completed",
            "已取消": "closed",
            "交易取消": "closed",
        },
    ),
}


def get_layout(file_format: str) -> Layout:
    try:
        return LAYOUTS[file_format]
    except KeyError:
        raise FileError(
            _("unknown format %(format)s; one of %(choices)s")
            % {"format": repr(file_format), "choices": ", ".join(LAYOUTS)},
            field="file_format",
        ) from None


def read_orders(text: str, *, file_format: str, shop: str = "") -> Iterator[OrderRecord | RowError]:
    """The records of an order export (CSV layouts, or canonical JSONL). `shop` is the shop id of a
    platform export that has no shop column (one shop per file, as the seller centres export)."""
    if file_format == OrderImportFormat.CANONICAL_JSONL:
        yield from _read_jsonl(text)
        return
    layout, idx, rows = _open_csv(text, file_format, shop)
    seen_any = False
    for item in rows:
        seen_any = True
        if type(item) is RowError:
            yield item
            continue
        line, values = item
        yield check_record(line, layout, _getter(idx, values), default_shop=shop)
    if not seen_any:
        raise FileError(_("the file has a header but no orders"), row=2, field=None)


def read_order_lines(text: str, *, file_format: str, shop: str = "") -> Iterator[tuple | RowError]:
    """The rows of `read_orders`, each as the plain tuple the importer COPYs (no Decimal, no datetime):
    (row, platform, shop, order id COPY-escaped, buyer, created, paid or \\N, amount, refund, status,
    items), every value a text Postgres reads as the value `read_orders` gives.

    The same rows are accepted with the same values and the same errors as `read_orders`: a row whose
    every value is in its plainest form (ASCII digits, the layout's exact time format, no currency
    sign) is checked by a short path; any other row goes through `check_record`, which names the
    row and field of its first error (tests/orders/test_import_fast.py holds both paths equal)."""
    if file_format == OrderImportFormat.CANONICAL_JSONL:
        for item in _read_jsonl(text):
            yield item if type(item) is RowError else as_line(item)
        return
    layout, idx, rows = _open_csv(text, file_format, shop)
    fast = _short_check(layout, idx, shop)
    seen_any = False
    for item in rows:
        seen_any = True
        if type(item) is RowError:
            yield item
            continue
        line, values = item
        out = fast(line, values)
        if out is None:
            out = check_record(line, layout, _getter(idx, values), default_shop=shop)
            if type(out) is not RowError:
                out = as_line(out)
        yield out
    if not seen_any:
        raise FileError(_("the file has a header but no orders"), row=2, field=None)


def _open_csv(text: str, file_format: str, shop: str):
    layout = get_layout(file_format)
    required = tuple(
        name for key, name in layout.columns.items() if key not in layout.optional and key not in ("paid_at",)
    )
    columns, rows = csv_rows(text, required=required, free_text=None)
    if layout.platform is not None and layout.columns["shop"] not in columns and not shop:
        raise FileError(
            _("the file has no %(column)s column: choose the shop it was exported from") % {"column": "店铺ID"},
            row=1,
            field=layout.columns["shop"],
        )
    return layout, {key: columns.get(name) for key, name in layout.columns.items()}, rows


def _getter(idx: dict, values: list[str]):
    def value(key: str) -> str:
        i = idx.get(key)
        return values[i].strip() if i is not None and i < len(values) else ""

    return value


def copy_text(value: str) -> str:
    """A text as a COPY (text format) field."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _utc_text(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def as_line(rec: OrderRecord) -> tuple:
    """An OrderRecord as the tuple of `read_order_lines`."""
    paid = _utc_text(rec.paid_at) if rec.paid_at is not None else "\\N"
    return (
        rec.row, rec.platform, rec.shop, copy_text(rec.order_id), rec.buyer, _utc_text(rec.created_at), paid,
        str(rec.amount_paid), str(rec.refunded_amount), rec.status, str(rec.item_count),
    )  # fmt: skip


# The short path's plainest forms: each is a subset of what check_record accepts, and Postgres reads it
# as the same value (ASCII digits only: `\d` and int() also take other scripts' digits, Postgres not).
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")
_PLAIN_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
# local times are read at UTC+8 (apps.conversations.adapters.base.SHANGHAI, a fixed offset)
_PLAIN_LOCAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _short_check(layout: Layout, idx: dict, default_shop: str):
    """The short path of `read_order_lines`: the row's tuple, or None to let check_record decide."""
    pick = {key: (-1 if i is None else i) for key, i in idx.items()}
    i_platform, i_shop, i_oid, i_buyer = pick.get("platform", -1), pick["shop"], pick["order_id"], pick["buyer"]
    i_created, i_paid, i_amount, i_refund = (
        pick["created_at"],
        pick["paid_at"],
        pick["amount_paid"],
        pick["refunded_amount"],
    )
    i_status, i_items, i_currency = pick["status"], pick["item_count"], pick["currency"]
    width = max(pick.values()) + 1
    statuses, platform_of_file, local = layout.statuses, layout.platform, layout.local_times
    plain_time = (_PLAIN_LOCAL if local else _PLAIN_ISO).fullmatch
    plain_amount, special, parse = _PLAIN_AMOUNT.fullmatch, _COPY_SPECIAL.search, datetime.fromisoformat
    unpaid = (OrderStatus.CREATED, OrderStatus.CLOSED)

    def check(line: int, values: list[str]) -> tuple | None:
        if len(values) < width:
            return None
        values = [v.strip() for v in values] + [""]  # [-1]: an absent optional column
        shop, oid, buyer = values[i_shop] or default_shop, values[i_oid], values[i_buyer]
        created, paid, amount, refund = values[i_created], values[i_paid], values[i_amount], values[i_refund] or "0"
        status, items, currency = statuses.get(values[i_status]), values[i_items] or "1", values[i_currency]
        if not shop or not buyer or not 0 < len(oid) <= 64 or status is None or not plain_time(created):
            return None
        if (
            (currency and currency.upper() not in CURRENCY_WORDS)
            or not plain_amount(amount)
            or not plain_amount(refund)
        ):
            return None
        if not (items.isascii() and items.isdigit() and len(items) <= 9) or float(refund) > float(amount):
            return None
        try:
            created_at = parse(created)
            paid_at = parse(paid) if paid else None
        except ValueError:
            return None
        if paid_at is None:
            if status not in unpaid or float(amount) > 0:
                return None
            paid = "\\N"
        elif not plain_time(paid) or paid_at < created_at:
            return None
        if local:
            created, paid = created + "+08", paid if paid_at is None else paid + "+08"
        if special(oid):
            oid = copy_text(oid)
        platform = platform_of_file if platform_of_file is not None else values[i_platform]
        return (line, platform, shop, oid, buyer, created, paid, amount, refund, status, items)

    return check


def _read_jsonl(text: str) -> Iterator[OrderRecord | RowError]:
    layout = LAYOUTS[OrderImportFormat.CANONICAL_CSV]
    seen_any = False
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        seen_any = True
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):
            yield RowError(line, None, _("not a JSON object"))
            continue
        if not isinstance(obj, dict):
            yield RowError(line, None, _("not a JSON object"))
            continue
        missing = [name for name in CANONICAL_ORDER_FIELDS if name not in obj and name != "paid_at"]
        if missing:
            yield RowError(line, missing[0], _("missing field %(field)s") % {"field": missing[0]})
            continue

        def value(key: str, obj=obj) -> str:
            v = obj.get(key)
            return "" if v is None else str(v).strip()

        yield check_record(line, layout, value, default_shop="")
    if not seen_any:
        raise FileError(_("the file is empty"), row=1, field="file")


def check_record(line: int, layout: Layout, value, *, default_shop: str) -> OrderRecord | RowError:
    """Validate one row's values; the first bad field is the row's error (named as the file names it)."""
    col = layout.columns
    platform = layout.platform if layout.platform is not None else value("platform")
    shop = value("shop") or default_shop
    if not shop:
        return RowError(line, col["shop"], _("the shop is empty"))
    order_id = value("order_id")
    if not order_id or len(order_id) > 64:
        return RowError(line, col["order_id"], _("the order id must be 1 to 64 characters"))
    buyer = value("buyer")
    if not buyer:
        return RowError(line, col["buyer"], _("the buyer is empty"))
    times = _check_times(line, layout, value)
    if type(times) is RowError:
        return times
    created, paid = times
    money = _check_money(line, col, value)
    if type(money) is RowError:
        return money
    amount, refund = money
    status_text = value("status")
    status = layout.statuses.get(status_text)
    if status is None:
        return RowError(
            line,
            col["status"],
            _("unknown status %(value)s; one of %(choices)s")
            % {"value": repr(shown(status_text)), "choices": "、".join(layout.statuses)},
        )
    if status != OrderStatus.CREATED and status != OrderStatus.CLOSED and paid is None:
        return RowError(line, col["paid_at"], _("a paid order needs its payment time"))
    if paid is None and status == OrderStatus.CREATED:
        if refund > 0:
            return RowError(line, col["refunded_amount"], _("an unpaid order has no refund"))
        amount = Decimal("0.00")  # what a shopper owes is not what was paid
    items_text = value("item_count")
    try:
        items = int(items_text) if items_text else 1
    except ValueError:
        items = -1
    if items < 0:
        return RowError(line, col["item_count"], _("%(value)s is not a count") % {"value": repr(shown(items_text))})
    return OrderRecord(line, platform, shop, order_id, buyer, created, paid, amount, refund, status, items)


def _check_times(line: int, layout: Layout, value) -> tuple[float, float | None] | RowError:
    """(created, paid or None) of a row, or the error of the first bad one (created_at, then paid_at)."""
    col = layout.columns
    parse = parse_local if layout.local_times else _parse_iso
    fmt = "YYYY-MM-DD HH:MM:SS" if layout.local_times else "ISO 8601"
    try:
        created = parse(value("created_at"))
    except ValueError:
        return RowError(
            line,
            col["created_at"],
            _("unparseable time %(value)s (%(format)s)") % {"value": repr(shown(value("created_at"))), "format": fmt},
        )
    paid_text = value("paid_at")
    paid = None
    if paid_text:
        try:
            paid = parse(paid_text)
        except ValueError:
            return RowError(
                line,
                col["paid_at"],
                _("unparseable time %(value)s (%(format)s)") % {"value": repr(shown(paid_text)), "format": fmt},
            )
        if paid < created:
            return RowError(line, col["paid_at"], _("the order was paid before it was created"))
    return created, paid


def _check_money(line: int, col: dict, value) -> tuple[Decimal, Decimal] | RowError:
    """(amount paid, refunded) of a row, or the error of the first bad one (currency, amount, refund)."""
    currency = value("currency")
    if currency and currency.upper() not in CURRENCY_WORDS:
        return RowError(
            line,
            col["currency"],
            _("currency %(value)s is not CNY; only orders in CNY are imported") % {"value": repr(shown(currency))},
        )
    amount = _amount(value("amount_paid"))
    if amount is None:
        return RowError(
            line,
            col["amount_paid"],
            _("%(value)s is not an amount in CNY with at most two decimals")
            % {"value": repr(shown(value("amount_paid")))},
        )
    if amount < 0:
        return RowError(line, col["amount_paid"], _("the amount paid is negative"))
    refund_text = value("refunded_amount")
    refund = _amount(refund_text) if refund_text else Decimal("0.00")
    if refund is None:
        return RowError(
            line,
            col["refunded_amount"],
            _("%(value)s is not an amount in CNY with at most two decimals") % {"value": repr(shown(refund_text))},
        )
    if refund < 0:
        return RowError(line, col["refunded_amount"], _("the refund is negative"))
    if refund > amount:
        return RowError(
            line,
            col["refunded_amount"],
            _("the refund %(refund)s is more than the amount paid %(amount)s") % {"refund": refund, "amount": amount},
        )
    return amount, refund


def _parse_iso(text: str) -> float:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        raise ValueError("no UTC offset")
    return dt.timestamp()


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("¥", "").replace("￥", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2 or abs(amount) > MAX_AMOUNT:
        return None
    return amount.quantize(Decimal("0.01"))
