"""Shared test builders for the foundation models. App-specific builders live in tests/<app>/factories.py."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.clients.models import Client, ClientMembership, Site, Store
from apps.clients.validators import USCC_CHARSET, uscc_check_character
from apps.core.choices import Role
from apps.people.models import Agent

_seq = itertools.count(1)


def make_uscc(n: int) -> str:
    body = "91310000" + "".join(USCC_CHARSET[(n * 7 + i * 3) % 31] for i in range(9))
    return body + uscc_check_character(body)


def make_client(*, code: str | None = None, name: str | None = None) -> Client:
    n = next(_seq)
    code = code or f"brand{n}"
    return Client.objects.create(
        code=code, name=name or f"品牌{n}", legal_name=f"上海品牌{n}有限公司", uscc=make_uscc(n)
    )


def make_store(*, client: Client, platform: str = "tmall", shop_id: str | None = None, **extra) -> Store:
    n = next(_seq)
    return Store.objects.create(
        client=client, platform=platform, shop_id=shop_id or f"shop{n}", name=f"{client.name}旗舰店{n}", **extra
    )


def make_site(*, code: str | None = None) -> Site:
    n = next(_seq)
    return Site.objects.create(code=code or f"site{n}", name=f"客服中心{n}", city="合肥", seats=300)


def make_agent(*, site: Site | None = None, nick: str | None = None, **extra) -> Agent:
    n = next(_seq)
    site = site or make_site()
    return Agent.objects.create(employee_no=f"E{n:05d}", name=f"客服{n}", nick=nick or f"agent{n}", site=site, **extra)


def make_user(*, role: str | None = None, client: Client | None = None, username: str | None = None, **extra):
    n = next(_seq)
    user = get_user_model().objects.create_user(
        username=username or f"user{n}", password="pw-Secret-123", is_staff=True, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if role == Role.CLIENT_VIEWER:
        assert client is not None, "a client viewer needs a client"
        ClientMembership.objects.create(user=user, client=client)
    return user
