"""Admin of contracts and billing for account managers. Actions call the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.clients.choices import Platform
from apps.contracts import selectors, services
from apps.contracts.models import (
    BillingEntity,
    BillingRun,
    Charge,
    Contract,
    ContractVersion,
    CreditNote,
    Fapiao,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
    PeakWindow,
    SlaResult,
    SlaTerm,
    StatementResponse,
    Tier,
    UsageDaily,
    UsageRecord,
)
from apps.contracts.wording import line_description
from apps.core.admin import ScopedAdmin
from apps.core.errors import DomainError


def _report(modeladmin, request, fn, queryset, done_message):
    done = 0
    for obj in queryset:
        try:
            fn(obj)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


@admin.register(BillingEntity)
class BillingEntityAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "code", "uscc", "invoice_series", "credit_series"]
    search_fields = ["legal_name", "uscc", "code"]


class ContractVersionInline(admin.TabularInline):
    model = ContractVersion
    extra = 0
    fields = ["valid_from", "valid_to", "billing_day", "payment_terms_days", "vat_rate", "monthly_minimum"]
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(ScopedAdmin):
    list_display = ["code", "name", "client", "entity", "is_active"]
    list_filter = ["is_active", "entity"]
    list_select_related = ["client", "entity"]
    search_fields = ["code", "name", "client__name"]
    inlines = [ContractVersionInline]


class ChargeInline(admin.StackedInline):
    model = Charge
    extra = 0
    show_change_link = True


class SlaTermInline(admin.TabularInline):
    model = SlaTerm
    extra = 0


@admin.register(ContractVersion)
class ContractVersionAdmin(ScopedAdmin):
    list_display = ["contract", "valid_from", "valid_to", "billing_day", "vat_rate", "monthly_minimum"]
    list_select_related = ["contract"]
    list_filter = ["billing_day"]
    search_fields = ["contract__code", "contract__name"]
    inlines = [ChargeInline, SlaTermInline]


class TierInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        charge = self.instance
        if charge.kind not in ("usage", "commission") or charge.model not in ("graduated", "volume"):
            return
        cards: dict = {}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            window = data.get("peak_window")
            cards.setdefault(window.pk if window else None, []).append(
                {k: data.get(k) for k in ("lower", "upper", "unit_price", "flat_fee")}
            )
        try:
            services.tiers_validate(tiers=cards.get(None, []))
            for key, tiers in cards.items():
                if key is not None:
                    services.tiers_validate(tiers=tiers, field="peak window tiers")
        except DomainError as exc:
            raise ValidationError(str(exc)) from None
        for window in PeakWindow.objects.filter(pk__in=[k for k in cards if k is not None]):
            if window.multiplier is not None or window.unit_price is not None:
                raise ValidationError(
                    _("Window %(name)s has a multiplier or its own unit price: it cannot also have its own tiers.")
                    % {"name": window.name}
                )


class TierInline(admin.TabularInline):
    model = Tier
    formset = TierInlineFormSet
    extra = 0


class PeakWindowInlineFormSet(forms.BaseInlineFormSet):
    """Windows of one charge: on the hour, not overlapping, one price each (services.peak_windows_validate)."""

    def clean(self):
        super().clean()
        windows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("start_date") or not data.get("end_date"):
                continue
            window = {k: data.get(k) for k in ("name", "start_date", "start_hour", "end_date", "end_hour")}
            window["multiplier"] = data.get("multiplier")
            window["unit_price"] = data.get("unit_price")
            own = (
                list(form.instance.tiers.values("lower", "upper", "unit_price", "flat_fee")) if form.instance.pk else []
            )
            window["tiers"] = own
            if not own and window["multiplier"] is None and window["unit_price"] is None:
                continue  # its own tiers are added below once the window is saved
            windows.append(window)
        try:
            services.peak_windows_validate(windows=windows)
        except DomainError as exc:
            raise ValidationError(exc.message) from None


class PeakWindowInline(admin.TabularInline):
    model = PeakWindow
    formset = PeakWindowInlineFormSet
    extra = 0
    fields = ["name", "promo", "start_date", "start_hour", "end_date", "end_hour", "multiplier", "unit_price"]


@admin.register(Charge)
class ChargeAdmin(ScopedAdmin):
    list_display = ["code", "name", "version", "kind", "metric", "model", "unit_price", "rate", "included_quantity"]
    list_select_related = ["version", "version__contract"]
    list_filter = ["kind", "metric", "model"]
    search_fields = ["code", "name", "version__contract__code"]
    inlines = [TierInline, PeakWindowInline]


class PlatformFilter(admin.SimpleListFilter):
    """The platform column holds the code; the filter names the platform in the user's language."""

    title = _("platform")
    parameter_name = "platform"

    def lookups(self, request, model_admin):
        return Platform.choices

    def queryset(self, request, queryset):
        return queryset.filter(platform=self.value()) if self.value() else queryset


