"""Declared filters of the contracts API (see apps.core.api.filters)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from apps.contracts.choices import InvoiceStatus
from apps.contracts.models import Invoice
from apps.core.api.filters import BoundedDateFilter, IdFilter, StrictFilterSet


class InvoiceFilter(StrictFilterSet):
    period = BoundedDateFilter(field_name="period_start", label="first day of the billed period")
    status = filters.ChoiceFilter(choices=InvoiceStatus.choices)
    client = IdFilter(field_name="contract__client_id")

    class Meta:
        model = Invoice
        fields = ["period", "status", "client"]
