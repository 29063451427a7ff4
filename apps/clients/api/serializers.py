from __future__ import annotations

from rest_framework import serializers

from apps.clients.models import BillingContact, Client, Site, Store


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
