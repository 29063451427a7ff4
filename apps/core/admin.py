"""Admin for the shared kernel, and ScopedAdmin: the base every client-owned admin page uses."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.models import AuditEvent, PromoEvent
from apps.core.roles import scope_queryset, visible_client_ids

admin.site.site_header = _("Tideline operations")
admin.site.site_title = _("Tideline")
admin.site.index_title = _("Contracts, workforce, QA and reports")


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A foreign-key filter offering only the related rows the user may see (a client viewer: its brand)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or field.related_model._meta.ordering
        related = scope_queryset(field.related_model._default_manager.all(), request.user).order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in related]


def scoped_list_filter(model, list_filter) -> list:
    """Every plain foreign-key entry of `list_filter` (also through `a__b`) becomes scoped."""
    from django.contrib.admin.utils import get_fields_from_path

    scoped = []
    for entry in list_filter:
        if isinstance(entry, str):
            field = get_fields_from_path(model, entry)[-1]
            if field.is_relation and field.many_to_one:
                entry = (entry, ScopedRelatedFieldListFilter)
        scoped.append(entry)
    return scoped


class ScopedAdmin(admin.ModelAdmin):
    """Cuts the change list, the change form, every client foreign-key choice and every foreign-key
    list filter to the user's clients."""

    def get_list_filter(self, request):
        return scoped_list_filter(self.model, super().get_list_filter(request))

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def is_client_viewer(self, request) -> bool:
        return visible_client_ids(request.user) is not None


@admin.register(PromoEvent)
class PromoEventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "year", "presale_start", "peak_start", "peak_end", "end_date", "expected_uplift"]
    list_filter = ["kind", "year"]
    search_fields = ["name"]


def model_label(target_type: str) -> str:
    """An audit row's "app_label.model" as the model's name in the user's language."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


class TargetTypeFilter(admin.SimpleListFilter):
    title = _("target type")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        types = model_admin.get_queryset(request).order_by().values_list("target_type", flat=True).distinct()
        return sorted(((t, model_label(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type_label", "target_repr", "client", "reason"]
    list_filter = ["action", TargetTypeFilter, ("client", ScopedRelatedFieldListFilter)]
    search_fields = ["target_repr", "reason", "target_id"]
    list_select_related = ["actor", "client"]
    date_hierarchy = "at"

    @admin.display(description=_("target type"), ordering="target_type")
    def target_type_label(self, obj) -> str:
        return model_label(obj.target_type)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)
