"""The daily usage rollup: rebuild it from the records (after a bulk load with triggers off, or to repair)."""

from __future__ import annotations

from django.db import connection, transaction

REBUILD_SQL = """
INSERT INTO contracts_usagedaily
    (contract_id, metric, day, platform, store_id, channel, quantity, night_quantity, records, sum_record_id)
SELECT contract_id, metric, day, platform, COALESCE(store_id, 0), channel,
       SUM(quantity), SUM(night_quantity), COUNT(*), SUM(id)
FROM contracts_usagerecord
WHERE contract_id = ANY(%s)
GROUP BY contract_id, metric, day, platform, COALESCE(store_id, 0), channel
"""


def usage_rollup_rebuild(*, contract_ids: list[int]) -> int:
    """Recompute the rollup rows of these contracts from their usage records."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM contracts_usagedaily WHERE contract_id = ANY(%s)", [list(contract_ids)])
        cur.execute(REBUILD_SQL, [list(contract_ids)])
        return cur.rowcount
