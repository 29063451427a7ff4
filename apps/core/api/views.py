from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.models import PromoEvent
from apps.core.permissions import IsTidelineUser, TidelineModelPermissions
from apps.core.roles import user_roles, visible_client_ids


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    client_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class MeView(APIView):
    """Who am I: my roles and the clients I can see (null = all)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        ids = visible_client_ids(request.user)
        return Response(
            {
                "username": request.user.get_username(),
                "roles": sorted(user_roles(request.user)),
                "client_ids": None if ids is None else sorted(ids),
            }
        )


class PromoEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromoEvent
        fields = [
            "id",
            "kind",
            "year",
            "name",
            "presale_start",
            "peak_start",
            "peak_end",
            "end_date",
            "expected_uplift",
        ]

    def validate(self, attrs):
        instance = PromoEvent(
            **{**({f: getattr(self.instance, f) for f in self.Meta.fields[1:]} if self.instance else {}), **attrs}
        )
        instance.full_clean(exclude=["id"], validate_unique=False)
        return attrs


class PromoEventViewSet(viewsets.ModelViewSet):
    """The promo calendar (618, Double 11, 双12 ...): read by all staff, edited by BPO managers."""

    queryset = PromoEvent.objects.all()
    serializer_class = PromoEventSerializer
    permission_classes = [IsTidelineUser, TidelineModelPermissions]
