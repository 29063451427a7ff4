"""python manage.py import_conversations PATH [PATH …] --format F [--skip-bad-rows]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from apps.conversations.choices import ImportFormat
from apps.conversations.services import import_file, masked_file_name
from apps.core.choices import RunStatus


class Command(BaseCommand):
    help = "Import platform chat exports (one ImportRun per file; each file atomic and idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--format", required=True, choices=ImportFormat.values, dest="file_format")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows and record the rejected ones"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        paths: list[Path] = options["paths"]
        file_format, skip_bad_rows, no_progress = (
            options["file_format"],
            options["skip_bad_rows"],
            options["no_progress"],
        )
        failed = 0
        for path in paths:
            shown = masked_file_name(path.name)  # a file name may hold a shopper's phone: never echoed raw
            bar = tqdm(total=0, unit="line", desc=shown, disable=no_progress, file=self.stderr._out, leave=False)

            def progress(done: int, total: int, bar=bar) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                run = import_file(path=path, file_format=file_format, skip_bad_rows=skip_bad_rows, progress=progress)
            finally:
                bar.close()
            if run.status == RunStatus.SUCCEEDED:
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "%(file)s: %(rows)s rows read, %(conversations)s conversations and %(messages)s messages "
                            "imported, %(duplicates)s duplicates, %(rejected)s rejected (run %(run)s, %(encoding)s)"
                        )
                        % {
                            "file": shown,
                            "rows": run.rows_read,
                            "conversations": run.conversations_imported,
                            "messages": run.messages_imported,
                            "duplicates": run.duplicates,
                            "rejected": run.rejected,
                            "run": run.pk,
                            "encoding": run.encoding,
                        }
                    )
                )
                for error in run.errors[:20]:
                    self.stdout.write("  " + _("rejected row %(row)s, field %(field)s: %(reason)s") % error)
            else:
                failed += 1
                self.stderr.write(self.style.ERROR(_("%(error)s (run %(run)s)") % {"error": run.error, "run": run.pk}))
                for error in run.errors[:20]:
                    self.stderr.write("  " + _("row %(row)s, field %(field)s: %(reason)s") % error)
                if len(run.errors) > 20:
                    self.stderr.write(
                        "  " + _("… and %(count)s more (see the import run)") % {"count": len(run.errors) - 20}
                    )
        if failed:
            raise CommandError(_("%(failed)s of %(total)s file(s) failed") % {"failed": failed, "total": len(paths)})
