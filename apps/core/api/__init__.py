"""Core API helpers: the exception handler and the scoped viewset base."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import DomainError
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions
from apps.core.roles import scope_queryset


def exception_handler(exc, context):
    """DomainError and Django ValidationError become 400 with the field (and row) they name; a delete
    that other rows still reference (PROTECT / RESTRICT) becomes 409 naming what holds the object."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response(_held_by(exc), status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _held_by(exc: ProtectedError | RestrictedError) -> dict:
    """409 body of a delete that other rows still reference: what holds the object, and how many."""
    counts: dict[str, int] = {}
    for obj in exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects:
        name = str(obj._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    holders = "、".join(f"{name} ({n})" for name, n in sorted(counts.items()))
    return {
        "detail": _("It cannot be deleted while other records refer to it: %(holders)s.") % {"holders": holders},
        "code": "protected",
        "held_by": [{"model": name, "count": n} for name, n in sorted(counts.items())],
    }


class ScopedModelViewSetMixin:
    """Every queryset is cut to the user's clients, so another brand's object is a 404."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(ScopedModelViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
