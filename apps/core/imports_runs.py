"""Steps every file import run shares (a TrackedRun with `file`, `file_name`, `errors`, `rejected`,
`rows_read`, `file_sha256`, `encoding`): refuse an upload over the limit, fail a run whose file had a
rejected row with one message naming the first, and forget a run's stored upload once it has run.
Used by apps.orders; apps.conversations has the same steps of its own (see docs/imports.md)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.runs import run_fail

MAX_ERRORS_KEPT = 500


def import_upload_check(*, name: str, upload) -> None:
    """Raise DomainError (field `file`) when an upload is over settings.TIDELINE_MAX_UPLOAD_BYTES."""
    limit = settings.TIDELINE_MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise DomainError(
            _("%(file)s: %(size)s bytes is over the upload limit of %(limit)s bytes")
            % {"file": name, "size": upload.size, "limit": limit},
            field="file",
        )


def import_run_fail_rejected(run, *, errors: list[dict], rejected: int, **fields) -> None:
    """FAILED: nothing imported; the message names the first error's row, field and reason, `errors`
    keeps the first MAX_ERRORS_KEPT. `fields`: other run fields to set (rows_read, file_sha256…)."""
    first = errors[0] if errors else {"row": None, "field": None, "reason": _("the file was rejected")}
    message = _(
        "%(file)s: %(rejected)s row(s) rejected, nothing imported; first: row %(row)s, field %(field)s: %(reason)s"
    ) % {
        "file": run.file_name,
        "rejected": rejected,
        "row": "—" if first["row"] is None else first["row"],
        "field": "—" if first["field"] is None else first["field"],
        "reason": first["reason"],
    }
    run_fail(run, error=message, errors=errors[:MAX_ERRORS_KEPT], rejected=rejected, **fields)


def import_run_discard_upload(run) -> None:
    """Delete a run's stored upload (the raw export, shopper data in clear) and forget it."""
    if not run.file:
        return
    run.file.delete(save=False)
    type(run).objects.filter(pk=run.pk).update(file="")