@admin.display(description=_("platform"), ordering="platform")
def platform_label(obj) -> str:
    return Platform(obj.platform).label if obj.platform in Platform.values else obj.platform


@admin.register(UsageRecord)
class UsageRecordAdmin(ScopedAdmin):
    list_display = ["contract", "metric", "day", "quantity", "night_quantity", "source", "source_key", platform_label]
    list_select_related = ["contract"]
    list_filter = ["metric", "source", PlatformFilter]
    search_fields = ["contract__code", "source_key"]
    date_hierarchy = "day"
    change_list_template = "admin/contracts/usagerecord/change_list.html"

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="contracts_usagerecord_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        errors = []
        form = UsageUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                rows = services.usage_parse_csv(content=form.cleaned_data["file"].read())
                result = services.usage_record_bulk(
                    rows=rows, source="csv", late=form.cleaned_data["late"], actor=request.user, user=request.user
                )
                self.message_user(
                    request,
                    _("%(inserted)s usage rows added, %(dup)s already known.")
                    % {"inserted": result.inserted, "dup": result.duplicates},
                    messages.SUCCESS,
                )
                return redirect("admin:contracts_usagerecord_changelist")
            except DomainError as exc:
                errors = getattr(exc, "errors", None) or [exc.as_dict() | {"reason": exc.message}]
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "errors": errors,
            "title": _("Upload usage CSV"),
        }
        return render(request, "admin/contracts/usage_upload.html", context)


class UsageUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    late = forms.BooleanField(label=_("Late usage for an invoiced month"), required=False)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["position", "kind", "line_words", "quantity", "unit_price", "amount_unrounded", "amount", "vat_rate"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("description"))
    def line_words(self, obj):
        """The line's words as the statement prints them (the stored description is technical)."""
        return line_description(obj)


