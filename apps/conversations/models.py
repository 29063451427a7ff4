"""Conversations imported from platform exports, their (masked) messages, and import runs."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.conversations.choices import Channel, HandledBy, ImportFormat, MessageType, SenderRole
from apps.core.models import TrackedRun


class Conversation(models.Model):
    """One shopper's session with a store, from first to last message.

    Business key: (store, platform_conversation_id). The buyer is kept only as a pseudonym.
    """

    CLIENT_LOOKUP = "store__client"

    # No separate index on store or agent: the (store, …) and (agent, started) indexes lead with them.
    store = models.ForeignKey(
        "clients.Store",
        on_delete=models.PROTECT,
        related_name="conversations",
        db_index=False,
        verbose_name=_("store"),
    )
    platform_conversation_id = models.CharField(_("platform conversation id"), max_length=128)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.CHAT)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    agent = models.ForeignKey(
        "people.Agent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        db_index=False,
        verbose_name=_("agent"),
    )
    agent_nick = models.CharField(_("agent nick"), max_length=64, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=8, choices=HandledBy.choices)
    transferred_to_human = models.BooleanField(_("transferred to human"), default=False)
    buyer_pseudonym = models.CharField(_("buyer pseudonym"), max_length=32)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    first_response_seconds = models.PositiveIntegerField(
        _("first response (s)"),
        null=True,
        blank=True,
        help_text=_(
            "Seconds from the opening of the first round (the hand-over to a human, or the first buyer "
            "message that needs an answer) to the first agent reply; empty if it was never answered."
        ),
    )
    # Human response timing, computed at import by apps.conversations.timing (the one definition shared
    # with the QA timing rules: rounds on the human side, opened at the hand-over moment or at a buyer
    # message that needs an answer, closed by the next agent message). Re-time stored rows after a
    # change of definition with `manage.py recompute_timing`.
    buyer_rounds = models.PositiveIntegerField(_("buyer rounds"), default=0)
    rounds_answered_180s = models.PositiveIntegerField(
        _("rounds answered ≤ 180 s"),
        default=0,
        help_text=_("Rounds opened 08:00–24:00 (Asia/Shanghai) and answered within 3 minutes."),
    )
    rounds_in_service_hours = models.PositiveIntegerField(_("rounds opened 08:00–24:00"), default=0)
    response_seconds_total = models.PositiveIntegerField(_("sum of round response times (s)"), default=0)
    rounds_answered = models.PositiveIntegerField(_("rounds answered"), default=0)
    max_wait_seconds = models.PositiveIntegerField(_("longest buyer wait (s)"), default=0)
    import_run = models.ForeignKey(
        "conversations.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import run"),
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "platform_conversation_id"], name="conversation_store_pcid_uniq"),
            models.CheckConstraint(condition=Q(started_at__lte=F("ended_at")), name="conversation_time_order"),
        ]
        indexes = [
            models.Index(fields=["store", "started_at"], name="conversation_store_start_idx"),
            models.Index(fields=["agent", "started_at"], name="conversation_agent_start_idx"),
            models.Index(fields=["started_at"], name="conversation_start_idx"),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.platform_conversation_id  # unique within its store; the store id meant nothing to a reader


class Message(models.Model):
    """One message of a conversation. `content` is masked before it is written: never raw PII.

    The table is partitioned by local month of `sent_at` (migration 0008, apps.conversations.partitions):
    in the database the primary key is (id, sent_at) and the business key (conversation, message_id,
    sent_at), because Postgres requires the partition key in every unique index of a partitioned table.
    """

    CLIENT_LOOKUP = "conversation__store__client"

    # No separate index: the unique (conversation, message_id, sent_at) index already leads with conversation_id.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False, verbose_name=_("conversation")
    )
    message_id = models.CharField(_("platform message id"), max_length=128)
    seq = models.PositiveIntegerField(_("position"))
    sent_at = models.DateTimeField(_("sent"))
    sender_role = models.CharField(_("sender role"), max_length=8, choices=SenderRole.choices)
    msg_type = models.CharField(_("type"), max_length=8, choices=MessageType.choices, default=MessageType.TEXT)
    content = models.TextField(_("content (masked)"), blank=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "message_id", "sent_at"], name="message_conv_msgid_sent_uniq"
            )
        ]
        verbose_name = _("message")
        # "messages" alone is the conversation's message count (消息数); the model's plural is not a count
        verbose_name_plural = pgettext_lazy("message model", "messages")

    def __str__(self) -> str:
        return f"{self.sender_role} {self.sent_at:%H:%M:%S}"


class ImportRun(TrackedRun):
    """One platform export file being imported, with what happened to its rows.

    `errors` is a list of {"row", "field", "reason"}; the run is atomic, so a file with a rejected
    row imports nothing unless the run was told to skip bad rows.
    """

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("client"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file = models.FileField(_("stored file"), upload_to="imports/%Y/%m/", blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_format = models.CharField(_("format"), max_length=24, choices=ImportFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    conversations_imported = models.PositiveIntegerField(_("conversations imported"), default=0)
    messages_imported = models.PositiveIntegerField(_("messages imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    skip_bad_rows = models.BooleanField(
        _("skip bad rows"),
        default=False,
        help_text=_("Import the good rows and record the rejected ones instead of rejecting the whole file."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
