"""Orders from the platforms' order exports, their history, their attribution to chats, satisfaction
evaluations, and the import runs that bring both in.

Buyers are kept only as the keyed pseudonym chats use (apps.conversations.services.buyer_pseudonym),
so an order and a chat of the same shopper join; receiver name, phone and address are never read.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import TrackedRun
from apps.orders.choices import AttributionKind, OrderImportFormat, OrderStatus


class Order(models.Model):
    """One platform order of a store. Business key: (store, platform_order_id).

    `created_at` is when the shopper placed it, `paid_at` when it was paid (empty while unpaid).
    `refunded_amount` is the total refunded so far; every change of it or of the status is an
    OrderEvent. Net GMV = amount_paid − refunded_amount.
    """

    CLIENT_LOOKUP = "store__client"

    store = models.ForeignKey(
        "clients.Store", on_delete=models.PROTECT, related_name="orders", db_index=False, verbose_name=_("store")
    )
    platform_order_id = models.CharField(_("platform order id"), max_length=64)
    buyer_pseudonym = models.CharField(_("buyer pseudonym"), max_length=32)
    created_at = models.DateTimeField(_("placed"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    amount_paid = models.DecimalField(_("amount paid (CNY)"), max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(_("refunded (CNY)"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices)
    item_count = models.PositiveIntegerField(_("items"), default=1)
    import_run = models.ForeignKey(
        "orders.OrderImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,  # a provenance pointer; Django sets it to NULL when a run is deleted
        verbose_name=_("import run"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "platform_order_id"], name="order_store_poid_uniq"),
            models.CheckConstraint(condition=Q(paid_at__gte=F("created_at")), name="order_paid_after_created"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="order_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount_paid")),
                name="order_refund_within_paid",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "created_at"], name="order_store_created_idx"),
            models.Index(fields=["paid_at"], name="order_paid_idx"),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.platform_order_id

    @property
    def net_amount(self):
        return self.amount_paid - self.refunded_amount


class OrderEvent(models.Model):
    """A change of an order seen in an export: its status and refund after the change.

    `refund_delta` is the change of the refunded amount (negative for a platform correction), so
    the deltas of an order sum to its refunded amount. `recorded_at` is when Tideline learned it:
    the moment a commission clawback is dated by.
    """

    CLIENT_LOOKUP = "order__store__client"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    recorded_at = models.DateTimeField(_("recorded"))
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices)
    refunded_amount = models.DecimalField(_("refunded (CNY)"), max_digits=12, decimal_places=2)
    refund_delta = models.DecimalField(_("refund change (CNY)"), max_digits=12, decimal_places=2, default=0)
    import_run = models.ForeignKey(
        "orders.OrderImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,  # a provenance pointer; Django sets it to NULL when a run is deleted
        verbose_name=_("import run"),
    )

    class Meta:
        ordering = ["order", "recorded_at", "id"]
        indexes = [models.Index(fields=["recorded_at"], name="orderevent_recorded_idx")]
        verbose_name = _("order change")
        verbose_name_plural = _("order changes")

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} {self.recorded_at:%Y-%m-%d %H:%M}"


class Attribution(models.Model):
    """Which chat an order is credited to (apps.orders.attribution states the rules).

    One row per order, written by the set-based path (services.attribution_refresh); `kind` silent
    has no conversation. `window_days` is the window it was computed with.
    """

    CLIENT_LOOKUP = "order__store__client"

    # No database constraint: a row is written only by the refresh, from a join with the order in the
    # same statement, and Django's CASCADE removes it with its order; the deferred per-row check of 1M
    # new rows at commit was about a quarter of the refresh (bench attribution, psql at load 16)
    order = models.OneToOneField(
        Order,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="attribution",
        db_constraint=False,
        verbose_name=_("order"),
    )
    kind = models.CharField(_("attribution"), max_length=8, choices=AttributionKind.choices)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("credited conversation"),
    )
    agent = models.ForeignKey(
        "people.Agent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("credited agent"),
    )
    window_days = models.PositiveSmallIntegerField(_("window (local days)"), default=2)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AttributionKind.SILENT, conversation__isnull=True) | ~Q(kind=AttributionKind.SILENT),
                name="attribution_silent_no_chat",
            ),
        ]
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class Evaluation(models.Model):
    """A shopper's satisfaction evaluation (很满意 5 … 很不满意 1) of a chat or of an agent.

    Business key: (store, platform_evaluation_id); a per-conversation evaluation uses the
    conversation's platform id as its key. `conversation` is linked when that chat is stored.
    """

    CLIENT_LOOKUP = "store__client"

    store = models.ForeignKey(
        "clients.Store", on_delete=models.PROTECT, related_name="evaluations", db_index=False, verbose_name=_("store")
    )
    platform_evaluation_id = models.CharField(_("evaluation id"), max_length=128)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conversation"),
    )
    agent = models.ForeignKey(
        "people.Agent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    score = models.PositiveSmallIntegerField(_("score (1–5)"))
    evaluated_at = models.DateTimeField(_("evaluated"))
    import_run = models.ForeignKey(
        "orders.OrderImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("import run"),
    )

    class Meta:
        ordering = ["-evaluated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "platform_evaluation_id"], name="evaluation_store_key_uniq"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="evaluation_score_range"),
        ]
        indexes = [models.Index(fields=["store", "evaluated_at"], name="evaluation_store_at_idx")]
        verbose_name = _("satisfaction evaluation")
        verbose_name_plural = _("satisfaction evaluations")

    def __str__(self) -> str:
        return f"{self.platform_evaluation_id} {self.score}"


class OrderImportRun(TrackedRun):
    """One order export (or evaluations file) being imported, with what happened to its rows.

    `errors` is a list of {"row", "field", "reason"}; a file with a rejected row writes nothing
    unless the run was told to skip bad rows.
    """

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_import_runs",
        verbose_name=_("client"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file = models.FileField(_("stored file"), upload_to="order_imports/%Y/%m/", blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_format = models.CharField(_("format"), max_length=24, choices=OrderImportFormat.choices)
    shop = models.CharField(_("shop id"), max_length=64, blank=True, help_text=_("For exports without a shop column."))
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    # "created" alone is the project catalogue's creation time (创建时间); this is a count of rows
    created_count = models.PositiveIntegerField(pgettext_lazy("import count", "created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    skip_bad_rows = models.BooleanField(
        _("skip bad rows"),
        default=False,
        help_text=_("Import the good rows and record the rejected ones instead of rejecting the whole file."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order import run")
        verbose_name_plural = _("order import runs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
