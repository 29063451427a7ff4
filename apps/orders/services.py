"""Writes of the orders app: order and evaluation imports, and the stored attribution.

Order import: read → validate → pseudonymise (apps.conversations.services.buyer_pseudonym, the same
keyed pseudonym as chats) → one transaction: COPY into a temporary table, then
* `INSERT … ON CONFLICT (store, platform order id) DO NOTHING` creates the orders new to Tideline;
* orders already stored whose status, payment or refund changed get an OrderEvent (the history, with
  the refund increment) and are updated; unchanged rows are not touched.
A re-import of the same file writes nothing. A file with a rejected row writes nothing unless the run
skips bad rows. Receiver name, phone and address are never read (apps.orders.adapters).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.clients.selectors import all_store_keys, store_on_platforms
from apps.conversations.adapters.base import FileError, RowError, decode, shown
from apps.conversations.services import buyer_pseudonym, masked_file_name
from apps.core.audit import audit_record
from apps.core.choices import RunStatus
from apps.core.errors import DomainError
from apps.core.imports_runs import (
    MAX_ERRORS_KEPT,
    import_run_discard_upload,
    import_run_fail_rejected,
    import_upload_check,
)
from apps.core.runs import run_fail, run_progress, run_start, run_succeed
from apps.orders.adapters import LAYOUTS, copy_text, read_order_lines
from apps.orders.attribution import DEFAULT_WINDOW_DAYS
from apps.orders.choices import OrderImportFormat
from apps.orders.evaluations import evaluations_write, read_evaluations
from apps.orders.models import OrderImportRun

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 50_000
COPY_CHUNK = 20_000
ATTRIBUTION_LOCK = 0x6F72_6472  # pg_advisory_xact_lock key of attribution_refresh ("ordr")


class _Rejected(Exception):
    pass


# --- create / execute ------------------------------------------------------------------------------


@transaction.atomic
def order_import_run_create(
    *,
    file_name: str,
    file_format: str,
    shop: str = "",
    created_by=None,
    skip_bad_rows: bool = False,
    upload: UploadedFile | None = None,
) -> OrderImportRun:
    """A PENDING OrderImportRun. With `upload` the file is stored with the run and the Celery task
    `order_import_run_execute_task` is queued on commit (API and admin uploads)."""
    if file_format not in OrderImportFormat.values:
        raise DomainError(
            _("unknown format %(format)s; one of %(choices)s")
            % {"format": repr(file_format), "choices": ", ".join(OrderImportFormat.values)},
            field="file_format",
        )
    name = masked_file_name(file_name)
    import_upload_check(name=name, upload=upload)
    run = OrderImportRun(
        file_name=name, file_format=file_format, shop=shop.strip(), created_by=created_by, skip_bad_rows=skip_bad_rows
    )
    if upload is not None:
        run.file.save(name, upload, save=False)
    run.save()
    audit_record(
        actor=created_by,
        action="orders.import_created",
        target=run,
        data={"format": file_format, "skip_bad_rows": skip_bad_rows},
    )
    if upload is not None:
        from apps.orders.tasks import order_import_run_execute_task

        transaction.on_commit(lambda: order_import_run_execute_task.delay(run.pk))
    return run


def order_import_file(
    *,
    path: Path | str,
    file_format: str,
    shop: str = "",
    created_by=None,
    skip_bad_rows: bool = False,
    progress: Callable | None = None,
    recorded_at: datetime | None = None,
) -> OrderImportRun:
    """Create and execute an import of a file on disk, synchronously. Check the run's `status`."""
    path = Path(path)
    run = order_import_run_create(
        file_name=path.name, file_format=file_format, shop=shop, created_by=created_by, skip_bad_rows=skip_bad_rows
    )
    return order_import_run_execute(run_id=run.pk, path=path, progress=progress, recorded_at=recorded_at)


