from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.clients import selectors as clients_selectors
from apps.core.api import ScopedModelViewSetMixin
from apps.core.permissions import IsTidelineUser
from apps.reports import selectors, services
from apps.reports.api.filters import RenderedDocumentFilter, ReportRunFilter
from apps.reports.api.serializers import (
    RenderedDocumentOutputSerializer,
    ReportCommentarySerializer,
    ReportIssueSerializer,
    ReportRunOutputSerializer,
    ReportRunRequestSerializer,
)
from apps.reports.models import ReportRun


def pdf_response(field_file, filename: str) -> FileResponse:
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404("no PDF has been rendered yet")
    return FileResponse(field_file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename)


class ReportRunViewSet(
    ScopedModelViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Client report runs. A client viewer lists and downloads only its own brand's; staff with the
    add/change permission request renders, edit a draft's commentary and issue it."""

    queryset = ReportRun.objects.all()
    serializer_class = ReportRunOutputSerializer

    filterset_class = ReportRunFilter

    def get_queryset(self):
        return selectors.report_run_list(user=self.request.user)

    @extend_schema(request=ReportRunRequestSerializer, responses={202: ReportRunOutputSerializer})
    def create(self, request, *args, **kwargs):
        data = ReportRunRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = clients_selectors.clients_visible(user=request.user).filter(pk=data.validated_data["client"]).first()
        if client is None:
            raise Http404("no such client")
        run = services.report_run_request(
            client=client,
            kind=data.validated_data["kind"],
            period_start=data.validated_data["period_start"],
            language=data.validated_data["language"],
            actor=request.user,
        )
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        run = self.get_object()
        return pdf_response(run.pdf, run.file_name)

    @extend_schema(request=ReportCommentarySerializer, responses=ReportRunOutputSerializer)
    @action(detail=True, methods=["post"])
    def commentary(self, request, pk=None):
        run = self.get_object()
        data = ReportCommentarySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.report_run_update_commentary(run=run, actor=request.user, **data.validated_data)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)

    @extend_schema(request=None, responses=ReportRunOutputSerializer)
    @action(detail=True, methods=["post"], url_path="review-commentary")
    def review_commentary(self, request, pk=None):
        """Record that the caller reviewed the draft's commentary (not its author); needed before issue."""
        run = self.get_object()
        run = services.report_run_review_commentary(run=run, actor=request.user)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)

    @extend_schema(request=ReportIssueSerializer, responses=ReportRunOutputSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        run = self.get_object()
        data = ReportIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.report_run_issue(run=run, actor=request.user, reason=data.validated_data["reason"])
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)


class CanViewBillingDocuments(BasePermission):
    """Invoice PDFs follow billing's permissions (client viewers may view their invoices)."""

    def has_permission(self, request, view) -> bool:
        return any(request.user.has_perm(p) for p in selectors.DOCUMENT_VIEW_PERMISSION.values())


class RenderedDocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored PDFs of issued invoices and credit notes, cut to the user's brands."""

    permission_classes = [IsTidelineUser, CanViewBillingDocuments]
    filterset_class = RenderedDocumentFilter
    serializer_class = RenderedDocumentOutputSerializer

    def get_queryset(self):
        return selectors.rendered_document_list(user=self.request.user)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        doc = self.get_object()
        return pdf_response(doc.pdf, doc.file_name)
