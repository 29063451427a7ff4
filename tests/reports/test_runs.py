"""Report runs: rendered on demand and by the monthly task, stored, downloadable, scoped per brand,
editable while draft, e-mailed when issued."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from apps.core.choices import Role
from apps.core.errors import DomainError
from apps.reports import services, tasks
from apps.reports.models import ReportRun
from apps.reports.schedules import PERIODIC_TASKS
from tests import factories
from tests.reports.conftest import NOV, pdf_text


@pytest.fixture
def run_a(november_a, account_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_request(client=november_a, kind="monthly", period_start=NOV, actor=account_manager)
    run.refresh_from_db()
    return run


@pytest.fixture
def run_b(november_b, account_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_request(client=november_b, kind="monthly", period_start=NOV, actor=account_manager)
    run.refresh_from_db()
    return run


@pytest.fixture
def issued(run_a, run_b, account_manager, django_capture_on_commit_callbacks):
    """Both brands' runs issued: a client viewer sees only issued reports, and only its brand's."""
    with django_capture_on_commit_callbacks(execute=True):
        for run in (run_a, run_b):
            services.report_run_issue(run=run, actor=account_manager)
    run_a.refresh_from_db()
    run_b.refresh_from_db()
    return run_a, run_b


def test_client_viewer_does_not_see_a_draft(run_a, viewer_a, api):
    assert api(viewer_a).get("/api/v1/report-runs/").json()["results"] == []


def test_request_renders_and_stores_the_pdf(run_a, media_root):
    assert run_a.status == "succeeded", run_a.error
    assert run_a.state == "draft"
    assert run_a.page_count >= 5
    assert run_a.pdf.name.startswith("reports/brand-a/2026-11/")
    assert (media_root / run_a.pdf.name).read_bytes()[:5] == b"%PDF-"
    assert "volume" in run_a.sections and "会话量" not in run_a.left_out


def test_request_again_with_unchanged_data_keeps_the_same_pdf(
    run_a, account_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_run_request(
            client=run_a.client, kind="monthly", period_start=NOV, actor=account_manager
        )
    again.refresh_from_db()
    assert again.pk == run_a.pk
    assert (again.sha256, again.rendered_at) == (run_a.sha256, run_a.rendered_at)
    assert ReportRun.objects.count() == 1


def test_period_must_start_a_month_that_has_begun(brand_a):
    with pytest.raises(DomainError) as err:
        services.report_run_request(client=brand_a, kind="monthly", period_start=date(2026, 11, 5))
    assert err.value.field == "period_start"
    with pytest.raises(DomainError):
        services.report_run_request(client=brand_a, kind="monthly", period_start=date(2099, 1, 1))


def test_api_post_creates_a_run(november_a, account_manager, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(account_manager).post(
            "/api/v1/report-runs/", {"client": november_a.pk, "kind": "monthly", "period_start": "2026-11-01"}
        )
    assert response.status_code == 202, response.content
    run = ReportRun.objects.get(pk=response.json()["id"])
    assert run.status == "succeeded"


def test_api_post_rejects_a_bad_period_naming_the_field(november_a, account_manager, api):
    response = api(account_manager).post(
        "/api/v1/report-runs/", {"client": november_a.pk, "kind": "monthly", "period_start": "2026-11-03"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "period_start"


def test_client_viewer_lists_and_downloads_only_its_brand(issued, run_a, run_b, viewer_a, api):
    client = api(viewer_a)
    listed = client.get("/api/v1/report-runs/").json()["results"]
    assert [r["id"] for r in listed] == [run_a.pk]
    own = client.get(f"/api/v1/report-runs/{run_a.pk}/pdf/")
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content)[:5] == b"%PDF-"
    assert client.get(f"/api/v1/report-runs/{run_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/report-runs/{run_b.pk}/pdf/").status_code == 404


def test_client_viewer_cannot_request_a_report(november_a, viewer_a, api):
    response = api(viewer_a).post(
        "/api/v1/report-runs/", {"client": november_a.pk, "kind": "monthly", "period_start": "2026-11-01"}
    )
    assert response.status_code == 403


def test_commentary_edit_re_renders_the_draft(
    run_a, account_manager, api, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(account_manager).post(
            f"/api/v1/report-runs/{run_a.pk}/commentary/",
            {"commentary": "11月整体平稳，双11峰值顺利承接。", "actions": "增加夜班人手\n更新退款话术"},
        )
    assert response.status_code == 200, response.content
    run_a.refresh_from_db()
    text = pdf_text(run_a.pdf.read(), tmp_path)
    assert "11月整体平稳，双11峰值顺利承接。" in text and "更新退款话术" in text


def test_issue_emails_the_pdf_to_report_contacts_only(
    run_a, contacts_a, account_manager, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_issue(run=run_a, actor=account_manager)
    run_a.refresh_from_db()
    assert run_a.state == "issued" and run_a.issued_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@yuefu.example"]
    assert "悦肤" in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content[:5] == b"%PDF-" and name.endswith(".pdf")


def test_issued_pdf_reads_issued_on_its_cover_with_the_drafts_figures(
    run_a, account_manager, media_root, tmp_path, django_capture_on_commit_callbacks
):
    draft_text = pdf_text((media_root / run_a.pdf.name).read_bytes(), tmp_path)
    assert "草稿" in draft_text and "已签发" not in draft_text
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_issue(run=run_a, actor=account_manager)
    run_a.refresh_from_db()
    issued_text = pdf_text((media_root / run_a.pdf.name).read_bytes(), tmp_path)
    assert "已签发" in issued_text and "草稿" not in issued_text
    assert issued_text.replace("已签发", "草稿") == draft_text
    assert run_a.state == "issued" and run_a.page_count >= 5


def test_issue_is_refused_when_the_figures_changed_after_the_draft(run_a, account_manager):
    ReportRun.objects.filter(pk=run_a.pk).update(data_sha256="0" * 64)
    run_a.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.report_run_issue(run=run_a, actor=account_manager)
    assert err.value.code == "stale" and "重新" in str(err.value)
    run_a.refresh_from_db()
    assert run_a.state == "draft" and run_a.issued_at is None


def test_an_issued_report_cannot_be_edited_or_re_rendered(run_a, account_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_issue(run=run_a, actor=account_manager)
    with pytest.raises(DomainError):
        services.report_run_update_commentary(run=run_a, commentary="x", actions="", actor=account_manager)
    with pytest.raises(DomainError):
        services.report_run_request(client=run_a.client, kind="monthly", period_start=NOV, actor=account_manager)


def test_monthly_task_reports_every_brand_with_conversations(
    november_a, november_b, brand_b, django_capture_on_commit_callbacks
):
    factories.make_client(code="quiet-brand")
    with django_capture_on_commit_callbacks(execute=True):
        count = tasks.monthly_reports_task(period_start="2026-11-01")
    assert count == 2
    assert set(ReportRun.objects.values_list("client__code", "status")) == {
        ("brand-a", "succeeded"),
        ("brand-b", "succeeded"),
    }


def test_beat_runs_monthly_reports_on_the_2nd_at_6():
    spec = next(t for t in PERIODIC_TASKS if t["task"] == "apps.reports.tasks.monthly_reports_task")
    assert spec["crontab"] == {"minute": "0", "hour": "6", "day_of_month": "2"}
    assert spec["name"].startswith("tideline:")


def test_reports_page_lists_runs_per_brand_with_download(issued, run_a, run_b, viewer_a, client):
    client.force_login(viewer_a)
    page = client.get(reverse("reports:run-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:run-pdf", args=[run_a.pk]) in html
    assert reverse("reports:run-pdf", args=[run_b.pk]) not in html
    assert client.get(reverse("reports:run-pdf", args=[run_b.pk])).status_code == 404


def test_commentary_form_saves_a_draft(run_a, account_manager, client, django_capture_on_commit_callbacks):
    client.force_login(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run-edit", args=[run_a.pk]), {"commentary": "页面编辑", "actions": ""})
    assert response.status_code == 302
    run_a.refresh_from_db()
    assert run_a.commentary == "页面编辑"


def test_admin_download_is_scoped(issued, run_a, run_b, viewer_a, client):
    client.force_login(viewer_a)
    own = client.get(reverse("admin:reports_reportrun_pdf", args=[run_a.pk]))
    assert own.status_code == 200
    assert client.get(reverse("admin:reports_reportrun_pdf", args=[run_b.pk])).status_code == 404


def test_bpo_manager_may_view_but_not_request(run_a, api):
    bpo = factories.make_user(role=Role.BPO_MANAGER)
    assert api(bpo).get(f"/api/v1/report-runs/{run_a.pk}/").status_code == 200
    response = api(bpo).post("/api/v1/report-runs/", {"client": run_a.client_id, "period_start": "2026-11-01"})
    assert response.status_code == 403


def test_commentary_prints_as_its_authors_and_needs_a_review_by_someone_else_before_issue(
    run_a, account_manager, tmp_path, django_capture_on_commit_callbacks
):
    reviewer = factories.make_user(username="lead", role=Role.ACCOUNT_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_update_commentary(run=run_a, commentary="本月计划见下。", actions="", actor=account_manager)
    run_a.refresh_from_db()
    assert run_a.commentary_by == account_manager and run_a.commentary_reviewed_at is None
    with pytest.raises(DomainError, match="评述尚未审核"):
        services.report_run_issue(run=run_a, actor=account_manager)
    with pytest.raises(DomainError, match="撰写人以外的人审核"):
        services.report_run_review_commentary(run=run_a, actor=account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_review_commentary(run=run_a, actor=reviewer)
    run_a.refresh_from_db()
    text = pdf_text(run_a.pdf.read(), tmp_path)
    assert f"客户经理 {account_manager.username} 撰写于" in text and "lead 于" in text and "审核" in text
    # an edit clears the review
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_update_commentary(run=run_a, commentary="改过了。", actions="", actor=account_manager)
    run_a.refresh_from_db()
    assert run_a.commentary_reviewed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_review_commentary(run=run_a, actor=reviewer)
    run_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_issue(run=run_a, actor=account_manager)
    run_a.refresh_from_db()
    assert run_a.state == "issued"


def test_review_commentary_from_the_api_and_the_page(run_a, account_manager, api, client):
    reviewer = factories.make_user(username="lead2", role=Role.ACCOUNT_MANAGER)
    services.report_run_update_commentary(run=run_a, commentary="计划。", actions="", actor=account_manager)
    response = api(account_manager).post(f"/api/v1/report-runs/{run_a.pk}/review-commentary/")
    assert response.status_code == 400 and "撰写人以外" in response.json()["detail"]
    response = api(reviewer).post(f"/api/v1/report-runs/{run_a.pk}/review-commentary/")
    assert response.status_code == 200, response.content
    assert response.json()["commentary_reviewed_by_name"] == "lead2"
    client.force_login(account_manager)
    page = client.get(reverse("reports:run-list")).content.decode()
    assert "lead2" in page


def test_superseded_issued_report_stays_visible_marked_with_a_link_to_its_replacement(
    issued, run_a, run_b, viewer_a, account_manager, api, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = services.monthly_reports_refresh(client_id=run_a.client_id, period_start=NOV, reason="结算单已更正")
    run_a.refresh_from_db()
    new = run_a.superseded_by
    assert done == [f"report {run_a.pk} superseded by {new.pk}"]
    new.refresh_from_db()
    assert new.state == "draft" and new.status == "succeeded" and new.pdf and new.pk != run_a.pk
    assert run_a.state == "issued" and run_a.pdf  # the brand keeps what was sent to them
    with pytest.raises(DomainError):
        services.report_run_supersede(run=run_a, reason="again")
    with pytest.raises(DomainError):
        services.report_run_supersede(run=new, reason="a draft")
    # the brand's viewer: the issued run marked superseded, no link to a draft it cannot see
    viewer = api(viewer_a)
    listed = viewer.get("/api/v1/report-runs/").json()["results"]
    assert [(r["id"], r["superseded"], r["superseded_by_url"]) for r in listed] == [(run_a.pk, True, None)]
    assert listed[0]["superseded_label"] == "已被更正取代"
    client.force_login(viewer_a)
    html = client.get(reverse("reports:run-list")).content.decode()
    assert "已被更正取代" in html and f'href="#run-{new.pk}"' not in html
    # once the replacement is issued the viewer sees both, the old one linking to the new one
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_issue(run=new, actor=account_manager)
    listed = viewer.get("/api/v1/report-runs/").json()["results"]
    assert sorted(r["id"] for r in listed) == sorted([run_a.pk, new.pk])
    old = next(r for r in listed if r["id"] == run_a.pk)
    assert old["superseded_by_url"].endswith(f"/api/v1/report-runs/{new.pk}/")
    html = client.get(reverse("reports:run-list")).content.decode()
    assert f'href="#run-{new.pk}"' in html and f'id="run-{new.pk}"' in html
    # admin: the list shows the mark and links to the new run
    client.force_login(account_manager)
    changelist = client.get(reverse("admin:reports_reportrun_changelist")).content.decode()
    assert "已被更正取代" in changelist and reverse("admin:reports_reportrun_change", args=[new.pk]) in changelist
