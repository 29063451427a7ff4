"""A run's progress column is titled in the user's language (found in the browser walk: the import
run lists of the admin showed "PROGRESS PERCENT")."""

from __future__ import annotations

import pytest
from django.contrib.admin.utils import label_for_field
from django.utils import translation

from apps.conversations.models import ImportRun
from apps.orders.models import OrderImportRun


@pytest.mark.parametrize("model", [ImportRun, OrderImportRun])
def test_progress_column_title_is_translated(model):
    with translation.override("zh-hans"):
        assert label_for_field("progress_percent", model) == "进度（%）"
