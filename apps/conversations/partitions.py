"""Monthly partitions of Tideline's growing tables (docs/operations.md, "Partitioned messages" and
"Partitioned QA hits").

A table partitioned here is range-partitioned on one timestamp column by local (Asia/Shanghai)
calendar month: one partition per month named `<table>_yYYYYmMM`, plus `<table>_default`, a
DEFAULT partition that catches a row of a month with no partition yet (an old export, a test's
made-up date), so an insert never fails for want of a partition. Tables so far:
`conversations_message` on `sent_at` (conversations migrations 0008–0010) and the QA hit table
on `scored_at` (the qa app's migrations 0011–0013). The partition key is read from the catalogue
(`pg_partitioned_table`), so a new table needs its migration (the partitioned table, its DEFAULT
partition, its months) and nothing here. The beat task keeps every such table's months ahead
(`monthly_partitioned_tables`); the importer makes sure the months of its file exist before it
writes; retention drops whole months of messages that every brand has let expire.

API, by table name: `partitions_list(table)`, `partition_rows(table)`,
`partitions_ensure(table, first=, last=)`, `partitions_ahead(table, today=)`,
`partitions_drop_expired(table, before=)`. The `message_*` functions are the same for
`conversations_message`.

Rules:
- A month is [its first day 00:00 local, the next month's first day 00:00 local), half-open, as
  apps.core.calendar defines months and local time.
- Creating a month's partition moves that month's rows out of the DEFAULT partition in the same
  transaction (Postgres refuses to attach a range the DEFAULT partition still holds rows of).
  Creating a month that exists does nothing: safe to run twice and from two processes (an advisory
  lock per table serialises them).
- A month is dropped only when its end is at or before `before` (for messages, the retention cutoff
  of the brand that keeps messages longest: every message in it then belongs to a conversation that
  started before every brand's cutoff). The DEFAULT partition is never dropped.
- The unique business key of a message is (conversation, platform message id, sent_at): Postgres
  requires a unique index on a partitioned table to include the partition key. The importer keeps
  (conversation, message id) unique by dropping already-stored ids before it writes; the index is
  the backstop against two importers racing on the same file (same ids, same times).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from apps.core import calendar

TABLE = "conversations_message"  # the message table, the first one partitioned
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class Partition:
    """One monthly partition: its table name, local month and [start, end) bounds as aware instants."""

    name: str
    month: date
    start: datetime
    end: datetime


MessagePartition = Partition  # the name it had when messages were the only partitioned table


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return calendar.month_bounds(day)[0]


def partition_for(month: date, table: str = TABLE) -> Partition:
    """The partition of a local month: its name and half-open bounds (00:00 Asia/Shanghai)."""
    first, following = calendar.month_bounds(month)
    return Partition(
        name=f"{table}_y{first.year:04d}m{first.month:02d}",
        month=first,
        start=calendar.day_start(first),
        end=calendar.day_start(following),
    )


def local_month(moment: datetime) -> date:
    """The local month (first day) of an aware instant."""
    return month_start(calendar.local_day(moment))


def _lock_key(table: str) -> int:
    return zlib.crc32(f"tideline:{table} partitions".encode())


def partition_key(table: str) -> str:
    """The column a monthly-partitioned table is partitioned on (from pg_partitioned_table)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = to_regclass(%s) AND p.partstrat = 'r' AND p.partnatts = 1",
            [table],
        )
        row = cur.fetchone()
    if row is None:
        raise ValueError(f"{table} is not a table range-partitioned on one column")
    return row[0]


def monthly_partitioned_tables() -> list[str]:
    """Every table this module keeps: range-partitioned on one column, with a `<table>_default`
    partition (the beat task keeps each one's months ahead)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE p.partstrat = 'r' AND p.partnatts = 1 AND pg_table_is_visible(c.oid) "
            "AND to_regclass(c.relname || '_default') IS NOT NULL ORDER BY c.relname"
        )
        return [row[0] for row in cur.fetchall()]


def partitions_list(table: str) -> list[Partition]:
    """The monthly partitions of `table` that exist, oldest first (the DEFAULT partition is not listed)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass AND c.relname <> %s ORDER BY c.relname",
            [table, f"{table}_default"],
        )
        names = [row[0] for row in cur.fetchall()]
    out = []
    for name in names:
        stamp = name.removeprefix(f"{table}_y")
        out.append(partition_for(date(int(stamp[:4]), int(stamp[5:7]), 1), table))
    return out


