"""`--preload N`: the bench database already holds N units of history before a benchmark is timed.

Issue #19 asks how cost grows with the data a vendor keeps: each of `ingest`, `qa_pipeline`,
`billing` and `api` is timed with the database holding 1x and 10x the ingest benchmark's data, and
the two rates are compared (goal: the 10x rate within 20 % of the 1x rate).

One unit is the ingest benchmark's size: 100,000 conversations of 20 messages (2M messages), each
with a QA result and one QA hit, of a separate brand `bench-preload` (four Tmall stores), spread
over the twelve local months December 2025 – November 2026, so every monthly message partition
the benchmarks write into already holds history. Usage records are not preloaded: the `billing`
benchmark truncates the contracts tables before it generates its own 20M events (at 10x they
would be 200M rows, ~40 GB); what it meets at 10x is the other tables' history.

Generated inside Postgres (INSERT … SELECT generate_series; nothing streams from Python), one
transaction per unit, so a database holds whole units only; asking for fewer units than are there
deletes the extra ones. The months' partitions are created first, so nothing lands in the DEFAULT
partition; the touched tables are VACUUM ANALYZEd afterwards, as autovacuum would leave them.
"""

from __future__ import annotations

import os
import time
from datetime import date

UNIT_CONVERSATIONS = 100_000
MESSAGES_PER_CONVERSATION = 20
CODE = "bench-preload"
SHOPS = [f"bench-preload-tmall-{n}" for n in range(1, 5)]
FIRST_MONTH, LAST_MONTH = date(2025, 12, 1), date(2026, 11, 1)
LINES = [
    "在吗？这款面霜干皮能用吗",
    "亲，您好！很高兴为您服务",
    "双十一的满减能和店铺券一起用吗",
    "满减和店铺券是可以叠加使用的",
    "今天下单什么时候发货",
    "今天16点前付款当天发出的",
    "好的谢谢",
    "请问还有其他可以帮您的吗？",
]
TABLES = ["conversations_conversation", "conversations_message", "qa_qaresult", "qa_qahit"]


def _setup():
    from apps.clients.models import Client, Store
    from apps.qa.services import scorecard_install_default

    client, _ = Client.objects.get_or_create(
        code=CODE, defaults={"name": "历史数据品牌", "legal_name": "历史数据有限公司", "uscc": "91310000MA1FL8PL0X"}
    )
    stores = [
        Store.objects.get_or_create(platform="tmall", shop_id=shop, defaults={"client": client, "name": f"{shop}店"})[0]
        for shop in SHOPS
    ]
    card = scorecard_install_default(client=client)
    return client, [s.pk for s in stores], card


def _units_present(cur, store_ids: list[int]) -> int:
    cur.execute("SELECT count(*) FROM conversations_conversation WHERE store_id = ANY(%s)", [store_ids])
    return cur.fetchone()[0] // UNIT_CONVERSATIONS


def _add_unit(cur, unit: int, store_ids: list[int], card_id: int, rule_id: int) -> None:
    lo = unit * UNIT_CONVERSATIONS
    span = ((LAST_MONTH.year - FIRST_MONTH.year) * 12 + LAST_MONTH.month - FIRST_MONTH.month + 1) * 30 * 86400
    # conversation g starts (g × 3,137 s) mod the 12-month span after 1 Dec 2025 00:00 local: every
    # month and hour gets its share, and unit k is spread like unit 0
    cur.execute(
        "WITH conv AS ("
        " INSERT INTO conversations_conversation (store_id, platform_conversation_id, channel, started_at, ended_at,"
        " agent_id, agent_nick, handled_by, transferred_to_human, buyer_pseudonym, message_count,"
        " first_response_seconds, buyer_rounds, rounds_answered_180s, rounds_in_service_hours,"
        " response_seconds_total, rounds_answered, max_wait_seconds, import_run_id)"
        " SELECT (%(stores)s::bigint[])[1 + g %% 4], 'PL' || lpad(g::text, 9, '0'), 'chat', s.t, s.t + interval '500 s',"
        " NULL, '', 'human', false, 'pl' || g, %(n)s, 25, 10, 9, 10, 300, 10, 60, NULL"
        " FROM generate_series(%(lo)s, %(hi)s) g,"
        " LATERAL (SELECT timestamptz '2025-12-01 00:00+08' + make_interval(secs => (g::bigint * 3137) %% %(span)s) AS t) s"
        " RETURNING id, platform_conversation_id, started_at)"
        " INSERT INTO conversations_message (conversation_id, message_id, seq, sent_at, sender_role, msg_type, content)"
        " SELECT c.id, c.platform_conversation_id || '-' || lpad(k::text, 3, '0'), k,"
        " c.started_at + make_interval(secs => k * 25), CASE WHEN k %% 2 = 1 THEN 'buyer' ELSE 'agent' END, 'text',"
        " (%(lines)s::text[])[1 + (k - 1) %% %(nlines)s] FROM conv c, generate_series(1, %(n)s) k",
        {
            "stores": store_ids,
            "n": MESSAGES_PER_CONVERSATION,
            "lo": lo,
            "hi": lo + UNIT_CONVERSATIONS - 1,
            "span": span,
            "lines": LINES,
            "nlines": len(LINES),
        },
    )
    cur.execute(
        "INSERT INTO qa_qaresult (conversation_id, scorecard_id, started_at, agent_id, status, reason, auto_score,"
        " score, passed, critical, hit_count, scored_at, qa_run_id)"
        " SELECT c.id, %s, c.started_at, NULL, 'scored', '', 95, 95, true, false, 1, now(), NULL"
        " FROM conversations_conversation c WHERE c.store_id = ANY(%s)"
        " AND c.platform_conversation_id BETWEEN %s AND %s",
        [card_id, store_ids, f"PL{lo:09d}", f"PL{lo + UNIT_CONVERSATIONS - 1:09d}"],
    )
    cur.execute(
        "INSERT INTO qa_qahit (result_id, rule_id, severity, message_index, span_start, span_end, excerpt, note,"
        " scored_at) SELECT r.id, %s, 'minor', 2, 0, 2, '', '', r.scored_at FROM qa_qaresult r"
        " JOIN conversations_conversation c"
        " ON c.id = r.conversation_id WHERE c.store_id = ANY(%s) AND c.platform_conversation_id BETWEEN %s AND %s",
        [rule_id, store_ids, f"PL{lo:09d}", f"PL{lo + UNIT_CONVERSATIONS - 1:09d}"],
    )


