"""Core API helpers: the exception handler and the scoped viewset base."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import DomainError
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions
from apps.core.roles import scope_queryset


def exception_handler(exc, context):
    """DomainError and Django ValidationError become 400 with the field (and row) they name."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class ScopedModelViewSetMixin:
    """Every queryset is cut to the user's clients, so another brand's object is a 404."""

    permission_classes = [IsTidelineUser, TidelineModelPermissions]

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(ScopedModelViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
