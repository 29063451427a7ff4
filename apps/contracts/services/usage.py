"""Usage in: posted rows, CSV files, and usage derived from conversations and the published roster.

A usage record counts once (its business key is unique); every path is idempotent. The records
table is partitioned by received month, so the business key is checked in the narrow key table
`contracts_usagekey` (models.UsageKey): every writer claims its keys there first (INSERT … ON
CONFLICT DO NOTHING RETURNING) and writes, in the same statement, the records of the keys it got
(_CLAIM_AND_WRITE). Two writers racing on a key: one claims it, the other skips it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from apps.contracts.choices import (
    WHOLE_METRICS,
    InvoiceStatus,
    Metric,
    UsageSource,
)
from apps.contracts.models import (
    Contract,
    Invoice,
    UsageRecord,
)
from apps.core import calendar
from apps.core.audit import audit_record
from apps.core.errors import DomainError

# --------------------------------------------------------------------------- usage


@dataclass
class UsageResult:
    received: int = 0
    inserted: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)
    late_periods: list[str] = field(default_factory=list)


def _issued_months(contract_ids) -> set[tuple[int, date]]:
    return set(
        Invoice.objects.filter(
            contract_id__in=contract_ids, status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PAID]
        ).values_list("contract_id", "period_start")
    )


def _quantities(row: dict, *, metric: str, index: int) -> dict[str, Decimal]:
    """quantity and night_quantity of a posted row: numbers, not negative, whole for counted metrics,
    at most 4 places, night within the quantity."""
    quantities = {}
    for name in ("quantity", "night_quantity"):
        raw = row.get(name, 0 if name == "night_quantity" else None)
        if raw in (None, ""):
            if name == "quantity":
                raise DomainError("quantity is required", field=name, row=index)
            raw = 0
        if isinstance(raw, float):
            raw = repr(raw)
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise DomainError(f"{name} {raw!r} is not a number", field=name, row=index) from None
        if not value.is_finite():
            raise DomainError(f"{name} {raw!r} is not a number", field=name, row=index)
        if value < 0:
            raise DomainError(f"{name} must not be negative ({value})", field=name, row=index)
        if metric in WHOLE_METRICS and value != value.to_integral_value():
            raise DomainError(f"{name} of {metric} must be a whole number, not {value}", field=name, row=index)
        if value.as_tuple().exponent < -4:
            raise DomainError(f"{name} has more than 4 decimal places", field=name, row=index)
        quantities[name] = value
    if quantities["night_quantity"] > quantities["quantity"]:
        raise DomainError("night_quantity cannot exceed quantity", field="night_quantity", row=index)
    return quantities


def usage_row_validate(*, row: dict, index: int, contracts: dict[str, Contract]) -> UsageRecord:
    """Turn one posted row into an unsaved UsageRecord, or raise DomainError naming row and field."""

    def need(name):
        value = row.get(name)
        if value in (None, ""):
            raise DomainError(f"{name} is required", field=name, row=index)
        return value

    code = str(need("contract"))
    contract = contracts.get(code)
    if contract is None:
        raise DomainError(f"unknown contract {code!r}", field="contract", row=index)
    metric = str(need("metric"))
    if metric not in Metric.values:
        raise DomainError(
            f"unknown metric {metric!r}; use one of {', '.join(Metric.values)}", field="metric", row=index
        )
    source_key = str(need("source_key"))[:128]
    quantities = _quantities(row, metric=metric, index=index)
    occurred = need("occurred_at")
    if isinstance(occurred, str):
        try:
            occurred = datetime.fromisoformat(occurred)
        except ValueError:
            raise DomainError(
                f"occurred_at {occurred!r} is not an ISO 8601 time", field="occurred_at", row=index
            ) from None
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred, timezone.get_default_timezone())
    store_id = row.get("store") or None
    return UsageRecord(
        contract=contract,
        metric=metric,
        source=row.get("source") or UsageSource.API,
        source_key=source_key,
        quantity=quantities["quantity"],
        night_quantity=quantities["night_quantity"],
        occurred_at=occurred,
        day=calendar.local_day(occurred),
        platform=str(row.get("platform") or "")[:16],
        store_id=int(store_id) if store_id else None,
        channel=str(row.get("channel") or "")[:16],
    )


def _late_periods(records: list[UsageRecord], *, late: bool) -> list[tuple[str, str]]:
    """(contract code, month) of records in months already invoiced; refused unless `late`."""
    issued = _issued_months({r.contract_id for r in records})
    late_periods = sorted(
        {
            (r.contract.code, r.day.replace(day=1).isoformat())
            for r in records
            if (r.contract_id, r.day.replace(day=1)) in issued
        }
    )
    if late_periods and not late:
        code, month = late_periods[0]
        raise DomainError(
            f"usage for {code} in {month[:7]} comes after its invoice was issued; "
            "post it with late=true to bill it on a supplementary invoice",
            field="occurred_at",
        )
    return late_periods


def usage_record_bulk(*, rows: list[dict], source: str = UsageSource.API, actor=None, late: bool = False, user=None):
    """Post usage rows idempotently: the business key (contract, metric, source, source_key) counts once.

    All or nothing: any bad row rejects the batch with every row's error. Usage for a month that is
    already invoiced is refused unless `late=True`; then it is kept and the next billing run of that
    month puts it on a supplementary invoice (or parks the contract for a credit note).
    """
    from apps.core.roles import scope_queryset

    result = UsageResult(received=len(rows))
    codes = {str(r.get("contract")) for r in rows if r.get("contract") not in (None, "")}
    contracts_qs = Contract.objects.filter(code__in=codes).select_related("client")
    if user is not None:
        contracts_qs = scope_queryset(contracts_qs, user)
    contracts = {c.code: c for c in contracts_qs}
    records = []
    for index, row in enumerate(rows, start=1):
        row = {**row, "source": source}
        try:
            records.append(usage_row_validate(row=row, index=index, contracts=contracts))
        except DomainError as exc:
            result.errors.append({"row": index, "field": exc.field, "reason": exc.message})
    if result.errors:
        first = result.errors[0]
        error = DomainError(
            f"{len(result.errors)} row(s) rejected; first: {first['reason']}", field=first["field"], row=first["row"]
        )
        error.errors = result.errors
        raise error
    late_periods = _late_periods(records, late=late)
    result.late_periods = [f"{c} {m[:7]}" for c, m in late_periods]
    with transaction.atomic():
        result.inserted = usage_records_insert(records)
        result.duplicates = len(records) - result.inserted
        if actor is not None and records:
            audit_record(
                actor=actor,
                action="usage.bulk",
                target=records[0].contract,
                client=records[0].contract.client,
                data={
                    "received": result.received,
                    "inserted": result.inserted,
                    "source": source,
                    "late": result.late_periods,
                },
            )
    return result


# Every usage writer: claim the new business keys of `src` (a SELECT of the record's columns but
# id and created_at, one row per business key) in the key table, then write the records of the
# keys claimed, with the ids the claim drew from the records' sequence and the same received time.
# One statement; its row count is the records written. The NOT EXISTS spares a sequence number for
# a key already stored (a re-run draws none); ON CONFLICT settles a key that another writer claims
# meanwhile.
_CLAIM_AND_WRITE = """
WITH src AS MATERIALIZED ({src}),
claimed AS (
    INSERT INTO contracts_usagekey (id, contract_id, metric, source, source_key, created_at)
    SELECT nextval('contracts_usagerecord_id_seq'), s.contract_id, s.metric, s.source, s.source_key, now()
    FROM src s
    WHERE NOT EXISTS (
        SELECT 1 FROM contracts_usagekey k
        WHERE k.contract_id = s.contract_id AND k.metric = s.metric AND k.source = s.source
          AND k.source_key = s.source_key
    )
    ON CONFLICT (contract_id, metric, source, source_key) DO NOTHING
    RETURNING id, contract_id, metric, source, source_key, created_at
)
INSERT INTO contracts_usagerecord
    (id, contract_id, metric, source, source_key, quantity, night_quantity, occurred_at, day,
     platform, store_id, channel, created_at)
