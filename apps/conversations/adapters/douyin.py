"""Douyin (抖店飞鸽) customer-service chat export, CSV.

Columns (header row, any order; extra columns ignored):
会话编号, 消息编号, 店铺编号, 消息时间 (YYYY/MM/DD HH:MM:SS, Asia/Shanghai; "-" also accepted),
发送者类型 (用户 / 客服 / 智能客服 / 系统), 客服昵称, 用户昵称,
内容类型 (文字 / 图片 / 订单卡片 / 商品卡片 / 系统通知), 消息内容.
A row is the CSV line number (header = 1).
"""

from __future__ import annotations

from collections.abc import Iterator

from apps.conversations.adapters.base import Record, RowError
from apps.conversations.adapters.jd import read_platform_csv

COLUMNS = {
    "conversation_id": "会话编号",
    "message_id": "消息编号",
    "shop": "店铺编号",
    "sent_at": "消息时间",
    "sender_role": "发送者类型",
    "agent": "客服昵称",
    "buyer": "用户昵称",
    "msg_type": "内容类型",
    "content": "消息内容",
}
ROLES = {"用户": "buyer", "客服": "agent", "智能客服": "bot", "系统": "system"}
TYPES = {"文字": "text", "图片": "image", "订单卡片": "order", "商品卡片": "product", "系统通知": "system"}


def read_douyin_csv(text: str) -> Iterator[Record | RowError]:
    return read_platform_csv(text, platform="douyin", columns=COLUMNS, roles=ROLES, types=TYPES)
