"""Conversations writes: create, queue and execute an import run (the file importer itself is
apps.conversations.importer), re-derive timing, and the retention deletes.

One file is one ImportRun: created PENDING (import_run_create, or import_run_submit which also
enqueues it on commit with the actor), then executed by import_run_execute — the run moves through
apps.core.runs, FAILS with every rejected row's {row, field, reason} or SUCCEEDS, is audited, and
the registered post-import consumers (apps.conversations.pipeline) are enqueued on commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.conversations import pipeline
from apps.conversations.choices import ImportFormat
from apps.conversations.importer import (
    MAX_ERRORS_KEPT,
    FileImporter,
    FileRejected,
    ImportCrashed,
    error_row,
    shown_or_dash,
)
from apps.conversations.importer import buyer_pseudonym as buyer_pseudonym  # public: orders pseudonymises the same way
from apps.conversations.masking import mask_text
from apps.conversations.models import ImportRun
from apps.conversations.timing import timing_from_columns
from apps.core.audit import audit_record
from apps.core.choices import RunStatus
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_start, run_succeed

logger = logging.getLogger(__name__)

# --- create / execute ------------------------------------------------------------------------------


@transaction.atomic
def import_run_create(
    *,
    file_name: str,
    file_format: str,
    created_by=None,
    skip_bad_rows: bool = False,
    upload: UploadedFile | None = None,
) -> ImportRun:
    """A PENDING ImportRun. With `upload` the file is stored with the run (API/admin uploads).

    Raises DomainError for an unknown format or an upload over settings.TIDELINE_MAX_UPLOAD_BYTES.
    """
    if file_format not in ImportFormat.values:
        raise DomainError(
            _("unknown format %(format)s; one of %(choices)s")
            % {"format": repr(file_format), "choices": ", ".join(ImportFormat.values)},
            field="file_format",
        )
    name = masked_file_name(file_name)
    limit = settings.TIDELINE_MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise DomainError(
            _("%(file)s: %(size)s bytes is over the upload limit of %(limit)s bytes")
            % {"file": name, "size": upload.size, "limit": limit},
            field="file",
        )
    run = ImportRun(file_name=name, file_format=file_format, created_by=created_by, skip_bad_rows=skip_bad_rows)
    if upload is not None:
        run.file.save(name, upload, save=False)
    run.save()
    audit_record(
        actor=created_by,
        action="conversations.import_created",
        target=run,
        data={"format": file_format, "skip_bad_rows": skip_bad_rows},
    )
    return run


@transaction.atomic
def import_run_submit(*, upload: UploadedFile, file_format: str, actor, skip_bad_rows: bool = False) -> ImportRun:
    """Queue the import of an uploaded export (admin, API): the PENDING run is created with the
    actor as `created_by` and its task (which loads the run by id and calls import_run_execute) is
    enqueued once the run is committed. Raises DomainError as import_run_create does."""
    from apps.conversations.tasks import import_run_execute_task

    run = import_run_create(
        file_name=upload.name,
        file_format=file_format,
        skip_bad_rows=skip_bad_rows,
        created_by=actor,
        upload=upload,
    )
    transaction.on_commit(lambda: import_run_execute_task.delay(run.pk))
    return run


def masked_file_name(file_name: str) -> str:
    """A file name as Tideline stores, logs, audits and shows it: the base name, PII-masked, ≤ 255 characters."""
    return mask_text(Path(str(file_name)).name)[:255] or "upload"


def import_run_discard_upload(*, run: ImportRun) -> None:
    """Delete a run's stored upload (the raw export, shopper PII in clear) and forget it.

    Called as soon as the run has finished, whether it succeeded, failed or crashed: what the file
    held is in the database, masked, or in the run's errors; a failed upload is uploaded again."""
    if not run.file:
        return
    run.file.delete(save=False)
    ImportRun.objects.filter(pk=run.pk).update(file="")


def import_run_execute(*, run_id: int, path: Path | str | None = None, progress: Callable | None = None) -> ImportRun:
    """Import the run's file (its stored upload, or `path`). Returns the run, SUCCEEDED or FAILED.

    Safe to call again: a run that already succeeded is returned as is. `progress(done, total)` is
    called as rows are read (the management command's progress bar). A stored upload is deleted
    once the run has finished (import_run_discard_upload); a `path` given by the caller is left alone.
    """
    run = ImportRun.objects.get(pk=run_id)
    if run.status == RunStatus.SUCCEEDED:
        import_run_discard_upload(run=run)
        return run
    if path is not None:
        return _execute(run, Path(path), progress)
    try:
        return _execute(run, Path(run.file.path) if run.file else None, progress)
    finally:
        import_run_discard_upload(run=run)


