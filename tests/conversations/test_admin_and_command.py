"""Admin upload form, scoped admin pages, and the import_conversations management command."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from apps.conversations.models import Conversation, ImportRun
from apps.conversations.services import import_file
from apps.core.choices import RunStatus
from tests.conversations.conftest import SAMPLES


@pytest.fixture
def admin_client_for(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def test_changelist_links_to_the_upload_form(sample_stores, admin_client_for, account_manager):
    page = admin_client_for(account_manager).get("/admin/conversations/importrun/")
    assert page.status_code == 200
    assert b"/admin/conversations/importrun/upload/" in page.content


def test_admin_upload_form_imports_the_file(
    sample_stores, admin_client_for, bpo_manager, media_root, django_capture_on_commit_callbacks
):
    client = admin_client_for(bpo_manager)
    assert client.get("/admin/conversations/importrun/upload/").status_code == 200
    upload = SimpleUploadedFile("jd.csv", (SAMPLES / "jd_export_gbk.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/conversations/importrun/upload/", {"file": upload, "file_format": "jd_csv"})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response.url == f"/admin/conversations/importrun/{run.pk}/change/"
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.messages_imported == 21
    assert client.get(response.url).status_code == 200


def test_admin_upload_form_refuses_big_files(sample_stores, admin_client_for, bpo_manager, media_root, settings):
    settings.TIDELINE_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("jd.csv", (SAMPLES / "jd_export_gbk.csv").read_bytes())
    response = admin_client_for(bpo_manager).post(
        "/admin/conversations/importrun/upload/", {"file": upload, "file_format": "jd_csv"}
    )
    assert response.status_code == 200
    assert "超过上传上限" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_qa_supervisor_cannot_open_the_upload_form(admin_client_for, qa_supervisor):
    assert admin_client_for(qa_supervisor).get("/admin/conversations/importrun/upload/").status_code == 403


def test_conversation_admin_shows_the_transcript(sample_stores, admin_client_for, qa_supervisor):
    import_file(path=SAMPLES / "canonical.csv", file_format="canonical_csv")
    conv = Conversation.objects.get(platform_conversation_id="C20261111-0001")
    client = admin_client_for(qa_supervisor)
    assert client.get("/admin/conversations/conversation/").status_code == 200
    page = client.get(f"/admin/conversations/conversation/{conv.pk}/change/")
    assert page.status_code == 200
    assert "[手机号]" in page.content.decode()
    assert client.get("/admin/conversations/message/").status_code == 200


def test_command_imports_and_summarises(sample_stores):
    out = io.StringIO()
    call_command(
        "import_conversations", str(SAMPLES / "canonical.csv"), "--format", "canonical_csv", "--no-progress", stdout=out
    )
    assert "导入 3 个会话、21 条消息" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import_conversations", str(SAMPLES / "canonical.csv"), "--format", "canonical_csv", "--no-progress", stdout=out
    )
    assert "0 条消息，重复 21 条" in out.getvalue()


def test_command_fails_on_a_bad_file(sample_stores, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("platform\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_conversations", str(bad), "--format", "canonical_csv", "--no-progress", stderr=err)
    assert "bad.csv" in err.getvalue()
    assert "第 1 行，字段 shop：缺少列" in err.getvalue()


def test_home_page_links_to_the_import_pages(admin_client_for, account_manager):
    page = admin_client_for(account_manager).get("/")
    assert page.status_code == 200
    assert b"/admin/conversations/importrun/upload/" in page.content
    assert b"/admin/conversations/conversation/" in page.content


def test_command_shows_a_progress_bar(sample_stores):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_conversations", str(SAMPLES / "qianniu_copy.txt"), "--format", "qianniu_text", stdout=out, stderr=err
    )
    assert "21 条消息" in out.getvalue()
    assert "qianniu_copy.txt" in err.getvalue()
