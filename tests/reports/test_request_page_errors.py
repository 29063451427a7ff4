"""The report list's forms refuse in the user's words, as found in the browser walk of the demo: an
empty request said "client: 该字段是必填项。; period_start: 该字段是必填项。" and a service refusal came
as "field 'period_start': period_start 2026-11-15 is not the first day of a month"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.reports.models import ReportRun

pytestmark = pytest.mark.django_db


def _errors(response) -> list[str]:
    return re.findall(r'<li class="error">(.*?)</li>', response.content.decode())


def test_an_empty_request_names_the_fields_by_their_labels(client, account_manager):
    client.force_login(account_manager)
    response = client.post(reverse("reports:run-request"), {}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    [error] = _errors(response)
    assert "品牌：" in error and "期间开始：" in error
    assert "client" not in error and "period_start" not in error


@pytest.mark.parametrize(
    ("kind", "day", "said"),
    [
        ("monthly", "2026-11-15", "2026-11-15 不是月份的第一天。"),
        ("quarterly", "2026-11-01", "2026-11-01 不是季度的第一天。"),
        ("monthly", "2099-01-01", "从 2099-01-01 开始的期间尚未开始。"),
    ],
)
def test_a_bad_period_is_refused_in_chinese(client, account_manager, brand_a, kind, day, said):
    client.force_login(account_manager)
    data = {"client": brand_a.pk, "kind": kind, "period_start": day, "language": "zh-hans"}
    response = client.post(reverse("reports:run-request"), data, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _errors(response) == [said]
    assert not ReportRun.objects.exists()