SELECT c.id, s.contract_id, s.metric, s.source, s.source_key, s.quantity, s.night_quantity,
       s.occurred_at, s.day, s.platform, s.store_id, s.channel, c.created_at
FROM claimed c
JOIN src s ON s.contract_id = c.contract_id AND s.metric = c.metric AND s.source = c.source
          AND s.source_key = c.source_key
ORDER BY c.id
"""

_RECORDS_SRC = """
SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::numeric[], %s::numeric[],
                     %s::timestamptz[], %s::date[], %s::text[], %s::bigint[], %s::text[])
    AS u(contract_id, metric, source, source_key, quantity, night_quantity, occurred_at, day, platform,
         store_id, channel)
"""


def usage_records_insert(records: list[UsageRecord]) -> int:
    """Write the unsaved `records` whose business key is not stored yet; returns how many were written.

    Two records of the batch with the same business key: the later one is written (as the posted
    batch always was). Their ids, `created_at` and the keys are the database's (_CLAIM_AND_WRITE).
    """
    unique = list({(r.contract_id, r.metric, r.source, r.source_key): r for r in records}.values())
    if not unique:
        return 0
    columns = ("contract_id", "metric", "source", "source_key", "quantity", "night_quantity", "occurred_at")
    params = [[getattr(r, name) for r in unique] for name in columns]
    params += [[r.day for r in unique], [r.platform for r in unique], [r.store_id for r in unique]]
    params.append([r.channel for r in unique])
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_CLAIM_AND_WRITE.format(src=_RECORDS_SRC), params)
        return cur.rowcount


def usage_parse_csv(*, content: bytes | str) -> list[dict]:
    """CSV with a header: contract, metric, source_key, quantity, night_quantity, occurred_at, platform, store, channel."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        raise DomainError(f"byte {exc.start} is not UTF-8: save the CSV as UTF-8", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        required = {"contract", "metric", "source_key", "quantity", "occurred_at"}
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise DomainError(f"the CSV lacks the column(s) {', '.join(sorted(missing))}", field="file")
        return [{k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k} for row in reader]
    except csv.Error as exc:
        raise DomainError(f"unreadable CSV: {exc}", field="file", row=reader.line_num) from None


