from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from apps.core.choices import Role
from apps.core.navigation import NAVIGATION
from apps.core.roles import client_names, user_roles, visible_client_ids


@login_required
def home(request):
    roles = user_roles(request.user)
    sections: dict[str, list[dict]] = {}
    for entry in NAVIGATION:
        if request.user.is_superuser or roles & set(entry.roles):
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            sections.setdefault(str(entry.section), []).append({"title": entry.title, "url": url})
    client_ids = visible_client_ids(request.user)
    clients = None if client_ids is None else client_names(client_ids)
    labels = [Role(role).label for role in sorted(roles)]
    return render(request, "core/home.html", {"sections": sections, "roles": labels, "clients": clients})
