"""Statements (model name Invoice) with their lines and SLA results, corrections (CreditNote) and
the gapless number counters. Issued statements and their lines never change (a trigger)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.contracts.choices import (
    Comparison,
    InvoiceKind,
    InvoiceStatus,
    Kpi,
    LineKind,
)
from apps.contracts.models.terms import BillingEntity, Contract
from apps.contracts.models.usage import BillingRun


class Invoice(models.Model):
    """A periodic or supplementary invoice of a contract for a period.

    Number is assigned only at issue (gapless per entity, year and series). Once issued, the row and
    its lines are immutable (a database trigger); only issued → paid with paid_at may still change.
    """

    CLIENT_LOOKUP = "contract__client"

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("contract")
    )
    entity = models.ForeignKey(
        BillingEntity, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("entity")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.PERIODIC)
    sequence = models.PositiveSmallIntegerField(_("sequence in the period"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=0)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    vat_breakdown = models.JSONField(_("VAT per rate"), default=list, blank=True)
    fingerprint = models.CharField(_("content digest"), max_length=64, blank=True)
    source_fingerprint = models.CharField(
        _("digest of the full pricing"), max_length=64, blank=True, help_text=_("What the period priced to.")
    )
    input_digest = models.CharField(
        _("digest of the inputs"), max_length=64, blank=True, help_text=_("Terms, usage totals and SLA measurements.")
    )
    billing_run = models.ForeignKey(
        BillingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("billing run")
    )
    refunds_as_of = models.DateTimeField(
        _("refunds known at"),
        null=True,
        blank=True,
        help_text=_("The cut-off of the commission base: later refunds are clawed back on the next statement."),
    )
    number = models.CharField(_("number"), max_length=32, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    problems = models.JSONField(
        _("problems"), default=list, blank=True, help_text=_("What the billing run flagged, e.g. no usage recorded.")
    )
    problems_confirmed = models.TextField(
        _("why it is right despite the problems"), blank=True, help_text=_("Given by whoever approved it.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "contract", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"],
                condition=Q(kind="periodic"),
                name="invoice_one_periodic_per_period",
            ),
            models.UniqueConstraint(
                fields=["contract", "period_start", "kind", "sequence"], name="invoice_contract_period_seq_uniq"
            ),
            models.UniqueConstraint(fields=["entity", "number"], condition=~Q(number=""), name="invoice_number_uniq"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved"]) | ~Q(number=""), name="invoice_issued_has_number"
            ),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="invoice_period_order"),
        ]
        indexes = [models.Index(fields=["period_start", "status"], name="invoice_period_status_idx")]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        label = self.number or _("draft")
        return f"{label} · {self.period_start:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status in (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


class InvoiceLine(models.Model):
    """One line: quantity, unit price (or tier breakdown), the unrounded and the rounded amount."""

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=24, choices=LineKind.choices)
    code = models.CharField(_("code"), max_length=80)
    description = models.CharField(_("description"), max_length=255)
    metric = models.CharField(_("metric"), max_length=32, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=6, null=True, blank=True)
    tiers = models.JSONField(_("tier breakdown"), default=list, blank=True)
    amount_unrounded = models.DecimalField(_("amount before rounding"), max_digits=30, decimal_places=12)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position_uniq")]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        from apps.contracts.wording import line_description  # the words the statement prints

        return f"{line_description(self)}: {self.amount}"

    def as_priced(self):
        """The stored line as the pricing engine's PricedLine (to re-total an invoice or compare what
        was billed with a re-pricing)."""
        from apps.contracts.pricing import PricedLine

        return PricedLine(
            kind=self.kind,
            code=self.code,
            description=self.description,
            metric=self.metric,
            quantity=self.quantity,
            unit_price=self.unit_price,
            tiers=tuple(self.tiers),
            amount_unrounded=self.amount_unrounded,
            amount=self.amount,
            vat_rate=self.vat_rate,
            details=self.details,
        )


class SlaResult(models.Model):
    """The measurement of one SLA KPI for an invoice's period, and the credit it cost."""

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="sla_results", verbose_name=_("invoice")
    )
    kpi = models.CharField(_("KPI"), max_length=40, choices=Kpi.choices)
    name = models.CharField(_("name"), max_length=128)
    measured = models.DecimalField(_("measured"), max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices)
    met = models.BooleanField(_("met"))
    credit_amount = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=0)
    details = models.JSONField(_("measurement"), default=dict, blank=True)

    class Meta:
        ordering = ["invoice", "kpi"]
        constraints = [models.UniqueConstraint(fields=["invoice", "kpi"], name="slaresult_invoice_kpi_uniq")]
        verbose_name = _("SLA result")
        verbose_name_plural = _("SLA results")

    def __str__(self) -> str:
        return f"{self.kpi}: {self.measured} ({'met' if self.met else 'missed'})"


class CreditNote(models.Model):
    """A red-letter invoice (红字发票) that takes back part of an issued invoice, never more than is left."""

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    number = models.CharField(_("number"), max_length=32)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    issued_at = models.DateTimeField(_("issued"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="creditnote_total_gt_0"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("vat_amount")), name="creditnote_total_sum"),
            models.UniqueConstraint(fields=["number"], name="creditnote_number_uniq"),
        ]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")

    def __str__(self) -> str:
        return f"{self.number} (−{self.total})"


class InvoiceCounter(models.Model):
    """The last number given per entity, year and series; locked with SELECT … FOR UPDATE at issue."""

    entity = models.ForeignKey(
        BillingEntity, on_delete=models.PROTECT, related_name="counters", verbose_name=_("entity")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    series = models.CharField(_("series"), max_length=8)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        ordering = ["entity", "year", "series"]
        constraints = [models.UniqueConstraint(fields=["entity", "year", "series"], name="invoicecounter_key_uniq")]
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last_number}"
