"""Satisfaction evaluations (满意度): the CSV layout, and their write.

Columns (header row, any order; English or the Chinese names in brackets):
platform (平台), shop (店铺ID), evaluation_id (评价ID, optional: defaults to the conversation id),
conversation_id (会话ID, optional for an evaluation of an agent), agent (客服账号, optional),
evaluated_at (评价时间: ISO 8601 with offset, or YYYY-MM-DD HH:MM:SS Asia/Shanghai),
rating (评价结果: 很满意 / 满意 / 一般 / 不满意 / 很不满意, or 1–5; 5 = 很满意).
Satisfied = 4 or 5; dissatisfied = 1 or 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from django.db import connection
from django.utils.translation import gettext as _

from apps.conversations.adapters.base import FileError, RowError, csv_rows, parse_local, shown

RATINGS = {"很满意": 5, "非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "很不满意": 1, "非常不满意": 1}
ALIASES = {
    "平台": "platform",
    "店铺ID": "shop",
    "评价ID": "evaluation_id",
    "会话ID": "conversation_id",
    "客服账号": "agent",
    "评价时间": "evaluated_at",
    "评价结果": "rating",
}
REQUIRED = ("platform", "shop", "evaluated_at", "rating")


class EvaluationRecord(NamedTuple):
    row: int
    platform: str
    shop: str
    key: str
    conversation_id: str
    agent: str
    evaluated_at: datetime
    score: int


def parse_rating(text: str) -> int | None:
    """很满意…很不满意 or 1–5 → 1–5; None if neither."""
    text = text.strip()
    if text in RATINGS:
        return RATINGS[text]
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    return None


def _when(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text)
        if dt.tzinfo is not None:
            return dt
    except ValueError:
        pass
    from datetime import UTC

    return datetime.fromtimestamp(parse_local(text), UTC)


def read_evaluations(text: str) -> Iterator[EvaluationRecord | RowError]:
    header_text = text.split("\n", 1)[0]
    for chinese, english in ALIASES.items():
        header_text = header_text.replace(chinese, english)
    text = header_text + ("\n" + text.split("\n", 1)[1] if "\n" in text else "")
    columns, rows = csv_rows(text, required=REQUIRED, free_text=None)
    seen_any = False
    for item in rows:
        seen_any = True
        if type(item) is RowError:
            yield item
            continue
        line, values = item

        def value(key: str, values=values) -> str:
            i = columns.get(key)
            return values[i].strip() if i is not None and i < len(values) else ""

        conversation = value("conversation_id")
        key = value("evaluation_id") or conversation
        if not key:
            yield RowError(line, "evaluation_id", _("an evaluation needs an evaluation id or a conversation id"))
            continue
        try:
            when = _when(value("evaluated_at"))
        except ValueError:
            yield RowError(
                line,
                "evaluated_at",
                _("unparseable time %(value)s (%(format)s)")
                % {"value": repr(shown(value("evaluated_at"))), "format": "YYYY-MM-DD HH:MM:SS"},
            )
            continue
        score = parse_rating(value("rating"))
        if score is None:
            yield RowError(
                line,
                "rating",
                _("unknown rating %(value)s; one of %(choices)s")
                % {"value": repr(shown(value("rating"))), "choices": "、".join(list(RATINGS)[:7]) + "、1–5"},
            )
            continue
        yield EvaluationRecord(
            line, value("platform"), value("shop"), key[:128], conversation, value("agent"), when, score
        )
    if not seen_any:
        raise FileError(_("the file has a header but no evaluations"), row=2, field=None)


def evaluations_write(records: list[tuple[int, EvaluationRecord]], *, run_id: int) -> tuple[int, int, int]:
    """Insert new evaluations, update changed ones (score, time, links); returns (created, updated, unchanged)."""
    from apps.conversations.selectors import conversation_ids_by_platform_id
    from apps.people.selectors import agent_ids_by_nick  # nick → id, as the chat importer resolves agents

    by_store: dict[int, list[str]] = {}
    for store_id, rec in records:
        if rec.conversation_id:
            by_store.setdefault(store_id, []).append(rec.conversation_id)
    links = {
        store_id: conversation_ids_by_platform_id(store_id=store_id, platform_ids=ids)
        for store_id, ids in by_store.items()
    }
    nicks = sorted({rec.agent for _s, rec in records if rec.agent})
    agents = agent_ids_by_nick(nicks)
    rows = []
    for store_id, rec in records:
        conv_id, conv_agent = links.get(store_id, {}).get(rec.conversation_id, (None, None))
        rows.append(
            (store_id, rec.key, conv_id, agents.get(rec.agent) or conv_agent, rec.score, rec.evaluated_at, run_id)
        )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tl_eval_in")
        cur.execute(
            "CREATE TEMP TABLE tl_eval_in (store_id bigint, k text, conv bigint, agent bigint, score int, "
            "at timestamptz, run bigint) ON COMMIT DROP"
        )
        cur.executemany("INSERT INTO tl_eval_in VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        cur.execute(
            "WITH up AS (INSERT INTO orders_evaluation (store_id, platform_evaluation_id, conversation_id, agent_id, "
            "score, evaluated_at, import_run_id) SELECT DISTINCT ON (store_id, k) store_id, k, conv, agent, score, at, "
            "run FROM tl_eval_in ORDER BY store_id, k, at DESC "
            "ON CONFLICT (store_id, platform_evaluation_id) DO UPDATE SET conversation_id = EXCLUDED.conversation_id, "
            "agent_id = EXCLUDED.agent_id, score = EXCLUDED.score, evaluated_at = EXCLUDED.evaluated_at "
            "WHERE (orders_evaluation.conversation_id, orders_evaluation.agent_id, orders_evaluation.score, "
            "orders_evaluation.evaluated_at) IS DISTINCT FROM (EXCLUDED.conversation_id, EXCLUDED.agent_id, "
            "EXCLUDED.score, EXCLUDED.evaluated_at) RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
        )
        created, updated = cur.fetchone()
    return created, updated, len(records) - created - updated
