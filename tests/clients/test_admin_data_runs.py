"""The data-run admin list reads its counts in words (found in the browser walk: the column showed the
raw JSON {"conversations": 436, "messages_blanked": 3786, ...} on a Chinese page)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from apps.clients.models import DataRun

pytestmark = pytest.mark.django_db


def test_counts_read_as_labelled_numbers(client, brand_a):
    DataRun.objects.create(
        client=brand_a,
        kind="retention",
        counts={"conversations": 436, "messages_blanked": 3786, "qa_excerpts_blanked": 305},
    )
    root = get_user_model().objects.create_superuser("walker-root", "root@example.com", "x")
    client.force_login(root)
    page = client.get("/admin/clients/datarun/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = re.search(r'<table id="result_list".*?</table>', page, re.S).group(0)
    assert "会话 436 · 已清除的消息 3,786 · 已清除的质检摘录 305" in rows
    assert "messages_blanked" not in rows and "{" not in re.sub(r"<[^>]+>", "", rows)
