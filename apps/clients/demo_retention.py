"""Demo step (last): retention and a brand's data export.

The cross-border brand (haijing) keeps message content 75 days, so the nightly purge as of the end
of the demo (1 December 2026) blanks its first fortnight of chat text while its statements, KPIs and
reports stay; every other brand keeps the default 180 days and its purge finds nothing. The first
brand (yuefu) has one finished data export its viewer can download from /clients/exports/.
Safe to re-run: a second purge finds nothing and the export is written once.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from apps.clients import offboarding
from apps.clients.choices import DataRunKind
from apps.clients.models import Client, DataRun

SHORT_RETENTION = {"haijing": 75}
EXPORT_BRAND = "yuefu"


def seed(ctx) -> None:
    now = timezone.make_aware(datetime.combine(ctx.end, time(3, 45)))
    for code, days in SHORT_RETENTION.items():
        Client.objects.filter(code=code).update(message_retention_days=days)
    for client in Client.objects.order_by("pk"):
        run = offboarding.retention_purge(client=client, now=now)
        if run.counts["conversations"]:
            ctx.say(
                f"  {client.code}: content before {run.cutoff:%Y-%m-%d} purged from "
                f"{run.counts['conversations']} conversations ({run.counts['messages_blanked']} messages)"
            )
    client = Client.objects.filter(code=EXPORT_BRAND).first()
    has_chats = client is not None and offboarding.shopper_data_left(client=client)["messages"] > 0
    if has_chats and not DataRun.objects.filter(client=client, kind=DataRunKind.EXPORT).exists():
        run = DataRun.objects.create(client=client, kind=DataRunKind.EXPORT)
        run = offboarding.data_export_build(run_id=run.pk)
        ctx.say(f"  {client.code}: data export {run.counts.get('conversations', 0)} conversations, {run.archive.name}")
