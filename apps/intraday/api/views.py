"""The intraday API: push feed of chats and agent states, the room as data, tick, levers, alerts."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.clients import selectors as clients_selectors
from apps.core.roles import scope_queryset
from apps.intraday import presenting, selectors, services
from apps.intraday.api import serializers as s
from apps.intraday.models import Alert


def _when(v) -> tuple[date, datetime]:
    at = v.get("at") or timezone.now()
    day = v.get("date") or timezone.localdate(at)
    return day, at


class MessagePushViewSet(viewsets.ViewSet):
    """POST a batch of chat messages (canonical layout) as they happen; idempotent by message id.
    The token may write only the brands granted to it (PushGrant); QA runs on the import."""

    @extend_schema(request=s.PushBatchSerializer, responses=s.PushResultSerializer)
    def create(self, request):
        data = s.PushBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.messages_push(user=request.user, messages=data.validated_data["messages"])
        return Response(s.PushResultSerializer(result).data, status=status.HTTP_201_CREATED)


class AgentStateViewSet(viewsets.ViewSet):
    """Agent state events (agent, state, time): a JSON batch or a CSV upload; idempotent."""

    @extend_schema(request=s.StateBatchSerializer, responses=s.StateResultSerializer)
    def create(self, request):
        data = s.StateBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.state_events_record(rows=data.validated_data["events"], actor=request.user)
        return Response(s.StateResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.StateUploadSerializer, responses=s.StateResultSerializer)
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def upload(self, request):
        data = s.StateUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.state_events_csv(data=data.validated_data["file"].read(), actor=request.user)
        return Response(s.StateResultSerializer(result).data, status=status.HTTP_201_CREATED)


def room_payload(r) -> dict:
    return {
        "client": r.client_id,
        "brand": r.name,
        "now_interval": r.now,
        "ratio": round(r.ratio, 4),
        "rest_deviation": round(r.rest_deviation, 4),
        "bot_rate": round(r.bot_rate, 4),
        "aht_s": round(r.aht_s, 1),
        "team_adherence": round(r.team.adherence, 4),
        "intervals": [
            {
                "index": x.index,
                "forecast": round(x.forecast, 2),
                "actual": x.actual,
                "reforecast": round(x.reforecast, 2),
                "change": round(x.change, 2),
                "plan_required": x.plan_required,
                "required": x.required,
                "scheduled": x.scheduled,
                "logged_in": x.logged_in,
                "on_floor": x.on_floor,
                "service_level": None if x.sl is None else round(x.sl, 4),
                "asa_s": None if x.asa_s is None else round(x.asa_s, 1),
                "abandonment": None if x.abandon is None else round(x.abandon, 4),
            }
            for x in r.rows
        ],
        "spikes": [
            {
                "interval": sp.index,
                "observed": sp.observed,
                "expected": round(sp.expected, 2),
                "topic": sp.topic,
                "keyword": sp.keyword,
                "excerpts": sp.excerpts,
            }
            for sp in r.spikes
        ],  # fmt: skip
    }


class RoomViewSet(viewsets.ViewSet):
    """GET ?client=&date=&at=: one brand's room as data (per interval of the day)."""

    @extend_schema(parameters=[s.RoomQuerySerializer], responses=dict)
    def list(self, request):
        q = s.RoomQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        client = get_object_or_404(clients_selectors.clients_visible(user=request.user), pk=q.validated_data["client"])
        day, at = _when(q.validated_data)
        rooms = selectors.brand_rooms(client_ids=[client.pk], day=day, as_of=at)
        return Response(room_payload(rooms[client.pk]))


class TickViewSet(viewsets.ViewSet):
    """POST {clients?, date?, at?}: recompute the room, keep the reforecast, raise new alerts."""

    @extend_schema(request=s.TickInputSerializer, responses=s.AlertSerializer(many=True))
    def create(self, request):
        data = s.TickInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        day, at = _when(data.validated_data)
        clients = clients_selectors.clients_visible(user=request.user)
        if data.validated_data.get("clients"):
            clients = clients.filter(pk__in=data.validated_data["clients"])
        result = services.tick(client_ids=list(clients.values_list("pk", flat=True)), day=day, as_of=at)
        return Response(s.AlertSerializer(result.new_alerts, many=True).data, status=status.HTTP_201_CREATED)


class LeverViewSet(viewsets.ViewSet):
    """GET ?client=&date=&at=: the levers that apply now with their SL effect; POST apply/ applies one
    (today's published roster becomes a new version)."""

    @extend_schema(parameters=[s.RoomQuerySerializer], responses=dict)
    def list(self, request):
        q = s.RoomQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        client = get_object_or_404(clients_selectors.clients_visible(user=request.user), pk=q.validated_data["client"])
        day, at = _when(q.validated_data)
        _room, found = services.lever_proposals(client_id=client.pk, day=day, as_of=at)
        return Response(
            [
                {
                    "kind": lv.kind,
                    "label": str(presenting.LEVER_LABELS[lv.kind]),
                    "agents": lv.agents,
                    "lender": lv.lender_client_id,
                    "sl_before": round(lv.sl_before, 4),
                    "sl_after": round(lv.sl_after, 4),
                    "gap_closed": lv.gap_closed,
                }
                for lv in found
            ]  # fmt: skip
        )

    @extend_schema(request=s.LeverApplySerializer, responses=dict)
    @action(detail=False, methods=["post"])
    def apply(self, request):
        data = s.LeverApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        client = get_object_or_404(clients_selectors.clients_visible(user=request.user), pk=v["client"])
        day, at = _when(v)
        applied = services.lever_apply(
            client=client, day=day, as_of=at, kind=v["kind"], lender_id=v.get("lender"), actor=request.user
        )
        return Response(
            {"id": applied.pk, "roster_version": applied.roster.version, "sl_before": applied.sl_before,
             "sl_after": applied.sl_after},
            status=status.HTTP_201_CREATED,
        )  # fmt: skip


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts of the room, newest first, scoped to the brands the user may see."""

    queryset = Alert.objects.select_related("client")
    serializer_class = s.AlertSerializer

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)
