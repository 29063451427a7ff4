from __future__ import annotations

from django.urls import reverse

from apps.reports.models import ReportRun
from tests.reports.conftest import NOV


def test_changelist_shows_runs_with_download_links(
    november_a, account_manager, client, django_capture_on_commit_callbacks
):
    from apps.reports import services

    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_request(client=november_a, kind="monthly", period_start=NOV, actor=account_manager)
    client.force_login(account_manager)
    page = client.get(reverse("admin:reports_reportrun_changelist"))
    assert page.status_code == 200
    assert reverse("admin:reports_reportrun_pdf", args=[run.pk]) in page.content.decode()


def test_admin_add_form_requests_and_renders_a_run(
    november_a, account_manager, client, django_capture_on_commit_callbacks
):
    client.force_login(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reports_reportrun_add"),
            {
                "client": november_a.pk,
                "kind": "monthly",
                "period_start": "2026-11-01",
                "language": "zh-hans",
                "commentary": "",
                "actions": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ReportRun.objects.get()
    assert run.status == "succeeded" and run.pdf


def test_admin_add_form_names_a_bad_period(november_a, account_manager, client):
    client.force_login(account_manager)
    response = client.post(
        reverse("admin:reports_reportrun_add"),
        {"client": november_a.pk, "kind": "quarterly", "period_start": "2026-11-01", "language": "zh-hans"},
    )
    assert response.status_code == 200
    assert "2026-11-01 不是季度的第一天。" in response.content.decode()
    assert not ReportRun.objects.exists()
