"""Shared kernel models: audit trail, promo calendar, and the base of every tracked run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import PromoKind, RunStatus


class AuditEvent(models.Model):
    """Who did what to which object, when and why. Written by services inside their transaction."""

    CLIENT_LOOKUP = "client"

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("client")
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr or self.target_id}"


class PromoEvent(models.Model):
    """A shopping festival (618, Double 11, ...) with its presale phase and its peak window.

    Billing prices peak windows from it, the forecast learns uplift from it, reports recap it.
    Dates are in Asia/Shanghai; `peak_start`/`peak_end` are aware datetimes, half-open.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=PromoKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=64)
    presale_start = models.DateField(_("presale starts"))
    peak_start = models.DateTimeField(_("peak starts"))
    peak_end = models.DateTimeField(_("peak ends"))
    end_date = models.DateField(_("ends (inclusive)"))
    expected_uplift = models.DecimalField(
        _("expected uplift"),
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text=_("Multiplier on a normal day's volume at the peak, used when history has no such event."),
    )

    class Meta:
        ordering = ["presale_start"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="promo_kind_year_uniq"),
            models.CheckConstraint(condition=Q(peak_start__lt=F("peak_end")), name="promo_peak_order"),
            models.CheckConstraint(condition=Q(presale_start__lte=F("end_date")), name="promo_dates_order"),
            models.CheckConstraint(condition=Q(expected_uplift__gte=1), name="promo_uplift_gte_1"),
        ]
        verbose_name = _("promo event")
        verbose_name_plural = _("promo events")

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class TrackedRun(models.Model):
    """Base of every long piece of work (import, QA sweep, solve, billing run, report).

    A run is a row with a status and progress that a Celery task moves forward; users watch it in
    admin and the API. Transitions go through apps.core.runs, never through save().
    """

    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    celery_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == RunStatus.SUCCEEDED else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    progress_percent.fget.short_description = _("progress (%)")  # the admin's column title
