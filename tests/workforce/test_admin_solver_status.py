"""The solve-run admin list names the solver's status in the user's language (found in the browser
walk: LP_ROUNDED, FEASIBLE, NO_VARIANTS on a Chinese page)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from apps.workforce.models import SolveRun
from tests.workforce.conftest import WEEK

pytestmark = pytest.mark.django_db


def test_solver_status_reads_in_words(client, brand_a):
    SolveRun.objects.create(client=brand_a, week_start=WEEK, solver_status="FEASIBLE/LP_ROUNDED", params={})
    SolveRun.objects.create(client=brand_a, week_start=WEEK, solver_status="NO_VARIANTS", params={})
    root = get_user_model().objects.create_superuser("walker-root", "root@example.com", "x")
    client.force_login(root)
    page = client.get("/admin/workforce/solverun/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = re.search(r'<table id="result_list".*?</table>', page, re.S).group(0)
    assert "可行解（已到时限） / LP 取整解" in rows and "无可选班次" in rows
    assert not re.search(r"LP_ROUNDED|NO_VARIANTS|FEASIBLE", rows)
