"""Orders API: orders (scoped, read-only), order import runs with upload, and a brand's sales summary."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import DomainError
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions
from apps.orders import selectors, services
from apps.orders.api.serializers import (
    OrderImportRunSerializer,
    OrderImportUploadSerializer,
    OrderSerializer,
    SalesSummarySerializer,
)


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Imported orders of the brands the user may see, with their attribution."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]
    serializer_class = OrderSerializer

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)


class OrderImportRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Order import runs with status, progress and errors. POST uploads an export and queues its import."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]
    serializer_class = OrderImportRunSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.order_import_run_list(user=self.request.user)

    @extend_schema(request=OrderImportUploadSerializer, responses={202: OrderImportRunSerializer})
    def create(self, request, *args, **kwargs):
        data = OrderImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            with transaction.atomic():
                run = services.order_import_run_create(
                    file_name=upload.name,
                    file_format=data.validated_data["file_format"],
                    shop=data.validated_data["shop"],
                    skip_bad_rows=data.validated_data["skip_bad_rows"],
                    created_by=request.user,
                    upload=upload,
                )
        except DomainError as exc:
            return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
        return Response(OrderImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


def _kpi(k) -> dict:
    return {
        "consulting": k.consulting,
        "ordering": k.ordering,
        "paying": k.paying,
        "conversion": k.conversion,
        "average_order_value": k.average_order_value,
        "attributed_gmv": k.attributed_gmv,
        "bot_gmv": k.bot_gmv,
        "silent_gmv": k.silent_gmv,
        "silent_share": k.silent_share,
    }


class SalesSummaryView(APIView):
    """A brand's funnel, daily KPIs and per-agent conversion (with the QA average) over [start, end)."""

    permission_classes = [IsTidelineUser]

    @extend_schema(
        parameters=[OpenApiParameter("start", type=str), OpenApiParameter("end", type=str)],
        responses=SalesSummarySerializer,
    )
    def get(self, request, pk: int):
        from apps.clients.selectors import clients_visible

        client = clients_visible(user=request.user).filter(pk=pk).first()
        if client is None:
            raise Http404
        try:
            end = date.fromisoformat(request.query_params.get("end", ""))
            start = date.fromisoformat(request.query_params.get("start", ""))
        except ValueError:  # the last 30 local days up to yesterday
            end = timezone.localdate()
            start = end - timedelta(days=30)
        if end <= start:
            raise DomainError(_("the end must be after the start"), field="end")
        report = selectors.sales_report(client_id=client.pk, start=start, end=end, user=request.user)
        total, satisfied = report.csat["brand"]
        data = {
            "brand": client.name,
            "start": start,
            "end": end,
            "window_days": report.window_days,
            "funnel": _kpi(report.brand),
            "days": [{"date": d, **_kpi(k)} for d, k in sorted(report.by_day.items()) if d is not None],
            "agents": [
                {"agent": report.agent_names.get(a, ""), "qa_average": report.agent_qa.get(a), **_kpi(k)}
                for a, k in report.by_agent.items()
                if a is not None
            ],
            "evaluations": total,
            "satisfaction_rate": (Decimal(satisfied) / Decimal(total)) if total else None,
        }
        return Response(SalesSummarySerializer(data).data)
