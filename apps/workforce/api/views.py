"""Workforce API: forecasts, requirements, rosters (with publish) and solve runs (POST starts one)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.clients import selectors as clients_selectors
from apps.core.api import ScopedModelViewSetMixin, ScopedReadOnlyViewSet
from apps.workforce import services
from apps.workforce.api import serializers as s
from apps.workforce.api.filters import IntervalWeekFilter, RosterFilter
from apps.workforce.models import Forecast, ForecastOverride, Roster, SolveRun, StaffingRequirement


class ForecastViewSet(ScopedReadOnlyViewSet):
    """Forecast intervals; filter with ?client=<id>&week=<Monday>."""

    serializer_class = s.ForecastSerializer
    queryset = Forecast.objects.all()
    filterset_class = IntervalWeekFilter

    def get_serializer_class(self):
        return s.ForecastBuildInputSerializer if self.action == "build" else s.ForecastSerializer

    @action(detail=False, methods=["post"])
    def build(self, request):
        """POST {client, week_start}: make (or remake) the week's forecast and staffing requirement.
        Answers the intervals written and the learned uplift per promo phase (× own-year baseline)."""
        data = s.ForecastBuildInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = get_object_or_404(
            clients_selectors.clients_visible(user=request.user), pk=data.validated_data["client"]
        )
        week = data.validated_data["week_start"]
        rows, phases = services.forecast_build_with_phases(client=client, week_start=week, actor=request.user)
        intervals = services.requirement_compute(client=client, week_start=week, actor=request.user)
        return Response(
            {
                "forecast_intervals": len(rows),
                "requirement_intervals": intervals,
                "phases": phases,
            },
            status=status.HTTP_201_CREATED,
        )


class ForecastOverrideViewSet(ScopedModelViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Managers' interval overrides. POST {client, interval_start, volume, reason, channel?} sets one
    (a second POST for the same interval replaces it); the statistical forecast stays as it was."""

    queryset = ForecastOverride.objects.all()

    def get_serializer_class(self):
        return s.ForecastOverrideInputSerializer if self.action == "create" else s.ForecastOverrideSerializer

    def create(self, request, *args, **kwargs):
        data = s.ForecastOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        client = get_object_or_404(clients_selectors.clients_visible(user=request.user), pk=v["client"])
        override = services.forecast_override_set(
            client=client,
            interval_start=v["interval_start"],
            volume=v["volume"],
            reason=v["reason"],
            channel=v["channel"],
            actor=request.user,
        )
        return Response(s.ForecastOverrideSerializer(override).data, status=status.HTTP_201_CREATED)


class RequirementViewSet(ScopedReadOnlyViewSet):
    """Staffing requirement per interval; filter with ?client=<id>&week=<Monday>."""

    serializer_class = s.RequirementSerializer
    queryset = StaffingRequirement.objects.all()
    filterset_class = IntervalWeekFilter


class RosterViewSet(ScopedReadOnlyViewSet):
    """Rosters; the detail holds the shifts. POST …/publish/ publishes a draft."""

    queryset = Roster.objects.all()
    filterset_class = RosterFilter

    def get_serializer_class(self):
        return s.RosterDetailSerializer if self.action == "retrieve" else s.RosterSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("shifts__agent")
        return qs

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        roster = self.get_object()
        if not request.user.has_perm("workforce.change_roster"):
            return Response({"detail": "you may not publish rosters"}, status=status.HTTP_403_FORBIDDEN)
        roster = services.roster_publish(roster=roster, actor=request.user)
        return Response(s.RosterSerializer(roster).data)


class SolveRunViewSet(ScopedModelViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Solve runs. POST {client, week_start, kind: plan|what_if, params, time_limit_seconds} queues one."""

    queryset = SolveRun.objects.all()

    def get_serializer_class(self):
        return s.SolveRunInputSerializer if self.action == "create" else s.SolveRunSerializer

    def create(self, request, *args, **kwargs):
        data = s.SolveRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        client = get_object_or_404(clients_selectors.clients_visible(user=request.user), pk=v["client"])
        run = services.solve_run_create(
            client=client,
            week_start=v["week_start"],
            kind=v["kind"],
            params=v["params"],
            time_limit_seconds=v["time_limit_seconds"],
            actor=request.user,
        )
        return Response(s.SolveRunSerializer(run).data, status=status.HTTP_201_CREATED)
