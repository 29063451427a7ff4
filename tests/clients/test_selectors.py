"""Readers that other apps call instead of reading the clients app's tables (issue #13)."""

from __future__ import annotations

from apps.clients import selectors
from tests import factories


def test_shop_readers(brand_a, brand_b):
    a1 = factories.make_store(client=brand_a, platform="tmall", shop_id="S-1")
    a2 = factories.make_store(client=brand_a, platform="jd", shop_id="S-1")
    b1 = factories.make_store(client=brand_b, platform="douyin", shop_id="S-2")

    assert selectors.stores_by_shop(shop_ids=["S-1", "nope"]) == {
        ("tmall", "S-1"): (a1.pk, brand_a.pk),
        ("jd", "S-1"): (a2.pk, brand_a.pk),
    }
    assert selectors.store_on_platforms(platforms=["jd", "douyin"], shop_id="S-1") == (a2.pk, brand_a.pk, "jd")
    assert selectors.store_on_platforms(platforms=["douyin"], shop_id="S-1") is None
    assert selectors.all_store_keys() == [
        (a1.pk, brand_a.pk, "tmall", "S-1"),
        (a2.pk, brand_a.pk, "jd", "S-1"),
        (b1.pk, brand_b.pk, "douyin", "S-2"),
    ]
    assert selectors.store_ids_of_client(client_id=brand_a.pk) == [a1.pk, a2.pk]
    assert selectors.store_names_of_client(client_id=brand_b.pk) == {b1.pk: b1.name}
    assert selectors.stores_of_clients_with_codes([brand_b.code]) == [b1]


def test_brand_and_site_readers(brand_a, brand_b):
    assert selectors.client_names_by_id() == {brand_a.pk: brand_a.name, brand_b.pk: brand_b.name}
    assert selectors.clients_with_codes([brand_b.code, brand_a.code, "nope"], order_by="code") == [brand_a, brand_b]
    late, early = factories.make_site(code="z"), factories.make_site(code="a")
    late.name, early.name = "乙", "甲"
    late.save(update_fields=["name"])
    early.save(update_fields=["name"])
    assert list(selectors.sites_by_name()) == sorted([late, early], key=lambda s: s.name)