def usage_derive_from_conversations(*, contract: Contract, start: date, end: date) -> int:
    """Human and bot conversations and their messages of [start, end) as usage (source key = conversation id).

    A conversation started 00:00–08:00 local time counts as night usage. Idempotent. The chats come
    from conversations' SELECT (conversation_usage_sql) and the shops' platforms from clients'
    selectors; this module names only its own table.
    """
    from apps.clients.selectors import store_platforms_of_client
    from apps.conversations.selectors import conversation_usage_sql

    stores = store_platforms_of_client(client_id=contract.client_id)
    if not stores:
        return 0
    lo, hi = calendar.day_range_bounds(start, end)
    chats, chat_params = conversation_usage_sql(store_ids=list(stores), started_from=lo, started_to=hi)
    tz = calendar.local_tz_name()
    src = f"""
        SELECT %s::bigint AS contract_id, m.metric, 'conversations' AS source,
               c.conversation_id::text AS source_key, m.qty AS quantity,
               CASE WHEN EXTRACT(HOUR FROM c.started_at AT TIME ZONE %s) < 8 THEN m.qty ELSE 0 END AS night_quantity,
               c.started_at AS occurred_at, (c.started_at AT TIME ZONE %s)::date AS day,
               s.platform, c.store_id, c.channel
        FROM ({chats}) c
        JOIN unnest(%s::bigint[], %s::text[]) AS s(id, platform) ON s.id = c.store_id
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN c.is_human THEN 'human_conversations' ELSE 'bot_conversations' END, 1),
            ('messages', c.message_count)
        ) AS m(metric, qty)
        WHERE m.qty > 0
    """
    params = [contract.pk, tz, tz, *chat_params, list(stores), list(stores.values())]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_CLAIM_AND_WRITE.format(src=src), params)
        return cur.rowcount


def usage_derive_from_roster(*, contract: Contract, start: date, end: date) -> int:
    """Worked agent-hours (with night hours) and surge seat-days per day from the published roster."""
    from apps.workforce.selectors import surge_seats_by_day, worked_hours_by_day

    tz = timezone.get_default_timezone()
    records = []
    for day, hours, night in worked_hours_by_day(client_id=contract.client_id, start=start, end=end):
        if hours:
            records.append((Metric.AGENT_HOURS, day, Decimal(hours), min(Decimal(night), Decimal(hours))))
    for day, seats in surge_seats_by_day(client_id=contract.client_id, start=start, end=end):
        if seats:
            records.append((Metric.SURGE_SEAT_DAYS, day, Decimal(seats), Decimal(0)))
    objs = [
        UsageRecord(
            contract=contract,
            metric=metric,
            source=UsageSource.ROSTER,
            source_key=f"{metric}:{day.isoformat()}",
            quantity=qty.quantize(Decimal("0.0001")),
            night_quantity=night.quantize(Decimal("0.0001")),
            occurred_at=timezone.make_aware(datetime.combine(day, datetime.min.time()), tz),
            day=day,
        )
        for metric, day, qty, night in records
    ]
    return usage_records_insert(objs)
