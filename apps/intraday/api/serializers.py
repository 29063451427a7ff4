from __future__ import annotations

from rest_framework import serializers

from apps.intraday.choices import LeverKind
from apps.intraday.models import Alert


class PushMessageSerializer(serializers.Serializer):
    """One message in the canonical layout (docs/imports.md)."""

    platform = serializers.CharField(max_length=16)
    shop = serializers.CharField(max_length=64)
    conversation_id = serializers.CharField(max_length=128)
    message_id = serializers.CharField(max_length=128)
    sent_at = serializers.CharField(max_length=40, help_text="ISO 8601 with its UTC offset")
    sender_role = serializers.CharField(max_length=8)
    agent = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    buyer = serializers.CharField(max_length=128, allow_blank=True, required=False, default="")
    msg_type = serializers.CharField(max_length=8, required=False, default="text")
    content = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False)


class PushBatchSerializer(serializers.Serializer):
    messages = PushMessageSerializer(many=True)


class PushResultSerializer(serializers.Serializer):
    messages = serializers.IntegerField()
    imported = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    import_runs = serializers.ListField(child=serializers.IntegerField())


class StateEventSerializer(serializers.Serializer):
    agent = serializers.CharField(max_length=64, help_text="chat nick or employee number")
    state = serializers.CharField(max_length=16)
    time = serializers.CharField(max_length=40, help_text="ISO 8601 with its UTC offset")


class StateBatchSerializer(serializers.Serializer):
    events = StateEventSerializer(many=True)


class StateUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with the header agent,state,time")


class StateResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()


class RoomQuerySerializer(serializers.Serializer):
    client = serializers.IntegerField()
    date = serializers.DateField(required=False)
    at = serializers.DateTimeField(required=False, help_text="the tick's time; default now")


class TickInputSerializer(serializers.Serializer):
    clients = serializers.ListField(child=serializers.IntegerField(), required=False)
    date = serializers.DateField(required=False)
    at = serializers.DateTimeField(required=False)


class LeverApplySerializer(serializers.Serializer):
    client = serializers.IntegerField()
    date = serializers.DateField(required=False)
    at = serializers.DateTimeField(required=False)
    kind = serializers.ChoiceField(choices=LeverKind.choices)
    lender = serializers.IntegerField(required=False, allow_null=True)


class AlertSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "client",
            "client_name",
            "day",
            "kind",
            "kind_label",
            "key",
            "interval_start",
            "severity",
            "data",
            "raised_at",
        ]
