"""Declared filters of the reports API (see apps.core.api.filters)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from apps.core.api.filters import BoundedDateFilter, IdFilter, StrictFilterSet
from apps.reports.choices import DocumentKind, ReportKind
from apps.reports.models import RenderedDocument, ReportRun


class ReportRunFilter(StrictFilterSet):
    client = IdFilter(field_name="client_id")
    kind = filters.ChoiceFilter(choices=ReportKind.choices)
    period_start = BoundedDateFilter()

    class Meta:
        model = ReportRun
        fields = ["client", "kind", "period_start"]


class RenderedDocumentFilter(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=DocumentKind.choices)
    object_id = IdFilter()

    class Meta:
        model = RenderedDocument
        fields = ["kind", "object_id"]
