"""DRF permissions: a Tideline role is needed for anything, Django model permissions for the rest."""

from __future__ import annotations

from rest_framework.permissions import BasePermission, DjangoModelPermissions

from apps.core.roles import user_roles


class IsTidelineUser(BasePermission):
    message = "You need a Tideline role (BPO manager, account manager, QA supervisor or client viewer)."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user)))


class TidelineModelPermissions(DjangoModelPermissions):
    """Reads need the view permission too, so the API follows the same role table as admin."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }


class HasRole(BasePermission):
    """Use as HasRole.of(Role.ACCOUNT_MANAGER, ...) on views or actions that need a role."""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type("HasRole", (cls,), {"roles": roles})

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user) & set(self.roles)))
