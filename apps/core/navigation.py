"""The home page's map of Tideline: one entry per page, shown to the roles that can use it.

Each app adds its pages here (url name, title, roles) so the home page never links to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    title: str
    section: str
    roles: tuple[str, ...]


STAFF = (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER, Role.QA_SUPERVISOR)

NAVIGATION: list[NavEntry] = [
    NavEntry("admin:index", _("Admin"), _("Operations"), (*STAFF, Role.CLIENT_VIEWER)),
    NavEntry("api-docs", _("API (Swagger UI)"), _("Operations"), (*STAFF, Role.CLIENT_VIEWER)),
]


def register(entry: NavEntry) -> None:
    if entry not in NAVIGATION:
        NAVIGATION.append(entry)
