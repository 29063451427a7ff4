"""The audit admin names a row's target by its model's name, not "clients.client" (found in the
browser walk of the demo's admin: the column and its filter showed app_label.model codes)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from apps.core.audit import audit_record

pytestmark = pytest.mark.django_db


def test_target_type_reads_as_the_model_name(client, brand_a):
    root = get_user_model().objects.create_superuser("walker-root", "root@example.com", "x")
    audit_record(actor=root, action="client.checked", target=brand_a, client=brand_a, data={})
    client.force_login(root)
    page = client.get("/admin/core/auditevent/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = re.search(r'<table id="result_list".*?</table>', page, re.S).group(0)
    assert "clients.client" not in rows and ">客户<" in rows
    filters = re.search(r'id="changelist-filter".*?</nav>', page, re.S).group(0)
    assert "?target_type=clients.client" in filters and not re.search(r">\s*clients\.client\s*<", filters)
