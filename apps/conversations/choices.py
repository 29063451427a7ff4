from django.db import models
from django.utils.translation import gettext_lazy as _


class SenderRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")


class MessageType(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Image")
    ORDER = "order", _("Order card")
    PRODUCT = "product", _("Product card")
    SYSTEM = "system", _("System notice")


class HandledBy(models.TextChoices):
    BOT = "bot", _("Bot")
    HUMAN = "human", _("Human")


class Channel(models.TextChoices):
    CHAT = "chat", _("Chat")
    VOICE = "voice", _("Voice")
    TICKET = "ticket", _("Ticket")


class ImportFormat(models.TextChoices):
    CANONICAL_CSV = "canonical_csv", _("Canonical CSV")
    CANONICAL_JSONL = "canonical_jsonl", _("Canonical JSONL")
    TAOBAO_JSON = "taobao_json", _("Taobao chat-log JSON")
    QIANNIU_TEXT = "qianniu_text", _("Qianniu copied text")
    JD_CSV = "jd_csv", _("JD CSV export")
    DOUYIN_CSV = "douyin_csv", _("Douyin CSV export")