def order_import_run_execute(
    *,
    run_id: int,
    path: Path | str | None = None,
    progress: Callable | None = None,
    recorded_at: datetime | None = None,
) -> OrderImportRun:
    """Import the run's file (its stored upload, or `path`). Safe to call twice: a finished run is
    returned as is. `recorded_at` dates the history rows (default: now); the demo backdates it."""
    run = OrderImportRun.objects.get(pk=run_id)
    if run.status == RunStatus.SUCCEEDED:
        return run
    source = Path(path) if path is not None else (Path(run.file.path) if run.file else None)
    try:
        return _execute(run, source, progress, recorded_at or timezone.now())
    finally:
        if path is None:
            import_run_discard_upload(run)


def _execute(run: OrderImportRun, source: Path | None, progress, recorded_at: datetime) -> OrderImportRun:
    run_start(run)
    if source is None:
        reason = _("no file to import")
        run_fail(run, error=f"{run.file_name}: {reason}", errors=[{"row": None, "field": "file", "reason": reason}])
        return run
    importer = (
        _EvaluationImporter(run=run, path=source, progress=progress)
        if run.file_format == OrderImportFormat.EVALUATION_CSV
        else _OrderImporter(run=run, path=source, progress=progress, recorded_at=recorded_at)
    )
    try:
        counts = importer.execute()
    except _Rejected:
        import_run_fail_rejected(
            run,
            errors=importer.errors,
            rejected=importer.rejected,
            rows_read=importer.rows_read,
            file_sha256=importer.sha256,
            encoding=importer.encoding,
        )
        return run
    created, updated, unchanged = counts
    run.phase_seconds = getattr(importer, "phase_seconds", {})  # read / hash / write, for the benchmark
    run_succeed(
        run,
        rows_read=importer.rows_read,
        created_count=created,
        updated_count=updated,
        unchanged_count=unchanged,
        rejected=importer.rejected,
        errors=importer.errors[:MAX_ERRORS_KEPT],
        file_sha256=importer.sha256,
        encoding=importer.encoding,
    )
    audit_record(
        actor=run.created_by,
        action="orders.imported",
        target=run,
        client=run.client,
        data={"created": created, "updated": updated, "unchanged": unchanged, "rejected": importer.rejected},
    )
    if run.file_format != OrderImportFormat.EVALUATION_CSV and (created or updated):
        from apps.orders.tasks import attribution_refresh_task

        store_ids = sorted(importer.store_ids)
        transaction.on_commit(lambda: attribution_refresh_task.delay(store_ids))
    return run


class _BaseImporter:
    def __init__(self, *, run: OrderImportRun, path: Path, progress):
        self.run, self.path, self.progress = run, path, progress
        self.errors: list[dict] = []
        self.rejected = 0
        self.rows_read = 0
        self.sha256 = ""
        self.encoding = ""
        self.stores: dict[tuple[str, str], tuple[int, int, str] | None] = {}
        self.store_ids: set[int] = set()

    def reject(self, row, field_name, reason) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"row": row, "field": field_name, "reason": str(reason)})

    def text(self) -> str:
        try:
            data = self.path.read_bytes()
        except OSError:
            raise FileError(_("cannot read %(file)s") % {"file": self.path.name}, field="file") from None
        if len(data) > settings.TIDELINE_MAX_UPLOAD_BYTES:
            raise FileError(
                _("%(size)s bytes is over the upload limit of %(limit)s bytes")
                % {"size": len(data), "limit": settings.TIDELINE_MAX_UPLOAD_BYTES},
                field="file",
            )
        self.sha256 = hashlib.sha256(data).hexdigest()
        if not data.strip():
            raise FileError(_("the file is empty"), row=1, field="file")
        text, self.encoding = decode(data)
        return text

    def store(self, platforms: tuple[str, ...], shop: str) -> tuple[int, int, str] | None:
        """(store id, client id, platform) of the shop on one of `platforms`, cached."""
        key = (",".join(platforms), shop)
        if key not in self.stores:
            self.stores[key] = store_on_platforms(platforms=platforms, shop_id=shop)
        return self.stores[key]

    def set_client(self, client_ids: set[int]) -> None:
        if len(client_ids) == 1:
            client_id = client_ids.pop()
            OrderImportRun.objects.filter(pk=self.run.pk).update(client_id=client_id)
            self.run.client_id = client_id


