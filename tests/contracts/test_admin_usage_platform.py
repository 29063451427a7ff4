"""The usage admin names a record's platform in the user's language (found in the browser walk: the
list and its filter showed the codes douyin, pinduoduo, cross_border on a Chinese page)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from tests.contracts.factories import add_usage, make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("walker-root", "root@example.com", "x")


@pytest.mark.parametrize("path", ["/admin/contracts/usagerecord/", "/admin/contracts/usagedaily/"])
def test_usage_lists_show_the_platform_by_name(client, superuser, brand_a, path):
    contract = make_contract(client=brand_a)
    add_usage(contract, metric="human_conversations", day=date(2026, 11, 3), quantity=1, key="k1", platform="douyin")
    add_usage(contract, metric="human_conversations", day=date(2026, 11, 3), quantity=1, key="k2",
              platform="cross_border")  # fmt: skip
    client.force_login(superuser)
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = re.search(r'<table id="result_list".*?</table>', page, re.S).group(0)
    assert "抖音" in rows and "跨境" in rows
    assert "douyin" not in rows and "cross_border" not in rows
    if path.endswith("usagerecord/"):
        filters = re.search(r'id="changelist-filter".*?</nav>', page, re.S).group(0)
        assert "抖音" in filters and "?platform=douyin" in filters
        assert not re.search(r">\s*douyin\s*<", filters)
        filtered = client.get(path + "?platform=douyin", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "跨境" not in re.search(r'<table id="result_list".*?</table>', filtered, re.S).group(0)


def test_a_contract_version_is_named_in_the_users_language(brand_a):
    """The version's name (admin title, lists, audit rows) said "c1 from 2026-01-01" on Chinese pages."""
    from django.utils import translation

    version = make_contract(client=brand_a).versions.get()
    with translation.override("zh-hans"):
        assert str(version) == f"{version.contract.code}（2026-01-01 起）"
    with translation.override("en"):
        assert str(version) == f"{version.contract.code} from 2026-01-01"
