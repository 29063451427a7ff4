"""Celery tasks of the reports app: thin wrappers that load ids and call one service each."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from apps.core import calendar
from apps.reports import services
from apps.reports.choices import ReportKind


@shared_task(name="apps.reports.tasks.render_report_run_task")
def render_report_run_task(run_id: int) -> str:
    run = services.report_run_render(run_id=run_id)
    return f"{run.pk}: {run.status}, {run.page_count} pages"


@shared_task(name="apps.reports.tasks.monthly_reports_task")
def monthly_reports_task(period_start: str | None = None) -> int:
    """After the monthly billing run: the previous month's report for every brand that had
    conversations, plus the previous quarter's review when that month closed a quarter."""
    today = timezone.localdate()
    start = date.fromisoformat(period_start) if period_start else calendar.add_months(today.replace(day=1), -1)
    end = calendar.add_months(start, 1)
    count = 0
    for client in services.monthly_report_clients(start=start, end=end):
        services.report_run_request(client=client, kind=ReportKind.MONTHLY, period_start=start)
        count += 1
        if end.month in (1, 4, 7, 10):
            q_start, _q_end = calendar.period_for(ReportKind.QUARTERLY, start)
            services.report_run_request(client=client, kind=ReportKind.QUARTERLY, period_start=q_start)
            count += 1
    return count


@shared_task(name="apps.reports.tasks.render_document_task")
def render_document_task(kind: str, object_id: int) -> str:
    document = services.document_render(kind=kind, object_id=object_id)
    return f"{document.kind} {document.number}: {document.page_count} pages"


@shared_task(name="apps.reports.tasks.render_issued_documents_task")
def render_issued_documents_task() -> int:
    """Print every issued invoice and credit note that has no stored PDF yet."""
    pending = services.issued_documents_pending()
    for kind, object_id in pending:
        services.document_render(kind=kind, object_id=object_id)
    return len(pending)
