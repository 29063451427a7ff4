"""What is recorded against an issued statement: fapiao, payments and the brand's answer."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.contracts.choices import (
    StatementAnswer,
)
from apps.contracts.models.invoices import CreditNote, Invoice

# --------------------------------------------------------------------------- after issue: fapiao, payments, the brand's answer


class Fapiao(models.Model):
    """An official VAT fapiao (数电发票) that finance issued on the tax platform against a statement.

    Tideline does not issue fapiao; it records them so the statement shows what was invoiced for
    tax. Several per statement are allowed (one per VAT rate, or split by the brand's request); the
    rules a new one must satisfy (tax = amount × rate rounded to the fen; never more than the
    statement's net amount at that rate) live in services.fapiao_record.
    """

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="fapiaos", verbose_name=_("service fee statement")
    )
    number = models.CharField(_("fapiao number"), max_length=20)
    issued_on = models.DateField(_("fapiao date"))
    amount = models.DecimalField(_("amount excluding tax"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["invoice", "issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="fapiao_number_uniq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fapiao_amount_gt_0"),
            models.CheckConstraint(condition=Q(tax__gte=0), name="fapiao_tax_gte_0"),
        ]
        verbose_name = _("fapiao")
        verbose_name_plural = _("fapiao")

    def __str__(self) -> str:
        return f"{self.number} ({self.amount} + {self.tax})"

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax


class Payment(models.Model):
    """Money received from the brand against an issued statement; partial payments allowed.

    The sum of a statement's payments never exceeds what is open on it (total − corrections);
    services.payment_record checks that under the statement's row lock.
    """

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("service fee statement")
    )
    amount = models.DecimalField(_("amount received"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["invoice", "received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.amount} on {self.received_on}"


class StatementResponse(models.Model):
    """The brand's answer to an issued statement: it confirms it or disputes it with a reason.

    A dispute stays open until the account manager answers it — with a correction (a credit note)
    or a written reply; the brand may then confirm. The statement's confirmation state is its latest
    response (services.statement_confirmation_state).
    """

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="responses", verbose_name=_("service fee statement")
    )
    kind = models.CharField(_("answer"), max_length=10, choices=StatementAnswer.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    reply = models.TextField(_("account manager's reply"), blank=True)
    correction = models.ForeignKey(
        CreditNote,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["invoice", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="disputed") | ~Q(reason=""), name="statementresponse_dispute_has_reason"
            ),
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(kind="disputed", resolved_at__isnull=True),
                name="statementresponse_one_open_dispute",
            ),
        ]
        verbose_name = _("statement confirmation")
        verbose_name_plural = _("statement confirmations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"
