"""Retention and off-boarding of a brand's data: the one place that orchestrates them.

Each app deletes and reads only its own tables (conversations, qa, contracts and reports each have
a small block of selector/service functions for this); this module calls them in order, records a
`DataRun` with its status and counts, and writes the audit row. It sits at the top of the layers
(it calls apps above `clients`), so nothing below imports it; it is called by its command, the
brand's admin action, the data-export page/API and the nightly beat task.

Rules (decided where the issue was silent; docs/retention.md says the same):
- **Message content** is a brand's shoppers' data: message text, the buyer pseudonym (it links a
  shopper's chats), QA hit excerpts (quotes of that text) and the stored raw upload files.
  Retention blanks the text and pseudonym of conversations that *started* more than
  `Client.message_retention_days` (default 180) ago and the excerpts of their QA hits; the message
  rows keep sender, time and type so timing can still be recomputed.
- **Aggregates stay**: conversation rows with their timing fields and counts (the KPIs SLA credits
  and reports were computed from), QA results and scores, hit rows (rule, severity, span), usage,
  statements with lines, SLA results, credit notes, fapiao and payments, report runs and PDFs.
  Statements are accounting vouchers: kept 10 years (会计档案管理办法, 税收征收管理法).
- A purge works in batches of conversations, each batch in one transaction, so a run that dies
  leaves whole batches done and the next run carries on (purged rows no longer match).
- **Off-boarding** first writes the archive (ZIP: JSONL/CSV and a manifest with row counts and
  SHA-256 per file), then deletes every message of the brand, blanks pseudonyms and excerpts,
  deletes raw upload files, marks the brand off-boarded and records what was kept and why. It
  refuses while the brand has an active contract unless forced. Re-running it is safe: it writes
  a new (smaller) archive and deletes nothing more.
- **A data export** (requested by the brand's viewer or staff) has the same files but only the
  statements and reports issued to the brand, never drafts. A viewer sees and downloads only its
  own brand's exports; each download is audited.
- Archives hold shopper content, so they are deleted `ARCHIVE_KEEP_DAYS` after they were made by
  the nightly retention task (the run row, counts and manifest stay).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.clients.choices import ClientStatus, DataRunKind
from apps.clients.models import Client, DataRun
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_progress, run_start, run_succeed

BATCH_SIZE = 500
ARCHIVE_KEEP_DAYS = 30
STATEMENT_KEEP_YEARS = 10


# --------------------------------------------------------------------------- retention


def retention_purge(
    *, client: Client, now=None, batch_size: int = BATCH_SIZE, actor=None, partitions_dropped: list[str] | None = None
) -> DataRun:
    """Purge the brand's message content older than its retention; one DataRun, one audit row (which
    also names the whole month partitions retention_purge_all dropped before, if any)."""
    from apps.conversations import services as conversation_services
    from apps.qa import services as qa_services

    now = now or timezone.now()
    cutoff = now - timedelta(days=client.message_retention_days)
    run = DataRun.objects.create(client=client, kind=DataRunKind.RETENTION, cutoff=cutoff, created_by=actor)
    run_start(run)
    counts = {"conversations": 0, "messages_blanked": 0, "qa_excerpts_blanked": 0}
    try:
        while True:
            with transaction.atomic():
                ids, blanked = conversation_services.conversation_content_purge_batch(
                    client_id=client.pk, before=cutoff, batch_size=batch_size
                )
                if not ids:
                    break
                counts["qa_excerpts_blanked"] += qa_services.qa_hit_excerpts_purge(conversation_ids=ids)
            counts["conversations"] += len(ids)
            counts["messages_blanked"] += blanked
            run_progress(run, done=counts["conversations"], total=counts["conversations"])
    except Exception as exc:
        run_fail(run, error=str(exc), counts=counts)
        raise
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="client.retention_purged",
            target=client,
            client=client,
            reason=_("Message content older than %(days)s days purged.") % {"days": client.message_retention_days},
            data={
                "cutoff": cutoff.isoformat(),
                "run": run.pk,
                **counts,
                "month_partitions_dropped": partitions_dropped or [],
            },
        )
        run_succeed(run, counts=counts)
    return run


def retention_purge_all(*, now=None) -> list[DataRun]:
    """The nightly task's body: whole expired months first, then every brand's purge, then archives
    past their keeping time.

    A month partition of the message table is dropped whole when it ends before the cutoff of the
    brand that keeps messages longest: every message in it belongs to a conversation that started
    before every brand's cutoff. Dropping deletes the message rows too (not just their text): the
    conversations keep their timing fields and counts, and a month that old is past re-timing.
    """
    from apps.conversations.partitions import message_partitions_drop_expired

    now = now or timezone.now()
    clients = list(Client.objects.order_by("pk"))
    dropped = []
    if clients:
        longest = max(client.message_retention_days for client in clients)
        dropped = message_partitions_drop_expired(before=now - timedelta(days=longest))
    runs = [retention_purge(client=client, now=now, partitions_dropped=dropped) for client in clients]
    data_archives_expire(now=now)
    return runs


def data_archives_expire(*, now=None) -> int:
    """Delete archive files made more than ARCHIVE_KEEP_DAYS ago (they hold shopper content)."""
    now = now or timezone.now()
    removed = 0
    for run in DataRun.objects.filter(created_at__lt=now - timedelta(days=ARCHIVE_KEEP_DAYS)).exclude(archive=""):
        run.archive.delete(save=False)
        DataRun.objects.filter(pk=run.pk).update(archive="")
        removed += 1
    return removed


# --------------------------------------------------------------------------- export


def data_export_request(*, client: Client, actor) -> DataRun:
    """Queue an export of the brand's data (issued statements and reports only); built by a task."""
    from apps.clients.tasks import data_export_build_task

    with transaction.atomic():
        run = DataRun.objects.create(client=client, kind=DataRunKind.EXPORT, created_by=actor)
        audit_record(actor=actor, action="client.data_export_requested", target=client, client=client)
        run_id = run.pk
        transaction.on_commit(lambda: data_export_build_task.delay(run_id))
    return run