def _drop_units_from(cur, unit: int, store_ids: list[int]) -> None:
    cur.execute(
        "CREATE TEMP TABLE tl_preload_drop ON COMMIT DROP AS SELECT id FROM conversations_conversation"
        " WHERE store_id = ANY(%s) AND platform_conversation_id >= %s",
        [store_ids, f"PL{unit * UNIT_CONVERSATIONS:09d}"],
    )
    cur.execute(
        "DELETE FROM qa_qahit h USING qa_qaresult r, tl_preload_drop d"
        " WHERE h.result_id = r.id AND r.conversation_id = d.id"
    )
    cur.execute("DELETE FROM qa_qaresult r USING tl_preload_drop d WHERE r.conversation_id = d.id")
    cur.execute("DELETE FROM conversations_message m USING tl_preload_drop d WHERE m.conversation_id = d.id")
    cur.execute("DELETE FROM conversations_conversation c USING tl_preload_drop d WHERE c.id = d.id")


def preload(units: int, *, out=print) -> dict:
    """Make the bench database hold exactly `units` units of history; returns what it holds and the
    seconds the loading took (0 when it already held them)."""
    from django.db import connection, transaction

    from apps.conversations.partitions import message_partitions_ensure

    client, store_ids, card = _setup()
    rule_id = card.rules.order_by("pk").values_list("pk", flat=True).first()
    message_partitions_ensure(first=FIRST_MONTH, last=LAST_MONTH)
    started = time.perf_counter()
    with connection.cursor() as cur:
        present = _units_present(cur, store_ids)
        if present > units:
            out(f"preload: dropping units {units}…{present - 1}")
            with transaction.atomic():
                _drop_units_from(cur, units, store_ids)
        for unit in range(present, units):
            t0 = time.perf_counter()
            with transaction.atomic():
                _add_unit(cur, unit, store_ids, card.pk, rule_id)
            out(
                f"preload: unit {unit + 1}/{units} ({UNIT_CONVERSATIONS:,} conversations, "
                f"{UNIT_CONVERSATIONS * MESSAGES_PER_CONVERSATION:,} messages) in {time.perf_counter() - t0:.0f} s, "
                f"load average {os.getloadavg()[0]:.1f}"
            )
        changed = present != units
        if changed and TABLES:
            t0 = time.perf_counter()
            cur.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}")
            out(f"preload: VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s")
        cur.execute("SELECT count(*) FROM conversations_conversation")
        conversations = cur.fetchone()[0]
        cur.execute(
            "SELECT sum(greatest(c.reltuples, 0))::bigint FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'conversations_message'::regclass"
        )
        messages = cur.fetchone()[0]
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
    return {
        "preload_units": units,
        "preload_messages": units * UNIT_CONVERSATIONS * MESSAGES_PER_CONVERSATION,
        "preload_seconds": round(time.perf_counter() - started, 1) if changed else 0,
        "database_conversations": conversations,
        "database_messages_estimate": messages,
        "database_gb": round(size / 1e9, 2),
    }


def scaling_table(results=None, *, low: int = 1, high: int = 10) -> str:
    """A Markdown table of each benchmark's rate with `low` and `high` units preloaded, side by side,
    from bench/results/NAME.preloadN.json (`python -m bench.preload`)."""
    import json
    from pathlib import Path

    results = Path(results or Path(__file__).resolve().parent / "results")
    rows = [
        "| benchmark | work | rate at 1x (2M messages held) | rate at 10x (20M messages held) | 10x / 1x |",
        "|---|---|---|---|---|",
    ]
    names = sorted({p.name.split(".preload")[0] for p in results.glob("*.preload*.json")})
    for name in names:
        pair = []
        for units in (low, high):
            path = results / f"{name}.preload{units}.json"
            pair.append(json.loads(path.read_text(encoding="utf-8")) if path.exists() else None)
        a, b = pair

        def cell(r):
            if r is None:
                return "not run"
            load = (r.get("extra") or {}).get("load_average_1m", "")
            return f"{r['value']:,} {r['unit']}" + (f" (load {load})" if load and len(load) < 12 else "")

        ratio = f"{b['value'] / a['value']:.2f}" if a and b and a["value"] else ""
        size = (a or b)["size"]
        rows.append(f"| `{name}` | {size} | {cell(a)} | {cell(b)} | {ratio} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(scaling_table())
