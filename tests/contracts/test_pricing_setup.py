"""The pricing setup of issue #14 end to end: hour windows, earn-back window, package rounding and the
no-usage flag through the API, the admin and a billing run; bad input refused naming the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from apps.contracts import services
from apps.contracts.models import Invoice, PeakWindow, UsageRecord
from tests.contracts.factories import add_charge, make_contract

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)
LOCAL = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def contract(brand_a):
    return make_contract(client=brand_a, base_fee="1000")


def _usage(contract, metric, local: datetime, quantity, key, night=0):
    UsageRecord.objects.create(
        contract=contract,
        metric=metric,
        source="api",
        source_key=key,
        quantity=Decimal(quantity),
        night_quantity=Decimal(night),
        occurred_at=local.replace(tzinfo=LOCAL),
        day=local.date(),
    )


def _charge_body(contract, **extra):
    return {
        "version": contract.versions.get().pk,
        "code": "h",
        "name": "人工会话",
        "metric": "human_conversations",
        "model": "graduated",
        "tiers": [{"lower": 0, "upper": 1000, "unit_price": "1.5"}, {"lower": 1000, "unit_price": "1.2"}],
        **extra,
    }


D11 = {"name": "双11", "start_date": "2026-11-10", "start_hour": 20, "end_date": "2026-11-12", "unit_price": "2.00"}
RUSH = {"name": "零点冲刺", "start_date": "2026-11-11", "start_hour": 0, "end_date": "2026-11-11", "end_hour": 2}


def test_an_hour_window_with_its_own_price_bills_a_graduated_charge(api, account_manager, contract):
    response = api(account_manager).post(
        "/api/v1/contracts/charges/",
        _charge_body(contract, night_surcharge_rate="0.30", peak_windows=[D11]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["peak_windows"][0]["start_hour"] == 20
    _usage(contract, "human_conversations", datetime(2026, 11, 10, 19, 59), 100, "before")
    _usage(contract, "human_conversations", datetime(2026, 11, 10, 20, 0), 10, "at-eight")
    _usage(contract, "human_conversations", datetime(2026, 11, 11, 1, 30), 20, "rush", night=20)
    services.billing_run_now(period_start=NOV)
    lines = {ln.code: ln.amount for ln in Invoice.objects.get(contract=contract).lines.all()}
    # 100 normal units at 1.50; 30 window units at the window's own 2.00; 20 night units at 2.00 × 30 %.
    assert lines == {
        "base": Decimal("1000.00"),
        "h": Decimal("150.00"),
        "h:peak:0": Decimal("60.00"),
        "h:peak:0:night": Decimal("12.00"),
    }


@pytest.mark.parametrize(
    ("windows", "field"),
    [
        ([D11, {**RUSH, "multiplier": "2"}], "peak_windows[1].start_date"),
        ([{**D11, "multiplier": "1.5"}], "peak_windows[0].unit_price"),
        ([{**RUSH, "multiplier": "2", "tiers": [{"lower": 0, "unit_price": "1"}]}], "peak_windows[0].tiers"),
        ([{**RUSH, "end_hour": 0, "multiplier": "2"}], "peak_windows[0].end_date"),
    ],
)
def test_bad_windows_are_refused_naming_the_field_in_chinese(api, account_manager, contract, windows, field):
    client = api(account_manager)
    with translation.override("zh-hans"):
        response = client.post(
            "/api/v1/contracts/charges/",
            _charge_body(contract, peak_windows=windows),
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body["detail"]
    assert not PeakWindow.objects.exists()


@pytest.mark.parametrize("months", [0, 13])
def test_an_earn_back_window_outside_1_to_12_months_is_refused(api, account_manager, contract, months):
    body = {"contract": contract.pk, "valid_from": "2026-12-01", "earn_back_months": months}
    response = api(account_manager).post(
        "/api/v1/contracts/versions/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400 and response.json()["field"] == "earn_back_months"
    assert "12" in response.json()["detail"] and contract.versions.count() == 1


def test_version_with_earn_back_window_and_sla_terms_through_the_api(api, account_manager, contract):
    body = {
        "contract": contract.pk,
        "valid_from": "2026-12-01",
        "earn_back_months": 6,
        "sla_at_risk_share": "0.10",
        "sla_terms": [
            {
                "kpi": "three_minute_rate",
                "target": "0.9",
                "comparison": "gte",
                "earn_back": True,
                "earn_back_target": "0.95",
            }
        ],
    }
    response = api(account_manager).post("/api/v1/contracts/versions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["earn_back_months"] == 6
    schema = api(account_manager).get("/api/schema/").content.decode()
    assert "earn_back_months" in schema and "package_rounding" in schema and "confirm_problems" in schema


def test_package_rounding_through_the_api(api, account_manager, contract):
    body = {
        "version": contract.versions.get().pk,
        "code": "msg",
        "name": "消息包",
        "metric": "messages",
        "model": "package",
        "package_size": "500",
        "package_price": "400",
        "package_rounding": "pro_rata",
    }
    assert api(account_manager).post("/api/v1/contracts/charges/", body, format="json").status_code == 201
    _usage(contract, "messages", datetime(2026, 11, 3, 10), 1001, "m")
    services.billing_run_now(period_start=NOV)
    assert Invoice.objects.get(contract=contract).lines.get(code="msg").amount == Decimal("800.80")


def test_no_usage_flags_the_draft_and_approval_needs_a_reason(client, account_manager, contract):
    add_charge(contract, code="msg", name="消息", metric="messages", unit_price=Decimal("0.05"))
    preview = services.billing_preview(period_start=NOV, contract_ids=[contract.pk])
    assert [p["code"] for p in preview[0]["problems"]] == ["no_usage"]
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contract)
    assert invoice.problems == ["no_usage"]
    client.force_login(account_manager)
    url = reverse("admin:contracts_invoice_approve", args=[invoice.pk])
    page = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    invoice.refresh_from_db()
    assert invoice.status == "draft" and "导入" in page
    client.post(url, {"confirm_problems": "on", "reason": "本月仅收基础费"})
    invoice.refresh_from_db()
    assert invoice.status == "approved" and invoice.problems_confirmed == "本月仅收基础费"


def test_admin_refuses_overlapping_windows(client, account_manager, contract):
    charge = add_charge(contract, code="h", name="H", metric="human_conversations", unit_price=Decimal("1"))
    client.force_login(account_manager)
    url = reverse("admin:contracts_charge_change", args=[charge.pk])
    data = {
        "version": charge.version_id,
        "code": "h",
        "name": "H",
        "kind": "usage",
        "amount": "0",
        "metric": "human_conversations",
        "model": "standard",
        "unit_price": "1",
        "package_rounding": "up",
        "included_quantity": "0",
        "platforms": "[]",
        "store_ids": "[]",
        "channels": "[]",
        "night_surcharge_rate": "0",
        "minimum_amount": "0",
        "tiers-TOTAL_FORMS": "0",
        "tiers-INITIAL_FORMS": "0",
        "peak_windows-TOTAL_FORMS": "2",
        "peak_windows-INITIAL_FORMS": "0",
    }
    for i, (start, start_hour, end, end_hour) in enumerate(
        [("2026-11-10", 20, "2026-11-12", 0), ("2026-11-11", 0, "2026-11-11", 2)]
    ):
        data |= {
            f"peak_windows-{i}-name": f"w{i}",
            f"peak_windows-{i}-start_date": start,
            f"peak_windows-{i}-start_hour": start_hour,
            f"peak_windows-{i}-end_date": end,
            f"peak_windows-{i}-end_hour": end_hour,
            f"peak_windows-{i}-multiplier": "2",
        }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and not PeakWindow.objects.exists()
    assert "w1" in response.content.decode()
