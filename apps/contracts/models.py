"""Contracts and billing: the vendor's billing entity, versioned contracts with their charges and
SLA terms, usage records, billing runs, invoices with lines and SLA results, credit notes (红字)
and the gapless invoice-number counters.

Rules the database itself holds (see the migrations): contract versions never overlap (a trigger that
locks the contract row and tests daterange overlap), one periodic invoice per contract and period, a usage
record counts once (its business key is unique), issued and paid invoices and their lines cannot
be changed or deleted (a trigger), and credit notes never exceed the invoice (a trigger).
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.clients.validators import validate_uscc
from apps.contracts.choices import (
    ChargeKind,
    ChargeModel,
    Comparison,
    InvoiceKind,
    InvoiceStatus,
    Kpi,
    LineKind,
    Metric,
    PackageRounding,
    StatementAnswer,
    UsageSource,
)
from apps.core.models import TrackedRun


def _rate_places(value: Decimal) -> None:
    from apps.core.errors import DomainError
    from apps.core.money import check_rate_places

    try:
        check_rate_places(value, field="rate")
    except DomainError as exc:
        raise ValidationError(exc.message) from None


class BillingEntity(models.Model):
    """The vendor's legal entity that issues invoices, with its own invoice number series."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=255)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    bank_name = models.CharField(_("bank"), max_length=128)
    bank_account = models.CharField(_("bank account"), max_length=64)
    address = models.CharField(_("address"), max_length=255)
    invoice_series = models.CharField(_("invoice series"), max_length=8, default="TL")
    credit_series = models.CharField(_("credit note series"), max_length=8, default="TLR")
    # What finance types into the tax platform for every fapiao line of a statement.
    fapiao_item_name = models.CharField(_("fapiao item name"), max_length=100, default="*现代服务*客户服务外包服务费")
    tax_category_code = models.CharField(
        _("tax category code"),
        max_length=19,
        default="3040204000000000000",
        help_text=_("税收分类编码 of the service, 19 digits, as the tax platform lists it."),
    )

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("billing entity")
        verbose_name_plural = _("billing entities")

    def __str__(self) -> str:
        return self.legal_name


