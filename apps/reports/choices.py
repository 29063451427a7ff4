from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly report")
    QUARTERLY = "quarterly", _("Quarterly business review")


class ReportState(models.TextChoices):
    """Editorial state, apart from the run status: a draft may be edited and re-rendered; an
    issued report is frozen and has been sent to the brand."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class ReportLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
