"""Pages: the report runs of each brand with downloads, requesting a report, editing a draft."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from apps.clients import selectors as clients_selectors
from apps.core.errors import DomainError
from apps.reports import selectors, services
from apps.reports.api.views import pdf_response
from apps.reports.choices import ReportKind, ReportLanguage


class RequestForm(forms.Form):
    client = forms.ModelChoiceField(queryset=clients_selectors.clients_by_ids(()), label=_("Brand"))
    kind = forms.ChoiceField(choices=ReportKind.choices, label=_("Kind"))
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(choices=ReportLanguage.choices, label=_("Language"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_selectors.clients_visible(user=user)


class CommentaryForm(forms.Form):
    commentary = forms.CharField(
        label=_("Commentary"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 8, "cols": 90})
    )
    actions = forms.CharField(
        label=_("Actions (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 5, "cols": 90})
    )


def _need_view(user) -> None:
    if not user.has_perm("reports.view_reportrun"):
        raise PermissionDenied


@login_required
def run_list(request):
    _need_view(request.user)
    runs = selectors.report_run_list(user=request.user).order_by("client__name", "-period_start", "kind", "language")
    brands = [(client, list(items)) for client, items in groupby(runs, key=lambda r: r.client)]
    # a superseded run links to its replacement only when the user may see it (a brand sees it once issued)
    visible = {run.pk for _client, items in brands for run in items}
    replacing = {run.superseded_by_id for _client, items in brands for run in items if run.superseded_by_id}
    can_request = request.user.has_perm("reports.add_reportrun")
    form = RequestForm(user=request.user) if can_request else None
    context = {"brands": brands, "form": form, "can_edit": can_request, "visible": visible}
    context["replacing"] = replacing
    return render(request, "reports/run_list.html", context)


@login_required
@require_POST
def run_request(request):
    if not request.user.has_perm("reports.add_reportrun"):
        raise PermissionDenied
    form = RequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.report_run_request(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The report is being rendered."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _form_errors(form))
    return redirect("reports:run-list")


def _form_errors(form) -> str:
    """The form's errors, each after its field's label (never the field's code name)."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        label = form.fields[name].label if name in form.fields else None
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


@login_required
def run_pdf(request, pk: int):
    _need_view(request.user)
    run = get_object_or_404(selectors.report_run_list(user=request.user), pk=pk)
    return pdf_response(run.pdf, run.file_name)


@login_required
def run_edit(request, pk: int):
    if not request.user.has_perm("reports.change_reportrun"):
        raise PermissionDenied
    run = get_object_or_404(selectors.report_run_list(user=request.user), pk=pk)
    if request.method == "POST":
        form = CommentaryForm(request.POST)
        if form.is_valid():
            try:
                services.report_run_update_commentary(run=run, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Commentary saved; the draft is being rendered again."))
                return redirect("reports:run-list")
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        form = CommentaryForm(initial={"commentary": run.commentary, "actions": run.actions})
    return render(request, "reports/run_edit.html", {"run": run, "form": form})


@login_required
@require_POST
def run_review(request, pk: int):
    if not request.user.has_perm("reports.change_reportrun"):
        raise PermissionDenied
    run = get_object_or_404(selectors.report_run_list(user=request.user), pk=pk)
    try:
        services.report_run_review_commentary(run=run, actor=request.user)
        messages.success(request, _("Commentary marked as reviewed; the draft is being rendered again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:run-list")


@login_required
@require_POST
def run_issue(request, pk: int):
    if not request.user.has_perm("reports.change_reportrun"):
        raise PermissionDenied
    run = get_object_or_404(selectors.report_run_list(user=request.user), pk=pk)
    try:
        services.report_run_issue(run=run, actor=request.user)
        messages.success(request, _("Report issued and e-mailed to the brand's report contacts."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:run-list")