def partition_rows(table: str) -> dict[str, int]:
    """Rows per partition of `table` (DEFAULT included) as the planner estimates them (pg_class.reltuples)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [table],
        )
        return dict(cur.fetchall())


def partitions_ensure(table: str, *, first: date, last: date) -> list[str]:
    """Create the monthly partitions of `table` for every month from `first` to `last` (local
    months, inclusive) that do not exist yet; returns the names created. Rows of those months
    waiting in the DEFAULT partition move into the new partition in the same transaction."""
    months = []
    month = month_start(first)
    while month <= month_start(last):
        months.append(month)
        month = calendar.add_months(month, 1)
    existing = {p.month for p in partitions_list(table)}
    missing = [m for m in months if m not in existing]
    created = []
    key = partition_key(table) if missing else ""
    for month in missing:
        if _partition_create(table, key, partition_for(month, table)):
            created.append(partition_for(month, table).name)
    return created


def partitions_ahead(table: str, *, today: date, months: int = MONTHS_AHEAD) -> list[str]:
    """This month's and the next `months` months' partitions of `table` exist."""
    return partitions_ensure(table, first=today, last=calendar.add_months(month_start(today), months))


@transaction.atomic
def _partition_create(table: str, key: str, part: Partition) -> bool:
    default = f"{table}_default"
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(table)])
        cur.execute("SELECT to_regclass(%s)", [part.name])
        if cur.fetchone()[0] is not None:
            return False  # another process made it while we waited for the lock
        cur.execute(f'CREATE TABLE "{part.name}" (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
        # The DEFAULT partition is locked first (the moved rows must not change under us) and the
        # parent next: ATTACH checks the DEFAULT partition holds no row of the new range.
        cur.execute(f"LOCK TABLE {default} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # see partitions_drop_expired
        references = _references_lifted_for_move(cur, table, key, part)
        cur.execute(
            f'WITH moved AS (DELETE FROM {default} WHERE "{key}" >= %s AND "{key}" < %s RETURNING *) '
            f'INSERT INTO "{part.name}" SELECT * FROM moved',
            [part.start, part.end],
        )
        cur.execute(
            f'ALTER TABLE {table} ATTACH PARTITION "{part.name}" FOR VALUES FROM (%s) TO (%s)',
            [part.start, part.end],
        )
        for referencing, name, definition in references:  # back, and validated
            cur.execute(f'ALTER TABLE {referencing} ADD CONSTRAINT "{name}" {definition}')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    return True


def _references_lifted_for_move(cur, table: str, key: str, part: Partition) -> list[tuple[str, str, str]]:
    """The foreign keys into `table` (review items -> QA hits), dropped for the move when the DEFAULT
    partition holds rows of the month; returns them for the caller to add back after the attach.

    Postgres sees the move as a delete from the DEFAULT partition: an ON DELETE CASCADE key would
    delete the referencing rows, a NO ACTION key would refuse (it looks for the key in the partition
    the row left). Adding them back validates every referencing row, in the same transaction."""
    cur.execute(
        f'SELECT EXISTS (SELECT 1 FROM {table}_default WHERE "{key}" >= %s AND "{key}" < %s)',
        [part.start, part.end],
    )
    if not cur.fetchone()[0]:
        return []
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = %s::regclass AND conparentid = 0 ORDER BY 1, 2",
        [table],
    )
    references = cur.fetchall()
    for referencing, name, _definition in references:
        cur.execute(f'ALTER TABLE {referencing} DROP CONSTRAINT "{name}"')
    return references


def partitions_drop_expired(table: str, *, before: datetime) -> list[str]:
    """Drop every monthly partition of `table` whose month ends at or before `before`; returns the
    names dropped.

    Detach first (a short lock on the parent), then drop the detached table: readers of other
    months wait only for the detach."""
    dropped = []
    for part in partitions_list(table):
        if part.end > before:
            continue
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(table)])
            cur.execute("SELECT to_regclass(%s)", [part.name])
            if cur.fetchone()[0] is None:
                continue
            # deferred foreign-key checks of rows written earlier in this transaction must run before
            # the table goes (Postgres refuses to drop a table with pending trigger events)
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(f'ALTER TABLE {table} DETACH PARTITION "{part.name}"')
            cur.execute(f'DROP TABLE "{part.name}"')
            cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED
        dropped.append(part.name)
    return dropped


def partitions_ahead_all(*, today: date, months: int = MONTHS_AHEAD) -> list[str]:
    """The beat task's body: every monthly-partitioned table has this month and the next `months`."""
    created = []
    for table in monthly_partitioned_tables():
        created += partitions_ahead(table, today=today, months=months)
    return created


# --- the message table (conversations_message on sent_at), as before the generalisation ---------


def message_partitions() -> list[Partition]:
    """The monthly message partitions that exist, oldest first (the DEFAULT partition is not listed)."""
    return partitions_list(TABLE)


def message_partition_rows() -> dict[str, int]:
    """Rows per message partition (DEFAULT included), as the planner estimates them."""
    return partition_rows(TABLE)


def message_partitions_ensure(*, first: date, last: date) -> list[str]:
    """The message partitions of every month from `first` to `last` exist (names created)."""
    return partitions_ensure(TABLE, first=first, last=last)


def message_partitions_ahead(*, today: date, months: int = MONTHS_AHEAD) -> list[str]:
    """This month's and the next `months` months' message partitions exist."""
    return partitions_ahead(TABLE, today=today, months=months)


def message_partitions_for_range(*, start: datetime, end: datetime) -> list[str]:
    """The importer's step before it writes: the months of [start, end] have partitions, so its rows
    do not land in the DEFAULT partition. Months more than MONTHS_AHEAD ahead or more than 36 months
    before the file's last month are left to the DEFAULT partition (a mistyped year must not create
    dozens of tables); the next ensure of those months moves their rows out."""
    last = min(local_month(end), calendar.add_months(local_month(timezone.now()), MONTHS_AHEAD))
    first = max(local_month(start), calendar.add_months(last, -36))
    return message_partitions_ensure(first=first, last=last)


def message_partitions_drop_expired(*, before: datetime) -> list[str]:
    """Drop every monthly message partition whose month ends at or before `before` (names dropped)."""
    return partitions_drop_expired(TABLE, before=before)
