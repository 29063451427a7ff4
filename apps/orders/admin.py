"""Admin of orders (read-only, with history), attributions, evaluations and order import runs with an upload form."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ScopedAdmin
from apps.core.imports_admin import ImportUploadAdmin
from apps.orders.choices import OrderImportFormat
from apps.orders.models import Attribution, Evaluation, Order, OrderEvent, OrderImportRun
from apps.orders.services import order_import_run_create


class _ReadOnly(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    fields = ["recorded_at", "status", "refunded_amount", "refund_delta"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(_ReadOnly):
    list_display = ["platform_order_id", "store", "created_at", "paid_at", "amount_paid", "refunded_amount", "status"]
    list_filter = ["status", "store__platform", "store__client"]
    search_fields = ["platform_order_id", "buyer_pseudonym"]
    list_select_related = ["store", "store__client"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderEventInline]
    show_full_result_count = False


@admin.register(Attribution)
class AttributionAdmin(_ReadOnly):
    list_display = ["order", "kind", "conversation", "agent", "window_days"]
    list_filter = ["kind", "order__store__client"]
    search_fields = ["order__platform_order_id"]
    list_select_related = ["order", "agent", "conversation"]
    raw_id_fields = ["order", "conversation"]
    readonly_fields = [f.name for f in Attribution._meta.fields]
    show_full_result_count = False


@admin.register(Evaluation)
class EvaluationAdmin(_ReadOnly):
    list_display = ["platform_evaluation_id", "store", "agent", "score", "evaluated_at"]
    list_filter = ["score", "store__client"]
    search_fields = ["platform_evaluation_id"]
    list_select_related = ["store", "agent"]
    raw_id_fields = ["conversation"]
    readonly_fields = [f.name for f in Evaluation._meta.fields]


class OrderImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Export file"))
    file_format = forms.ChoiceField(label=_("Format"), choices=OrderImportFormat.choices)
    shop = forms.CharField(label=_("Shop id"), required=False, help_text=_("For exports without a shop column."))
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and list the rejected ones, instead of rejecting the whole file."),
    )


@admin.register(OrderImportRun)
class OrderImportRunAdmin(ImportUploadAdmin, _ReadOnly):
    list_display = [
        "file_name", "file_format", "status", "progress_percent", "client", "rows_read", "created_count",
        "updated_count", "unchanged_count", "rejected", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "file_format", "client"]
    search_fields = ["file_name", "file_sha256"]
    list_select_related = ["client", "created_by"]
    readonly_fields = [f.name for f in OrderImportRun._meta.fields]
    upload_form = OrderImportUploadForm
    upload_title = _("Upload an order export")
    upload_note = _(
        "One file per upload. Layouts are described in docs/imports.md; receiver names, phones and addresses "
        'are never read. A file with any bad row imports nothing unless "Skip bad rows" is ticked.'
    )

    def upload_submit(self, request, form) -> OrderImportRun:
        """The run is created and its import queued as a Celery task (order_import_run_create)."""
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            return order_import_run_create(
                file_name=upload.name,
                file_format=form.cleaned_data["file_format"],
                shop=form.cleaned_data["shop"],
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                created_by=request.user,
                upload=upload,
            )
