"""Brands (clients), their platform shops (stores), the vendor's service centres (sites), and the
link that binds a client viewer to one brand."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.clients.choices import ClientStatus, DataRunKind, Platform
from apps.clients.validators import validate_uscc
from apps.core.models import TrackedRun


class Client(models.Model):
    """A brand that buys customer service from the vendor."""

    CLIENT_LOOKUP = "pk"

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("brand name"), max_length=128)
    legal_name = models.CharField(_("legal name"), max_length=255)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    status = models.CharField(_("status"), max_length=16, choices=ClientStatus.choices, default=ClientStatus.ACTIVE)
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    bank_name = models.CharField(_("bank"), max_length=128, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    message_retention_days = models.PositiveIntegerField(
        _("message content retention (days)"),
        default=180,
        validators=[MinValueValidator(30)],
        help_text=_(
            "Message text, buyer pseudonyms and QA hit excerpts older than this are purged every night; "
            "conversation timing, QA scores, usage, statements and reports are kept."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.name


class BillingContact(models.Model):
    """A person at the brand who receives invoices and monthly reports."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="billing_contacts", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=64)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    receives_reports = models.BooleanField(_("receives reports"), default=True)
    receives_invoices = models.BooleanField(_("receives invoices"), default=True)

    class Meta:
        ordering = ["client", "name"]
        constraints = [models.UniqueConstraint(fields=["client", "email"], name="billingcontact_client_email_uniq")]
        verbose_name = _("billing contact")
        verbose_name_plural = _("billing contacts")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Store(models.Model):
    """A brand's shop on one platform. Opening hours bound when agents may be rostered for it."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="stores", verbose_name=_("client"))
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    shop_id = models.CharField(_("platform shop id"), max_length=64)
    name = models.CharField(_("shop name"), max_length=128)
    is_24h = models.BooleanField(_("open 24 hours"), default=False)
    opens_at = models.TimeField(_("opens at"), default="08:00")
    closes_at = models.TimeField(_("closes at"), default="00:00", help_text=_("00:00 means midnight."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["client", "platform", "name"]
        constraints = [models.UniqueConstraint(fields=["platform", "shop_id"], name="store_platform_shop_uniq")]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class Site(models.Model):
    """One of the vendor's service centres, where agents sit."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    city = models.CharField(_("city"), max_length=64)
    seats = models.PositiveIntegerField(_("seats"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class ClientMembership(models.Model):
    """Binds a client-viewer user to the one brand whose data it may see."""

    CLIENT_LOOKUP = "client"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_membership", verbose_name=_("user")
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("client"))

    class Meta:
        ordering = ["client", "user"]
        verbose_name = _("client membership")
        verbose_name_plural = _("client memberships")

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


def data_archive_upload_to(instance: DataRun, filename: str) -> str:
    return f"data_exports/{instance.client.code}/{filename}"


class DataRun(TrackedRun):
    """One retention purge, data export or off-boarding of a brand (apps.clients.offboarding).

    `counts` holds what was exported or purged per kind of row; `manifest` is the archive's manifest
    (files with row counts and SHA-256); `kept` lists what stays after an off-boarding and why.
    """

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="data_runs", verbose_name=_("client"))
    kind = models.CharField(_("kind"), max_length=16, choices=DataRunKind.choices)
    cutoff = models.DateTimeField(_("purged before"), null=True, blank=True)
    archive = models.FileField(_("archive"), upload_to=data_archive_upload_to, blank=True)
    archive_sha256 = models.CharField(_("archive SHA-256"), max_length=64, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    kept = models.JSONField(_("kept and why"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "-created_at"], name="datarun_client_kind_idx")]
        verbose_name = _("data run")
        verbose_name_plural = _("data runs")

    def __str__(self) -> str:
        return f"{self.client} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"
