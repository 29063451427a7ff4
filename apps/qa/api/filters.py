"""Declared filters of the QA API (see apps.core.api.filters)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from apps.core.api.filters import IdFilter, StrictFilterSet
from apps.qa.choices import ResultStatus, ReviewStatus, Severity
from apps.qa.models import QAResult, ReviewItem


class QAResultFilter(StrictFilterSet):
    conversation = IdFilter(field_name="conversation_id")
    status = filters.ChoiceFilter(choices=ResultStatus.choices)

    class Meta:
        model = QAResult
        fields = ["conversation", "status"]


class ReviewItemFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    severity = filters.ChoiceFilter(choices=Severity.choices)
    client = IdFilter(field_name="result__scorecard__client_id")
    agent = IdFilter(field_name="result__agent_id")
    rule = filters.CharFilter(field_name="hit__rule__code", label="rule code")

    class Meta:
        model = ReviewItem
        fields = ["status", "severity", "client", "agent", "rule"]