class _OrderImporter(_BaseImporter):
    """Reads the file and COPYs its accepted rows into a session staging table as it goes (Postgres
    parses one chunk while Python reads the next), one COPY per progress step so the run's progress
    is written between them; then one transaction writes the orders from the staging table. Nothing
    of the orders is written before that transaction, so a rejected file writes nothing."""

    def __init__(self, *, run, path, progress, recorded_at: datetime):
        super().__init__(run=run, path=path, progress=progress)
        self.recorded_at = recorded_at
        self.phase_seconds: dict[str, float] = {}
        self.shops: dict[str, list[tuple[int, int, str]]] = {}
        self.clients: set[int] = set()

    def execute(self) -> tuple[int, int, int]:
        clock = time.perf_counter()
        with connection.cursor() as cur:
            _stage_open(cur)
            try:
                try:
                    text = self.text()
                    total = text.count("\n") + 1
                    run_progress(self.run, done=0, total=total)
                    items = read_order_lines(text, file_format=self.run.file_format, shop=self.run.shop)
                    self.shops = _stores_by_shop()  # no query may run while a COPY is open
                    staged = self._stage(cur, items, total)
                    self.set_client(self.clients)
                except FileError as exc:
                    self.reject(exc.error.row, exc.error.field, exc.error.reason)
                    raise _Rejected from None
                self.phase_seconds["read"] = time.perf_counter() - clock - self.phase_seconds.get("hash", 0.0)
                if self.rejected and not self.run.skip_bad_rows:
                    raise _Rejected
                if not staged:
                    self.reject(None, None, _("no order in the file could be imported"))
                    raise _Rejected
                if self.progress is not None:
                    self.progress(total, total)
                clock = time.perf_counter()
                with transaction.atomic():
                    counts = _write_staged(cur, run_id=self.run.pk, recorded_at=self.recorded_at, staged=staged)
                self.phase_seconds["write"] = time.perf_counter() - clock
                return counts
            finally:
                _stage_close(cur)

    def _stage(self, cur, items, total: int) -> int:
        """COPY the accepted rows into the staging table, PROGRESS_EVERY rows per COPY. Returns how many."""
        chunks = self._lines(items)
        staged, more = 0, True
        while more:
            with transaction.atomic(), cur.copy(STAGE_COPY) as copy:
                for _step in range(PROGRESS_EVERY // COPY_CHUNK):
                    chunk = next(chunks, None)
                    if chunk is None:
                        more = False
                        break
                    copy.write("".join(chunk).encode("utf-8"))
                    staged += len(chunk)
            run_progress(self.run, done=min(self.rows_read, total))
            if self.progress is not None:
                self.progress(min(self.rows_read, total), total)
        return staged

    def _lines(self, items):
        """Lists of COPY lines (COPY_CHUNK each) of the accepted rows; rejections are recorded. After a
        rejection that fails the file, rows are still read (every error is reported) but not staged."""
        layout = LAYOUTS.get(self.run.file_format) or LAYOUTS[OrderImportFormat.CANONICAL_CSV]
        shop_column, order_column = layout.columns["shop"], layout.columns["order_id"]
        platforms_of_file = layout.platforms
        stores: dict[tuple[str, str], tuple[str, int, int, str] | None] = {}
        seen: dict[tuple[str, str], int] = {}
        pseudonyms: dict[str, str] = {}
        lines: list[str] = []
        hashing = 0.0
        for item in items:
            self.rows_read += 1
            if type(item) is RowError:
                self.reject(item.row, item.field, item.reason)
                continue
            row, platform, shop, oid, buyer, created, paid, amount, refund, status, count = item
            store = stores.get((platform, shop), False)
            if store is False:
                platforms = platforms_of_file or (platform,)
                found = next((s for s in self.shops.get(shop, ()) if s[2] in platforms), None)
                store = stores[(platform, shop)] = None if found is None else (str(found[0]), *found)
                if found is not None:
                    self.clients.add(found[1])
                    self.store_ids.add(found[0])
            if store is None:
                self.reject(
                    row,
                    shop_column,
                    _("unknown shop %(shop)s on %(platform)s: add the store to the brand first")
                    % {"shop": repr(shown(shop)), "platform": "/".join(platforms_of_file or (platform,))},
                )
                continue
            store_text, _store_id, _client_id, store_platform = store
            first = seen.setdefault((store_text, oid), row)
            if first != row:
                self.reject(
                    row,
                    order_column,
                    _("order %(order)s is already on row %(row)s of this file") % {"order": shown(oid), "row": first},
                )
                continue
            if self.rejected and not self.run.skip_bad_rows:
                continue
            key = store_platform + buyer  # the keyed pseudonym's input: one HMAC per buyer of a platform
            pseudonym = pseudonyms.get(key)
            if pseudonym is None:
                started = time.perf_counter()
                pseudonym = pseudonyms[key] = buyer_pseudonym(store_platform, buyer)
                hashing += time.perf_counter() - started
            lines.append(
                f"{store_text}\t{oid}\t{pseudonym}\t{created}\t{paid}\t{amount}\t{refund}\t{status}\t{count}\n"
            )
            if len(lines) == COPY_CHUNK:
                yield lines
                lines = []
        if lines:
            yield lines
        self.phase_seconds["hash"] = hashing


def _stores_by_shop() -> dict[str, list[tuple[int, int, str]]]:
    """{shop id: [(store id, client id, platform)], lowest id first} of every store (a few thousand)."""
    shops: dict[str, list[tuple[int, int, str]]] = {}
    for store_id, client_id, platform, shop in all_store_keys():
        shops.setdefault(shop, []).append((store_id, client_id, platform))
    return shops


STAGE_COPY = "COPY tl_order_in (store_id, poid, buyer, created, paid, amount, refunded, status, items) FROM STDIN"


def _stage_open(cur) -> None:
    """The session's staging table of an order import (kept across the COPY transactions, dropped after)."""
    cur.execute("DROP TABLE IF EXISTS tl_order_in")
    cur.execute(
        "CREATE TEMP TABLE tl_order_in (store_id bigint, poid text, buyer text, created timestamptz, "
        "paid timestamptz, amount numeric(12,2), refunded numeric(12,2), status text, items int)"
    )


def _stage_close(cur) -> None:
    if not connection.needs_rollback:
        cur.execute("DROP TABLE IF EXISTS tl_order_in")


def _stage_lines(cur, lines: list[str]) -> None:
    with cur.copy(STAGE_COPY) as copy:
        for start in range(0, len(lines), COPY_CHUNK):
            copy.write("".join(lines[start : start + COPY_CHUNK]).encode("utf-8"))


def _write_staged(cur, *, run_id: int, recorded_at: datetime, staged: int) -> tuple[int, int, int]:
    """The set-based write of the staged orders (module docstring). Returns (created, updated, unchanged).

    New orders go in in order of creation: the heap, the primary key, (store, created) and paid time
    then grow at their ends instead of at a million random places (1M orders: the insert 2.6x faster,
    bench attribution). The import run is a provenance pointer without a database constraint (0003):
    its per-row check cost as much as the store's, which stays."""
    cur.execute("SET LOCAL jit = off")  # compiling the sort's expressions cost more than it saved
    cur.execute("ANALYZE tl_order_in")
    cur.execute(
        "WITH ins AS (INSERT INTO orders_order (store_id, platform_order_id, buyer_pseudonym, created_at, paid_at, "
        "amount_paid, refunded_amount, status, item_count, import_run_id) "
        "SELECT store_id, poid, buyer, created, paid, amount, refunded, status, items, %s FROM tl_order_in "
        "ORDER BY created, store_id, poid ON CONFLICT (store_id, platform_order_id) DO NOTHING RETURNING id, refunded_amount, status), "
        "ev AS (INSERT INTO orders_orderevent (order_id, recorded_at, status, refunded_amount, refund_delta, "
        "import_run_id) SELECT id, %s, status, refunded_amount, refunded_amount, %s FROM ins "
        "WHERE refunded_amount > 0) SELECT count(*) FROM ins",
        [run_id, recorded_at, run_id],
    )
    created = cur.fetchone()[0]
    if created == staged:  # every row was new: none can match a stored order (two 1M-row joins saved)
        return created, 0, 0
    # orders already stored whose export shows a change: history first (old values still there), then update
    changed = (
        "FROM tl_order_in t JOIN orders_order o ON o.store_id = t.store_id AND o.platform_order_id = t.poid "
        "WHERE (o.import_run_id IS DISTINCT FROM %s) AND (o.status, o.refunded_amount, o.paid_at, o.amount_paid, "
        "o.item_count) IS DISTINCT FROM (t.status, t.refunded, t.paid, t.amount, t.items)"
    )
    cur.execute(
        "INSERT INTO orders_orderevent (order_id, recorded_at, status, refunded_amount, refund_delta, import_run_id) "
        f"SELECT o.id, %s, t.status, t.refunded, t.refunded - o.refunded_amount, %s {changed} "
        "AND (o.status, o.refunded_amount) IS DISTINCT FROM (t.status, t.refunded)",
        [recorded_at, run_id, run_id],
    )
    cur.execute(
        "UPDATE orders_order o SET status = t.status, refunded_amount = t.refunded, paid_at = t.paid, "
        "amount_paid = t.amount, item_count = t.items "
        "FROM tl_order_in t WHERE o.store_id = t.store_id AND o.platform_order_id = t.poid "
        "AND o.import_run_id IS DISTINCT FROM %s AND (o.status, o.refunded_amount, o.paid_at, o.amount_paid, "
        "o.item_count) IS DISTINCT FROM (t.status, t.refunded, t.paid, t.amount, t.items)",
        [run_id],
    )
    updated = cur.rowcount
    return created, updated, staged - created - updated


# --- evaluations -----------------------------------------------------------------------------------


class _EvaluationImporter(_BaseImporter):
    def execute(self) -> tuple[int, int, int]:
        try:
            text = self.text()
            records = []
            clients: set[int] = set()
            for item in read_evaluations(text):
                self.rows_read += 1
                if type(item) is RowError:
                    self.reject(item.row, item.field, item.reason)
                    continue
                store = self.store((item.platform,), item.shop)
                if store is None:
                    self.reject(
                        item.row,
                        "shop",
                        _("unknown shop %(shop)s on %(platform)s: add the store to the brand first")
                        % {"shop": repr(shown(item.shop)), "platform": item.platform},
                    )
                    continue
                records.append((store[0], item))
                self.store_ids.add(store[0])
                clients.add(store[1])
        except FileError as exc:
            self.reject(exc.error.row, exc.error.field, exc.error.reason)
            raise _Rejected from None
        if self.rejected and not self.run.skip_bad_rows:
            raise _Rejected
        self.set_client(clients)
        if not records:
            self.reject(None, None, _("no evaluation in the file could be imported"))
            raise _Rejected
        with transaction.atomic():
            return evaluations_write(records, run_id=self.run.pk)


# --- attribution ------------------------------------------------------------------------------------


def attribution_refresh(
    *, store_ids: list[int] | None = None, window_days: int = DEFAULT_WINDOW_DAYS, actor=None
) -> int:
    """Recompute the stored attribution of the stores' orders (all stores if None) with the set-based
    SQL path and write only the rows that change. Returns the rows written (0 on a re-run).

    One statement: the computed rows are updated where stored and different, inserted where not
    stored (a plain insert after an anti-join: ON CONFLICT's speculative insertion cost ~1.8x on a
    million new rows). Refreshes run one at a time (a transaction-level advisory lock), so two of
    them cannot both insert the same order.

    An attribution is final once it can no longer be recomputed from the data held: an order whose
    buyer pseudonym was blanked (off-boarding, order_pseudonyms_blank), or whose credited chat lost
    its pseudonym (the nightly retention purge, 180 days by default), keeps the attribution it had:
    recomputing it could only call it silent, and it is the base of statements and reports already
    issued."""
    from apps.conversations.selectors import chat_purged_sql
    from apps.orders.selectors import analytic_cursor, attribution_sql

    sql, params = attribution_sql(store_ids=store_ids, window_days=window_days)
    with analytic_cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [ATTRIBUTION_LOCK])
        # a brand's month hashes ~2M chats: room to do it in one batch instead of spilling to disk
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute(
            f"WITH a AS MATERIALIZED (SELECT order_id, kind, conversation_id, agent_id, buyer_pseudonym "
            f"FROM ({sql}) s), "
            "up AS (UPDATE orders_attribution x SET kind = a.kind, conversation_id = a.conversation_id, "
            "agent_id = a.agent_id, window_days = %s FROM a WHERE x.order_id = a.order_id "
            "AND a.buyer_pseudonym <> '' "
            f"AND NOT (x.conversation_id IS NOT NULL AND {chat_purged_sql('x.conversation_id')}) "
            "AND (x.kind, x.conversation_id, x.agent_id, x.window_days) IS DISTINCT FROM "
            "(a.kind, a.conversation_id, a.agent_id, %s) RETURNING 1), "
            "ins AS (INSERT INTO orders_attribution (order_id, kind, conversation_id, agent_id, window_days) "
            "SELECT a.order_id, a.kind, a.conversation_id, a.agent_id, %s FROM a "
            "WHERE NOT EXISTS (SELECT 1 FROM orders_attribution x WHERE x.order_id = a.order_id) "
            "ORDER BY a.order_id RETURNING 1) "
            "SELECT (SELECT count(*) FROM up) + (SELECT count(*) FROM ins)",
            [*params, window_days, window_days, window_days],
        )
        written = cur.fetchone()[0]
    logger.info("attribution refresh: %s rows written", written)
    return written