class Contract(models.Model):
    """A brand's service contract with the vendor; its terms live in effective-dated versions."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    entity = models.ForeignKey(
        BillingEntity, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("entity")
    )
    code = models.SlugField(_("contract code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["client", "code"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ContractVersion(models.Model):
    """The terms of a contract from `valid_from` up to (not including) `valid_to`; empty = open.

    A change makes a new version from a date; old versions are kept. Versions of one contract never
    overlap: a trigger (migration 0002) holds that in the database, under the contract's row lock.
    """

    CLIENT_LOOKUP = "contract__client"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="versions", verbose_name=_("contract")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY", choices=[("CNY", "CNY")])
    billing_day = models.PositiveSmallIntegerField(
        _("billing day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the month on which the previous month is billed."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.06"))
    monthly_minimum = models.DecimalField(_("monthly minimum"), max_digits=14, decimal_places=2, default=0)
    sla_at_risk_share = models.DecimalField(
        _("share of fees at risk"),
        max_digits=5,
        decimal_places=4,
        default=0,
        help_text=_("The SLA credit pool, e.g. 0.10 for 10% of the month's fees."),
    )
    sla_cap = models.DecimalField(
        _("SLA credit cap"), max_digits=5, decimal_places=4, default=Decimal("0.12"), help_text=_("Share of the fees.")
    )
    sla_on_base = models.BooleanField(_("SLA pool applies to base fees"), default=True)
    sla_on_usage = models.BooleanField(_("SLA pool applies to usage fees"), default=True)
    sla_on_minimum = models.BooleanField(_("SLA pool applies to the minimum true-up"), default=True)
    earn_back_months = models.PositiveSmallIntegerField(
        _("earn-back window (months)"),
        default=3,
        validators=[
            MinValueValidator(1, message=_("The earn-back window must be 1 to 12 months.")),
            MaxValueValidator(12, message=_("The earn-back window must be 1 to 12 months.")),
        ],
        help_text=_("A missed KPI's credit can be earned back in the next 1–12 months."),
    )
    note = models.CharField(_("change note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="cversion_dates_order"
            ),
            models.CheckConstraint(condition=Q(vat_rate__gte=0) & Q(vat_rate__lt=1), name="cversion_vat_rate_range"),
            models.CheckConstraint(
                condition=Q(billing_day__gte=1) & Q(billing_day__lte=28), name="cversion_billing_day"
            ),
            models.CheckConstraint(
                condition=Q(earn_back_months__gte=1) & Q(earn_back_months__lte=12), name="cversion_earn_back_months"
            ),
        ]
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")

    def __str__(self) -> str:
        return f"{self.contract.code} from {self.valid_from}"

    def clean(self) -> None:
        if self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("The version must end after it starts.")})
        if self.contract_id and self.valid_from:
            others = ContractVersion.objects.filter(contract_id=self.contract_id).exclude(pk=self.pk)
            overlap = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
            if self.valid_to:
                overlap = overlap.filter(valid_from__lt=self.valid_to)
            if clash := overlap.first():
                raise ValidationError(
                    {
                        "valid_from": _("Overlaps the version from %(start)s; end that one first.")
                        % {"start": clash.valid_from}
                    }
                )


class Charge(models.Model):
    """A base fee (with the usage it includes set on usage charges) or a usage charge of one metric."""

    CLIENT_LOOKUP = "version__contract__client"

    version = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="charges", verbose_name=_("version")
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=8, choices=ChargeKind.choices, default=ChargeKind.USAGE)
    amount = models.DecimalField(_("monthly fee"), max_digits=14, decimal_places=2, default=0)
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices, blank=True)
    model = models.CharField(
        _("charge model"), max_length=12, choices=ChargeModel.choices, default=ChargeModel.STANDARD
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=6, null=True, blank=True, validators=[_rate_places]
    )
    package_size = models.DecimalField(_("package size"), max_digits=14, decimal_places=4, null=True, blank=True)
    package_price = models.DecimalField(
        _("package price"), max_digits=14, decimal_places=6, null=True, blank=True, validators=[_rate_places]
    )
    package_rounding = models.CharField(
        _("partial package"),
        max_length=8,
        choices=PackageRounding.choices,
        default=PackageRounding.UP,
        help_text=_("How a partly used block is charged."),
    )
    included_quantity = models.DecimalField(
        _("included allowance"),
        max_digits=14,
        decimal_places=4,
        default=0,
        help_text=_("Units covered by the base fee before this charge bills."),
    )
    platforms = models.JSONField(_("platforms"), default=list, blank=True, help_text=_("Empty: every platform."))
    store_ids = models.JSONField(_("stores"), default=list, blank=True, help_text=_("Empty: every store."))
    channels = models.JSONField(_("channels"), default=list, blank=True, help_text=_("Empty: every channel."))
    night_surcharge_rate = models.DecimalField(
        _("night surcharge"), max_digits=5, decimal_places=4, default=0, help_text=_("0.30 = +30% on night units.")
    )
    minimum_amount = models.DecimalField(
        _("monthly minimum of this charge"), max_digits=14, decimal_places=2, default=0
    )
    vat_rate = models.DecimalField(
        _("VAT rate of this charge"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Empty: the version's rate."),
    )

    class Meta:
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="charge_version_code_uniq"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="charge_amount_gte_0"),
            models.CheckConstraint(condition=Q(included_quantity__gte=0), name="charge_included_gte_0"),
            models.CheckConstraint(condition=Q(night_surcharge_rate__gte=0), name="charge_night_gte_0"),
            models.CheckConstraint(
                condition=Q(vat_rate__isnull=True) | (Q(vat_rate__gte=0) & Q(vat_rate__lt=1)),
                name="charge_vat_rate_range",
            ),
            models.CheckConstraint(condition=~Q(kind="usage") | ~Q(metric=""), name="charge_usage_has_metric"),
        ]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"{self.code} ({self.get_kind_display()})"

    def clean(self) -> None:
        if self.kind == ChargeKind.USAGE:
            if not self.metric:
                raise ValidationError({"metric": _("A usage charge needs a metric.")})
            if self.model == ChargeModel.STANDARD and self.unit_price is None:
                raise ValidationError({"unit_price": _("A standard charge needs a unit price.")})
            if self.model == ChargeModel.PACKAGE and (not self.package_size or self.package_price is None):
                raise ValidationError({"package_size": _("A package charge needs a package size and price.")})
        for name in ("unit_price", "package_price"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError({name: _("Must not be negative.")})


class PeakWindow(models.Model):
    """Local time [start_date start_hour:00, end_date end_hour:00) of a charge, priced apart.

    Asia/Shanghai, to the hour (Double 11 from 20:00 on 10 Nov; the 00:00–02:00 rush). A window has
    exactly one of a multiplier, its own tiers (Tier rows pointing at it) or its own unit price, and
    never overlaps another window of its charge (pricing.py, rule 3).
    """

    CLIENT_LOOKUP = "charge__version__contract__client"

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="peak_windows", verbose_name=_("charge"))
    name = models.CharField(_("name"), max_length=64)
    promo = models.ForeignKey(
        "core.PromoEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("promo")
    )
    start_date = models.DateField(_("from"))
    start_hour = models.PositiveSmallIntegerField(
        _("from hour"), default=0, validators=[MaxValueValidator(23)], help_text=_("Local hour, 0–23.")
    )
    end_date = models.DateField(_("until (exclusive)"))
    end_hour = models.PositiveSmallIntegerField(
        _("until hour"), default=0, validators=[MaxValueValidator(23)], help_text=_("Local hour, 0–23.")
    )
    multiplier = models.DecimalField(_("multiplier"), max_digits=6, decimal_places=4, null=True, blank=True)
    unit_price = models.DecimalField(
        _("own unit price"), max_digits=14, decimal_places=6, null=True, blank=True, validators=[_rate_places]
    )

    class Meta:
        ordering = ["charge", "start_date", "start_hour"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")) | Q(end_date=F("start_date"), end_hour__gt=F("start_hour")),
                name="peakwindow_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(start_hour__lte=23) & Q(end_hour__lte=23), name="peakwindow_hours_range"
            ),
            models.CheckConstraint(
                condition=~(Q(multiplier__isnull=False) & Q(unit_price__isnull=False)),
                name="peakwindow_one_price",
            ),
        ]
        verbose_name = _("peak window")
        verbose_name_plural = _("peak windows")

    def __str__(self) -> str:
        return f"{self.name} {self.start_date} {self.start_hour:02d}:00–{self.end_date} {self.end_hour:02d}:00"

    @property
    def starts_at(self) -> datetime:
        """Naive local start (Asia/Shanghai)."""
        return datetime.combine(self.start_date, time(self.start_hour or 0))

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.end_date, time(self.end_hour or 0))

    def clean(self) -> None:
        if self.start_date is None or self.end_date is None:
            return
        if self.ends_at <= self.starts_at:
            raise ValidationError({"end_date": _("The window must end after it starts.")})
        if self.multiplier is not None and self.multiplier <= 0:
            raise ValidationError({"multiplier": _("The multiplier must be positive.")})
        if self.multiplier is not None and self.unit_price is not None:
            raise ValidationError(
                {"unit_price": _("A window has exactly one of a multiplier, its own tiers or its own unit price.")}
            )
        if self.charge_id:
            for other in PeakWindow.objects.filter(charge_id=self.charge_id).exclude(pk=self.pk):
                if other.starts_at < self.ends_at and self.starts_at < other.ends_at:
                    raise ValidationError(
                        {"start_date": _("Overlaps the window %(name)s of this charge.") % {"name": other.name}}
                    )


class Tier(models.Model):
    """Units in [lower, upper) at `unit_price` (plus `flat_fee` once); of a charge or of a peak window's card."""

    CLIENT_LOOKUP = "charge__version__contract__client"

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("charge"))
    peak_window = models.ForeignKey(
        PeakWindow, on_delete=models.CASCADE, null=True, blank=True, related_name="tiers", verbose_name=_("peak window")
    )
    lower = models.DecimalField(_("from"), max_digits=14, decimal_places=4)
    upper = models.DecimalField(_("up to (exclusive)"), max_digits=14, decimal_places=4, null=True, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=6, validators=[_rate_places])
    flat_fee = models.DecimalField(_("flat fee"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["charge", "peak_window", "lower"]
        constraints = [
            models.CheckConstraint(condition=Q(lower__gte=0), name="tier_lower_gte_0"),
            models.CheckConstraint(condition=Q(upper__isnull=True) | Q(upper__gt=F("lower")), name="tier_order"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="tier_price_gte_0"),
        ]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper or '∞'} @ {self.unit_price}"


class SlaTerm(models.Model):
    """One KPI of a version's SLA credit pool: its target, weight, own cap and earn-back."""

    CLIENT_LOOKUP = "version__contract__client"

    version = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="sla_terms", verbose_name=_("version")
    )
    kpi = models.CharField(_("KPI"), max_length=40, choices=Kpi.choices)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    comparison = models.CharField(_("met when measured is"), max_length=4, choices=Comparison.choices)
    weight = models.DecimalField(_("weight in the pool"), max_digits=6, decimal_places=2, default=1)
    cap = models.DecimalField(
        _("cap of this KPI"), max_digits=5, decimal_places=4, null=True, blank=True, help_text=_("Share of the fees.")
    )
    earn_back = models.BooleanField(_("earn-back"), default=False)
    earn_back_target = models.DecimalField(
        _("earn-back target"), max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["version", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kpi"], name="slaterm_version_kpi_uniq"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="slaterm_weight_gt_0"),
        ]
        verbose_name = _("SLA term")
        verbose_name_plural = _("SLA terms")

    def __str__(self) -> str:
        return f"{self.get_kpi_display()} {self.get_comparison_display()} {self.target}"

    def clean(self) -> None:
        if self.earn_back and self.earn_back_target is None:
            raise ValidationError({"earn_back_target": _("Earn-back needs an earn-back target.")})


class UsageRecord(models.Model):
    """A counted quantity of one metric. Business key (contract, metric, source, source_key): counted once."""

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
            models.UniqueConstraint(
                fields=["contract", "metric", "source", "source_key"], name="usage_business_key_uniq"
            ),
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


class UsageDaily(models.Model):
    """Usage summed per contract, metric, local day and dimensions — the rollup billing reads.

    Kept by statement-level triggers on UsageRecord (migration 0005): every insert, update or
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

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="billingrun_period_order"),
        ]
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} ({self.get_status_display()})"


class Invoice(models.Model):
    """A periodic or supplementary invoice of a contract for a period.

    Number is assigned only at issue (gapless per entity, year and series). Once issued, the row and
    its lines are immutable (a database trigger); only issued → paid with paid_at may still change.
    """

    CLIENT_LOOKUP = "contract__client"

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("contract")
    )
    entity = models.ForeignKey(
        BillingEntity, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("entity")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.PERIODIC)
    sequence = models.PositiveSmallIntegerField(_("sequence in the period"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=0)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    vat_breakdown = models.JSONField(_("VAT per rate"), default=list, blank=True)
    fingerprint = models.CharField(_("content digest"), max_length=64, blank=True)
    source_fingerprint = models.CharField(
        _("digest of the full pricing"), max_length=64, blank=True, help_text=_("What the period priced to.")
    )
    input_digest = models.CharField(
        _("digest of the inputs"), max_length=64, blank=True, help_text=_("Terms, usage totals and SLA measurements.")
    )
    billing_run = models.ForeignKey(
        BillingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("billing run")
    )
    number = models.CharField(_("number"), max_length=32, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    problems = models.JSONField(
        _("problems"), default=list, blank=True, help_text=_("What the billing run flagged, e.g. no usage recorded.")
    )
    problems_confirmed = models.TextField(
        _("why it is right despite the problems"), blank=True, help_text=_("Given by whoever approved it.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "contract", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"],
                condition=Q(kind="periodic"),
                name="invoice_one_periodic_per_period",
            ),
            models.UniqueConstraint(
                fields=["contract", "period_start", "kind", "sequence"], name="invoice_contract_period_seq_uniq"
            ),
            models.UniqueConstraint(fields=["entity", "number"], condition=~Q(number=""), name="invoice_number_uniq"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved"]) | ~Q(number=""), name="invoice_issued_has_number"
            ),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="invoice_period_order"),
        ]
        indexes = [models.Index(fields=["period_start", "status"], name="invoice_period_status_idx")]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        label = self.number or _("draft")
        return f"{label} · {self.contract_id} · {self.period_start:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status in (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


class InvoiceLine(models.Model):
    """One line: quantity, unit price (or tier breakdown), the unrounded and the rounded amount."""

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    code = models.CharField(_("code"), max_length=80)
    description = models.CharField(_("description"), max_length=255)
    metric = models.CharField(_("metric"), max_length=32, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=6, null=True, blank=True)
    tiers = models.JSONField(_("tier breakdown"), default=list, blank=True)
    amount_unrounded = models.DecimalField(_("amount before rounding"), max_digits=30, decimal_places=12)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position_uniq")]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class SlaResult(models.Model):
    """The measurement of one SLA KPI for an invoice's period, and the credit it cost."""

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="sla_results", verbose_name=_("invoice")
    )
    kpi = models.CharField(_("KPI"), max_length=40, choices=Kpi.choices)
    name = models.CharField(_("name"), max_length=128)
    measured = models.DecimalField(_("measured"), max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices)
    met = models.BooleanField(_("met"))
    credit_amount = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=0)
    details = models.JSONField(_("measurement"), default=dict, blank=True)

    class Meta:
        ordering = ["invoice", "kpi"]
        constraints = [models.UniqueConstraint(fields=["invoice", "kpi"], name="slaresult_invoice_kpi_uniq")]
        verbose_name = _("SLA result")
        verbose_name_plural = _("SLA results")

    def __str__(self) -> str:
        return f"{self.kpi}: {self.measured} ({'met' if self.met else 'missed'})"


