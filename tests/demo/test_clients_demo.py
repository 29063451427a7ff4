from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from apps.clients import demo as clients_demo
from apps.clients.models import BillingContact, Client, ClientMembership, Site, Store
from apps.clients.validators import validate_uscc
from apps.core.choices import Role
from apps.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Client.objects.order_by("code").values()),
        list(Store.objects.order_by("shop_id").values()),
        list(Site.objects.order_by("code").values()),
        list(BillingContact.objects.order_by("email").values()),
        list(get_user_model().objects.order_by("username").values()),
        list(ClientMembership.objects.order_by("user_id").values()),
    )


def test_six_brands_with_valid_credit_codes_and_bank_details(make_ctx):
    clients_demo.seed(make_ctx())
    clients = Client.objects.all()
    assert clients.count() == 6
    for client in clients:
        validate_uscc(client.uscc)
        assert client.legal_name.endswith("有限公司")
        assert client.bank_name and client.bank_account
        assert client.billing_contacts.exists()
        assert all(c.email.endswith("example.com") for c in client.billing_contacts.all())


def test_about_ten_stores_across_every_platform_with_opening_hours(make_ctx):
    clients_demo.seed(make_ctx())
    stores = Store.objects.all()
    assert stores.count() == 10
    assert {s.platform for s in stores} == {"tmall", "taobao", "jd", "douyin", "pinduoduo", "cross_border"}
    assert stores.filter(is_24h=True).exists() and stores.filter(is_24h=False).exists()
    for store in stores.filter(is_24h=False):
        assert (store.opens_at.hour, store.closes_at.hour) == (8, 0)


def test_two_sites(make_ctx):
    clients_demo.seed(make_ctx())
    assert set(Site.objects.values_list("name", flat=True)) == {"合肥客服中心", "成都客服中心"}


def test_users_for_every_role_with_printed_logins(make_ctx):
    ctx = make_ctx()
    clients_demo.seed(ctx)
    usernames = [username for _role, username, _pw in ctx.logins]
    assert usernames[:4] == ["admin", "manager", "accounts", "qa"]
    assert len(usernames) == 4 + 6
    for _role, username, password in ctx.logins:
        assert password == DEMO_PASSWORD
        # django-axes checks every login against its lockout, so authenticate needs the request
        user = authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password)
        assert user is not None and user.is_staff
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert users.get(username="manager").groups.filter(name=Role.BPO_MANAGER).exists()
    assert users.get(username="accounts").groups.filter(name=Role.ACCOUNT_MANAGER).exists()
    assert users.get(username="qa").groups.filter(name=Role.QA_SUPERVISOR).exists()
    # reports print who wrote, reviewed and issued them: a person's name, not a login
    assert users.get(username="accounts").get_full_name() == "王敏"
    assert all(users.get(username=u).get_full_name() for u in ("admin", "manager", "qa"))


def test_one_client_viewer_per_brand_bound_to_it(make_ctx):
    clients_demo.seed(make_ctx())
    for client in Client.objects.all():
        viewer = get_user_model().objects.get(username=f"viewer-{client.code}")
        assert viewer.groups.filter(name=Role.CLIENT_VIEWER).exists()
        assert viewer.client_membership.client == client


def test_rerun_changes_nothing(make_ctx):
    clients_demo.seed(make_ctx())
    before = _snapshot()
    clients_demo.seed(make_ctx())
    assert _snapshot() == before