def data_export_build(*, run_id: int) -> DataRun:
    """Write the archive of an export run; safe to run twice (a finished run is left as it is)."""
    run = DataRun.objects.select_related("client").get(pk=run_id)
    if run.status == "succeeded" and run.archive:
        return run
    run_start(run)
    try:
        _archive_write(run, issued_only=True, kept=[])
    except Exception as exc:
        run_fail(run, error=str(exc))
        raise
    run_succeed(run)
    return run


def data_export_open(*, run: DataRun, actor):
    """The archive file of a finished run, opened for reading; the download is audited."""
    if not run.archive:
        raise DomainError(_("This export has no archive (not finished yet, or deleted after its keeping time)."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="client.data_export_downloaded",
            target=run,
            client=run.client,
            data={"archive_sha256": run.archive_sha256},
        )
    run.archive.open("rb")
    return run.archive


# --------------------------------------------------------------------------- off-boarding


def kept_after_offboarding() -> list[dict]:
    """What an off-boarding keeps, and why (also written into the archive's manifest)."""
    return [
        {
            "what": _("Statements, their lines, SLA results, credit notes, fapiao and payments"),
            "why": _(
                "Accounting vouchers: kept %(years)s years under China's accounting archives rules and the tax "
                "collection law."
            )
            % {"years": STATEMENT_KEEP_YEARS},
        },
        {
            "what": _("Usage records and daily usage"),
            "why": _("The quantities the statements were priced on; kept as long as the statements."),
        },
        {
            "what": _("Conversation rows without messages or buyer pseudonyms (times, timing, counts)"),
            "why": _("The KPIs behind SLA credits and reports; they identify no shopper."),
        },
        {
            "what": _("QA results, scores and hit rows without excerpts"),
            "why": _("Agent quality records of the vendor's own staff; they quote no shopper text."),
        },
        {
            "what": _("Orders without buyer pseudonyms (amounts, refunds, status history, attribution), evaluations"),
            "why": _("The commission base of issued statements; without the pseudonym they identify no shopper."),
        },
        {
            "what": _("Report runs and their PDFs"),
            "why": _("Issued to the brand; aggregate figures only."),
        },
        {
            "what": _("Import run records without their files"),
            "why": _("Counts and SHA-256 prove what was imported; the raw files are deleted."),
        },
        {"what": _("The audit trail"), "why": _("Who did what and when, including this off-boarding.")},
    ]


def brand_offboard(*, client: Client, actor=None, force: bool = False, batch_size: int = BATCH_SIZE) -> DataRun:
    """Off-board now (the command): check, then export and delete; see the module rules."""
    run = _offboard_open(client=client, actor=actor, force=force)
    return brand_offboard_execute(run_id=run.pk, batch_size=batch_size)


def brand_offboard_request(*, client: Client, actor, force: bool = False) -> DataRun:
    """Off-board in a worker (the admin action): refused at once with an active contract unless
    forced; the export and deletion run in a task after commit."""
    from apps.clients.tasks import brand_offboard_task

    with transaction.atomic():
        run = _offboard_open(client=client, actor=actor, force=force)
        run_id = run.pk
        transaction.on_commit(lambda: brand_offboard_task.delay(run_id))
    return run


def _offboard_open(*, client: Client, actor, force: bool) -> DataRun:
    from apps.contracts import selectors as contract_selectors

    active = contract_selectors.active_contract_codes(client_id=client.pk)
    if active and not force:
        raise DomainError(
            _(
                "Brand %(brand)s still has active contracts (%(codes)s): end them first, or off-board with "
                "--force (admin: the forced action)."
            )
            % {"brand": client.name, "codes": ", ".join(active)},
            field="contract",
            code="active_contract",
        )
    return DataRun.objects.create(
        client=client, kind=DataRunKind.OFFBOARDING, created_by=actor, counts={"forced_over_contracts": active}
    )


def brand_offboard_execute(*, run_id: int, batch_size: int = BATCH_SIZE) -> DataRun:
    """Write the archive, delete the shoppers' data in batches, record what was kept and why.
    A finished run is left as it is (a redelivered task does nothing)."""
    from apps.conversations import services as conversation_services
    from apps.orders import services as order_services
    from apps.qa import services as qa_services

    run = DataRun.objects.select_related("client", "created_by").get(pk=run_id)
    if run.status == "succeeded":
        return run
    client, actor = run.client, run.created_by
    forced_over = run.counts.get("forced_over_contracts", [])
    run_start(run)
    kept = kept_after_offboarding()
    deleted = {"conversations_cleared": 0, "messages_deleted": 0, "qa_excerpts_blanked": 0, "import_files_deleted": 0}
    try:
        _archive_write(run, issued_only=False, kept=kept)
        while True:
            with transaction.atomic():
                ids, removed = conversation_services.conversation_shopper_data_delete_batch(
                    client_id=client.pk, batch_size=batch_size
                )
                if not ids:
                    break
                deleted["qa_excerpts_blanked"] += qa_services.qa_hit_excerpts_purge(conversation_ids=ids)
            deleted["conversations_cleared"] += len(ids)
            deleted["messages_deleted"] += removed
            run_progress(run, done=deleted["conversations_cleared"])
        deleted["order_pseudonyms_blanked"] = order_services.order_pseudonyms_blank(client_id=client.pk)
        deleted["import_files_deleted"] = conversation_services.import_run_files_delete(client_id=client.pk)
        deleted["qa_excerpts_blanked"] += qa_services.qa_hit_excerpts_purge_brand(client_id=client.pk)
    except Exception as exc:
        run_fail(run, error=str(exc), kept=kept)
        raise
    left = shopper_data_left(client=client)
    counts = {**run.counts, **deleted, "forced_over_contracts": forced_over, "left": left}
    with transaction.atomic():
        Client.objects.filter(pk=client.pk).update(status=ClientStatus.OFFBOARDED)
        audit_record(
            actor=actor,
            action="client.offboarded",
            target=client,
            client=client,
            reason=(
                _("Forced while contracts were active: %(codes)s") % {"codes": ", ".join(forced_over)}
                if forced_over
                else ""
            ),
            data={"run": run.pk, "archive_sha256": run.archive_sha256, **deleted, "left": left},
        )
        run_succeed(run, counts=counts, kept=kept)
    return run


def shopper_data_left(*, client: Client, before=None) -> dict[str, int]:
    """Shopper content the brand still holds (all zeros after an off-boarding)."""
    from apps.conversations import selectors as conversation_selectors
    from apps.orders import selectors as order_selectors
    from apps.qa import selectors as qa_selectors

    left = conversation_selectors.shopper_content_left(client_id=client.pk, before=before)
    left["qa_excerpts"] = qa_selectors.qa_excerpts_left(client_id=client.pk, before=before)
    if before is None:  # retention keeps orders' pseudonyms (attribution); off-boarding blanks them
        left["order_buyer_pseudonyms"] = order_selectors.order_pseudonyms_left(client_id=client.pk)
    return left


# --------------------------------------------------------------------------- the archive


class _Archive:
    """A ZIP being written: each member's rows counted and its SHA-256 taken as it is written."""

    def __init__(self, fileobj):
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: list[dict] = []

    def _add(self, name: str, chunks: Iterable[bytes], rows: int | None = None) -> dict:
        digest = hashlib.sha256()
        size = 0
        with self.zip.open(name, "w", force_zip64=True) as member:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                member.write(chunk)
        entry = {"name": name, "rows": rows, "bytes": size, "sha256": digest.hexdigest()}
        self.files.append(entry)
        return entry

    def jsonl(self, name: str, rows: Iterable[dict]) -> int:
        counter = {"rows": 0}

        def lines():
            for row in rows:
                counter["rows"] += 1
                yield (json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n").encode()

        entry = self._add(name, lines())
        entry["rows"] = counter["rows"]
        return counter["rows"]

    def csv(self, name: str, rows: list[dict]) -> int:
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with the BOM
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(v) for k, v in row.items()})
        self._add(name, [out.getvalue().encode()], rows=len(rows))
        return len(rows)

    def raw(self, name: str, data: bytes) -> None:
        self._add(name, [data])


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _archive_reports(archive: _Archive, *, client_id: int, issued_only: bool) -> list[dict]:
    """Put the brand's report PDFs into the archive (reports/<file>) and return reports.csv's rows."""
    from apps.reports import selectors as report_selectors

    rows = []
    for report in report_selectors.report_runs_for_export(client_id=client_id, issued_only=issued_only):
        pdf_name = ""
        if report.pdf and report.pdf.storage.exists(report.pdf.name):
            pdf_name = f"reports/{report.pdf.name.rsplit('/', 1)[-1]}"
            with report.pdf.open("rb") as fh:
                archive.raw(pdf_name, fh.read())
        rows.append(
            {
                "id": report.pk,
                "kind": report.kind,
                "period_start": report.period_start,
                "period_end": report.period_end,
                "language": report.language,
                "state": report.state,
                "issued_at": report.issued_at,
                "page_count": report.page_count,
                "pdf_sha256": report.sha256,
                "pdf_file": pdf_name,
            }
        )
    return rows


