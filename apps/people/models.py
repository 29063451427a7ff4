"""People: the vendor's agents.

Agent sits below conversations (a chat names the agent who answered it) and above clients (an agent
works at a site). What belongs to planning, not to the person — skills per brand and channel,
availability windows, leave, shifts — stays in apps.workforce, which points down at Agent.

The table is still ``workforce_agent``: the model moved here by state only (migration 0001), so no
row moved and every foreign key to it kept its constraint.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.people.choices import ContractType


class Agent(models.Model):
    """A named customer-service agent of the vendor. `nick` is the name it answers chats under."""

    employee_no = models.CharField(_("employee no."), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)  # 姓名, not 名称
    nick = models.CharField(_("chat nick"), max_length=64, unique=True)
    site = models.ForeignKey("clients.Site", on_delete=models.PROTECT, related_name="agents", verbose_name=_("site"))
    contract_type = models.CharField(
        _("contract type"), max_length=16, choices=ContractType.choices, default=ContractType.FULL_TIME
    )
    hourly_cost = models.DecimalField(_("hourly cost (CNY)"), max_digits=8, decimal_places=2, default=Decimal("35.00"))
    is_active = models.BooleanField(_("active"), default=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    # contract and preferences
    weekly_hours_min = models.DecimalField(_("weekly hours min"), max_digits=4, decimal_places=1, default=Decimal("0"))
    weekly_hours_max = models.DecimalField(_("weekly hours max"), max_digits=4, decimal_places=1, default=Decimal("44"))
    max_days_per_week = models.PositiveSmallIntegerField(
        _("max days a week"), default=6, validators=[MinValueValidator(0), MaxValueValidator(7)]
    )
    preferred_start = models.TimeField(_("preferred start"), null=True, blank=True)
    nights_ok = models.BooleanField(_("works nights"), default=True, help_text=_("22:00–08:00 Asia/Shanghai."))

    class Meta:
        db_table = "workforce_agent"
        ordering = ["employee_no"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_hours_min__lte=F("weekly_hours_max")), name="agent_weekly_hours_order"
            ),
        ]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"
