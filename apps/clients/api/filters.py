"""Declared filters of the clients API (see apps.core.api.filters)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from apps.clients.choices import ClientStatus, Platform
from apps.clients.models import Client, Store
from apps.core.api.filters import IdFilter, StrictFilterSet


class ClientFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=ClientStatus.choices)

    class Meta:
        model = Client
        fields = ["status"]


class StoreFilter(StrictFilterSet):
    client = IdFilter(field_name="client_id")
    platform = filters.ChoiceFilter(choices=Platform.choices)

    class Meta:
        model = Store
        fields = ["client", "platform"]
