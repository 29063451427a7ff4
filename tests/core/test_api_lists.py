"""List endpoints stay light: an invoice list carries no lines (the detail does), in few queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.core.access_world import build_world
from tests.factories import make_client

pytestmark = pytest.mark.django_db


def test_invoice_lines_are_on_the_detail_endpoint_only(api, account_manager, brand_a, brand_b):
    world = build_world(brand_a)
    build_world(brand_b)
    client = api(account_manager)
    client.get("/api/v1/invoices/")  # permissions cached, as on every later request
    with CaptureQueriesContext(connection) as two:
        listed = client.get("/api/v1/invoices/").json()["results"]
    assert len(listed) == 2 and all("lines" not in row and "total" in row for row in listed)
    assert not [q for q in two.captured_queries if "contracts_invoiceline" in q["sql"]]
    build_world(make_client(code="brand-c"))
    with CaptureQueriesContext(connection) as three:
        assert len(client.get("/api/v1/invoices/").json()["results"]) == 3
    assert len(three.captured_queries) == len(two.captured_queries)  # constant, not one per invoice
    detail = client.get(f"/api/v1/invoices/{world['contracts.Invoice']}/").json()
    assert [line["code"] for line in detail["lines"]] == ["base"]
