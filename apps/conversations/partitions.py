"""Monthly partitions of the message table (docs/operations.md, "Partitioned messages").

`conversations_message` is range-partitioned on `sent_at` by local (Asia/Shanghai) calendar month,
one partition per month named `conversations_message_yYYYYmMM`, plus a DEFAULT partition that
catches a message of a month with no partition yet (an old export, a test's made-up date), so an
insert never fails for want of a partition. Migrations 0008–0010 built the table; this module keeps
it: the beat task creates the coming months ahead, the importer makes sure the months of its file
exist before it writes, and retention drops whole months that every brand has let expire.

Rules:
- A month is [its first day 00:00 local, the next month's first day 00:00 local), half-open, as
  apps.core.calendar defines months and local time.
- Creating a month's partition moves that month's rows out of the DEFAULT partition in the same
  transaction (Postgres refuses to attach a range the DEFAULT partition still holds rows of).
  Creating a month that exists does nothing: safe to run twice and from two processes (an advisory
  lock serialises them).
- A month is dropped only when its end is at or before `before` (the retention cutoff of the brand
  that keeps messages longest): every message in it then belongs to a conversation that started
  before every brand's cutoff. The DEFAULT partition is never dropped.
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

TABLE = "conversations_message"
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 3
_LOCK = zlib.crc32(b"tideline:conversations_message partitions")


@dataclass(frozen=True)
class MessagePartition:
    """One monthly partition: its table name, local month and [start, end) bounds as aware instants."""

    name: str
    month: date
    start: datetime
    end: datetime


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return calendar.month_bounds(day)[0]


def partition_for(month: date) -> MessagePartition:
    """The partition of a local month: its name and half-open bounds (00:00 Asia/Shanghai)."""
    first, following = calendar.month_bounds(month)
    return MessagePartition(
        name=f"{TABLE}_y{first.year:04d}m{first.month:02d}",
        month=first,
        start=calendar.day_start(first),
        end=calendar.day_start(following),
    )


def local_month(moment: datetime) -> date:
    """The local month (first day) of an aware instant."""
    return month_start(calendar.local_day(moment))


def message_partitions() -> list[MessagePartition]:
    """The monthly partitions that exist, oldest first (the DEFAULT partition is not listed)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass AND c.relname <> %s ORDER BY c.relname",
            [TABLE, DEFAULT],
        )
        names = [row[0] for row in cur.fetchall()]
    out = []
    for name in names:
        stamp = name.removeprefix(f"{TABLE}_y")
        out.append(partition_for(date(int(stamp[:4]), int(stamp[5:7]), 1)))
    return out


def message_partition_rows() -> dict[str, int]:
    """Rows per partition (DEFAULT included) as the planner estimates them (pg_class.reltuples)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        return dict(cur.fetchall())


def message_partitions_ensure(*, first: date, last: date) -> list[str]:
    """Create the monthly partitions of every month from `first` to `last` (local months, inclusive)
    that do not exist yet; returns the names created. Rows of those months waiting in the DEFAULT
    partition move into the new partition in the same transaction."""
    months = []
    month = month_start(first)
    while month <= month_start(last):
        months.append(month)
        month = calendar.add_months(month, 1)
    existing = {p.month for p in message_partitions()}
    missing = [m for m in months if m not in existing]
    created = []
    for month in missing:
        if _partition_create(partition_for(month)):
            created.append(partition_for(month).name)
    return created


def message_partitions_ahead(*, today: date, months: int = MONTHS_AHEAD) -> list[str]:
    """The beat task's body: this month's and the next `months` months' partitions exist."""
    return message_partitions_ensure(first=today, last=calendar.add_months(month_start(today), months))


def message_partitions_for_range(*, start: datetime, end: datetime) -> list[str]:
    """The importer's step before it writes: the months of [start, end] have partitions, so its rows
    do not land in the DEFAULT partition. Months more than MONTHS_AHEAD ahead or more than 36 months
    before the file's last month are left to the DEFAULT partition (a mistyped year must not create
    dozens of tables); the next ensure of those months moves their rows out."""
    last = min(local_month(end), calendar.add_months(local_month(timezone.now()), MONTHS_AHEAD))
    first = max(local_month(start), calendar.add_months(last, -36))
    return message_partitions_ensure(first=first, last=last)


@transaction.atomic
def _partition_create(part: MessagePartition) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        cur.execute("SELECT to_regclass(%s)", [part.name])
        if cur.fetchone()[0] is not None:
            return False  # another process made it while we waited for the lock
        cur.execute(f'CREATE TABLE "{part.name}" (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
        # The DEFAULT partition is locked first (the moved rows must not change under us) and the
        # parent next: ATTACH checks the DEFAULT partition holds no row of the new range.
        cur.execute(f"LOCK TABLE {DEFAULT} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # see message_partitions_drop_expired
        cur.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE sent_at >= %s AND sent_at < %s RETURNING *) "
            f'INSERT INTO "{part.name}" SELECT * FROM moved',
            [part.start, part.end],
        )
        cur.execute(
            f'ALTER TABLE {TABLE} ATTACH PARTITION "{part.name}" FOR VALUES FROM (%s) TO (%s)',
            [part.start, part.end],
        )
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    return True


def message_partitions_drop_expired(*, before: datetime) -> list[str]:
    """Drop every monthly partition whose month ends at or before `before`; returns the names dropped.

    Detach first (a short lock on the parent), then drop the detached table: readers of other
    months wait only for the detach."""
    dropped = []
    for part in message_partitions():
        if part.end > before:
            continue
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            cur.execute("SELECT to_regclass(%s)", [part.name])
            if cur.fetchone()[0] is None:
                continue
            # deferred foreign-key checks of rows written earlier in this transaction must run before
            # the table goes (Postgres refuses to drop a table with pending trigger events)
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(f'ALTER TABLE {TABLE} DETACH PARTITION "{part.name}"')
            cur.execute(f'DROP TABLE "{part.name}"')
            cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED
        dropped.append(part.name)
    return dropped
