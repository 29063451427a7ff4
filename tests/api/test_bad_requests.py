"""API bad input: malformed filters, deletes of referenced objects, nulls and dates out of range
answer 4xx naming the field (or what holds the object), never 500."""

from __future__ import annotations

import pytest

from apps.core.choices import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return factories.make_user(username="api-admin", is_superuser=True)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/conversations/?client=abc", "client"),
        ("/api/v1/conversations/?started_after=2026-13-45", "started_after"),
        ("/api/v1/conversations/?started_after=1800-01-01", "started_after"),
        ("/api/v1/stores/?client=abc", "client"),
        ("/api/v1/stores/?platform=myspace", "platform"),
        ("/api/v1/qa/results/?conversation=x", "conversation"),
        ("/api/v1/qa/review-items/?agent=x", "agent"),
        ("/api/v1/billing-documents/?object_id=", "object_id"),
        ("/api/v1/billing-documents/?object_id=x", "object_id"),
        ("/api/v1/invoices/?period=not-a-date", "period"),
        ("/api/v1/invoices/?period=2101-01-01", "period"),
        ("/api/v1/report-runs/?period_start=0001-01-01", "period_start"),
        ("/api/v1/workforce/rosters/?week=1999-12-27", "week"),
        ("/api/v1/workforce/forecasts/?client=1.5x", "client"),
    ],
)
def test_a_malformed_filter_is_a_400_naming_the_field(api, admin, url, field):
    response = api(admin).get(url)
    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    assert field in response.json()


def test_filters_are_listed_in_the_schema(api, admin):
    schema = api(admin).get("/api/schema/?format=json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/conversations/"]["get"]["parameters"]}
    assert {"client", "store", "agent", "platform", "handled_by", "started_after", "started_before"} <= params
    docs = {p["name"]: p for p in schema["paths"]["/api/v1/billing-documents/"]["get"]["parameters"]}
    assert docs["object_id"]["schema"]["type"] == "integer"


def test_deleting_a_referenced_client_is_a_409_naming_what_holds_it(api, admin, brand_a):
    factories.make_store(client=brand_a)
    response = api(admin).delete(f"/api/v1/clients/{brand_a.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "protected"
    assert body["held_by"] and body["held_by"][0]["count"] == 1


def test_deleting_a_referenced_store_is_a_409(api, admin, brand_a, settings, tmp_path):
    from apps.conversations.services import import_file
    from tests.conversations.conftest import SAMPLES

    store = factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall-01")
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    response = api(admin).delete(f"/api/v1/stores/{store.pk}/")
    assert response.status_code == 409, response.content


def test_a_store_with_no_references_can_still_be_deleted(api, admin, brand_a):
    store = factories.make_store(client=brand_a)
    assert api(admin).delete(f"/api/v1/stores/{store.pk}/").status_code == 204


def test_patch_rule_platforms_null_is_a_400(api, admin, brand_a):
    from apps.qa import services as qa_services

    rule = qa_services.scorecard_install_default(client=brand_a).rules.first()
    response = api(admin).patch(f"/api/v1/qa/rules/{rule.pk}/", {"platforms": None}, format="json")
    assert response.status_code == 400
    assert "platforms" in response.json()
    response = api(admin).patch(f"/api/v1/qa/rules/{rule.pk}/", {"platforms": ["myspace"]}, format="json")
    assert response.status_code == 400


def test_dates_outside_2000_to_2100_are_refused_in_request_bodies(api, admin):
    body = {
        "kind": "double11", "year": 2026, "name": "双11", "presale_start": "1899-10-20",
        "peak_start": "2026-11-11", "peak_end": "2026-11-11", "end_date": "2026-11-12", "expected_uplift": "5.0",
    }  # fmt: skip
    response = api(admin).post("/api/v1/promo-events/", body, format="json")
    assert response.status_code == 400
    assert "presale_start" in response.json()


def test_the_usage_and_qa_summary_endpoints_have_request_schemas(api, admin):
    schema = api(admin).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    bulk = next(p for url, p in paths.items() if url.endswith("/usage/bulk/"))
    upload = next(p for url, p in paths.items() if url.endswith("/usage/upload/"))
    summary = next(p for url, p in paths.items() if url.endswith("/qa/summary/"))
    assert "requestBody" in bulk["post"] and "requestBody" in upload["post"]
    assert {p["name"] for p in summary["get"]["parameters"]} >= {"client", "start", "end"}


def test_a_viewer_gets_the_same_400_not_a_500(api, brand_a):
    viewer = factories.make_user(role=Role.CLIENT_VIEWER, client=brand_a, username="v-bad")
    response = api(viewer).get("/api/v1/billing-documents/?object_id=x")
    assert response.status_code in (400, 403)
