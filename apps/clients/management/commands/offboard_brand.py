"""python manage.py offboard_brand <code> --confirm [--force] — export a brand, then delete its
shoppers' data (apps.clients.offboarding). Safe to re-run."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.clients import offboarding
from apps.clients.models import Client
from apps.core.errors import DomainError


class Command(BaseCommand):
    help = "Off-board a brand: write its data archive, delete its shoppers' data, report what was kept and why."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the brand's code")
        parser.add_argument("--confirm", action="store_true", help="required: the deletion cannot be undone")
        parser.add_argument("--force", action="store_true", help="off-board even while a contract is active")
        parser.add_argument("--batch-size", type=int, default=offboarding.BATCH_SIZE)

    def handle(self, *args, code: str, confirm: bool, force: bool, batch_size: int, **options):
        client = Client.objects.filter(code=code).first()
        if client is None:
            raise CommandError(_("No brand with the code %(code)s.") % {"code": code})
        if not confirm:
            raise CommandError(
                _("Off-boarding deletes the shoppers' data of %(brand)s: run again with --confirm.")
                % {"brand": client.name}
            )
        try:
            run = offboarding.brand_offboard(client=client, force=force, batch_size=batch_size)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Archive: %(path)s (SHA-256 %(sha)s)") % {"path": run.archive.path, "sha": run.archive_sha256}
        )
        for name, value in run.counts.items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(_("Kept, and why:"))
        for item in run.kept:
            self.stdout.write(f"  - {item['what']}: {item['why']}")
