"""python manage.py import_orders PATH [PATH …] --format F [--shop SHOP] [--skip-bad-rows]; then attribution."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from apps.conversations.services import masked_file_name
from apps.core.choices import RunStatus
from apps.orders.choices import OrderImportFormat
from apps.orders.services import order_import_file


class Command(BaseCommand):
    help = "Import order exports or satisfaction evaluations (one run per file; atomic and idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--format", required=True, choices=OrderImportFormat.values, dest="file_format")
        parser.add_argument("--shop", default="", help="shop id for exports without a shop column")
        parser.add_argument("--skip-bad-rows", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        failed = 0
        for path in options["paths"]:
            shown = masked_file_name(path.name)
            bar = tqdm(total=0, unit="line", desc=shown, disable=options["no_progress"], file=self.stderr._out)

            def progress(done: int, total: int, bar=bar) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                run = order_import_file(
                    path=path,
                    file_format=options["file_format"],
                    shop=options["shop"],
                    skip_bad_rows=options["skip_bad_rows"],
                    progress=progress,
                )
            finally:
                bar.close()
            if run.status == RunStatus.SUCCEEDED:
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "%(file)s: %(rows)s rows read, %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected (run %(run)s)"
                        )
                        % {
                            "file": shown,
                            "rows": run.rows_read,
                            "created": run.created_count,
                            "updated": run.updated_count,
                            "unchanged": run.unchanged_count,
                            "rejected": run.rejected,
                            "run": run.pk,
                        }
                    )
                )
            else:
                failed += 1
                self.stderr.write(self.style.ERROR(run.error))
                for error in run.errors[:20]:
                    self.stderr.write("  " + _("row %(row)s, field %(field)s: %(reason)s") % error)
        if failed:
            raise CommandError(
                _("%(failed)s of %(total)s file(s) failed") % {"failed": failed, "total": len(options["paths"])}
            )
