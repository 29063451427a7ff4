"""Admin of report runs and printed invoices: download, render on demand, edit a draft, issue."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ScopedAdmin
from apps.core.errors import DomainError
from apps.core.roles import visible_client_ids
from apps.reports import selectors, services
from apps.reports.api.views import pdf_response
from apps.reports.choices import ReportState
from apps.reports.models import RenderedDocument, ReportRun


class PdfDownloadMixin:
    pdf_url_name = ""

    def get_urls(self):
        opts = self.model._meta
        own = [
            path(
                "<int:object_id>/pdf/",
                self.admin_site.admin_view(self.download_view),
                name=f"{opts.app_label}_{opts.model_name}_pdf",
            )
        ]
        return own + super().get_urls()

    def download_view(self, request, object_id: int):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, obj):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return pdf_response(obj.pdf, obj.file_name)

    @admin.display(description=_("PDF"))
    def download(self, obj):
        if not obj.pdf:
            return "—"
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_pdf", args=[obj.pk])
        return format_html('<a href="{}">{} ({} p.)</a>', url, _("Download"), obj.page_count)


class ReportRunForm(forms.ModelForm):
    """Checks the period (first day of a month or quarter, already begun) before the service runs."""

    class Meta:
        model = ReportRun
        fields = ["client", "kind", "period_start", "language", "commentary", "actions"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("kind") and data.get("period_start"):
            try:
                services.report_period_check(data["kind"], data["period_start"])
            except DomainError as exc:
                raise forms.ValidationError({exc.field or "period_start": exc.message})
        return data


@admin.register(ReportRun)
class ReportRunAdmin(PdfDownloadMixin, ScopedAdmin):
    form = ReportRunForm
    list_display = [
        "client",
        "kind",
        "period_start",
        "language",
        "state",
        "superseded_link",
        "status",
        "page_count",
        "download",
    ]
    list_filter = ["kind", "state", "status", "language", "client"]
    list_select_related = ["client"]
    search_fields = ["client__name", "client__code", "commentary"]
    date_hierarchy = "period_start"
    actions = ["render_again", "review_commentary", "issue_reports"]
    readonly_fields = [
        "commentary_by",
        "commentary_at",
        "commentary_reviewed_by",
        "commentary_reviewed_at",
        "state",
        "status",
        "progress_done",
        "progress_total",
        "error",
        "download",
        "page_count",
        "sha256",
        "data_sha256",
        "sections",
        "left_out",
        "rendered_at",
        "issued_at",
        "issued_by",
        "emailed_to",
        "superseded_link",
        "superseded_at",
        "superseded_reason",
        "created_by",
        "created_at",
    ]

    @admin.display(description=_("Superseded"))
    def superseded_link(self, obj):
        if obj.superseded_at is None:
            return "—"
        new = obj.superseded_by
        label = _("Superseded by a correction")
        if new is None or not getattr(obj, "replacement_visible", False):
            return label
        url = reverse("admin:reports_reportrun_change", args=[new.pk])
        return format_html('{} → <a href="{}">{}</a>', label, url, new.get_state_display())

    def get_queryset(self, request):
        qs = selectors.client_visible_runs(super().get_queryset(request), request.user)
        # a brand's viewer follows the link to the replacement only once it has been issued to them
        if visible_client_ids(request.user) is None:
            visible = Value(True)
        else:
            visible = ExpressionWrapper(Q(superseded_by__state=ReportState.ISSUED), output_field=BooleanField())
        # the changelist skips list_select_related once the queryset selects anything, so name both here
        return qs.select_related("client", "superseded_by").annotate(replacement_visible=visible)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "kind", "period_start", "language", "commentary", "actions"]
        return [
            "client",
            "kind",
            "period_start",
            "period_end",
            "language",
            "commentary",
            "actions",
            *self.readonly_fields,
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        frozen = ["client", "kind", "period_start", "period_end", "language"]
        if obj.state == ReportState.ISSUED:
            frozen += ["commentary", "actions"]
        return frozen + self.readonly_fields

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.report_run_update_commentary(
                    run=obj, commentary=obj.commentary, actions=obj.actions, actor=request.user
                )
                return
            run = services.report_run_request(
                client=obj.client,
                kind=obj.kind,
                period_start=obj.period_start,
                language=obj.language,
                actor=request.user,
            )
            if obj.commentary or obj.actions:
                services.report_run_update_commentary(
                    run=run, commentary=obj.commentary, actions=obj.actions, actor=request.user
                )
            obj.pk = run.pk
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            raise

    @admin.action(description=_("Render selected drafts again"), permissions=["change"])
    def render_again(self, request, queryset):
        done = 0
        for run in queryset.select_related("client"):
            try:
                services.report_run_request(
                    client=run.client,
                    kind=run.kind,
                    period_start=run.period_start,
                    language=run.language,
                    actor=request.user,
                )
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{run}: {exc}", messages.WARNING)
        self.message_user(request, _("%(n)d report(s) queued for rendering.") % {"n": done})

    @admin.action(description=_("Issue selected reports and e-mail them"), permissions=["change"])
    def issue_reports(self, request, queryset):
        done = 0
        for run in queryset:
            try:
                services.report_run_issue(run=run, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{run}: {exc}", messages.WARNING)
        self.message_user(request, _("%(n)d report(s) issued.") % {"n": done})

    @admin.action(description=_("Mark the commentary of the selected drafts reviewed"), permissions=["change"])
    def review_commentary(self, request, queryset):
        done = 0
        for run in queryset:
            try:
                services.report_run_review_commentary(run=run, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{run}: {exc}", messages.WARNING)
        self.message_user(request, _("%(n)d commentary reviews recorded.") % {"n": done})


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(PdfDownloadMixin, ScopedAdmin):
    list_display = ["number", "kind", "client", "language", "page_count", "rendered_at", "download"]
    list_filter = ["kind", "language", "client"]
    list_select_related = ["client"]
    search_fields = ["number", "client__name"]
    actions = ["render_again"]
    readonly_fields = [
        "kind",
        "object_id",
        "client",
        "number",
        "language",
        "download",
        "sha256",
        "data_sha256",
        "page_count",
        "rendered_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Print selected documents again"), permissions=["change"])
    def render_again(self, request, queryset):
        for doc in queryset:
            services.document_render(kind=doc.kind, object_id=doc.object_id, language=doc.language)
        self.message_user(request, _("%(n)d document(s) printed.") % {"n": queryset.count()})