class CreditNote(models.Model):
    """A red-letter invoice (红字发票) that takes back part of an issued invoice, never more than is left."""

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    number = models.CharField(_("number"), max_length=32)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    issued_at = models.DateTimeField(_("issued"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="creditnote_total_gt_0"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("vat_amount")), name="creditnote_total_sum"),
            models.UniqueConstraint(fields=["number"], name="creditnote_number_uniq"),
        ]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")

    def __str__(self) -> str:
        return f"{self.number} (−{self.total})"


class InvoiceCounter(models.Model):
    """The last number given per entity, year and series; locked with SELECT … FOR UPDATE at issue."""

    entity = models.ForeignKey(
        BillingEntity, on_delete=models.PROTECT, related_name="counters", verbose_name=_("entity")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    series = models.CharField(_("series"), max_length=8)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        ordering = ["entity", "year", "series"]
        constraints = [models.UniqueConstraint(fields=["entity", "year", "series"], name="invoicecounter_key_uniq")]
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last_number}"


# --------------------------------------------------------------------------- after issue: fapiao, payments, the brand's answer


class Fapiao(models.Model):
    """An official VAT fapiao (数电发票) that finance issued on the tax platform against a statement.

    Tideline does not issue fapiao; it records them so the statement shows what was invoiced for
    tax. Several per statement are allowed (one per VAT rate, or split by the brand's request); the
    rules a new one must satisfy (tax = amount × rate rounded to the fen; never more than the
    statement's net amount at that rate) live in services.fapiao_record.
    """

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="fapiaos", verbose_name=_("service fee statement")
    )
    number = models.CharField(_("fapiao number"), max_length=20)
    issued_on = models.DateField(_("fapiao date"))
    amount = models.DecimalField(_("amount excluding tax"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["invoice", "issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="fapiao_number_uniq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fapiao_amount_gt_0"),
            models.CheckConstraint(condition=Q(tax__gte=0), name="fapiao_tax_gte_0"),
        ]
        verbose_name = _("fapiao")
        verbose_name_plural = _("fapiao")

    def __str__(self) -> str:
        return f"{self.number} ({self.amount} + {self.tax})"

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax


class Payment(models.Model):
    """Money received from the brand against an issued statement; partial payments allowed.

    The sum of a statement's payments never exceeds what is open on it (total − corrections);
    services.payment_record checks that under the statement's row lock.
    """

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("service fee statement")
    )
    amount = models.DecimalField(_("amount received"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["invoice", "received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.amount} on {self.received_on}"


class StatementResponse(models.Model):
    """The brand's answer to an issued statement: it confirms it or disputes it with a reason.

    A dispute stays open until the account manager answers it — with a correction (a credit note)
    or a written reply; the brand may then confirm. The statement's confirmation state is its latest
    response (services.statement_confirmation_state).
    """

    CLIENT_LOOKUP = "invoice__contract__client"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="responses", verbose_name=_("service fee statement")
    )
    kind = models.CharField(_("answer"), max_length=10, choices=StatementAnswer.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    reply = models.TextField(_("account manager's reply"), blank=True)
    correction = models.ForeignKey(
        CreditNote,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["invoice", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="disputed") | ~Q(reason=""), name="statementresponse_dispute_has_reason"
            ),
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(kind="disputed", resolved_at__isnull=True),
                name="statementresponse_one_open_dispute",
            ),
        ]
        verbose_name = _("statement confirmation")
        verbose_name_plural = _("statement confirmations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"
