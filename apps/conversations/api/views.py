"""Conversations API: read-only conversations (filtered, paginated) and import runs with upload."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.conversations import selectors, services
from apps.conversations.api.filters import ConversationFilter
from apps.conversations.api.serializers import (
    ConversationDetailSerializer,
    ConversationSerializer,
    ImportRunSerializer,
    ImportUploadSerializer,
)
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions


class ConversationViewSet(viewsets.ReadOnlyModelViewSet):
    """Imported conversations (masked) of the clients the user may see; detail adds the messages."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]
    filterset_class = ConversationFilter

    def get_serializer_class(self):
        return ConversationDetailSerializer if self.action == "retrieve" else ConversationSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            return selectors.conversation_detail_queryset(user=user)
        return selectors.conversation_list(user=user)


class ImportRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Import runs with status, progress and errors. POST uploads an export and queues its import."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]
    serializer_class = ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.import_run_list(user=self.request.user)

    @extend_schema(request=ImportUploadSerializer, responses={202: ImportRunSerializer})
    def create(self, request, *args, **kwargs):
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        run = services.import_run_submit(
            upload=upload,
            file_format=data.validated_data["file_format"],
            skip_bad_rows=data.validated_data["skip_bad_rows"],
            actor=request.user,
        )
        return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
