"""API, admin and page of billing: roles, scoping, validation messages, exports."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.contracts import services
from apps.contracts.models import Invoice, UsageRecord
from tests.contracts.factories import add_charge, add_usage, make_contract

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


@pytest.fixture
def contracts(brand_a, brand_b):
    a = make_contract(client=brand_a)
    b = make_contract(client=brand_b, entity=a.entity)
    add_charge(a, code="msg", name="消息", metric="messages", unit_price=Decimal("0.05"))
    return a, b


def row(contract, **extra):
    return {
        "contract": contract.code,
        "metric": "messages",
        "source_key": "r1",
        "quantity": "10",
        "occurred_at": "2026-11-03T10:00:00+08:00",
        **extra,
    }


def test_bulk_usage_is_idempotent(api, account_manager, contracts):
    client = api(account_manager)
    body = {"rows": [row(contracts[0]), row(contracts[0], source_key="r2")]}
    first = client.post("/api/v1/usage/bulk/", body, format="json")
    again = client.post("/api/v1/usage/bulk/", body, format="json")
    assert first.status_code == 200 and first.json()["inserted"] == 2
    assert again.json() == {"received": 2, "inserted": 0, "duplicates": 2, "late_periods": []}
    assert UsageRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"quantity": "-1"}, "quantity", "negative"),
        ({"quantity": "1.5"}, "quantity", "whole number"),
        ({"metric": "minutes"}, "metric", "unknown metric"),
        ({"occurred_at": "yesterday"}, "occurred_at", "ISO 8601"),
    ],
)
def test_bad_usage_rows_are_rejected_naming_row_and_field(api, account_manager, contracts, bad, field, words):
    response = api(account_manager).post(
        "/api/v1/usage/bulk/", {"rows": [row(contracts[0]), row(contracts[0], source_key="x", **bad)]}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["row"] == 2 and body["field"] == field and words in body["detail"]
    assert UsageRecord.objects.count() == 0


def test_csv_upload_reports_row_errors(api, account_manager, contracts):
    csv_text = (
        "contract,metric,source_key,quantity,occurred_at\n"
        f"{contracts[0].code},messages,a,3,2026-11-03T10:00:00+08:00\n"
        f"{contracts[0].code},messages,b,-3,2026-11-03T10:00:00+08:00\n"
    )
    upload = io.BytesIO(csv_text.encode())
    upload.name = "usage.csv"
    response = api(account_manager).post("/api/v1/usage/upload/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "field": "quantity", "reason": "quantity must not be negative (-3)"}
    ]


def test_agent_hours_may_be_fractional(api, account_manager, contracts):
    response = api(account_manager).post(
        "/api/v1/usage/bulk/", {"rows": [row(contracts[0], metric="agent_hours", quantity="7.25")]}, format="json"
    )
    assert response.status_code == 200


def test_preview_writes_nothing(api, account_manager, contracts):
    add_usage(contracts[0], metric="messages", day=date(2026, 11, 4), quantity=1000, key="u")
    response = api(account_manager).post("/api/v1/billing-runs/preview/", {"period": "2026-11-15"}, format="json")
    assert response.status_code == 200
    totals = {r["contract_code"]: r["total"] for r in response.json()}
    assert totals[contracts[0].code] == "10653.00"
    assert Invoice.objects.count() == 0


def test_run_and_lifecycle_through_the_api(api, account_manager, contracts, django_capture_on_commit_callbacks):
    client = api(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/billing-runs/run/", {"period": "2026-11-01"}, format="json")
    assert response.status_code == 201
    run = client.get(f"/api/v1/billing-runs/{response.json()['id']}/").json()
    assert run["status"] == "succeeded" and run["invoices_created"] == 2 and run["progress_done"] == 2
    invoice = Invoice.objects.get(contract=contracts[0])
    url = f"/api/v1/invoices/{invoice.pk}/"
    assert client.post(url + "issue/", {}, format="json").status_code == 400
    refused = client.post(url + "approve/", {}, format="json")  # no usage recorded: needs a confirmation
    assert refused.status_code == 400 and refused.json()["field"] == "confirm_problems"
    body = {"confirm_problems": True, "reason": "base fee only this month"}
    assert client.post(url + "approve/", body, format="json").json()["status"] == "approved"
    issued = client.post(url + "issue/", {"reason": "month end"}, format="json").json()
    assert issued["status"] == "issued" and issued["number"]
    credit = client.post(url + "credit/", {"total": "100000.00", "reason": "x"}, format="json")
    assert credit.status_code == 400 and credit.json()["field"] == "total"
    assert client.post(url + "credit/", {"total": "106.00", "reason": "late start"}, format="json").status_code == 201
    assert client.post(url + "mark-paid/", {}, format="json").json()["status"] == "paid"


def test_writes_need_the_account_manager_role(api, bpo_manager, contracts):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contracts[0])
    assert api(bpo_manager).post(f"/api/v1/invoices/{invoice.pk}/approve/", {}, format="json").status_code == 403
    assert (
        api(bpo_manager).post("/api/v1/billing-runs/run/", {"period": "2026-11-01"}, format="json").status_code == 403
    )


def test_client_viewer_sees_only_own_issued_invoices(api, viewer_a, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    mine = Invoice.objects.get(contract=contracts[0])
    other = Invoice.objects.get(contract=contracts[1])
    client = api(viewer_a)
    assert client.get(f"/api/v1/invoices/{mine.pk}/").status_code == 404  # still a draft
    for inv in (mine, other):
        services.invoice_approve(invoice=inv, actor=account_manager, confirm_problems=True, reason="base fee only")
        services.invoice_issue(invoice=inv, actor=account_manager)
    assert client.get(f"/api/v1/invoices/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/invoices/{other.pk}/").status_code == 404
    assert [i["id"] for i in client.get("/api/v1/invoices/").json()["results"]] == [mine.pk]


def test_invoice_detail_has_lines(api, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contracts[0])
    body = api(account_manager).get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert [line["code"] for line in body["lines"]] == ["base", "msg"]
    assert body["lines"][0]["amount"] == "10000.00"


def test_billing_page_and_exports(client, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    client.force_login(account_manager)
    page = client.get(reverse("contracts:billing") + "?month=2026-11")
    assert page.status_code == 200 and contracts[0].client.name in page.content.decode()
    html = page.content.decode()
    grand = sum(i.total for i in Invoice.objects.filter(period_start=NOV))
    assert f"全部品牌（含税）： ¥{grand:,.2f}" in html  # money with thousands separators
    first = Invoice.objects.filter(period_start=NOV).order_by("pk").first()
    assert f'<td class="num">{first.total:,.2f}</td>' in html
    csv_body = client.get(reverse("contracts:export") + "?month=2026-11&file=csv").content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("结算单号,") and len(csv_body.splitlines()) == 4
    xlsx = client.get(reverse("contracts:export") + "?month=2026-11&file=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 4 and sheet["O2"].value == Decimal("10000.00") or sheet["O2"].value == 10000


def test_admin_pages_render(client, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    client.force_login(account_manager)
    invoice = Invoice.objects.get(contract=contracts[0])
    for url in (
        reverse("admin:contracts_invoice_changelist"),
        reverse("admin:contracts_invoice_change", args=[invoice.pk]),
        reverse("admin:contracts_invoice_edit_draft", args=[invoice.pk]),
        reverse("admin:contracts_billingrun_run"),
        reverse("admin:contracts_usagerecord_upload"),
        reverse("admin:contracts_contract_changelist"),
        reverse("admin:contracts_charge_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_admin_credit_note_form(client, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contracts[0])
    services.invoice_approve(invoice=invoice, actor=account_manager, confirm_problems=True, reason="base fee only")
    services.invoice_issue(invoice=invoice, actor=account_manager)
    client.force_login(account_manager)
    url = reverse("admin:contracts_invoice_credit", args=[invoice.pk])
    too_much = client.post(url, {"total": "999999.00", "reason": "x"})
    assert "可冲减" in too_much.content.decode()  # in the user's language, naming what is left
    client.post(url, {"total": "10.60", "reason": "goodwill"})
    assert invoice.credit_notes.get().subtotal == Decimal("10.00")


def test_admin_rejects_tiers_with_a_gap(client, account_manager, contracts):
    charge = add_charge(contracts[0], code="g", name="G", metric="messages", model="graduated", tiers=[(0, None, 1)])
    client.force_login(account_manager)
    url = reverse("admin:contracts_charge_change", args=[charge.pk])
    tier = charge.tiers.get()
    data = {
        "version": charge.version_id,
        "code": "g",
        "name": "G",
        "kind": "usage",
        "amount": "0",
        "metric": "messages",
        "model": "graduated",
        "included_quantity": "0",
        "platforms": "[]",
        "store_ids": "[]",
        "channels": "[]",
        "night_surcharge_rate": "0",
        "minimum_amount": "0",
        "tiers-TOTAL_FORMS": "2",
        "tiers-INITIAL_FORMS": "1",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
        "tiers-0-id": tier.pk,
        "tiers-0-charge": charge.pk,
        "tiers-0-lower": "0",
        "tiers-0-upper": "100",
        "tiers-0-unit_price": "1",
        "tiers-0-flat_fee": "0",
        "tiers-1-charge": charge.pk,
        "tiers-1-lower": "120",
        "tiers-1-upper": "",
        "tiers-1-unit_price": "0.12345",
        "tiers-1-flat_fee": "0",
        "peak_windows-TOTAL_FORMS": "0",
        "peak_windows-INITIAL_FORMS": "0",
        "peak_windows-MIN_NUM_FORMS": "0",
        "peak_windows-MAX_NUM_FORMS": "1000",
    }
    page = client.post(url, data).content.decode()
    assert "more than 4 decimal places" in page
    data["tiers-1-unit_price"] = "0.9"
    page = client.post(url, data).content.decode()
    assert "gap between 100 and 120" in page


def test_overlapping_version_is_rejected_at_the_api(api, account_manager, contracts):
    response = api(account_manager).post(
        "/api/v1/contracts/versions/", {"contract": contracts[0].pk, "valid_from": "2025-06-01"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "valid_from"
    assert "2026-01-01" in response.json()["detail"]  # names the version it overlaps (any language)


def test_new_version_from_a_date_through_the_api(api, account_manager, contracts):
    response = api(account_manager).post(
        "/api/v1/contracts/versions/",
        {"contract": contracts[0].pk, "valid_from": "2026-12-01", "reason": "price review"},
        format="json",
    )
    assert response.status_code == 201
    assert contracts[0].versions.count() == 2


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"model": "standard", "unit_price": "0.12345"}, "unit_price", "more than 4 decimal places"),
        (
            {
                "model": "graduated",
                "tiers": [{"lower": 0, "upper": 100, "unit_price": "1"}, {"lower": 120, "unit_price": "1"}],
            },
            "tiers",
            "gap between 100 and 120",
        ),
        (
            {
                "model": "volume",
                "tiers": [{"lower": 0, "upper": 100, "unit_price": "1"}, {"lower": 90, "unit_price": "1"}],
            },
            "tiers",
            "overlap",
        ),
    ],
)
def test_bad_charges_are_rejected_at_the_api(api, account_manager, contracts, extra, field, words):
    version = contracts[0].versions.get()
    body = {"version": version.pk, "code": "h", "name": "H", "metric": "human_conversations", **extra}
    response = api(account_manager).post("/api/v1/contracts/charges/", body, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == field and words in response.json()["detail"]


def test_good_graduated_charge_through_the_api(api, account_manager, contracts):
    version = contracts[0].versions.get()
    body = {
        "version": version.pk,
        "code": "h",
        "name": "H",
        "metric": "human_conversations",
        "model": "graduated",
        "tiers": [{"lower": 0, "upper": 100, "unit_price": "1.5"}, {"lower": 100, "unit_price": "1.2"}],
    }
    response = api(account_manager).post("/api/v1/contracts/charges/", body, format="json")
    assert response.status_code == 201 and len(response.json()["tiers"]) == 2


def test_billing_page_is_scoped_for_client_viewers(client, viewer_a, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    for inv in Invoice.objects.all():
        services.invoice_approve(invoice=inv, actor=account_manager, confirm_problems=True, reason="base fee only")
        services.invoice_issue(invoice=inv, actor=account_manager)
    client.force_login(viewer_a)
    page = client.get(reverse("contracts:billing") + "?month=2026-11").content.decode()
    assert contracts[0].client.name in page and contracts[1].client.name not in page


def test_read_only_admin_lists_render(client, account_manager, contracts):
    services.billing_run_now(period_start=NOV)
    client.force_login(account_manager)
    for name in ("invoiceline", "slaresult", "usagedaily", "tier", "peakwindow", "slaterm", "creditnote"):
        assert client.get(reverse(f"admin:contracts_{name}_changelist")).status_code == 200, name
