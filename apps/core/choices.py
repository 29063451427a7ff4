from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The four kinds of Tideline user. Each is a Django group created by a migration."""

    BPO_MANAGER = "bpo_manager", _("BPO manager")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    QA_SUPERVISOR = "qa_supervisor", _("QA supervisor")
    CLIENT_VIEWER = "client_viewer", _("Client viewer")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class PromoKind(models.TextChoices):
    SIX_EIGHTEEN = "618", _("618")
    DOUBLE_11 = "double11", _("Double 11")
    DOUBLE_12 = "double12", _("Double 12")
    NEW_YEAR_GOODS = "nianhuo", _("New Year goods festival")
    CUSTOM = "custom", _("Custom")
