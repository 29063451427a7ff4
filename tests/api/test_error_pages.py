"""403/404/500 pages are Tideline's own, in the user's language (zh-hans by default, English on request)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from tests import factories

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


def test_404_page_is_tidelines_own_and_chinese_by_default(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Tideline" in body and "这里没有内容，或它属于您的账号无权查看的品牌" in body


def test_404_page_in_english_when_asked(client):
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert "it belongs to a brand your account cannot see" in response.content.decode()


def test_403_page_is_tidelines_own(client, settings):
    user = factories.make_user(username="no-role")
    client.force_login(user)
    response = client.get("/billing/")
    assert response.status_code == 403
    assert "您的角色不包含此页面" in response.content.decode()


def test_500_page_is_tidelines_own(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(factories.make_user(username="boom-admin", is_superuser=True))
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Tideline" in body and "出错了" in body
