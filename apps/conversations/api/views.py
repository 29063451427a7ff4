"""Conversations API: read-only conversations (filtered, paginated) and import runs with upload."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.conversations import selectors, services
from apps.conversations.api.serializers import (
    ConversationDetailSerializer,
    ConversationSerializer,
    ImportRunSerializer,
    ImportUploadSerializer,
)
from apps.conversations.metrics import period_bounds
from apps.conversations.tasks import import_run_execute_task
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions

_CONVERSATION_FILTERS = [
    OpenApiParameter("client", int, description="client id"),
    OpenApiParameter("store", int, description="store id"),
    OpenApiParameter("platform", str),
    OpenApiParameter("handled_by", str, enum=["bot", "human"]),
    OpenApiParameter("agent", int, description="agent id"),
    OpenApiParameter("started_after", str, description="ISO datetime, or a local date (inclusive)"),
    OpenApiParameter("started_before", str, description="ISO datetime, or a local date (exclusive)"),
]


def _int_param(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: "must be an integer"})


def _instant(params, name: str, *, date_bound: int):
    value = params.get(name)
    if not value:
        return None
    try:
        day = parse_date(value) if len(value) == 10 else None
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        day = moment = None
    if day is not None:
        return period_bounds(day, day)[date_bound]
    if moment is None:
        raise ValidationError({name: "must be an ISO date or datetime"})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@extend_schema_view(list=extend_schema(parameters=_CONVERSATION_FILTERS))
class ConversationViewSet(viewsets.ReadOnlyModelViewSet):
    """Imported conversations (masked) of the clients the user may see; detail adds the messages."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]

    def get_serializer_class(self):
        return ConversationDetailSerializer if self.action == "retrieve" else ConversationSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            return selectors.conversation_detail_queryset(user=user)
        qs = selectors.conversation_list(user=user)
        params = self.request.query_params
        if (client := _int_param(params, "client")) is not None:
            qs = qs.filter(store__client_id=client)
        if (store := _int_param(params, "store")) is not None:
            qs = qs.filter(store_id=store)
        if (agent := _int_param(params, "agent")) is not None:
            qs = qs.filter(agent_id=agent)
        if platform := params.get("platform"):
            qs = qs.filter(store__platform=platform)
        if handled_by := params.get("handled_by"):
            qs = qs.filter(handled_by=handled_by)
        if (after := _instant(params, "started_after", date_bound=0)) is not None:
            qs = qs.filter(started_at__gte=after)
        if (before := _instant(params, "started_before", date_bound=0)) is not None:
            qs = qs.filter(started_at__lt=before)
        return qs


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
        with transaction.atomic():
            run = services.import_run_create(
                file_name=upload.name,
                file_format=data.validated_data["file_format"],
                skip_bad_rows=data.validated_data["skip_bad_rows"],
                created_by=request.user,
                upload=upload,
            )
            transaction.on_commit(lambda: import_run_execute_task.delay(run.pk))
        return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
