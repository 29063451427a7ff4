"""The role × URL matrix: every URL pattern and every OpenAPI operation, for every role.

Each role (anonymous, superuser, BPO manager, account manager, QA supervisor, client viewer of
brand A) calls every URL with brand B's ids. The role table (apps.core.access.RULES) says who may:
an allowed role must not be refused (401/403/login) nor crash (500); a refused role must get 401
or the login page (anonymous) or 403; a client viewer asking for brand B's ids gets 404 and never
sees brand B's name in any body. A URL without a rule fails `test_every_url_has_a_rule`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from apps.core import access
from apps.core.choices import Role
from tests import factories
from tests.core.access_world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "superuser", Role.BPO_MANAGER, Role.ACCOUNT_MANAGER, Role.QA_SUPERVISOR, Role.CLIENT_VIEWER]
WORLD = "tests/core/access_world.py"
NO_OBJECT = "no object: "
HOW_TO = "add a Rule for it to apps.core.access.RULES (see docs/access.md)"


@dataclass(frozen=True)
class Call:
    name: str  # URL name, with namespace
    method: str
    url: str


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name or p.lookup_str  # Django names an unnamed pattern by its view's dotted path
            yield f"{namespace}:{name}" if namespace else name, prefix + str(p.pattern)


def url_patterns() -> list[tuple[str, str]]:
    """(URL name, route) of every pattern of the URLconf."""
    return list(_walk(get_resolver().url_patterns))


def schema_operations() -> list[tuple[str, str]]:
    """(method, path template) of every operation of the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(m.upper(), path) for path, ops in schema["paths"].items() for m in ops if m != "parameters"]


def test_every_url_has_a_rule():
    missing = sorted({f"{name}  (route {route!r})" for name, route in url_patterns() if access.rule_for(name) is None})
    assert not missing, f"URLs without an access rule — {HOW_TO}:\n" + "\n".join(missing)


def test_every_schema_operation_has_a_rule():
    missing = []
    for method, path in schema_operations():
        name = resolve(re.sub(r"\{\w+\}", "1", path)).view_name
        if access.rule_for(name) is None:
            missing.append(f"{method} {path} (URL name {name!r})")
    assert not missing, f"API operations without an access rule — {HOW_TO}:\n" + "\n".join(missing)


def test_rules_name_only_urls_that_exist():
    names = {name for name, _ in url_patterns()}
    stale = sorted(set(access.RULES) - names)
    assert not stale, f"rules for URL names that no longer exist (remove them from access.RULES): {stale}"


# --- the matrix ---------------------------------------------------------------------------------


def _model_of_view(path: str) -> str:
    match = resolve(re.sub(r"\{\w+\}", "1", path))
    rule = access.rule_for(match.view_name)
    if rule is not None and rule.model:
        return rule.model
    view = match.func
    cls = getattr(view, "cls", None)
    qs = getattr(cls, "queryset", None)
    if qs is not None:
        return qs.model._meta.label
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return meta.model._meta.label if meta else ""


def _fill(path: str, model: str, world: dict[str, int], name: str) -> str:
    """The path with brand B's id of `model` in it; a marker the matrix reports if it has none."""
    if not re.search(r"\{\w+\}|<int:\w+>", path):
        return path
    if model not in world:
        return f"{NO_OBJECT}{model or 'a model the test cannot tell (give its Rule a model=)'}"
    return re.sub(r"\{\w+\}|<int:\w+>", str(world[model]), path)


def api_calls(world) -> list[Call]:
    calls = []
    for method, path in schema_operations():
        name = resolve(re.sub(r"\{\w+\}", "1", path)).view_name
        calls.append(Call(name, method, _fill(path, _model_of_view(path), world, name)))
    return calls


def page_calls(world) -> list[Call]:
    calls = []
    for name, route in url_patterns():
        if route.startswith(("api/", "admin/")) or "(?P<format>" in route or "<path:" in route:
            continue
        rule = access.rule_for(name)
        url = _fill(route, rule.model if rule else "", world, name)
        url = url if url.startswith(NO_OBJECT) else "/" + url
        calls += [Call(name, "GET", url), Call(name, "POST", url)]
    return calls


def admin_calls(world) -> list[Call]:
    calls = [Call("admin:index", "GET", reverse("admin:index"))]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        calls.append(Call(f"{prefix}_changelist", "GET", reverse(f"{prefix}_changelist")))
        if model._meta.label in world:
            calls.append(Call(f"{prefix}_change", "GET", reverse(f"{prefix}_change", args=[world[model._meta.label]])))
    return calls


def _user(role, brand_a):
    if role == "anonymous":
        return None
    if role == "superuser":
        return factories.make_user(username="root", is_superuser=True)
    return factories.make_user(role=role, client=brand_a if role == Role.CLIENT_VIEWER else None)


def _admin_allows(user, call: Call) -> bool:
    """Django admin's own verdict from the model permissions of ROLE_PERMISSIONS."""
    if user is None:
        return False
    if call.name == "admin:index":
        return True
    app_label, _, rest = call.name.removeprefix("admin:").partition("_")
    model_name = rest.rsplit("_", 1)[0]
    return any(user.has_perm(f"{app_label}.{action}_{model_name}") for action in ("view", "change"))


def _verdict(call: Call, response, *, allowed: bool, anonymous: bool, viewer: bool, brand_b_id: bool, brand_b_name):
    status = response.status_code
    to_login = status == 302 and "login" in response.get("Location", "")
    body = response.content.decode("utf-8", "replace") if not response.streaming else ""
    if status >= 500:
        return f"{status} server error"
    if viewer and brand_b_name in body:
        return f"{status} and brand B's name {brand_b_name!r} in the body"
    if allowed:
        if status in (401, 403) or (to_login and not access.rule_for(call.name).public):
            return f"{status} but the role table allows it"
        if viewer and brand_b_id and call.method == "GET" and 200 <= status < 300:
            return f"{status}: brand B's object served to brand A's viewer"
        return None
    if anonymous and (status == 401 or to_login):
        return None
    if not anonymous and status == 403:
        return None
    return f"{status} but the role table refuses it"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, brand_a, brand_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TIDELINE_ENV = "test"
    world = build_world(brand_b)
    build_world(brand_a)
    user = _user(role, brand_a)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    viewer = role == Role.CLIENT_VIEWER
    failures = []
    calls = api_calls(world) + page_calls(world) + admin_calls(world)
    calls.sort(key=lambda c: c.name in {"logout", "admin:logout"})  # logging out ends the session: last
    for call in calls:
        if call.url.startswith(NO_OBJECT):
            failures.append(f"{call.name}: takes the id of {call.url.removeprefix(NO_OBJECT)}; make one in {WORLD}")
            continue
        if call.name.startswith("admin:"):
            allowed = user is not None and (user.is_superuser or _admin_allows(user, call))
        else:
            allowed = access.allowed(user, call.name, call.method)
        with transaction.atomic():  # every call sees the same world: deletes and edits roll back
            kwargs = {} if call.method == "GET" else {"data": "{}", "content_type": "application/json"}
            response = client.generic(call.method, call.url, **kwargs)
            transaction.set_rollback(True)
        problem = _verdict(
            call,
            response,
            allowed=allowed,
            anonymous=user is None,
            viewer=viewer,
            brand_b_id=call.url != re.sub(r"/\d+/", "/", call.url),
            brand_b_name=brand_b.name,
        )
        if problem:
            failures.append(f"{role:16} {call.method:6} {call.url}  [{call.name}]: {problem}")
    assert not failures, f"{len(failures)} of {len(calls)} calls break the role table:\n" + "\n".join(failures)
