from __future__ import annotations

from django.db.models import QuerySet

from apps.clients.models import Client, Site, Store
from apps.core.roles import scope_queryset


def client_list(*, user) -> QuerySet[Client]:
    return scope_queryset(Client.objects.prefetch_related("billing_contacts"), user)


def store_list(*, user) -> QuerySet[Store]:
    return scope_queryset(Store.objects.select_related("client"), user)


def site_list(*, user) -> QuerySet[Site]:
    return scope_queryset(Site.objects.all(), user)
