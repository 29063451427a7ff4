"""Reads of the reports app, always cut to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.roles import scope_queryset, visible_client_ids
from apps.reports.choices import DocumentKind, ReportState
from apps.reports.models import RenderedDocument, ReportRun

DOCUMENT_VIEW_PERMISSION = {
    DocumentKind.INVOICE: "contracts.view_invoice",
    DocumentKind.CREDIT_NOTE: "contracts.view_creditnote",
}


def report_run_list(*, user) -> QuerySet[ReportRun]:
    return scope_queryset(
        ReportRun.objects.select_related(
            "client", "created_by", "issued_by", "commentary_by", "commentary_reviewed_by", "superseded_by"
        ),
        user,
    ).filter(**_client_visible(user))


def client_visible_runs(qs: QuerySet[ReportRun], user) -> QuerySet[ReportRun]:
    return qs.filter(**_client_visible(user))


def _client_visible(user) -> dict:
    """A brand's own staff see only reports issued to them, never drafts (as with invoices)."""
    return {} if visible_client_ids(user) is None else {"state": ReportState.ISSUED}


def rendered_document_list(*, user) -> QuerySet[RenderedDocument]:
    """Invoice and credit-note PDFs of the user's brands, of the kinds the user may view in billing."""
    kinds = [kind for kind, perm in DOCUMENT_VIEW_PERMISSION.items() if user.has_perm(perm)]
    return scope_queryset(RenderedDocument.objects.select_related("client").filter(kind__in=kinds), user)


def monthly_runs_of(*, client_id: int, period_start) -> list[ReportRun]:
    """Every language's monthly report of a brand for the month starting `period_start` (billing
    asks, to re-render a report whose statement was corrected)."""
    from apps.reports.choices import ReportKind

    return list(
        ReportRun.objects.select_related("client").filter(
            client_id=client_id, kind=ReportKind.MONTHLY, period_start=period_start
        )
    )


def rendered_document_of(*, kind: str, object_id: int, language: str = "zh-hans") -> RenderedDocument | None:
    """The stored PDF of one statement or correction, if it has been printed."""
    return RenderedDocument.objects.filter(kind=kind, object_id=object_id, language=language).first()


# --- retention and off-boarding (apps.clients.offboarding orchestrates) ------------------------------


def report_runs_for_export(*, client_id: int, issued_only: bool) -> list[ReportRun]:
    """The brand's report runs (with their PDFs) for its data export; `issued_only` leaves out drafts."""
    qs = ReportRun.objects.filter(client_id=client_id).order_by("period_start", "kind", "id")
    if issued_only:
        qs = qs.filter(state=ReportState.ISSUED)
    return list(qs)
