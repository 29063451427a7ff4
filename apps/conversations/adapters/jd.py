"""JD (京东) customer-service chat export, CSV.

Columns (header row, any order; extra columns ignored):
会话ID, 消息ID, 店铺ID, 发送时间 (YYYY-MM-DD HH:MM:SS, Asia/Shanghai), 发送方 (顾客 / 客服 / 机器人 / 系统),
客服账号, 顾客账号, 消息类型 (文本 / 图片 / 订单 / 商品 / 系统), 消息内容.
A row is the CSV line number (header = 1).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.conversations.adapters.base import FileError, Record, RowError, csv_rows, parse_local, shown

COLUMNS = {
    "conversation_id": "会话ID",
    "message_id": "消息ID",
    "shop": "店铺ID",
    "sent_at": "发送时间",
    "sender_role": "发送方",
    "agent": "客服账号",
    "buyer": "顾客账号",
    "msg_type": "消息类型",
    "content": "消息内容",
}
ROLES = {"顾客": "buyer", "客服": "agent", "机器人": "bot", "系统": "system"}
TYPES = {"文本": "text", "图片": "image", "订单": "order", "商品": "product", "系统": "system"}


def read_platform_csv(
    text: str, *, platform: str, columns: dict[str, str], roles: dict[str, str], types: dict[str, str]
) -> Iterator[Record | RowError]:
    """Shared reader of platform CSV exports whose headers map 1:1 onto canonical fields."""
    header, rows = csv_rows(text, required=tuple(columns.values()), free_text=columns["content"])
    idx = {field: header[name] for field, name in columns.items()}
    width = max(idx.values()) + 1
    seen_any = False
    for item in rows:
        seen_any = True
        if type(item) is RowError:
            yield item
            continue
        line, values = item
        if len(values) < width:
            yield RowError(line, None, _("too few columns"))
            continue
        yield _csv_record(line, values, idx, platform=platform, columns=columns, roles=roles, types=types)
    if not seen_any:
        raise FileError(_("the file has a header but no messages"), row=2, field=None)


def _csv_record(
    line: int,
    values: list[str],
    idx: dict[str, int],
    *,
    platform: str,
    columns: dict[str, str],
    roles: dict[str, str],
    types: dict[str, str],
) -> Record | RowError:
    """One row of a platform CSV export as a record, or the error of its first bad field."""
    sent = values[idx["sent_at"]]
    try:
        epoch = parse_local(sent)
    except ValueError:
        return RowError(
            line,
            columns["sent_at"],
            _("unparseable time %(value)s (YYYY-MM-DD HH:MM:SS)") % {"value": repr(shown(sent))},
        )
    role_text = values[idx["sender_role"]].strip()
    role = roles.get(role_text)
    if role is None:
        return RowError(
            line,
            columns["sender_role"],
            _("unknown sender %(value)s; one of %(choices)s")
            % {"value": repr(shown(role_text)), "choices": ", ".join(roles)},
        )
    type_text = values[idx["msg_type"]].strip()
    msg_type = types.get(type_text)
    if msg_type is None:
        return RowError(
            line,
            columns["msg_type"],
            _("unknown type %(value)s; one of %(choices)s")
            % {"value": repr(shown(type_text)), "choices": ", ".join(types)},
        )
    return Record(
        line,
        platform,
        values[idx["shop"]].strip(),
        values[idx["conversation_id"]].strip(),
        values[idx["message_id"]].strip(),
        epoch,
        role,
        values[idx["agent"]].strip(),
        values[idx["buyer"]].strip(),
        msg_type,
        values[idx["content"]],
    )


def read_jd_csv(text: str) -> Iterator[Record | RowError]:
    return read_platform_csv(text, platform="jd", columns=COLUMNS, roles=ROLES, types=TYPES)