def _sha256_of(tmp):
    """sha256 of a file from its start, read in 1 MiB chunks; leaves it rewound."""
    tmp.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: tmp.read(1 << 20), b""):
        digest.update(chunk)
    tmp.seek(0)
    return digest


def _archive_write(run: DataRun, *, issued_only: bool, kept: list[dict]) -> None:
    """Write every file of the brand into the run's archive and store counts and manifest on it."""
    from apps.contracts import selectors as contract_selectors
    from apps.conversations import selectors as conversation_selectors
    from apps.orders import selectors as order_selectors
    from apps.qa import selectors as qa_selectors

    client = run.client
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile() as tmp:
        archive = _Archive(tmp)
        messages = {"n": 0}

        def conversations():
            for row in conversation_selectors.conversation_export_rows(client_id=client.pk):
                messages["n"] += len(row["messages"])
                yield row

        counts["conversations"] = archive.jsonl("conversations.jsonl", conversations())
        counts["messages"] = messages["n"]
        counts["import_runs"] = archive.csv(
            "import_runs.csv", conversation_selectors.import_run_export_rows(client_id=client.pk)
        )
        results, hits = qa_selectors.qa_export_rows(client_id=client.pk)
        counts["qa_results"] = archive.csv("qa_results.csv", results)
        counts["qa_hits"] = archive.csv("qa_hits.csv", hits)
        counts["orders"] = archive.csv("orders.csv", order_selectors.order_export_rows(client_id=client.pk))
        counts["evaluations"] = archive.csv(
            "evaluations.csv", order_selectors.evaluation_export_rows(client_id=client.pk)
        )
        for name, rows in contract_selectors.statement_export_rows(
            client_id=client.pk, issued_only=issued_only
        ).items():
            counts[name] = archive.csv(f"{name}.csv", rows)
        report_rows = _archive_reports(archive, client_id=client.pk, issued_only=issued_only)
        counts["reports"] = archive.csv("reports.csv", report_rows)
        counts["report_pdfs"] = sum(1 for r in report_rows if r["pdf_file"])
        manifest = {
            "brand": {"code": client.code, "name": client.name, "legal_name": client.legal_name},
            "kind": run.kind,
            "generated_at": timezone.now().isoformat(),
            "issued_statements_only": issued_only,
            "counts": counts,
            "files": archive.files,
            "kept": kept,
        }
        archive.raw("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        archive.zip.close()
        digest = _sha256_of(tmp)
        name = f"{client.code}-{run.kind}-{timezone.localtime():%Y%m%d-%H%M%S}-{run.pk}.zip"
        run.archive.save(name, File(tmp), save=False)
    DataRun.objects.filter(pk=run.pk).update(
        archive=run.archive.name, archive_sha256=digest.hexdigest(), counts=counts, manifest=manifest
    )
    run.archive_sha256, run.counts, run.manifest = digest.hexdigest(), counts, manifest
