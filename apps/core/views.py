from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.core.choices import Role
from apps.core.navigation import sections_for
from apps.core.roles import client_names, user_roles, visible_client_ids


@login_required
def home(request):
    roles = user_roles(request.user)
    sections = sections_for(request.user)
    client_ids = visible_client_ids(request.user)
    clients = None if client_ids is None else client_names(client_ids)
    labels = [Role(role).label for role in sorted(roles)]
    return render(request, "core/home.html", {"sections": sections, "roles": labels, "clients": clients})
