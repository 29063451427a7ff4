"""Conversations API: read-only conversations with their messages; import runs and the upload input."""

from __future__ import annotations

from rest_framework import serializers

from apps.conversations.choices import ImportFormat
from apps.conversations.models import Conversation, ImportRun, Message


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "message_id", "seq", "sent_at", "sender_role", "msg_type", "content"]


class ConversationSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="store.client_id", read_only=True)
    client_name = serializers.CharField(source="store.client.name", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    platform = serializers.CharField(source="store.platform", read_only=True)
    agent_name = serializers.CharField(source="agent.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "client",
            "client_name",
            "store",
            "store_name",
            "platform",
            "platform_conversation_id",
            "channel",
            "started_at",
            "ended_at",
            "agent",
            "agent_name",
            "agent_nick",
            "handled_by",
            "transferred_to_human",
            "buyer_pseudonym",
            "message_count",
            "first_response_seconds",
            "buyer_rounds",
            "rounds_answered",
            "response_seconds_total",
            "rounds_in_service_hours",
            "rounds_answered_180s",
            "max_wait_seconds",
            "import_run",
        ]
        read_only_fields = fields


class ConversationDetailSerializer(ConversationSerializer):
    messages = MessageSerializer(many=True, read_only=True)

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]
        read_only_fields = fields


class ImportRunSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "client",
            "file_name",
            "file_format",
            "skip_bad_rows",
            "status",
            "progress_done",
            "progress_total",
            "progress_percent",
            "created_at",
            "started_at",
            "finished_at",
            "created_by",
            "file_sha256",
            "encoding",
            "rows_read",
            "conversations_imported",
            "messages_imported",
            "duplicates",
            "rejected",
            "errors",
            "error",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    """Input of POST /api/v1/imports/: a multipart upload of one export file."""

    file = serializers.FileField()
    file_format = serializers.ChoiceField(choices=ImportFormat.choices)
    skip_bad_rows = serializers.BooleanField(default=False)
