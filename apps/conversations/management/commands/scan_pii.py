"""manage.py scan_pii: list every stored value that still holds shopper PII (exit status 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.conversations.pii_scan import pii_scan


class Command(BaseCommand):
    help = "Scan every text and JSON column of every table for phones, ID numbers, bank cards and addresses."

    def handle(self, *args, **options):
        findings = pii_scan()
        for f in findings[:200]:
            self.stdout.write(f"{f.table}.{f.column} [{f.pk}]: {', '.join(f.kinds)} — {f.excerpt}")
        if findings:
            raise CommandError(f"{len(findings)} stored value(s) hold shopper PII")
        self.stdout.write(self.style.SUCCESS("No stored value holds shopper PII."))
