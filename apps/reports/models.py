"""Report runs (a brand's monthly report or quarterly review, rendered to PDF) and the stored PDFs
of invoices and credit notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TrackedRun
from apps.reports.choices import DocumentKind, ReportKind, ReportLanguage, ReportState


def report_upload_to(instance: ReportRun, filename: str) -> str:
    return f"reports/{instance.client.code}/{instance.period_start:%Y-%m}/{filename}"


def document_upload_to(instance: RenderedDocument, filename: str) -> str:
    return f"documents/{instance.client.code}/{instance.kind}/{filename}"


class ReportRun(TrackedRun):
    """One client report for one brand, kind, period and language.

    `status` (from TrackedRun) follows the rendering; `state` is editorial: a draft's commentary
    and actions may change and it is re-rendered; once issued it is frozen and e-mailed.
    Business key: (client, kind, period_start, period_end, language) among the runs not superseded;
    an issued run whose figures changed is marked superseded and points at its replacement.
    """

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="report_runs", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices, default=ReportKind.MONTHLY)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    language = models.CharField(
        _("language"), max_length=8, choices=ReportLanguage.choices, default=ReportLanguage.ZH_HANS
    )
    state = models.CharField(_("state"), max_length=8, choices=ReportState.choices, default=ReportState.DRAFT)
    commentary = models.TextField(_("account manager's commentary"), blank=True)
    # The commentary is a person's words: the report prints who wrote it and who reviewed it before
    # issue (a report with unreviewed commentary cannot be issued); an edit clears the review.
    commentary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commentary written by"),
    )
    commentary_at = models.DateTimeField(_("commentary written"), null=True, blank=True)
    commentary_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commentary reviewed by"),
    )
    commentary_reviewed_at = models.DateTimeField(_("commentary reviewed"), null=True, blank=True)
    actions = models.TextField(_("actions"), blank=True, help_text=_("One action per line."))
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    data_sha256 = models.CharField(
        _("data SHA-256"), max_length=64, blank=True, help_text=_("Hash of the figures the PDF was made from.")
    )
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    left_out = models.JSONField(_("sections left out"), default=list, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    emailed_to = models.JSONField(_("e-mailed to"), default=list, blank=True)
    # An issued report whose figures changed afterwards (a statement of its month was corrected)
    # stays issued — the brand has it — but is superseded by a new run of the same business key.
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    superseded_reason = models.CharField(_("why superseded"), max_length=200, blank=True)

    class Meta:
        ordering = ["-period_start", "client__name", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "period_start", "period_end", "language"],
                condition=Q(superseded_at__isnull=True),
                name="reportrun_business_key",
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(state=ReportState.ISSUED),
                name="reportrun_only_issued_superseded",
            ),
            models.CheckConstraint(condition=Q(period_start__lt=F("period_end")), name="reportrun_period_order"),
            models.CheckConstraint(
                condition=Q(state=ReportState.DRAFT) | (Q(issued_at__isnull=False) & ~Q(sha256="")),
                name="reportrun_issued_has_pdf",
            ),
        ]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"{self.client} {self.get_kind_display()} {self.period_start:%Y-%m} ({self.language})"

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def commentary_reviewed(self) -> bool:
        return self.commentary_reviewed_at is not None

    @property
    def action_list(self) -> list[str]:
        return [line.strip() for line in self.actions.splitlines() if line.strip()]

    @property
    def file_name(self) -> str:
        return f"{self.client.code}-{self.kind}-{self.period_start:%Y-%m}-{self.language}.pdf"


class RenderedDocument(models.Model):
    """The PDF of one invoice or credit note of apps.contracts, keyed by that object's id.

    Kept here (not as a field on the billing models) so printing never writes to an issued invoice.
    Re-rendered only when the data it was made from changes (`data_sha256`).
    """

    CLIENT_LOOKUP = "client"

    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField(_("invoice / credit note id"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="rendered_documents", verbose_name=_("client")
    )
    number = models.CharField(_("number"), max_length=64, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=ReportLanguage.choices, default=ReportLanguage.ZH_HANS
    )
    pdf = models.FileField(_("PDF"), upload_to=document_upload_to)
    sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    data_sha256 = models.CharField(_("data SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    rendered_at = models.DateTimeField(_("rendered"), auto_now=True)

    class Meta:
        ordering = ["-rendered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="rendereddocument_object_uniq")
        ]
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.object_id}"

    @property
    def file_name(self) -> str:
        return f"{self.kind}-{self.number or self.object_id}.pdf"