def _execute(run: ImportRun, source: Path | None, progress: Callable | None) -> ImportRun:
    run_start(run)
    if source is None:
        reason = _("no file to import")
        run_fail(run, error=f"{run.file_name}: {reason}", errors=[error_row(None, "file", reason)])
        return run
    importer = FileImporter(run=run, path=source, progress=progress)
    try:
        outcome = importer.execute()
    except FileRejected:
        outcome = None
    except Exception as exc:
        # Unexpected (database down, a bug): the write transaction rolled back. The message is masked and
        # the original exception dropped, so no log (ours or Celery's) can quote a raw value of the file.
        detail = _("%(file)s: import failed: %(error)s") % {
            "file": run.file_name,
            "error": f"{type(exc).__name__}: {mask_text(str(exc))[:1000]}",
        }
        logger.error("import run %s crashed: %s", run.pk, detail)
        run_fail(run, error=detail)
        raise ImportCrashed(detail) from None
    if outcome is None:
        return _fail_rejected(run, importer)
    return _succeed(run, outcome)


def _fail_rejected(run: ImportRun, importer: FileImporter) -> ImportRun:
    """The file had a rejected row (and no skip_bad_rows): FAILED with every error, nothing imported."""
    errors = importer.errors
    first = errors[0] if errors else {"row": None, "field": None, "reason": _("the file was rejected")}
    message = _(
        "%(file)s: %(rejected)s row(s) rejected, nothing imported; first: row %(row)s, field %(field)s: %(reason)s"
    ) % {
        "file": run.file_name,
        "rejected": importer.rejected,
        "row": shown_or_dash(first["row"]),
        "field": shown_or_dash(first["field"]),
        "reason": first["reason"],
    }
    logger.info("import run %s failed: %s row(s) rejected", run.pk, importer.rejected)
    run_fail(
        run,
        error=message,
        errors=errors[:MAX_ERRORS_KEPT],
        rejected=importer.rejected,
        rows_read=importer.rows_read,
        file_sha256=importer.sha256,
        encoding=importer.encoding,
    )
    return run


def _succeed(run: ImportRun, outcome) -> ImportRun:
    """The file was imported: SUCCEEDED with its counts, audited, and the post-import consumers queued."""
    run_succeed(
        run,
        rows_read=outcome.rows_read,
        conversations_imported=outcome.conversations_imported,
        messages_imported=outcome.messages_imported,
        duplicates=outcome.duplicates,
        rejected=outcome.rejected,
        errors=outcome.errors[:MAX_ERRORS_KEPT],
        file_sha256=outcome.sha256,
        encoding=outcome.encoding,
    )
    logger.info(
        "import run %s: %s rows, %s conversations and %s messages imported, %s duplicates, %s rejected; seconds %s",
        run.pk,
        outcome.rows_read,
        outcome.conversations_imported,
        outcome.messages_imported,
        outcome.duplicates,
        outcome.rejected,
        outcome.phase_seconds,
    )
    run.phase_seconds = outcome.phase_seconds  # not stored: for the benchmark and the command
    audit_record(
        actor=run.created_by,
        action="conversations.imported",
        target=run,
        client=run.client,
        data={
            "messages": outcome.messages_imported,
            "conversations": outcome.conversations_imported,
            "duplicates": outcome.duplicates,
            "rejected": outcome.rejected,
            "pii_masked": outcome.pii_counts,
        },
    )
    pipeline.post_import_enqueue(import_run_id=run.pk)
    return run


def import_file(
    *, path: Path | str, file_format: str, created_by=None, skip_bad_rows: bool = False, progress=None
) -> ImportRun:
    """Create and execute an import of a file on disk, synchronously (idempotent, atomic per file).

    Returns the ImportRun: check `status` (FAILED with `errors` when a row was rejected).
    """
    path = Path(path)
    run = import_run_create(
        file_name=path.name, file_format=file_format, created_by=created_by, skip_bad_rows=skip_bad_rows
    )
    return import_run_execute(run_id=run.pk, path=path, progress=progress)


TIMING_FIELDS = (
    "handled_by",
    "transferred_to_human",
    "first_response_seconds",
    "buyer_rounds",
    "rounds_answered_180s",
    "rounds_in_service_hours",
    "response_seconds_total",
    "rounds_answered",
    "max_wait_seconds",
)


