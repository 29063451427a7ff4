"""API: upload runs as a task and shows status; conversations list/detail, filters, scoping, query count."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.conversations.models import Conversation, ImportRun
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from tests import factories
from tests.conversations.conftest import SAMPLES


def _upload(name="canonical.csv"):
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")


@pytest.fixture
def imported(sample_stores):
    """Brand A's Tmall sample and brand B's Taobao sample, imported."""
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    import_file(path=SAMPLES / "taobao_chatlog.json", file_format="taobao_json")
    return sample_stores


@pytest.fixture
def viewer_with_conversation_access(viewer_a):
    """A brand-A viewer granted conversation/import read access, to exercise row scoping."""
    viewer_a.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="conversations", codename__in=["view_conversation", "view_importrun"]
        )
    )
    return viewer_a


def test_upload_runs_as_a_task_and_shows_status(
    sample_stores, api, account_manager, media_root, django_capture_on_commit_callbacks
):
    client = api(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/", {"file": _upload(), "file_format": "canonical_csv"}, format="multipart"
        )
    assert response.status_code == 202, response.content
    assert response.data["status"] == RunStatus.PENDING
    detail = client.get(f"/api/v1/imports/{response.data['id']}/")
    assert detail.status_code == 200
    assert detail.data["status"] == RunStatus.SUCCEEDED
    assert detail.data["messages_imported"] == 21
    assert detail.data["progress_percent"] == 100
    assert detail.data["created_by"] == account_manager.username


def test_upload_of_a_bad_file_shows_the_errors(
    sample_stores, api, account_manager, media_root, django_capture_on_commit_callbacks
):
    bad = SimpleUploadedFile("bad.csv", b"platform,shop\ntmall,x\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(account_manager).post(
            "/api/v1/imports/", {"file": bad, "file_format": "canonical_csv"}, format="multipart"
        )
    run = ImportRun.objects.get(pk=response.data["id"])
    assert run.status == RunStatus.FAILED
    assert run.errors[0]["row"] == 1
    assert run.errors[0]["field"] == "conversation_id"


def test_upload_over_the_limit_is_refused(sample_stores, api, account_manager, media_root, settings):
    settings.TIDELINE_MAX_UPLOAD_BYTES = 10
    response = api(account_manager).post(
        "/api/v1/imports/", {"file": _upload(), "file_format": "canonical_csv"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["field"] == "file"
    assert ImportRun.objects.count() == 0


def test_upload_with_an_unknown_format_is_refused(sample_stores, api, account_manager, media_root):
    response = api(account_manager).post(
        "/api/v1/imports/", {"file": _upload(), "file_format": "excel"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file_format" in response.data


def test_qa_supervisor_cannot_upload(sample_stores, api, qa_supervisor, media_root):
    response = api(qa_supervisor).post(
        "/api/v1/imports/", {"file": _upload(), "file_format": "canonical_csv"}, format="multipart"
    )
    assert response.status_code == 403


def test_conversation_list_and_filters(imported, api, bpo_manager, brand_a):
    client = api(bpo_manager)
    assert client.get("/api/v1/conversations/").data["count"] == 6
    assert client.get("/api/v1/conversations/", {"client": brand_a.pk}).data["count"] == 3
    assert client.get("/api/v1/conversations/", {"platform": "taobao"}).data["count"] == 3
    assert client.get("/api/v1/conversations/", {"store": imported["tmall"].pk}).data["count"] == 3
    assert client.get("/api/v1/conversations/", {"handled_by": "bot"}).data["count"] == 2
    assert client.get("/api/v1/conversations/", {"started_after": "2026-11-12"}).data["count"] == 2
    assert client.get("/api/v1/conversations/", {"started_before": "2026-11-12"}).data["count"] == 4
    assert client.get("/api/v1/conversations/", {"started_after": "x"}).status_code == 400


def test_conversation_filter_by_agent(sample_stores, api, bpo_manager):
    agent = factories.make_agent(nick="小美")
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    data = api(bpo_manager).get("/api/v1/conversations/", {"agent": agent.pk}).data
    assert [c["platform_conversation_id"] for c in data["results"]] == ["C20261111-0001"]


def test_conversation_detail_has_masked_messages(imported, api, qa_supervisor):
    conv = Conversation.objects.get(platform_conversation_id="C20261111-0001")
    data = api(qa_supervisor).get(f"/api/v1/conversations/{conv.pk}/").data
    assert [m["seq"] for m in data["messages"]] == list(range(1, 10))
    assert "[手机号]" in data["messages"][5]["content"]


def test_conversation_pages_have_a_constant_query_count(sample_stores, api, bpo_manager, django_assert_max_num_queries):
    for n in range(3):
        factories.make_agent(nick=f"agent-nick-{n}")
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    import_file(path=SAMPLES / "jd_export_gbk.csv", file_format="jd_csv")
    client = api(bpo_manager)
    client.get("/api/v1/conversations/")  # warm the per-user role cache
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/conversations/")
    assert response.data["count"] == 6
    conv = Conversation.objects.first()
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/conversations/{conv.pk}/")
    assert response.status_code == 200


def test_viewer_gets_404_for_another_brands_conversation_and_import(imported, api, viewer_with_conversation_access):
    client = api(viewer_with_conversation_access)
    own = Conversation.objects.filter(store=imported["tmall"]).first()
    other = Conversation.objects.filter(store=imported["taobao"]).first()
    assert client.get(f"/api/v1/conversations/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/conversations/{other.pk}/").status_code == 404
    assert client.get("/api/v1/conversations/").data["count"] == 3
    other_run = ImportRun.objects.get(file_name="taobao_chatlog.json")
    own_run = ImportRun.objects.get(file_name="canonical.csv")
    assert client.get(f"/api/v1/imports/{own_run.pk}/").status_code == 200
    assert client.get(f"/api/v1/imports/{other_run.pk}/").status_code == 404


def test_plain_client_viewer_is_denied(imported, api, viewer_a):
    assert api(viewer_a).get("/api/v1/conversations/").status_code == 403


def test_anonymous_is_denied(api):
    assert api().get("/api/v1/conversations/").status_code in (401, 403)
