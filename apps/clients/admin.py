from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.clients import offboarding
from apps.clients.models import BillingContact, Client, ClientMembership, DataRun, Site, Store
from apps.core.admin import ScopedAdmin
from apps.core.errors import DomainError


class BillingContactInline(admin.TabularInline):
    model = BillingContact
    extra = 0


class StoreInline(admin.TabularInline):
    model = Store
    extra = 0
    fields = ["platform", "shop_id", "name", "is_24h", "opens_at", "closes_at", "is_active"]


@admin.register(Client)
class ClientAdmin(ScopedAdmin):
    list_display = ["name", "code", "legal_name", "uscc", "status", "message_retention_days"]
    list_filter = ["status"]
    search_fields = ["name", "code", "legal_name", "uscc"]
    inlines = [StoreInline, BillingContactInline]
    actions = ["export_data", "offboard", "offboard_forced"]

    @admin.action(description=gettext_lazy("Export the brand's data (ZIP)"), permissions=["change"])
    def export_data(self, request, queryset):
        for client in queryset:
            offboarding.data_export_request(client=client, actor=request.user)
        self.message_user(request, _("Exports are being written: see the data runs."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Off-board: export, then delete the shoppers' data"), permissions=["change"])
    def offboard(self, request, queryset):
        self._offboard(request, queryset, force=False)

    @admin.action(description=gettext_lazy("Off-board even with an active contract (forced)"), permissions=["change"])
    def offboard_forced(self, request, queryset):
        self._offboard(request, queryset, force=True)

    def _offboard(self, request, queryset, *, force: bool) -> None:
        for client in queryset:
            try:
                offboarding.brand_offboard_request(client=client, actor=request.user, force=force)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(brand)s is being off-boarded: the data run shows the archive, the counts and what was kept.")
                % {"brand": client.name},
                messages.SUCCESS,
            )


@admin.register(Store)
class StoreAdmin(ScopedAdmin):
    list_display = ["name", "client", "platform", "shop_id", "is_24h", "opens_at", "closes_at", "is_active"]
    list_filter = ["platform", "client", "is_active"]
    search_fields = ["name", "shop_id", "client__name"]
    list_select_related = ["client"]


@admin.register(Site)
class SiteAdmin(ScopedAdmin):
    list_display = ["name", "code", "city", "seats"]
    search_fields = ["name", "city"]


@admin.register(ClientMembership)
class ClientMembershipAdmin(ScopedAdmin):
    list_display = ["user", "client"]
    list_filter = ["client"]
    search_fields = ["user__username", "client__name"]
    list_select_related = ["user", "client"]
    autocomplete_fields = ["user"]


# The rows a data run counted (export, retention purge, off-boarding), by the key it stores them under.
COUNT_LABELS = {
    "conversations": pgettext_lazy("data run count", "conversations"),
    "messages": pgettext_lazy("data run count", "messages"),
    "import_runs": pgettext_lazy("data run count", "import runs"),
    "qa_results": pgettext_lazy("data run count", "QA results"),
    "qa_hits": pgettext_lazy("data run count", "QA hits"),
    "statements": pgettext_lazy("data run count", "statements"),
    "statement_lines": pgettext_lazy("data run count", "statement lines"),
    "sla_results": pgettext_lazy("data run count", "SLA results"),
    "credit_notes": pgettext_lazy("data run count", "credit notes"),
    "fapiao": pgettext_lazy("data run count", "fapiao"),
    "payments": pgettext_lazy("data run count", "payments"),
    "reports": pgettext_lazy("data run count", "reports"),
    "report_pdfs": pgettext_lazy("data run count", "report PDFs"),
    "orders": pgettext_lazy("data run count", "orders"),
    "evaluations": pgettext_lazy("data run count", "ratings"),
    "messages_blanked": pgettext_lazy("data run count", "messages blanked"),
    "qa_excerpts_blanked": pgettext_lazy("data run count", "QA excerpts blanked"),
    "forced_over_contracts": pgettext_lazy("data run count", "active contracts overridden"),
}


def counts_in_words(counts: dict) -> str:
    """A data run's counts as "label n · label n" in the user's language, in the order above."""
    order = [key for key in COUNT_LABELS if key in counts] + sorted(key for key in counts if key not in COUNT_LABELS)
    parts = []
    for key in order:
        value = counts[key]
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value) or "—"
        else:
            shown = f"{value:,}" if isinstance(value, int) else str(value)
        parts.append(f"{COUNT_LABELS.get(key, key)} {shown}")
    return " · ".join(parts) or "—"


@admin.register(DataRun)
class DataRunAdmin(ScopedAdmin):
    list_display = ["created_at", "client", "kind", "status", "cutoff", "counts_text", "archive_link"]
    list_filter = ["kind", "status", "client"]
    list_select_related = ["client", "created_by"]
    search_fields = ["client__name", "client__code", "archive_sha256"]
    readonly_fields = [f.name for f in DataRun._meta.fields]

    @admin.display(description=gettext_lazy("counts"))
    def counts_text(self, obj) -> str:
        return counts_in_words(obj.counts or {})

    @admin.display(description=gettext_lazy("archive"))
    def archive_link(self, obj):
        if not obj.archive or obj.kind == "retention":
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("clients:export-download", args=[obj.pk]), _("Download ZIP"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
