"""Admin upload of an order export (the shared apps.core.imports_admin page): link, form, queued run."""

from __future__ import annotations

from pathlib import Path

from django.test import Client as WebClient

from apps.core.choices import RunStatus
from apps.orders.models import OrderImportRun
from tests import factories

SAMPLE = Path(__file__).parent / "samples" / "canonical_orders.csv"
UPLOAD = "/admin/orders/orderimportrun/upload/"


def _admin():
    web = WebClient()
    web.force_login(factories.make_user(is_superuser=True))
    return web


def test_the_run_list_links_the_upload_page_and_the_page_reads_in_chinese(db):
    web = _admin()
    runs = web.get("/admin/orders/orderimportrun/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert UPLOAD in runs.content.decode() and "上传订单导出文件" in runs.content.decode()
    page = web.get(UPLOAD, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "收货人姓名、电话和地址不会被读取" in page and "上传并导入" in page


def test_an_upload_queues_the_import_and_opens_the_run(brand_a, media_root, django_capture_on_commit_callbacks):
    factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall-01")
    web = _admin()
    with SAMPLE.open("rb") as fh, django_capture_on_commit_callbacks(execute=True):
        response = web.post(UPLOAD, {"file": fh, "file_format": "canonical_csv", "shop": ""})
    run = OrderImportRun.objects.get()
    assert response.status_code == 302 and response.url == f"/admin/orders/orderimportrun/{run.pk}/change/"
    assert run.status == RunStatus.SUCCEEDED and run.created_count == 3 and not run.file


def test_an_unknown_format_is_named_on_the_form_and_nothing_is_created(db, media_root):
    web = _admin()
    with SAMPLE.open("rb") as fh:
        response = web.post(UPLOAD, {"file": fh, "file_format": "xml"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "file_format" in response.context["form"].errors
    assert not OrderImportRun.objects.exists()


def test_a_user_without_the_add_right_cannot_upload(db):
    web = WebClient()
    web.force_login(factories.make_user())
    assert web.get(UPLOAD).status_code == 403
