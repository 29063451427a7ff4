from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import QuerySet

from apps.clients.models import Client, Site, Store
from apps.core.roles import scope_queryset


def client_list(*, user) -> QuerySet[Client]:
    return scope_queryset(Client.objects.prefetch_related("billing_contacts"), user)


def store_list(*, user) -> QuerySet[Store]:
    return scope_queryset(Store.objects.select_related("client"), user)


def site_list(*, user) -> QuerySet[Site]:
    return scope_queryset(Site.objects.all(), user)


def data_run_list(*, user) -> QuerySet:
    """Data runs the user may see: staff every brand's; a brand's viewer only its own exports."""
    from apps.clients.choices import DataRunKind
    from apps.clients.models import DataRun
    from apps.core.roles import visible_client_ids

    qs = scope_queryset(DataRun.objects.select_related("client", "created_by"), user)
    if visible_client_ids(user) is not None:
        qs = qs.filter(kind=DataRunKind.EXPORT)
    return qs


def export_client_for(*, user, requested: Client | None) -> Client:
    """The brand a data export is for: a client viewer's own (another brand is refused), or the
    one staff asked for."""
    from django.utils.translation import gettext as _

    from apps.core.errors import DomainError
    from apps.core.roles import visible_client_ids

    visible = visible_client_ids(user)
    if visible is not None:
        if requested is not None and requested.pk not in visible:
            raise DomainError(_("You may export only your own brand's data."), field="client")
        requested = requested or Client.objects.filter(pk__in=visible).order_by("pk").first()
    if requested is None:
        raise DomainError(_("Choose the brand to export."), field="client")
    return requested


class StoreBrandPlatform(NamedTuple):
    """A store's brand and platform (what QA needs to pick a scorecard and platform rules)."""

    client_id: int
    platform: str


def store_brand_platforms(*, store_ids: Iterable[int]) -> dict[int, StoreBrandPlatform]:
    """{store id: (client id, platform)} for these stores (an unknown id is absent)."""
    rows = Store.objects.filter(pk__in=set(store_ids)).values_list("pk", "client_id", "platform")
    return {pk: StoreBrandPlatform(client_id, platform) for pk, client_id, platform in rows}
