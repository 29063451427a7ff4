from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from apps.clients.validators import validate_uscc
from apps.core.choices import Role
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "TIDELINE_ENV": "production", "DATABASE_URL": "postgresql://x@127.0.0.1/x"}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in proc.stderr


def test_debug_is_off_unless_set(settings):
    from config.env import env_bool

    assert env_bool("SOME_UNSET_FLAG_FOR_TEST") is False


def test_bad_boolean_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_bool

    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG")


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_valid_uscc_passes(code):
    validate_uscc(code)


def test_uscc_with_wrong_check_character_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91350100M000100Y44")
    assert caught.value.code == "check"
    assert "3" in caught.value.messages[0]  # names the check character it should be


def test_generated_uscc_is_valid():
    validate_uscc(factories.make_uscc(42))


@pytest.mark.django_db
def test_role_groups_exist_with_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(Role.values) <= names
    am = Group.objects.get(name=Role.ACCOUNT_MANAGER)
    assert am.permissions.filter(codename="change_client").exists()
    viewer = Group.objects.get(name=Role.CLIENT_VIEWER)
    assert not viewer.permissions.filter(codename="change_client").exists()


def test_viewer_of_brand_a_gets_404_for_brand_b(api, viewer_a, brand_a, brand_b):
    client = api(viewer_a)
    assert client.get(f"/api/v1/clients/{brand_a.pk}/").status_code == 200
    assert client.get(f"/api/v1/clients/{brand_b.pk}/").status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/clients/").json()["results"]]
    assert ids == [brand_a.pk]


def test_viewer_cannot_edit_its_own_brand(api, viewer_a, brand_a):
    response = api(viewer_a).patch(f"/api/v1/clients/{brand_a.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403


def test_account_manager_sees_all_brands_and_is_told_which_field_is_wrong(api, account_manager, brand_a, brand_b):
    client = api(account_manager)
    assert {row["id"] for row in client.get("/api/v1/clients/").json()["results"]} == {brand_a.pk, brand_b.pk}
    response = client.post(
        "/api/v1/clients/",
        {"code": "new", "name": "新品牌", "legal_name": "新品牌有限公司", "uscc": "91350100M000100Y44"},
        format="json",
    )
    assert response.status_code == 400
    assert "uscc" in response.json()


def test_anonymous_and_roleless_users_get_nothing(api, db):
    assert api().get("/api/v1/clients/").status_code in (401, 403)
    nobody = factories.make_user()
    assert api(nobody).get("/api/v1/clients/").status_code == 403


def test_viewer_admin_changelist_is_scoped(client, viewer_a, brand_a, brand_b):
    client.force_login(viewer_a)
    page = client.get("/admin/clients/client/")
    assert page.status_code == 200
    assert brand_a.name in page.content.decode()
    assert brand_b.name not in page.content.decode()
    assert client.get(f"/admin/clients/client/{brand_b.pk}/change/").status_code in (302, 404)


def test_openapi_schema_is_served(api, account_manager):
    response = api(account_manager).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/clients/" in response.content
