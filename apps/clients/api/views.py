from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.clients import offboarding, selectors
from apps.clients.api.filters import ClientFilter, StoreFilter
from apps.clients.api.serializers import (
    ClientSerializer,
    DataExportOutputSerializer,
    DataExportRequestSerializer,
    SiteSerializer,
    StoreSerializer,
)
from apps.clients.choices import DataRunKind
from apps.core.errors import DomainError
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions


class _Scoped(viewsets.ModelViewSet):
    permission_classes = [IsTidelineUser, TidelineModelPermissions]

    def perform_create(self, serializer):
        serializer.instance = serializer.Meta.model(**serializer.validated_data)
        serializer.instance.full_clean()
        serializer.instance.save()

    def perform_update(self, serializer):
        for key, value in serializer.validated_data.items():
            setattr(serializer.instance, key, value)
        serializer.instance.full_clean()
        serializer.instance.save()


class ClientViewSet(_Scoped):
    """Brands. Account managers edit; everyone with a role reads the brands they may see."""

    serializer_class = ClientSerializer
    filterset_class = ClientFilter

    def get_queryset(self):
        return selectors.client_list(user=self.request.user)


class StoreViewSet(_Scoped):
    """Platform shops of the brands."""

    serializer_class = StoreSerializer
    filterset_class = StoreFilter

    def get_queryset(self):
        return selectors.store_list(user=self.request.user)


class SiteViewSet(_Scoped):
    """The vendor's service centres (not visible to client viewers)."""

    serializer_class = SiteSerializer

    def get_queryset(self):
        return selectors.site_list(user=self.request.user)


class DataExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A brand's data exports (ZIP: JSONL/CSV with a manifest). A client viewer requests, lists and
    downloads only its own brand's; account managers any brand's, and see off-boarding archives too.
    Every download is audited."""

    permission_classes = [IsTidelineUser]
    serializer_class = DataExportOutputSerializer

    def get_queryset(self):
        return selectors.data_run_list(user=self.request.user).exclude(kind=DataRunKind.RETENTION)

    @extend_schema(request=DataExportRequestSerializer, responses={201: DataExportOutputSerializer})
    def create(self, request, *args, **kwargs):
        form = DataExportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        client = selectors.export_client_for(user=request.user, requested=form.validated_data.get("client"))
        run = offboarding.data_export_request(client=client, actor=request.user)
        run.refresh_from_db()
        return Response(DataExportOutputSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/zip"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        run = self.get_object()
        try:
            archive = offboarding.data_export_open(run=run, actor=request.user)
        except DomainError as exc:
            raise Http404(exc.message) from exc
        return FileResponse(archive, content_type="application/zip", as_attachment=True, filename=archive_filename(run))


def archive_filename(run) -> str:
    return run.archive.name.rsplit("/", 1)[-1]
