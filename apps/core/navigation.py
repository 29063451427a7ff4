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


def sections_for(user) -> dict[str, list[dict]]:
    """{section: [{title, url}]} of the pages `user` may open: an entry shows only to its roles and
    only when the access table lets the user GET it, so no link leads to a 403."""
    from django.urls import NoReverseMatch, reverse

    from apps.core.access import allowed
    from apps.core.roles import user_roles

    roles = user_roles(user)
    sections: dict[str, list[dict]] = {}
    for entry in NAVIGATION:
        if not (user.is_superuser or roles & set(entry.roles)):
            continue
        if not allowed(user, entry.url_name, "GET"):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        sections.setdefault(str(entry.section), []).append({"title": entry.title, "url": url})
    return sections


def top_links(request) -> dict:
    """Template context: the first page of each section the user may open, for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    links = []
    for section, entries in sections_for(user).items():
        links.append({"title": section, "url": entries[0]["url"]})
    return {"nav_sections": links}
