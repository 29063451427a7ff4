from __future__ import annotations

from rest_framework import serializers

from apps.orders.choices import OrderImportFormat
from apps.orders.models import Order, OrderImportRun


class OrderSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.name", read_only=True)
    attribution = serializers.CharField(source="attribution.kind", read_only=True, default=None)
    credited_agent = serializers.CharField(source="attribution.agent.name", read_only=True, default=None)

    class Meta:
        model = Order
        fields = [
            "id", "store", "platform_order_id", "buyer_pseudonym", "created_at", "paid_at", "amount_paid",
            "refunded_amount", "status", "item_count", "attribution", "credited_agent",
        ]  # fmt: skip


class OrderImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderImportRun
        fields = [
            "id", "file_name", "file_format", "shop", "status", "progress_done", "progress_total", "encoding",
            "rows_read", "created_count", "updated_count", "unchanged_count", "rejected", "errors", "error",
            "skip_bad_rows", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class OrderImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    file_format = serializers.ChoiceField(choices=OrderImportFormat.choices)
    shop = serializers.CharField(required=False, allow_blank=True, default="")
    skip_bad_rows = serializers.BooleanField(required=False, default=False)


class SalesKpiSerializer(serializers.Serializer):
    consulting = serializers.IntegerField()
    ordering = serializers.IntegerField()
    paying = serializers.IntegerField()
    conversion = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    average_order_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    attributed_gmv = serializers.DecimalField(max_digits=14, decimal_places=2)
    bot_gmv = serializers.DecimalField(max_digits=14, decimal_places=2)
    silent_gmv = serializers.DecimalField(max_digits=14, decimal_places=2)
    silent_share = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)


class SalesDaySerializer(SalesKpiSerializer):
    date = serializers.DateField()


class SalesAgentSerializer(SalesKpiSerializer):
    agent = serializers.CharField()
    qa_average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class SalesSummarySerializer(serializers.Serializer):
    brand = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    window_days = serializers.IntegerField()
    funnel = SalesKpiSerializer()
    days = SalesDaySerializer(many=True)
    agents = SalesAgentSerializer(many=True)
    evaluations = serializers.IntegerField()
    satisfaction_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
