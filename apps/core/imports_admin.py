"""The admin's upload of an import run, shared by the apps whose imports are runs of an uploaded file
(a TrackedRun with `file`, created PENDING and executed by a Celery task): the change list's upload
link, the upload page (one form, errors on their fields) and the redirect to the queued run.

An app's run admin mixes `ImportUploadAdmin` in before its ModelAdmin base and sets `upload_form`,
`upload_title`, `upload_note`, and `upload_submit(request, form) -> run` (its create-and-queue
service; a DomainError is shown on the form field it names). Upload rights: the `add` permission of
the run model."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError


class ImportUploadAdmin:
    upload_form = None
    upload_title = _("Upload export")
    upload_note = ""
    change_list_template = "admin/core/import_run_change_list.html"
    upload_template = "admin/core/import_run_upload.html"

    def upload_submit(self, request, form):
        raise NotImplementedError

    def _upload_url_name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_upload"

    def can_upload(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def get_urls(self):
        view = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", view, name=self._upload_url_name()), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_upload": self.can_upload(request),
            "upload_url": reverse(f"admin:{self._upload_url_name()}"),
            "upload_title": self.upload_title,
        }
        return super().changelist_view(request, extra_context=extra_context)

    def upload_view(self, request):
        """Upload one file: the run is created and its import queued; then the run's page."""
        if not self.can_upload(request):
            raise PermissionDenied
        form = self.upload_form(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = self.upload_submit(request, form)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Import of %(name)s queued.") % {"name": run.file_name})
                opts = self.model._meta
                return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": self.upload_title,
            "upload_note": self.upload_note,
        }
        return TemplateResponse(request, self.upload_template, context)
