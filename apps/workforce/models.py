"""Workforce: agents, and (added by the workforce issue) skills, availability, forecasts, rosters."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.workforce.choices import ContractType


class Agent(models.Model):
    """A named customer-service agent of the vendor. `nick` is the name it answers chats under."""

    employee_no = models.CharField(_("employee no."), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    nick = models.CharField(_("chat nick"), max_length=64, unique=True)
    site = models.ForeignKey("clients.Site", on_delete=models.PROTECT, related_name="agents")
    contract_type = models.CharField(
        _("contract type"), max_length=16, choices=ContractType.choices, default=ContractType.FULL_TIME
    )
    hourly_cost = models.DecimalField(_("hourly cost (CNY)"), max_digits=8, decimal_places=2, default=Decimal("35.00"))
    is_active = models.BooleanField(_("active"), default=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"
