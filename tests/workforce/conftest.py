"""Shared workforce fixtures: a brand with a 24-hour store, four weeks of chats, skilled agents,
a forecast, a requirement and a solved draft roster for the Double 11 week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from apps.workforce import services
from tests import factories
from tests.workforce.factories import chat_history, skilled_agents

WEEK = date(2026, 11, 9)


@pytest.fixture
def planned(brand_a, bpo_manager, django_capture_on_commit_callbacks):
    store = factories.make_store(client=brand_a, is_24h=True)
    chat_history(store, start=WEEK - timedelta(days=28), days=28, per_day=160)
    skilled_agents(brand_a, 40)
    services.forecast_build(client=brand_a, week_start=WEEK, actor=bpo_manager)
    services.requirement_compute(client=brand_a, week_start=WEEK, actor=bpo_manager)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.solve_run_create(client=brand_a, week_start=WEEK, time_limit_seconds=3, actor=bpo_manager)
    run.refresh_from_db()
    return run
