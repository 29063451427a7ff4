from django.contrib import admin

from apps.clients.models import BillingContact, Client, ClientMembership, Site, Store
from apps.core.admin import ScopedAdmin


class BillingContactInline(admin.TabularInline):
    model = BillingContact
    extra = 0


class StoreInline(admin.TabularInline):
    model = Store
    extra = 0
    fields = ["platform", "shop_id", "name", "is_24h", "opens_at", "closes_at", "is_active"]


@admin.register(Client)
class ClientAdmin(ScopedAdmin):
    list_display = ["name", "code", "legal_name", "uscc", "status"]
    list_filter = ["status"]
    search_fields = ["name", "code", "legal_name", "uscc"]
    inlines = [StoreInline, BillingContactInline]


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
