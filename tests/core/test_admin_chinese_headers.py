"""The admin's app list reads in Chinese throughout, including the table header Django reads to
screen readers (found in the browser walk: "Model name / Add link / Change or view list link")."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_admin_index_has_no_english_table_header(client):
    root = get_user_model().objects.create_superuser("walker-root", "root@example.com", "x")
    client.force_login(root)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "模型名称" in page
    for english in ("Model name", "Add link", "Change or view list link"):
        assert english not in page
