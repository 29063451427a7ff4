"""Workforce API serializers: outputs and inputs apart."""

from __future__ import annotations

from rest_framework import serializers

from apps.conversations.choices import Channel
from apps.workforce.choices import SolveKind
from apps.workforce.models import Forecast, ForecastOverride, Roster, Shift, SolveRun, StaffingRequirement


class ForecastSerializer(serializers.ModelSerializer):
    class Meta:
        model = Forecast
        fields = ["id", "client", "channel", "interval_start", "volume", "human_volume", "aht_seconds", "promo_uplift"]


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffingRequirement
        fields = [
            "id",
            "client",
            "interval_start",
            "human_volume",
            "agents",
            "scheduled",
            "service_level",
            "asa_seconds",
            "occupancy",
        ]


class ShiftSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.name", read_only=True)
    agent_employee_no = serializers.CharField(source="agent.employee_no", read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "agent",
            "agent_name",
            "agent_employee_no",
            "start",
            "end",
            "meal_start",
            "meal_end",
            "breaks",
            "paid_hours",
            "night_hours",
            "is_surge",
        ]


class RosterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Roster
        fields = ["id", "client", "week_start", "version", "status", "published_at", "created_at", "stats"]


class RosterDetailSerializer(RosterSerializer):
    shifts = ShiftSerializer(many=True, read_only=True)

    class Meta(RosterSerializer.Meta):
        fields = [*RosterSerializer.Meta.fields, "shifts"]


class SolveRunSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = SolveRun
        fields = [
            "id",
            "client",
            "week_start",
            "kind",
            "status",
            "progress_percent",
            "time_limit_seconds",
            "params",
            "roster",
            "solver_status",
            "demand_hours",
            "paid_hours",
            "lp_bound_hours",
            "cpsat_bound_hours",
            "gap",
            "efficiency",
            "short_intervals",
            "surge_needed",
            "scenario",
            "notes",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class SolveRunInputSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    week_start = serializers.DateField()
    kind = serializers.ChoiceField(choices=SolveKind.choices, default=SolveKind.PLAN)
    time_limit_seconds = serializers.IntegerField(min_value=1, max_value=600, default=60)
    params = serializers.DictField(required=False, default=dict)


class ForecastBuildInputSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    week_start = serializers.DateField(help_text="Monday of the week to forecast")


class ForecastOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastOverride
        fields = ["id", "client", "channel", "interval_start", "volume", "reason", "created_by", "created_at"]


class ForecastOverrideInputSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.CHAT)
    interval_start = serializers.DateTimeField()
    volume = serializers.DecimalField(max_digits=10, decimal_places=2)
    reason = serializers.CharField(max_length=255)
