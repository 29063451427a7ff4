"""python manage.py purge_expired_content [--brand CODE] — the nightly retention purge, by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.clients import offboarding
from apps.clients.models import Client


class Command(BaseCommand):
    help = "Purge message content older than each brand's retention (what the nightly beat task does)."

    def add_arguments(self, parser):
        parser.add_argument("--brand", help="only this brand's code")

    def handle(self, *args, brand: str | None, **options):
        if brand:
            client = Client.objects.filter(code=brand).first()
            if client is None:
                raise CommandError(_("No brand with the code %(code)s.") % {"code": brand})
            runs = [offboarding.retention_purge(client=client)]
        else:
            runs = offboarding.retention_purge_all()
        for run in runs:
            self.stdout.write(f"{run.client.code}: before {run.cutoff:%Y-%m-%d} {run.counts}")
