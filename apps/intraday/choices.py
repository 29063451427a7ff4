from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentState(models.TextChoices):
    LOGGED_IN = "logged_in", _("Logged in")
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    BREAK = "break", _("On break")
    OFFLINE = "offline", _("Offline")


class StateSource(models.TextChoices):
    API = "api", _("API")
    CSV = "csv", _("CSV upload")
    REPLAY = "replay", _("Replay")


class AlertKind(models.TextChoices):
    VOLUME = "volume", _("Volume off plan")
    UNDERSTAFFED = "understaffed", _("Understaffed")
    OVERSTAFFED = "overstaffed", _("Over-staffed")
    SL = "sl", _("Service level below target")
    ADHERENCE = "adherence", _("Adherence low")
    SPIKE = "spike", _("Complaint spike (舆情)")


class Severity(models.TextChoices):
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class WebhookFormat(models.TextChoices):
    WECOM = "wecom", _("WeCom robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    JSON = "json", _("Plain JSON")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class LeverKind(models.TextChoices):
    OVERTIME = "overtime", _("Overtime")
    MOVE_BREAKS = "move_breaks", _("Move breaks out of the peak")
    LEND = "lend", _("Lend agents from another brand")
    SURGE = "surge", _("Call in surge agents")
    VTO = "vto", _("Voluntary time off")
