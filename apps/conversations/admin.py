"""Admin of conversations (read-only transcripts), messages and import runs with an upload form."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.conversations.choices import ImportFormat
from apps.conversations.models import Conversation, ImportRun, Message
from apps.conversations.services import import_run_submit
from apps.core.admin import ScopedAdmin
from apps.core.imports_admin import ImportUploadAdmin

_MESSAGE_FIELDS = ["seq", "sent_at", "sender_role", "msg_type", "content", "message_id"]


class MessageInline(admin.TabularInline):
    """The conversation's transcript, read-only (contents are masked at import)."""

    model = Message
    fields = _MESSAGE_FIELDS
    readonly_fields = _MESSAGE_FIELDS
    extra = 0
    can_delete = False
    ordering = ["seq"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnly(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(_ReadOnly):
    list_display = [
        "platform_conversation_id",
        "store",
        "started_at",
        "handled_by",
        "transferred_to_human",
        "agent_nick",
        "message_count",
        "first_response_seconds",
        "buyer_rounds",
        "rounds_answered_180s",
    ]
    list_filter = ["handled_by", "transferred_to_human", "store__platform", "store__client", "channel"]
    search_fields = ["platform_conversation_id", "agent_nick", "buyer_pseudonym", "store__name"]
    list_select_related = ["store", "store__client", "agent"]
    date_hierarchy = "started_at"
    inlines = [MessageInline]
    readonly_fields = [f.name for f in Conversation._meta.fields]


@admin.register(Message)
class MessageAdmin(_ReadOnly):
    list_display = ["conversation", "seq", "sent_at", "sender_role", "msg_type", "content"]
    list_filter = ["sender_role", "msg_type", "conversation__store__platform"]
    search_fields = ["content", "conversation__platform_conversation_id", "message_id"]
    list_select_related = ["conversation"]
    readonly_fields = [f.name for f in Message._meta.fields]
    raw_id_fields = ["conversation"]
    show_full_result_count = False


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Export file"))
    file_format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and list the rejected ones, instead of rejecting the whole file."),
    )


@admin.register(ImportRun)
class ImportRunAdmin(ImportUploadAdmin, ScopedAdmin):
    list_display = [
        "file_name",
        "file_format",
        "status",
        "progress_percent",
        "client",
        "rows_read",
        "conversations_imported",
        "messages_imported",
        "duplicates",
        "rejected",
        "created_at",
        "created_by",
    ]
    list_filter = ["status", "file_format", "client"]
    search_fields = ["file_name", "file_sha256"]
    list_select_related = ["client", "created_by"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    upload_form = ImportUploadForm
    upload_note = _(
        "One file per upload. Layouts are described in docs/imports.md; contents are masked before anything "
        'is stored. A file with any bad row imports nothing unless "Skip bad rows" is ticked.'
    )

    def has_add_permission(self, request):
        return False  # uploads go through the "Upload export" view

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def upload_submit(self, request, form):
        """Create the run and queue its import (the one service for uploads)."""
        return import_run_submit(
            upload=form.cleaned_data["file"],
            file_format=form.cleaned_data["file_format"],
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            actor=request.user,
        )
