"""Admin of the intraday room: push grants and webhooks are set up here; alerts, deliveries,
state events, reforecasts and applied levers are read here (they are written by the services)."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.intraday.models import (
    AgentStateEvent,
    Alert,
    AlertWebhook,
    LeverApplication,
    PushGrant,
    Reforecast,
    WebhookDelivery,
)


class ReadOnly(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PushGrant)
class PushGrantAdmin(ScopedAdmin):
    list_display = ["user", "client"]
    list_select_related = ["user", "client"]
    list_filter = ["client"]


@admin.register(AlertWebhook)
class AlertWebhookAdmin(ScopedAdmin):
    list_display = ["name", "client", "fmt", "url", "is_active"]
    list_select_related = ["client"]
    list_filter = ["client", "fmt", "is_active"]
    search_fields = ["name", "url"]


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["interval_start", "client", "kind", "severity", "raised_at"]
    list_select_related = ["client"]
    list_filter = ["client", "kind", "severity", "day"]
    date_hierarchy = "interval_start"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["alert", "webhook", "status", "attempts", "response_code", "sent_at"]
    list_select_related = ["alert", "webhook"]
    list_filter = ["status"]


@admin.register(AgentStateEvent)
class AgentStateEventAdmin(ReadOnly):
    list_display = ["agent", "state", "at", "source"]
    list_select_related = ["agent"]
    list_filter = ["state", "source"]
    search_fields = ["agent__nick", "agent__name", "agent__employee_no"]
    date_hierarchy = "at"


@admin.register(Reforecast)
class ReforecastAdmin(ReadOnly):
    list_display = ["client", "day", "as_of", "ratio", "rest_total", "rest_plan"]
    list_select_related = ["client"]
    list_filter = ["client", "day"]


@admin.register(LeverApplication)
class LeverApplicationAdmin(ReadOnly):
    list_display = ["applied_at", "client", "kind", "sl_before", "sl_after", "roster", "applied_by"]
    list_select_related = ["client", "roster", "applied_by"]
    list_filter = ["client", "kind"]
