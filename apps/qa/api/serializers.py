"""QA API serializers: output and input kept apart."""

from __future__ import annotations

from rest_framework import serializers

from apps.clients.choices import Platform
from apps.qa.choices import DisputeStatus, ReviewStatus
from apps.qa.models import (
    CalibrationScore,
    CalibrationSession,
    Dispute,
    QAHit,
    QAResult,
    QARun,
    ReviewItem,
    Rule,
    Scorecard,
    ScorecardItem,
)


class ScorecardItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScorecardItem
        fields = ["id", "code", "name", "weight", "critical", "bonus", "not_applicable", "position"]


class ScorecardSerializer(serializers.ModelSerializer):
    items = ScorecardItemSerializer(many=True, read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "client",
            "code",
            "name",
            "version",
            "is_active",
            "pass_mark",
            "review_sample_share",
            "dispute_days",
            "items",
            "created_at",
        ]


class RuleSerializer(serializers.ModelSerializer):
    # A list of platform codes (empty: every platform); null or anything else is a 400 naming the field.
    platforms = serializers.ListField(child=serializers.ChoiceField(choices=Platform.choices), required=False)

    class Meta:
        model = Rule
        fields = [
            "id",
            "scorecard",
            "item",
            "code",
            "name",
            "rule_type",
            "params",
            "severity",
            "score_change",
            "role",
            "platforms",
            "bot_applicable",
            "enabled",
        ]


class QAHitSerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = QAHit
        fields = ["id", "rule_code", "rule_name", "severity", "message_index", "span_start", "span_end", "excerpt"]


class QAResultSerializer(serializers.ModelSerializer):
    hits = QAHitSerializer(many=True, read_only=True)

    class Meta:
        model = QAResult
        fields = [
            "id",
            "conversation",
            "scorecard",
            "started_at",
            "agent",
            "status",
            "reason",
            "auto_score",
            "score",
            "passed",
            "critical",
            "hit_count",
            "scored_at",
            "hits",
        ]


class ReviewItemSerializer(serializers.ModelSerializer):
    hit = QAHitSerializer(read_only=True)

    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "result",
            "hit",
            "reason",
            "severity",
            "status",
            "assigned_to",
            "comment",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        ]


class ReviewDecisionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DisputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = [
            "id",
            "result",
            "filed_by",
            "filed_at",
            "deadline",
            "reason",
            "status",
            "score_before",
            "score_after",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]


class DisputeFileInput(serializers.Serializer):
    result = serializers.IntegerField()
    reason = serializers.CharField()


class DisputeDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[DisputeStatus.ACCEPTED, DisputeStatus.PARTLY_ACCEPTED, DisputeStatus.REJECTED]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    score_after = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    voided_rules = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class PeriodInput(serializers.Serializer):
    client = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs):
        if attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"end": "end must be after start"})
        return attrs


class QARunSerializer(serializers.ModelSerializer):
    """A QA run (after an import, the nightly sweep, a re-score) with its progress and figures."""

    class Meta:
        model = QARun
        fields = [
            "id",
            "kind",
            "client",
            "import_run",
            "status",
            "progress_done",
            "progress_total",
            "scored",
            "not_applicable",
            "unscorable",
            "skipped",
            "no_scorecard",
            "hits",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]


class CalibrationScoreSerializer(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CalibrationScore
        fields = ["conversation", "reviewer", "passed", "score", "comment"]


class CalibrationSessionSerializer(serializers.ModelSerializer):
    """A calibration session: the conversations, every reviewer's verdict, agreement and Cohen's κ."""

    scores = CalibrationScoreSerializer(many=True, read_only=True)

    class Meta:
        model = CalibrationSession
        fields = ["id", "scorecard", "name", "status", "agreement", "kappa", "created_at", "conversations", "scores"]
