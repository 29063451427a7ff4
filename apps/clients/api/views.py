from __future__ import annotations

from rest_framework import viewsets

from apps.clients import selectors
from apps.clients.api.filters import ClientFilter, StoreFilter
from apps.clients.api.serializers import ClientSerializer, SiteSerializer, StoreSerializer
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions


class _Scoped(viewsets.ModelViewSet):
    permission_classes = [IsTidelineUser, TidelineModelPermissions]

    def perform_create(self, serializer):
        serializer.instance = serializer.Meta.model(**serializer.validated_data)
        serializer.instance.full_clean()
        serializer.instance.save()

    def perform_update(self, serializer):
        for key, value in serializer.validated_data.items():
            setattr(serializer.instance, key, value)
        serializer.instance.full_clean()
        serializer.instance.save()


class ClientViewSet(_Scoped):
    """Brands. Account managers edit; everyone with a role reads the brands they may see."""

    serializer_class = ClientSerializer
    filterset_class = ClientFilter

    def get_queryset(self):
        return selectors.client_list(user=self.request.user)


class StoreViewSet(_Scoped):
    """Platform shops of the brands."""

    serializer_class = StoreSerializer
    filterset_class = StoreFilter

    def get_queryset(self):
        return selectors.store_list(user=self.request.user)


class SiteViewSet(_Scoped):
    """The vendor's service centres (not visible to client viewers)."""

    serializer_class = SiteSerializer

    def get_queryset(self):
        return selectors.site_list(user=self.request.user)
