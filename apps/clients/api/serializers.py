from __future__ import annotations

from rest_framework import serializers

from apps.clients.models import BillingContact, Client, DataRun, Site, Store


class BillingContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = BillingContact
        fields = ["id", "name", "email", "phone", "receives_reports", "receives_invoices"]


class ClientSerializer(serializers.ModelSerializer):
    billing_contacts = BillingContactSerializer(many=True, read_only=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "code",
            "name",
            "legal_name",
            "uscc",
            "status",
            "address",
            "bank_name",
            "bank_account",
            "billing_contacts",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class StoreSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = Store
        fields = [
            "id",
            "client",
            "client_name",
            "platform",
            "shop_id",
            "name",
            "is_24h",
            "opens_at",
            "closes_at",
            "is_active",
        ]


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "code", "name", "city", "seats"]


class DataExportOutputSerializer(serializers.ModelSerializer):
    """A brand's data export or off-boarding archive: its state, counts and manifest."""

    client_code = serializers.CharField(source="client.code", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    has_archive = serializers.SerializerMethodField()

    class Meta:
        model = DataRun
        fields = [
            "id",
            "client",
            "client_code",
            "client_name",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "created_at",
            "finished_at",
            "error",
            "has_archive",
            "archive_sha256",
            "counts",
            "manifest",
        ]
        read_only_fields = fields

    def get_has_archive(self, obj) -> bool:
        return bool(obj.archive)


class DataExportRequestSerializer(serializers.Serializer):
    """Which brand to export; a client viewer may leave it out (its own brand)."""

    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.all(), required=False)
