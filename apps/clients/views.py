"""Server-rendered pages of the clients app: a brand's data exports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.clients import offboarding, selectors
from apps.clients.api.views import archive_filename
from apps.clients.choices import DataRunKind
from apps.core.errors import DomainError
from apps.core.roles import visible_client_ids


class ExportRequestForm(forms.Form):
    client = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Brand"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = selectors.client_list(user=user)


@login_required
def export_list(request):
    """GET: the brand's exports (a viewer: its own; staff: every brand's). POST: request a new one."""
    is_viewer = visible_client_ids(request.user) is not None
    if request.method == "POST":
        form = ExportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                client = selectors.export_client_for(user=request.user, requested=form.cleaned_data.get("client"))
                offboarding.data_export_request(client=client, actor=request.user)
                messages.success(request, _("The export of %(brand)s is being written.") % {"brand": client.name})
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("Choose the brand to export."))
        return redirect("clients:exports")
    runs = selectors.data_run_list(user=request.user).exclude(kind=DataRunKind.RETENTION)[:100]
    form = None if is_viewer else ExportRequestForm(user=request.user)
    return render(request, "clients/exports.html", {"runs": runs, "form": form, "is_viewer": is_viewer})


@login_required
def export_download(request, pk: int):
    run = get_object_or_404(selectors.data_run_list(user=request.user).exclude(kind=DataRunKind.RETENTION), pk=pk)
    try:
        archive = offboarding.data_export_open(run=run, actor=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return FileResponse(archive, content_type="application/zip", as_attachment=True, filename=archive_filename(run))
