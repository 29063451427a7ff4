"""Roles, their permissions, and client scoping.

Each Role is a Django group. Its permissions follow ROLE_PERMISSIONS: a rule names an app label or
an `app.model` and the actions granted; an `app.model` rule replaces its role's app-wide rule for
that model. Which URLs each role may call is the role table of apps.core.access. `roles_sync()` applies the table; a migration creates the
groups and post_migrate re-applies it as apps add models, so the table is the one source of truth.

Scoping: a model that belongs to a client says how to reach it with `CLIENT_LOOKUP` (a queryset
lookup to clients.Client, or "pk" on Client itself). Staff roles see every client; a client
viewer sees only the client of its membership; anyone else sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db.models import QuerySet

from apps.core.choices import Role

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)

# rule target -> actions. An app label covers all its models; "app.model" one model.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.BPO_MANAGER: {
        "workforce": ALL,
        "people": ALL,
        "core.promoevent": ALL,
        "conversations": ("add", "view"),
        "orders": ("add", "view"),
        "clients": VIEW,
        "qa": VIEW,
        # BPO managers stand in for the agents' team leads, who file disputes
        "qa.dispute": ("add", "view"),
        "reports": VIEW,
        "core.auditevent": VIEW,
    },
    Role.ACCOUNT_MANAGER: {
        "contracts": ALL,
        "reports": ALL,
        "clients": ALL,
        "core.promoevent": VIEW,
        "conversations": ("add", "view"),
        "orders": ("add", "view"),
        "qa": VIEW,
        "workforce": VIEW,
        "people": VIEW,
        "core.auditevent": VIEW,
    },
    Role.QA_SUPERVISOR: {
        "qa": ALL,
        # review items are closed (confirmed / dismissed), never deleted: the queue is the audit trail
        "qa.reviewitem": ("add", "change", "view"),
        "conversations": VIEW,
        "orders": VIEW,
        "clients": VIEW,
        "people.agent": VIEW,
        "reports": VIEW,
        "core.auditevent": VIEW,
    },
    Role.CLIENT_VIEWER: {
        "reports.reportrun": VIEW,
        "reports.rendereddocument": VIEW,
        "contracts.invoice": VIEW,
        "contracts.invoiceline": VIEW,
        "contracts.creditnote": VIEW,
        "contracts.fapiao": VIEW,
        "contracts.payment": VIEW,
        "contracts.statementresponse": VIEW,
        "clients.client": VIEW,
        "clients.store": VIEW,
        "orders.order": VIEW,
        "orders.attribution": VIEW,
        "orders.evaluation": VIEW,
    },
}

STAFF_ROLES = frozenset({Role.BPO_MANAGER, Role.ACCOUNT_MANAGER, Role.QA_SUPERVISOR})


class ClientDirectory(Protocol):
    """What scoping needs to know of brands, answered by the clients app (which sits above core and
    registers itself from its AppConfig.ready(), so no import runs up from core to clients)."""

    def member_client_ids(self, user) -> Iterable[int]:
        """Ids of the brands the user is a member of (a client viewer's own brand)."""

    def client_names(self, client_ids: Iterable[int]) -> list[str]:
        """The names of these brands, in name order."""


_DIRECTORY: list[ClientDirectory] = []


def client_directory_register(directory: ClientDirectory) -> None:
    """Install the clients app's directory (called once, from apps.clients.apps.ClientsConfig.ready)."""
    _DIRECTORY[:] = [directory]


def _directory() -> ClientDirectory:
    if not _DIRECTORY:
        raise RuntimeError("apps.clients is not installed: no client directory for scoping")
    return _DIRECTORY[0]


def client_names(client_ids: Iterable[int]) -> list[str]:
    """Names of these brands (for a page telling a client viewer which brand it sees)."""
    return _directory().client_names(client_ids)


def user_roles(user) -> frozenset[str]:
    """The roles of a user, read from its groups once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_tideline_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role.values if role in names)
        user._tideline_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(user_roles(user) & set(roles))


def visible_client_ids(user) -> frozenset[int] | None:
    """None means every client; otherwise the set of client ids the user may see (maybe empty)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser or user_roles(user) & STAFF_ROLES:
        return None
    cached = getattr(user, "_tideline_client_ids", None)
    if cached is None:
        cached = frozenset(_directory().member_client_ids(user))
        user._tideline_client_ids = cached
    return cached


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    """Filter any queryset to what `user` may see, using the model's CLIENT_LOOKUP."""
    client_ids = visible_client_ids(user)
    if client_ids is None:
        return queryset
    lookup = getattr(queryset.model, "CLIENT_LOOKUP", None)
    if lookup is None or not client_ids:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": client_ids})


def roles_sync(*, group_model=None, permission_model=None) -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    group_model = group_model or Group
    permission_model = permission_model or Permission
    for role, rules in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for target, actions in rules.items():
            app_label, _, model = target.partition(".")
            perms = permission_model.objects.filter(content_type__app_label=app_label)
            if model:
                perms = perms.filter(content_type__model=model)
            else:  # an "app.model" rule of the same role replaces the app-wide rule for that model
                own = [t.partition(".")[2] for t in rules if t.startswith(f"{app_label}.")]
                perms = perms.exclude(content_type__model__in=own)
            for perm in perms:
                if perm.codename.split("_", 1)[0] in actions or (actions == ALL and model == ""):
                    wanted.append(perm)
        group.permissions.set(wanted)
