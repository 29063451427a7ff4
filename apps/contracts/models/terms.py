"""Contract terms: the billing entity, contracts and their versions, charges with tiers and peak
windows, and SLA terms. Versions never overlap (a trigger that locks the contract row)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.clients.validators import validate_uscc
from apps.contracts.choices import (
    ChargeKind,
    ChargeModel,
    Comparison,
    Kpi,
    Metric,
    PackageRounding,
)


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
        return gettext("%(code)s from %(day)s") % {"code": self.contract.code, "day": self.valid_from}

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
    kind = models.CharField(_("kind"), max_length=12, choices=ChargeKind.choices, default=ChargeKind.USAGE)
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
    # Sales commission (kind "commission", issue #17 §3): a rate on the net attributed GMV of the month;
    # graduated or volume rates are Tier rows (bounds in CNY of GMV, unit price = rate); the monthly
    # minimum is `minimum_amount`; peak windows as for usage (own rate = the window's unit price).
    rate = models.DecimalField(
        _("commission rate"),
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[_rate_places],
        help_text=_("Share of net attributed GMV, e.g. 0.035 for 3.5 %."),
    )
    cap_amount = models.DecimalField(
        _("monthly cap of this charge"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no cap."),
    )
    include_bot = models.BooleanField(
        _("bot-assisted orders earn commission"),
        default=False,
        help_text=_("Orders after a chat the bot handled alone."),
    )
    attribution_window_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("2 = the day of the inquiry and the next day, local time."),
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
            models.CheckConstraint(
                condition=Q(cap_amount__isnull=True) | Q(cap_amount__gte=F("minimum_amount")),
                name="charge_cap_not_below_minimum",
            ),
        ]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"{self.code} ({self.get_kind_display()})"

    def clean(self) -> None:
        if self.kind == ChargeKind.COMMISSION:
            self._clean_commission()
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

    def _clean_commission(self) -> None:
        """A commission: standard with a rate, or graduated/volume (tiers); no metric; a cap not below the
        minimum; one commission charge per version (rules C2 and C5 of pricing/commission.py)."""
        if self.metric:
            raise ValidationError({"metric": _("A commission is a share of sales: it has no usage metric.")})
        if self.model == ChargeModel.PACKAGE:
            raise ValidationError({"model": _("A commission is standard, graduated or volume, not a package.")})
        if self.model == ChargeModel.STANDARD and self.rate is None:
            raise ValidationError({"rate": _("A standard commission needs a rate.")})
        if self.rate is not None and self.rate < 0:
            raise ValidationError({"rate": _("Must not be negative.")})
        minimum = self.minimum_amount or Decimal(0)
        if self.cap_amount is not None and self.cap_amount < minimum:
            raise ValidationError(
                {
                    "cap_amount": _("The cap (%(cap)s) is below the minimum of this charge (%(minimum)s).")
                    % {"cap": self.cap_amount, "minimum": minimum}
                }
            )
        if self.version_id:
            others = Charge.objects.filter(version_id=self.version_id, kind=ChargeKind.COMMISSION).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError({"kind": _("A contract version has at most one commission charge.")})


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
