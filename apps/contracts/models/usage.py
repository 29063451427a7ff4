"""Usage: records (a business key counts once, checked in the narrow key table), the daily rollup
with its hourly sums that the triggers keep, and billing runs."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.contracts.choices import (
    Metric,
    UsageSource,
)
from apps.contracts.models.terms import Contract
from apps.core.models import TrackedRun


class UsageRecord(models.Model):
    """A counted quantity of one metric. Business key (contract, metric, source, source_key): counted once.

    In the database the table is range-partitioned by the local month of `created_at` (when the
    record was received; it never changes, so a row never moves between partitions), with primary
    key (id, created_at) — migration 0014, docs/operations.md "Partitioned usage records". Django
    keeps `id` as the primary key: ids come from one sequence, so an id alone still names one row.
    Postgres cannot hold a unique index without the partition key, so the business key lives in
    UsageKey (one row per record, same id); triggers keep the two tables in step whatever path
    writes records, and a record whose business key is taken by another record is refused
    (IntegrityError on usage_business_key_uniq). Writers that must skip known keys claim them in
    UsageKey first (apps.contracts.services.usage.usage_records_insert).
    """

    CLIENT_LOOKUP = "contract__client"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="usage", verbose_name=_("contract"))
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    source = models.CharField(_("source"), max_length=16, choices=UsageSource.choices)
    source_key = models.CharField(_("source key"), max_length=128)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    night_quantity = models.DecimalField(_("of which at night"), max_digits=14, decimal_places=4, default=0)
    occurred_at = models.DateTimeField(_("occurred"))
    day = models.DateField(_("local day"), help_text=_("occurred_at in Asia/Shanghai."))
    platform = models.CharField(_("platform"), max_length=16, blank=True)
    store = models.ForeignKey(
        "clients.Store", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("store")
    )
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "day", "metric", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="usage_quantity_gte_0"),
            models.CheckConstraint(
                condition=Q(night_quantity__gte=0) & Q(night_quantity__lte=F("quantity")), name="usage_night_range"
            ),
        ]
        indexes = [models.Index(fields=["contract", "day"], name="usage_contract_day_idx")]
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")

    def __str__(self) -> str:
        return f"{self.metric} {self.quantity} on {self.day}"


class UsageKey(models.Model):
    """The business key of one usage record, unique: the one idempotency check of usage.

    Not partitioned (a unique index of a partitioned table must hold the partition key, and the
    business key has no time in it on purpose), and narrow: no quantities. (`id`, `created_at`) is
    the primary key of its record, so a key names exactly one record and its partition. Writers
    claim keys here with INSERT … ON CONFLICT DO NOTHING RETURNING and write records only for the
    keys they got; triggers on the record table (migration 0014) add the key of a record written by
    any other path, refuse a record whose key or id belongs to another record, drop the key when
    the record is deleted and follow an update.
    """

    id = models.BigIntegerField(primary_key=True, verbose_name=_("record id"))
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("contract")
    )
    metric = models.CharField(_("metric"), max_length=32)
    source = models.CharField(_("source"), max_length=16)
    source_key = models.CharField(_("source key"), max_length=128)
    created_at = models.DateTimeField(_("received"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "metric", "source", "source_key"], name="usage_business_key_uniq"
            ),
        ]
        verbose_name = _("usage key")
        verbose_name_plural = _("usage keys")

    def __str__(self) -> str:
        return f"{self.metric} {self.source}:{self.source_key}"


class UsageDaily(models.Model):
    """Usage summed per contract, metric, local day and dimensions — the rollup billing reads.

    Kept by statement-level triggers on UsageRecord (migration 0005, on the partitioned table since
    0014; they fire for rows of every partition): every insert, update or
    delete of usage records adds to or subtracts from these sums in the same transaction, whatever
    path wrote them (ORM, raw SQL, COPY). `records` and `sum_record_id` let a re-run see that the
    usage of a contract did not change without reading the records.

    `hour_quantity` and `hour_night` hold the same sums per local hour (element h = hour h, 24
    elements; empty before the first record): a day that a peak window splits at 20:00 is priced
    hour by hour from here, not from the records (migration 0011).
    """

    CLIENT_LOOKUP = "contract__client"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("contract"))
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    day = models.DateField(_("local day"))
    platform = models.CharField(_("platform"), max_length=16, blank=True)
    store_id = models.BigIntegerField(_("store id (0 = none)"), default=0)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=4, default=0)
    night_quantity = models.DecimalField(_("of which at night"), max_digits=20, decimal_places=4, default=0)
    records = models.BigIntegerField(_("records"), default=0)
    sum_record_id = models.DecimalField(_("sum of record ids"), max_digits=38, decimal_places=0, default=0)
    hour_quantity = ArrayField(
        models.DecimalField(max_digits=20, decimal_places=4), size=24, default=list, verbose_name=_("quantity by hour")
    )
    hour_night = ArrayField(
        models.DecimalField(max_digits=20, decimal_places=4), size=24, default=list, verbose_name=_("night by hour")
    )

    class Meta:
        ordering = ["contract", "day", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "metric", "day", "platform", "store_id", "channel"], name="usagedaily_key_uniq"
            ),
        ]
        verbose_name = _("daily usage")
        verbose_name_plural = _("daily usage")

    def __str__(self) -> str:
        return f"{self.metric} {self.quantity} on {self.day}"


class BillingRun(TrackedRun):
    """A billing of one month [period_start, period_end) for all (or some) contracts.

    Contracts that fail are parked in `parked` as {contract, code, reason}; the others complete.
    """

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    contract_ids = models.JSONField(_("only these contracts"), default=list, blank=True)
    batch_size = models.PositiveIntegerField(_("contracts per task"), default=250)
    invoices_created = models.PositiveIntegerField(_("invoices created"), default=0)
    invoices_updated = models.PositiveIntegerField(_("drafts updated"), default=0)
    invoices_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    supplementary_created = models.PositiveIntegerField(_("supplementary invoices"), default=0)
    parked = models.JSONField(_("parked contracts"), default=list, blank=True)
    refunds_as_of = models.DateTimeField(
        _("refunds known at"),
        null=True,
        blank=True,
        help_text=_("Cut-off of the commission base (empty: when the run was created)."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="billingrun_period_order"),
        ]
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} ({self.get_status_display()})"
