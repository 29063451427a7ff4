"""python manage.py recompute_timing — re-time every stored conversation from its messages.

Run after a change of a timing definition (apps.conversations.timing); then re-score QA so the
timing rules' hits follow (`POST /api/v1/qa/scorecards/{id}/rescore/`). Safe to run twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.conversations.services import conversation_timing_recompute


class Command(BaseCommand):
    help = "Re-time stored conversations (rounds, first response, 3-minute rule, waits) from their messages."

    def handle(self, *args, **options):
        changed = conversation_timing_recompute()
        self.stdout.write(f"{changed} conversations re-timed")
