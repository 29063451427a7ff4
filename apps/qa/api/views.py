"""QA API: scorecards, rules (validated like admin), results with hits, the review queue,
disputes, QA runs, calibration sessions and the period summary."""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ScopedModelViewSetMixin, ScopedReadOnlyViewSet
from apps.core.choices import Role
from apps.core.permissions import HasRole, IsTidelineUser, TidelineModelPermissions
from apps.core.roles import scope_queryset, visible_client_ids
from apps.qa import selectors, services
from apps.qa.api import serializers as s
from apps.qa.api.filters import QAResultFilter, ReviewItemFilter
from apps.qa.models import CalibrationScore, CalibrationSession, Dispute, QAResult, QARun, ReviewItem, Rule, Scorecard


class ScorecardViewSet(ScopedReadOnlyViewSet):
    """Scorecards; QA supervisors copy one into a new active version, or re-score the brand's
    conversations under a version (old results stay; the run shows under /qa/runs/)."""

    serializer_class = s.ScorecardSerializer
    queryset = Scorecard.objects.select_related("client").prefetch_related("items")

    @action(
        detail=True,
        methods=["post"],
        url_path="new-version",
        permission_classes=[IsTidelineUser, HasRole.of(Role.QA_SUPERVISOR)],
    )
    def new_version(self, request, pk=None):
        new = services.scorecard_new_version(scorecard=self.get_object(), actor=request.user)
        return Response(s.ScorecardSerializer(new).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[IsTidelineUser, HasRole.of(Role.QA_SUPERVISOR)])
    def rescore(self, request, pk=None):
        card = self.get_object()
        run = services.qa_rescore_request(scorecard=card, actor=request.user)
        return Response({"scorecard": card.pk, "queued": True, "run": run.pk}, status=status.HTTP_202_ACCEPTED)


class RuleViewSet(ScopedModelViewSetMixin, viewsets.ModelViewSet):
    """Rules are validated on save (broken regex, empty word list, combination cycle → 400 with the reason)."""

    serializer_class = s.RuleSerializer
    queryset = Rule.objects.select_related("scorecard", "item")

    def _save(self, serializer, instance):
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        if (
            instance.scorecard_id
            and not scope_queryset(Scorecard.objects, self.request.user).filter(pk=instance.scorecard_id).exists()
        ):
            raise Http404
        serializer.instance = services.rule_save(rule=instance, actor=self.request.user)

    def perform_create(self, serializer):
        self._save(serializer, Rule())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


class QAResultViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.QAResultSerializer
    queryset = QAResult.objects.prefetch_related("hits__rule")
    filterset_class = QAResultFilter


class ReviewItemViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.ReviewItemSerializer
    queryset = ReviewItem.objects.select_related("hit__rule")
    filterset_class = ReviewItemFilter

    @action(detail=True, methods=["post"], permission_classes=[IsTidelineUser, HasRole.of(Role.QA_SUPERVISOR)])
    def decide(self, request, pk=None):
        item = self.get_object()
        data = s.ReviewDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_decide(items=[item], actor=request.user, **data.validated_data)
        item.refresh_from_db()
        return Response(s.ReviewItemSerializer(item).data)


class DisputeViewSet(ScopedModelViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Team leads (BPO managers) and QA supervisors file; QA supervisors decide."""

    serializer_class = s.DisputeSerializer
    queryset = Dispute.objects.all()

    def get_permissions(self):
        if self.action == "create":
            return [IsTidelineUser(), HasRole.of(Role.BPO_MANAGER, Role.QA_SUPERVISOR)()]
        if self.action == "decide":
            return [IsTidelineUser(), HasRole.of(Role.QA_SUPERVISOR)()]
        return super().get_permissions()

    def create(self, request, *args, **kwargs):
        data = s.DisputeFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = get_object_or_404(
            scope_queryset(QAResult.objects.all(), request.user), pk=data.validated_data["result"]
        )
        dispute = services.dispute_file(result=result, filed_by=request.user, reason=data.validated_data["reason"])
        return Response(s.DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        dispute = self.get_object()
        data = s.DisputeDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = services.dispute_decide(dispute=dispute, actor=request.user, **data.validated_data)
        return Response(s.DisputeSerializer(dispute).data)


class PeriodSummaryView(APIView):
    """GET ?client=&start=&end= → qa_period_summary of that brand (404 for a brand you cannot see)."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]
    queryset = QAResult.objects.none()

    @extend_schema(parameters=[s.PeriodInput], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        data = s.PeriodInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        client_id = data.validated_data["client"]
        allowed = visible_client_ids(request.user)
        if allowed is not None and client_id not in allowed:
            raise Http404
        summary = selectors.qa_period_summary(
            client_id=client_id, start=data.validated_data["start"], end=data.validated_data["end"]
        )
        return Response(asdict(summary))


class QARunViewSet(ScopedReadOnlyViewSet):
    """QA runs, newest first: after each import, the nightly sweep and re-scores, with their figures
    (scored, bot-only, unscorable, already scored, brand without a scorecard, hits)."""

    serializer_class = s.QARunSerializer
    queryset = QARun.objects.all()


class CalibrationSessionViewSet(ScopedReadOnlyViewSet):
    """Calibration sessions with every reviewer's verdict per conversation, agreement and Cohen's κ."""

    serializer_class = s.CalibrationSessionSerializer
    queryset = CalibrationSession.objects.select_related("scorecard").prefetch_related(
        "conversations", Prefetch("scores", queryset=CalibrationScore.objects.select_related("reviewer"))
    )
