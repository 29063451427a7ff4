"""The duties of issue #12 one by one: billing for account managers, issued reports for client
viewers, brand-scoped admin filters, immutable published rosters, review items closed not deleted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from apps.core.choices import Role
from apps.reports.models import ReportRun
from apps.workforce.models import Roster, Shift
from tests import factories
from tests.core.access_world import T0, build_world

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/billing/", "/billing/export/", "/billing/export/?file=xlsx"])
def test_billing_pages_are_for_account_managers_only(path, bpo_manager, qa_supervisor, account_manager, brand_b):
    build_world(brand_b)
    assert _client(bpo_manager).get(path).status_code == 403
    assert _client(qa_supervisor).get(path).status_code == 403
    assert _client(account_manager).get(path).status_code == 200


def test_client_viewer_billing_export_holds_only_its_brands_issued_invoices(viewer_a, brand_a, brand_b):
    build_world(brand_a)
    build_world(brand_b)
    body = _client(viewer_a).get("/billing/export/?month=2026-10").content.decode()
    assert "INV-brand-a" in body
    assert "INV-brand-b" not in body and brand_b.name not in body


def _draft_report(brand) -> ReportRun:
    return ReportRun.objects.create(
        client=brand,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 1),
        status="succeeded",
        pdf=ContentFile(b"%PDF-1.4 draft", name="draft.pdf"),
    )


def test_client_viewer_sees_only_issued_reports(viewer_a, brand_a, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(brand_a)
    draft = _draft_report(brand_a)
    listed = {row["id"] for row in api(viewer_a).get("/api/v1/report-runs/").json()["results"]}
    assert listed == {world["reports.ReportRun"]}
    assert api(viewer_a).get(f"/api/v1/report-runs/{draft.pk}/").status_code == 404
    assert api(viewer_a).get(f"/api/v1/report-runs/{draft.pk}/pdf/").status_code == 404
    assert _client(viewer_a).get(f"/reports/{draft.pk}/pdf/").status_code == 404
    assert f"/reports/{draft.pk}/pdf/" not in _client(viewer_a).get("/reports/").content.decode()
    assert _client(viewer_a).get(f"/admin/reports/reportrun/{draft.pk}/change/").status_code == 302


def test_staff_still_see_draft_reports(account_manager, brand_a, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = _draft_report(brand_a)
    assert api(account_manager).get(f"/api/v1/report-runs/{draft.pk}/").status_code == 200


def test_admin_filters_offer_a_client_viewer_only_its_brand(
    viewer_a, account_manager, brand_a, brand_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    build_world(brand_a)
    build_world(brand_b)
    for path in ["/admin/reports/reportrun/", "/admin/clients/store/", "/admin/qa/reviewitem/"]:
        staff_page = _client(account_manager).get(path).content.decode()
        assert f"__id__exact={brand_b.pk}" in staff_page  # the filter names every brand for staff
        page = _client(viewer_a).get(path).content.decode()
        assert f"__id__exact={brand_b.pk}" not in page and brand_b.name not in page


def test_published_roster_is_read_only_in_admin(bpo_manager, brand_a):
    build_world(brand_a)
    roster = Roster.objects.get(client=brand_a)
    Roster.objects.filter(pk=roster.pk).update(status="published")
    shift = Shift.objects.get(roster=roster)
    client = _client(bpo_manager)

    client.post(f"/admin/workforce/roster/{roster.pk}/change/", {"client": brand_a.pk, "week_start": "2026-11-16"})
    roster.refresh_from_db()
    assert roster.week_start == date(2026, 11, 9)

    moved = {"roster": roster.pk, "agent": shift.agent_id, "start_0": "2026-11-11", "start_1": "12:00:00"}
    assert client.post(f"/admin/workforce/shift/{shift.pk}/change/", moved).status_code == 403
    assert client.post(f"/admin/workforce/shift/{shift.pk}/delete/", {"post": "yes"}).status_code == 403
    added = client.post(
        "/admin/workforce/shift/add/",
        {
            "roster": roster.pk,
            "agent": shift.agent_id,
            "start_0": "2026-11-12",
            "start_1": "09:00:00",
            "end_0": "2026-11-12",
            "end_1": "17:00:00",
        },
    )
    assert added.status_code == 200 and "roster" in added.context["adminform"].form.errors
    assert Shift.objects.filter(roster=roster).count() == 1
    assert Shift.objects.get(pk=shift.pk).start == T0


def test_draft_roster_shifts_stay_editable_in_admin(bpo_manager, brand_a):
    build_world(brand_a)
    shift = Shift.objects.get(roster__client=brand_a)
    assert _client(bpo_manager).get(f"/admin/workforce/shift/{shift.pk}/change/").status_code == 200


def test_qa_supervisor_closes_but_never_deletes_review_items(qa_supervisor, brand_a):
    world = build_world(brand_a)
    item_id = world["qa.ReviewItem"]
    assert qa_supervisor.has_perm("qa.change_reviewitem")
    assert not qa_supervisor.has_perm("qa.delete_reviewitem")
    assert qa_supervisor.has_perm("qa.delete_rule")  # the rest of QA stays theirs
    response = _client(qa_supervisor).post(f"/admin/qa/reviewitem/{item_id}/delete/", {"post": "yes"})
    assert response.status_code == 403


def test_a_url_without_a_rule_is_refused_and_named(account_manager, monkeypatch, caplog):
    from apps.core import access

    monkeypatch.delitem(access.RULES, "contracts:billing")
    assert _client(account_manager).get("/billing/").status_code == 403
    assert "contracts:billing" in caplog.text


def test_token_users_meet_the_same_table(qa_supervisor):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=qa_supervisor)
    client = Client()
    assert client.get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 403
    assert client.get("/api/v1/qa/runs/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get("/api/v1/qa/runs/").status_code == 401


_ = (Decimal, timedelta, Role, factories)
