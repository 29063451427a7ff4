"""The daily usage rollup: rebuild it from the records (after a bulk load with triggers off, or to repair).

Each rollup row holds a day's sums and the same sums per local hour (`hour_quantity`,
`hour_night`, 24 elements), computed exactly as the triggers of migration 0011 do. Rows are written
in contract order, so a billing batch reads its contracts' rows from few pages.
"""

from __future__ import annotations

from django.db import connection, transaction


def _hours(column: str) -> str:
    parts = ", ".join(f"COALESCE(SUM({column}) FILTER (WHERE h = {h}), 0)" for h in range(24))
    return f"ARRAY[{parts}]::numeric(20, 4)[]"


REBUILD_SQL = f"""
INSERT INTO contracts_usagedaily
    (contract_id, metric, day, platform, store_id, channel, quantity, night_quantity, records, sum_record_id,
     hour_quantity, hour_night)
SELECT contract_id, metric, day, platform, store_id, channel, SUM(q), SUM(n), SUM(c), SUM(s),
       {_hours("q")}, {_hours("n")}
FROM (
    SELECT contract_id, metric, day, platform, COALESCE(store_id, 0) AS store_id, channel,
           EXTRACT(HOUR FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS h,
           SUM(quantity) AS q, SUM(night_quantity) AS n, COUNT(*) AS c, SUM(id) AS s
    FROM contracts_usagerecord
    WHERE contract_id = ANY(%s)
    GROUP BY 1, 2, 3, 4, 5, 6, 7
) per_hour
GROUP BY contract_id, metric, day, platform, store_id, channel
ORDER BY contract_id, day, metric
"""


def usage_rollup_rebuild(*, contract_ids: list[int]) -> int:
    """Recompute the rollup rows of these contracts from their usage records."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM contracts_usagedaily WHERE contract_id = ANY(%s)", [list(contract_ids)])
        cur.execute(REBUILD_SQL, [list(contract_ids)])
        return cur.rowcount
