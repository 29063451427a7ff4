from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    TMALL = "tmall", _("Tmall")
    TAOBAO = "taobao", _("Taobao")
    JD = "jd", _("JD")
    DOUYIN = "douyin", _("Douyin")
    PINDUODUO = "pinduoduo", _("Pinduoduo")
    CROSS_BORDER = "cross_border", _("Cross-border")


class ClientStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    OFFBOARDED = "offboarded", _("Offboarded")


class DataRunKind(models.TextChoices):
    RETENTION = "retention", _("Retention purge")
    EXPORT = "export", _("Data export")
    OFFBOARDING = "offboarding", _("Off-boarding")
