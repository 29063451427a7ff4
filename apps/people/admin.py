"""Admin for agents: the one page of an agent (apps.workforce adds its skills, availability and leave
inline, from its own admin module, as the app above people that owns those rows)."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.people.models import Agent


@admin.register(Agent)
class AgentAdmin(ScopedAdmin):
    list_display = [
        "employee_no",
        "name",
        "nick",
        "site",
        "contract_type",
        "hourly_cost",
        "weekly_hours_min",
        "weekly_hours_max",
        "max_days_per_week",
        "nights_ok",
        "is_active",
    ]
    list_filter = ["contract_type", "site", "is_active", "nights_ok"]
    search_fields = ["employee_no", "name", "nick"]
    list_select_related = ["site"]
    inlines: list = []
