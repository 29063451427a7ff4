"""Permission sets are cached briefly, and a change to groups or permissions is seen at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.choices import Role

pytestmark = pytest.mark.django_db


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # a new request's user object


def test_a_second_request_reads_permissions_from_the_cache(qa_supervisor):
    assert _fresh(qa_supervisor).has_perm("qa.change_reviewitem")
    user = _fresh(qa_supervisor)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("qa.change_reviewitem")
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_granting_or_revoking_is_seen_at_once(qa_supervisor):
    perm = Permission.objects.get(content_type__app_label="contracts", codename="view_invoice")
    assert not _fresh(qa_supervisor).has_perm("contracts.view_invoice")
    Group.objects.get(name=Role.QA_SUPERVISOR).permissions.add(perm)
    assert _fresh(qa_supervisor).has_perm("contracts.view_invoice")
    qa_supervisor.groups.clear()
    assert not _fresh(qa_supervisor).has_perm("contracts.view_invoice")
    qa_supervisor.user_permissions.add(perm)
    assert _fresh(qa_supervisor).has_perm("contracts.view_invoice")
