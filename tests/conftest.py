"""Fixtures shared by every app's tests: a user per role, two brands, API clients."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from apps.core.choices import Role
from tests import factories

# The property tests run on fixed examples (a red run must be one anyone can repeat) and without a
# per-example deadline (the machines are shared); HYPOTHESIS_PROFILE=explore searches afresh.
hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("explore", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tests run tasks in-process unless a test starts a real worker itself."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def brand_a(db):
    return factories.make_client(code="brand-a", name="悦肤")


@pytest.fixture
def brand_b(db):
    return factories.make_client(code="brand-b", name="山野户外")


@pytest.fixture
def bpo_manager(db):
    return factories.make_user(role=Role.BPO_MANAGER, username="bpo")


@pytest.fixture
def account_manager(db):
    return factories.make_user(role=Role.ACCOUNT_MANAGER, username="am")


@pytest.fixture
def qa_supervisor(db):
    return factories.make_user(role=Role.QA_SUPERVISOR, username="qa")


@pytest.fixture
def viewer_a(brand_a):
    return factories.make_user(role=Role.CLIENT_VIEWER, client=brand_a, username="viewer-a")


@pytest.fixture
def api():
    """api(user) -> an APIClient logged in as that user."""

    def _make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _make
