"""An order import's count of new rows reads 新增, not 创建时间 (found in the browser walk: the
import run's page said "创建时间: 0" for the number of orders created)."""

from __future__ import annotations

from django.utils import translation

from apps.orders.models import OrderImportRun


def test_created_count_is_a_count_not_a_time():
    with translation.override("zh-hans"):
        assert str(OrderImportRun._meta.get_field("created_count").verbose_name) == "新增"