def order_rows_import(*, rows: list[tuple], file_name: str, recorded_at: datetime, created_by=None) -> OrderImportRun:
    """Write orders whose buyer is ALREADY a keyed pseudonym (the demo, which builds orders from the
    stored chats and never saw a nick), through the same set-based write as a file import.

    rows: (store_id, order id, buyer pseudonym, created, paid|None, amount, refunded, status, items),
    times aware, amounts Decimal. Idempotent like a file: the same rows again write nothing."""
    run = order_import_run_create(
        file_name=file_name, file_format=OrderImportFormat.CANONICAL_CSV, created_by=created_by
    )
    run_start(run)
    lines = [
        f"{store_id}\t{copy_text(poid)}\t{buyer}\t{created.isoformat()}\t{paid.isoformat() if paid else chr(92) + 'N'}\t"
        f"{amount}\t{refunded}\t{status}\t{items}\n"
        for store_id, poid, buyer, created, paid, amount, refunded, status, items in rows
    ]
    with transaction.atomic(), connection.cursor() as cur:
        _stage_open(cur)
        _stage_lines(cur, lines)
        created, updated, unchanged = _write_staged(cur, run_id=run.pk, recorded_at=recorded_at, staged=len(lines))
        _stage_close(cur)
    run_succeed(run, rows_read=len(rows), created_count=created, updated_count=updated, unchanged_count=unchanged)
    return run


def order_pseudonyms_blank(*, client_id: int) -> int:
    """Off-boarding: blank the buyer pseudonym of every order of the brand (it links a shopper's
    purchases to their chats); returns the orders changed. Amounts, status, history and attribution
    stay: they are the commission base of issued statements, kept with them. A blank pseudonym
    never joins a chat (chats' readers skip blank buyers), and attribution_refresh leaves the stored
    attribution of such an order as it was. Re-running changes nothing."""
    from apps.orders.models import Order
    from apps.orders.selectors import _client_store_ids

    return (
        Order.objects.filter(store_id__in=_client_store_ids(client_id))
        .exclude(buyer_pseudonym="")
        .update(buyer_pseudonym="")
    )
