"""List endpoints stay light: an invoice list carries no lines (the detail does), in few queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.core.access_world import build_world

pytestmark = pytest.mark.django_db


def test_invoice_lines_are_on_the_detail_endpoint_only(api, account_manager, brand_a, brand_b):
    world = build_world(brand_a)
    build_world(brand_b)
    client = api(account_manager)
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/v1/invoices/").json()["results"]
    assert len(listed) == 2 and all("lines" not in row and "total" in row for row in listed)
    assert len(queries.captured_queries) <= 4  # roles, count, page — no query per invoice
    detail = client.get(f"/api/v1/invoices/{world['contracts.Invoice']}/").json()
    assert [line["code"] for line in detail["lines"]] == ["base"]
