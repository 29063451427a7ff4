from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    """The platforms' order states mapped onto five (see docs/imports.md, order layouts)."""

    CREATED = "created", _("Awaiting payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


class OrderImportFormat(models.TextChoices):
    CANONICAL_CSV = "canonical_csv", _("Canonical order CSV")
    CANONICAL_JSONL = "canonical_jsonl", _("Canonical order JSONL")
    TAOBAO_CSV = "taobao_csv", _("Taobao/Tmall order report")
    JD_CSV = "jd_csv", _("JD order export")
    DOUYIN_CSV = "douyin_csv", _("Douyin order export")
    PINDUODUO_CSV = "pinduoduo_csv", _("Pinduoduo order export")
    EVALUATION_CSV = "evaluation_csv", _("Satisfaction evaluations CSV")


class AttributionKind(models.TextChoices):
    HUMAN = "human", _("Agent-attributed")
    BOT = "bot", _("Bot-assisted")
    SILENT = "silent", _("Silent order")
