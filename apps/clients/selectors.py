from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import QuerySet

from apps.clients.models import BillingContact, Client, ClientMembership, Site, Store
from apps.core.roles import scope_queryset


def client_list(*, user) -> QuerySet[Client]:
    return scope_queryset(Client.objects.prefetch_related("billing_contacts"), user)


def clients_visible(*, user) -> QuerySet[Client]:
    """The brands `user` may see (every brand for staff, its own for a client viewer), unordered
    beyond Client's default ordering and with nothing prefetched: for pickers and lookups by id."""
    return scope_queryset(Client.objects.all(), user)


def clients_by_ids(client_ids: Iterable[int]) -> QuerySet[Client]:
    """These brands, in Client's default ordering."""
    return Client.objects.filter(pk__in=client_ids)


def store_and_client_id(*, platform: str, shop_id: str) -> tuple[int, int] | None:
    """(store id, brand id) of the shop with this platform and shop id, or None if there is none."""
    return Store.objects.filter(platform=platform, shop_id=shop_id).values_list("id", "client_id").first()


def clients_with_codes(codes: Iterable[str], *, order_by: str = "name") -> list[Client]:
    """The brands with these codes, by name or by another field of Client (an unknown code is absent)."""
    return list(Client.objects.filter(code__in=list(codes)).order_by(order_by))


def client_names_by_id() -> dict[int, str]:
    """{brand id: name} of every brand (one query)."""
    return dict(Client.objects.values_list("pk", "name"))


def sites_by_name() -> QuerySet[Site]:
    """Every site, by name (a lazy queryset: pickers and lookups by id)."""
    return Site.objects.order_by("name")


class ShopRef(NamedTuple):
    """A shop's store id and brand id."""

    store_id: int
    client_id: int


def stores_by_shop(*, shop_ids: Iterable[str]) -> dict[tuple[str, str], ShopRef]:
    """{(platform, shop id): (store id, brand id)} of the shops with these shop ids on any platform,
    in one query (importers resolve a batch's shops at once; an unknown shop is absent)."""
    rows = Store.objects.filter(shop_id__in=list(shop_ids)).values_list("platform", "shop_id", "pk", "client_id")
    return {(platform, shop_id): ShopRef(pk, client_id) for platform, shop_id, pk, client_id in rows}


def all_client_ids() -> list[int]:
    """The id of every brand, in Client's default ordering."""
    return list(Client.objects.values_list("pk", flat=True))


def sites_by_code(codes: Iterable[str]) -> dict[str, Site]:
    """{site code: Site} of the sites with these codes (an unknown code is absent)."""
    return {s.code: s for s in Site.objects.filter(code__in=list(codes))}


def billing_contact_emails(*, client_id: int, receives_reports: bool = True) -> list[str]:
    """E-mail addresses of the brand's billing contacts that receive reports."""
    return list(
        BillingContact.objects.filter(client_id=client_id, receives_reports=receives_reports).values_list(
            "email", flat=True
        )
    )


class ClientDirectory:
    """apps.core.roles' view of the brands (see apps.core.roles.ClientDirectory)."""

    def member_client_ids(self, user) -> list[int]:
        return list(ClientMembership.objects.filter(user=user).values_list("client_id", flat=True))

    def client_names(self, client_ids: Iterable[int]) -> list[str]:
        return list(Client.objects.filter(pk__in=client_ids).values_list("name", flat=True))


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


def store_platforms_of_client(*, client_id: int) -> dict[int, str]:
    """{store id: platform} of every shop of the brand (billing derives usage per shop and platform)."""
    return dict(Store.objects.filter(client_id=client_id).values_list("pk", "platform"))


def clients_by_code(*, limit: int) -> list[Client]:
    """The first `limit` brands in order of code (demo steps pick their brands this way)."""
    return list(Client.objects.order_by("code")[:limit])


# --- shops, for importers and the orders app (lowest store id first where a shop id repeats) ---------


def store_on_platforms(*, platforms: Iterable[str], shop_id: str) -> tuple[int, int, str] | None:
    """(store id, brand id, platform) of the lowest-id store with this shop id on one of `platforms`."""
    return (
        Store.objects.filter(platform__in=list(platforms), shop_id=shop_id)
        .order_by("id")
        .values_list("id", "client_id", "platform")
        .first()
    )


def all_store_keys() -> list[tuple[int, int, str, str]]:
    """(store id, brand id, platform, shop id) of every store, by store id (a few thousand rows)."""
    return list(Store.objects.order_by("id").values_list("id", "client_id", "platform", "shop_id"))


def store_clients(*, client_ids: Iterable[int]) -> dict[int, int]:
    """{store id: brand id} of the stores of these brands."""
    return dict(Store.objects.filter(client_id__in=list(client_ids)).values_list("id", "client_id"))


def store_ids_of_client(*, client_id: int) -> list[int]:
    """Ids of the brand's stores, ascending."""
    return list(Store.objects.filter(client_id=client_id).order_by("id").values_list("id", flat=True))


def store_names_of_client(*, client_id: int) -> dict[int, str]:
    """{store id: name} of the brand's stores."""
    return dict(Store.objects.filter(client_id=client_id).values_list("id", "name"))


def stores_of_clients_with_codes(codes: Iterable[str]) -> list[Store]:
    """The stores of the brands with these codes, by store id."""
    return list(Store.objects.filter(client__code__in=list(codes)).order_by("id"))