class SlaResultInline(admin.TabularInline):
    model = SlaResult
    extra = 0
    can_delete = False
    fields = ["kpi", "measured", "target", "comparison", "met", "credit_amount", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class CreditNoteInline(admin.TabularInline):
    model = CreditNote
    extra = 0
    can_delete = False
    fields = ["number", "total", "reason", "issued_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CreditForm(ReasonForm):
    total = forms.DecimalField(label=_("Amount incl. VAT"), max_digits=14, decimal_places=2, min_value=0)


class ApproveForm(forms.Form):
    confirm_problems = forms.BooleanField(label=_("I checked it: approve despite the problems"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EditForm(ReasonForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    adjustment_description = forms.CharField(label=_("Adjustment"), required=False)
    adjustment_amount = forms.DecimalField(
        label=_("Adjustment amount"), max_digits=14, decimal_places=2, required=False
    )


@admin.register(Invoice)
class InvoiceAdmin(ScopedAdmin):
    list_display = ["__str__", "contract", "kind", "status", "period_start", "subtotal", "vat_amount", "total"]
    list_filter = ["status", "kind", "period_start", "entity"]
    list_select_related = ["contract", "contract__client"]
    search_fields = ["number", "contract__code", "contract__client__name"]
    inlines = [InvoiceLineInline, SlaResultInline, CreditNoteInline]
    actions = ["approve_selected", "issue_selected", "mark_paid_selected"]
    readonly_fields = [f.name if f.name != "problems" else "problems_display" for f in Invoice._meta.fields]

    def get_queryset(self, request):
        return selectors.client_visible(super().get_queryset(request), request.user)

    @admin.display(description=_("problems"))
    def problems_display(self, obj):
        return "；".join(p["message"] for p in services.problem_labels(obj.problems)) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_client_viewer(request)

    @admin.action(description=_("Approve the selected drafts"), permissions=["change"])
    def approve_selected(self, request, queryset):
        flagged = [inv for inv in queryset if inv.problems]
        for inv in flagged:
            url = reverse("admin:contracts_invoice_approve", args=[inv.pk])
            self.message_user(
                request,
                format_html(
                    '{}: {} <a href="{}">{}</a>',
                    inv,
                    _("no usage recorded — check imports; approving needs a confirmation with a reason."),
                    url,
                    _("Approve with a reason"),
                ),
                messages.WARNING,
            )
        _report(
            self,
            request,
            lambda inv: services.invoice_approve(invoice=inv, actor=request.user),
            queryset.exclude(pk__in=[inv.pk for inv in flagged]),
            _("%(n)s invoices approved."),
        )

    @admin.action(description=_("Issue the selected invoices (assigns numbers)"), permissions=["change"])
    def issue_selected(self, request, queryset):
        _report(
            self,
            request,
            lambda inv: services.invoice_issue(invoice=inv, actor=request.user),
            queryset.order_by("contract_id"),
            _("%(n)s invoices issued."),
        )

    @admin.action(description=_("Mark the selected invoices paid"), permissions=["change"])
    def mark_paid_selected(self, request, queryset):
        _report(
            self,
            request,
            lambda inv: services.invoice_mark_paid(invoice=inv, actor=request.user),
            queryset,
            _("%(n)s invoices marked paid."),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/credit/", view(self.credit_view), name="contracts_invoice_credit"),
            path("<int:pk>/edit-draft/", view(self.edit_view), name="contracts_invoice_edit_draft"),
            path("<int:pk>/approve/", view(self.approve_view), name="contracts_invoice_approve"),
            *super().get_urls(),
        ]

    def _form_view(self, request, pk, form_class, title, apply):
        invoice = self.get_queryset(request).filter(pk=pk).first()
        if invoice is None or not self.has_change_permission(request, invoice):
            return redirect("admin:contracts_invoice_changelist")
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                apply(invoice, form.cleaned_data)
                self.message_user(request, _("Done."), messages.SUCCESS)
                return redirect(reverse("admin:contracts_invoice_change", args=[pk]))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "invoice": invoice,
            "problems": services.problem_labels(invoice.problems),
            "title": title,
        }
        return render(request, "admin/contracts/invoice_form.html", context)

    def credit_view(self, request, pk):
        return self._form_view(
            request,
            pk,
            CreditForm,
            _("Credit note (红字发票)"),
            lambda inv, d: services.credit_note_create(
                invoice=inv, total=d["total"], reason=d["reason"], actor=request.user
            ),
        )

    def approve_view(self, request, pk):
        return self._form_view(
            request,
            pk,
            ApproveForm,
            _("Approve draft"),
            lambda inv, d: services.invoice_approve(
                invoice=inv, actor=request.user, reason=d["reason"], confirm_problems=d["confirm_problems"]
            ),
        )

    def edit_view(self, request, pk):
        def apply(inv, d):
            adjustment = None
            if d.get("adjustment_amount") is not None:
                adjustment = {"description": d.get("adjustment_description"), "amount": d["adjustment_amount"]}
            services.invoice_edit_draft(
                invoice=inv, actor=request.user, reason=d["reason"], note=d.get("note"), adjustment=adjustment
            )

        return self._form_view(request, pk, EditForm, _("Edit draft"), apply)


@admin.register(CreditNote)
class CreditNoteAdmin(ScopedAdmin):
    list_display = ["number", "invoice", "total", "reason", "issued_at"]
    list_select_related = ["invoice"]
    search_fields = ["number", "invoice__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _RecordedAdmin(ScopedAdmin):
    """Recorded through the statement page or the API (services check the amounts); read here."""

    list_select_related = ["invoice", "invoice__contract__client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fapiao)
class FapiaoAdmin(_RecordedAdmin):
    list_display = ["number", "invoice", "issued_on", "amount", "vat_rate", "tax", "recorded_at"]
    search_fields = ["number", "invoice__number"]
    date_hierarchy = "issued_on"


@admin.register(Payment)
class PaymentAdmin(_RecordedAdmin):
    list_display = ["invoice", "received_on", "amount", "reference", "recorded_at"]
    search_fields = ["invoice__number", "reference"]
    date_hierarchy = "received_on"


@admin.register(StatementResponse)
class StatementResponseAdmin(_RecordedAdmin):
    list_display = ["invoice", "kind", "created_at", "resolved_at"]
    list_filter = ["kind"]
    search_fields = ["invoice__number", "reason", "reply"]


class RunForm(forms.Form):
    period = forms.DateField(label=_("Any day of the month to bill"))


@admin.register(BillingRun)
class BillingRunAdmin(ScopedAdmin):
    list_display = [
        "__str__",
        "status",
        "progress_done",
        "progress_total",
        "invoices_created",
        "invoices_updated",
        "invoices_unchanged",
        "supplementary_created",
        "created_at",
    ]
    list_filter = ["status", "period_start"]
    readonly_fields = [f.name for f in BillingRun._meta.fields]
    change_list_template = "admin/contracts/billingrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="contracts_billingrun_run"),
            *super().get_urls(),
        ]

    def run_view(self, request):
        if not self.has_view_permission(request) or self.is_client_viewer(request):
            return redirect("admin:index")
        form = RunForm(request.POST or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            period = form.cleaned_data["period"]
            if "preview" in request.POST:
                preview = services.billing_preview(period_start=period, user=request.user)
            else:
                run = services.billing_run_create(period_start=period, actor=request.user)
                self.message_user(request, _("Billing run %(id)s started.") % {"id": run.pk}, messages.SUCCESS)
                return redirect("admin:contracts_billingrun_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "preview": preview, "title": _("Run billing")}
        return render(request, "admin/contracts/billing_run.html", context)


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(admin.ModelAdmin):
    list_display = ["entity", "year", "series", "last_number"]
    readonly_fields = ["entity", "year", "series", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Rows written only by services (lines, results, rollups): visible, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyScopedAdmin):
    list_display = ["invoice", "position", "kind", "line_words", "billed_quantity", "price", "amount"]
    list_select_related = ["invoice"]
    list_filter = ["kind"]
    search_fields = ["invoice__number", "description"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.is_client_viewer(request):
            qs = qs.filter(invoice__status__in=["issued", "paid"])
        return qs

    @staticmethod
    def _exact(value) -> str:
        """A quantity or price as billed, trailing zeros dropped: 9000.000000 -> 9,000; 17.772152."""
        whole, _sep, fraction = f"{value.normalize():f}".partition(".")
        return f"{int(whole):,}" + (f".{fraction}" if fraction else "")

    @admin.display(description=_("description"), ordering="description")
    def line_words(self, obj):
        return line_description(obj)

    @admin.display(description=_("quantity"), ordering="quantity")
    def billed_quantity(self, obj):
        return self._exact(obj.quantity)

    @admin.display(description=_("unit price"), ordering="unit_price")
    def price(self, obj):
        return "—" if obj.unit_price is None else self._exact(obj.unit_price)


@admin.register(SlaResult)
class SlaResultAdmin(ReadOnlyScopedAdmin):
    list_display = ["invoice", "kpi", "measured", "target", "comparison", "met", "credit_amount"]
    list_select_related = ["invoice"]
    list_filter = ["kpi", "met"]
    search_fields = ["invoice__number"]


@admin.register(UsageDaily)
class UsageDailyAdmin(ReadOnlyScopedAdmin):
    list_display = ["contract", "metric", "day", "quantity", "night_quantity", "records", platform_label, "channel"]
    list_select_related = ["contract"]
    list_filter = ["metric"]
    search_fields = ["contract__code"]
    date_hierarchy = "day"


@admin.register(Tier)
class TierAdmin(ScopedAdmin):
    list_display = ["charge", "peak_window", "lower", "upper", "unit_price", "flat_fee"]
    list_select_related = ["charge", "peak_window"]
    search_fields = ["charge__code", "charge__version__contract__code"]


@admin.register(PeakWindow)
class PeakWindowAdmin(ScopedAdmin):
    list_display = ["name", "charge", "start_date", "start_hour", "end_date", "end_hour", "multiplier", "unit_price"]
    list_select_related = ["charge"]
    search_fields = ["name", "charge__version__contract__code"]


@admin.register(SlaTerm)
class SlaTermAdmin(ScopedAdmin):
    list_display = ["version", "kpi", "target", "comparison", "weight", "cap", "earn_back"]
    list_select_related = ["version", "version__contract"]
    list_filter = ["kpi"]
    search_fields = ["version__contract__code"]