def conversation_timing_recompute(*, conversation_ids: list[int] | None = None, batch_size: int = 2000) -> int:
    """Re-time stored conversations from their messages with apps.conversations.timing (after a change
    of a timing definition). Writes only the rows whose fields change; returns how many changed.
    Safe to run twice: the second run changes nothing. Each batch is its own transaction."""
    from apps.conversations.models import Conversation

    ids_qs = Conversation.objects.order_by("id").values_list("id", flat=True)
    if conversation_ids is not None:
        ids_qs = ids_qs.filter(id__in=conversation_ids)
    ids = list(ids_qs)
    changed = 0
    columns = ", ".join(TIMING_FIELDS)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "SELECT conversation_id, extract(epoch FROM sent_at)::float8, sender_role, content "
                "FROM conversations_message WHERE conversation_id = ANY(%s) ORDER BY conversation_id, seq",
                [batch],
            )
            grouped: dict[int, tuple[list, list, list]] = {}
            for conv_id, epoch, role, content in cur.fetchall():
                cols = grouped.setdefault(conv_id, ([], [], []))
                cols[0].append(epoch)
                cols[1].append(role)
                cols[2].append(content)
            cur.execute(f"SELECT id, {columns} FROM conversations_conversation WHERE id = ANY(%s)", [batch])
            stored = {row[0]: row[1:] for row in cur.fetchall()}
            updates = []
            for conv_id, (epochs, roles, contents) in grouped.items():
                t = timing_from_columns(epochs, roles, contents)
                fresh = tuple(t[name] for name in TIMING_FIELDS)
                if fresh != stored.get(conv_id):
                    updates.append((*fresh, conv_id))
            if updates:
                assignments = ", ".join(f"{name} = %s" for name in TIMING_FIELDS)
                cur.executemany(f"UPDATE conversations_conversation SET {assignments} WHERE id = %s", updates)
            changed += len(updates)
    return changed


# --- retention and off-boarding (apps.clients.offboarding orchestrates, in its transaction) ---------


def conversation_content_purge_batch(*, client_id: int, before, batch_size: int = 500) -> tuple[list[int], int]:
    """Blank the text of the messages and the buyer pseudonym of up to `batch_size` of the brand's
    conversations that started before `before` and still hold either.

    Returns (conversation ids purged, messages blanked). The message rows stay (sender, time and
    type feed `recompute_timing`), as do the conversation's timing fields. Idempotent: a purged
    conversation no longer matches, so a crashed run resumes where it stopped.
    """
    from django.db.models import Exists, OuterRef, Q

    from apps.conversations.models import Conversation, Message

    with_text = Message.objects.filter(conversation=OuterRef("pk")).exclude(content="")
    ids = list(
        Conversation.objects.filter(store__client_id=client_id, started_at__lt=before)
        .filter(Q(Exists(with_text)) | ~Q(buyer_pseudonym=""))
        .order_by("started_at", "id")
        .values_list("id", flat=True)[:batch_size]
    )
    if not ids:
        return [], 0
    blanked = Message.objects.filter(conversation_id__in=ids).exclude(content="").update(content="")
    Conversation.objects.filter(id__in=ids).update(buyer_pseudonym="")
    return ids, blanked


def conversation_shopper_data_delete_batch(*, client_id: int, batch_size: int = 500) -> tuple[list[int], int]:
    """Off-boarding: delete the messages and blank the buyer pseudonym of up to `batch_size` of the
    brand's conversations that still hold either. Returns (conversation ids, messages deleted).

    The conversation rows stay with their timing and counts (the KPIs statements were priced on).
    """
    from django.db.models import Exists, OuterRef, Q

    from apps.conversations.models import Conversation, Message

    has_messages = Message.objects.filter(conversation=OuterRef("pk"))
    ids = list(
        Conversation.objects.filter(store__client_id=client_id)
        .filter(Q(Exists(has_messages)) | ~Q(buyer_pseudonym=""))
        .order_by("id")
        .values_list("id", flat=True)[:batch_size]
    )
    if not ids:
        return [], 0
    deleted = Message.objects.filter(conversation_id__in=ids).delete()[0]
    Conversation.objects.filter(id__in=ids).update(buyer_pseudonym="")
    return ids, deleted


def import_run_files_delete(*, client_id: int) -> int:
    """Off-boarding: delete the stored raw upload files of the brand's import runs and the rejected
    rows' error details (they may quote a row); the run rows stay with their counts and SHA-256."""
    removed = 0
    for run in ImportRun.objects.filter(client_id=client_id).exclude(file="", errors=[]):
        if run.file:
            run.file.delete(save=False)
            removed += 1
        ImportRun.objects.filter(pk=run.pk).update(file="", errors=[])
    return removed
