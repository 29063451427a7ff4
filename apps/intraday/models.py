"""Intraday: agent state events, the reforecast of each tick, alerts, webhooks and applied levers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.intraday.choices import AgentState, AlertKind, DeliveryStatus, LeverKind, Severity, StateSource, WebhookFormat


class AgentStateEvent(models.Model):
    """An agent changed state at ``at`` (UTC). Business key (agent, at, state): a re-sent event is a no-op."""

    agent = models.ForeignKey("people.Agent", on_delete=models.CASCADE, related_name="+", verbose_name=_("agent"))
    state = models.CharField(_("state"), max_length=16, choices=AgentState.choices)
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=8, choices=StateSource.choices, default=StateSource.API)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["agent", "at"]
        constraints = [models.UniqueConstraint(fields=["agent", "at", "state"], name="agentstate_business_key")]
        indexes = [models.Index(fields=["at"], name="agentstate_at_idx")]
        verbose_name = _("agent state event")
        verbose_name_plural = _("agent state events")

    def __str__(self) -> str:
        return f"{self.agent_id} {self.state} {self.at:%Y-%m-%d %H:%M:%S}"


class PushGrant(models.Model):
    """A brand whose chats this user's API token may push to the intraday feed."""

    CLIENT_LOOKUP = "client"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))

    class Meta:
        ordering = ["user", "client"]
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="pushgrant_user_client_uniq")]
        verbose_name = _("push grant")
        verbose_name_plural = _("push grants")

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


class Reforecast(models.Model):
    """The reforecast one tick made for a brand's day (contacts per interval, 96 values), kept so the
    room can show how the outlook changed from tick to tick."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    day = models.DateField(_("day"))
    as_of = models.DateTimeField(_("as of"))
    values = models.JSONField(_("contacts per interval"), default=list)
    ratio = models.FloatField(_("smoothed ratio"))
    rest_total = models.FloatField(_("rest of the day"))
    rest_plan = models.FloatField(_("rest of the day (plan)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["client", "day", "as_of"]
        constraints = [models.UniqueConstraint(fields=["client", "day", "as_of"], name="reforecast_tick_uniq")]
        verbose_name = _("reforecast")
        verbose_name_plural = _("reforecasts")

    def __str__(self) -> str:
        return f"{self.client_id} {self.as_of:%Y-%m-%d %H:%M}"


class Alert(models.Model):
    """An alert of the room. Business key (client, day, key): a second tick raises it only once."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    key = models.CharField(_("key"), max_length=64)
    interval_start = models.DateTimeField(_("interval"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    data = models.JSONField(_("figures"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-interval_start", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "day", "key"], name="alert_business_key")]
        verbose_name = _("intraday alert")
        verbose_name_plural = _("intraday alerts")

    def __str__(self) -> str:
        return f"{self.client_id} {self.kind} {self.interval_start:%Y-%m-%d %H:%M}"


class AlertWebhook(models.Model):
    """Where a brand's alerts go: a robot URL (WeCom, DingTalk) or a JSON endpoint, signed with ``secret``."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    name = models.CharField(_("name"), max_length=64)
    url = models.URLField(_("URL"), max_length=500)
    fmt = models.CharField(_("format"), max_length=16, choices=WebhookFormat.choices, default=WebhookFormat.JSON)
    secret = models.CharField(_("signing secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["client", "name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"], name="alertwebhook_client_name_uniq")]
        verbose_name = _("alert webhook")
        verbose_name_plural = _("alert webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One alert sent to one webhook: attempts, the last answer, retried by Celery until sent or given up."""

    CLIENT_LOOKUP = "alert__client"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("alert"))
    webhook = models.ForeignKey(AlertWebhook, on_delete=models.CASCADE, related_name="+", verbose_name=_("webhook"))
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["alert", "webhook"]
        constraints = [models.UniqueConstraint(fields=["alert", "webhook"], name="delivery_alert_webhook_uniq")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.webhook_id} {self.status}"


class LeverApplication(models.Model):
    """A lever applied to today's roster: what it changed, its computed SL effect and the new version."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=LeverKind.choices)
    edits = models.JSONField(_("shift changes"), default=list)
    sl_before = models.FloatField(_("SL before"))
    sl_after = models.FloatField(_("SL after"))
    roster = models.ForeignKey(
        "workforce.Roster", on_delete=models.PROTECT, related_name="+", verbose_name=_("new roster version")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("applied lever")
        verbose_name_plural = _("applied levers")

    def __str__(self) -> str:
        return f"{self.client_id} {self.kind} {self.day}"
