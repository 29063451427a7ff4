from __future__ import annotations

from rest_framework import serializers

from apps.contracts.choices import ConfirmationState, StatementAnswer
from apps.contracts.models import (
    BillingRun,
    Charge,
    Contract,
    ContractVersion,
    CreditNote,
    Fapiao,
    Invoice,
    InvoiceLine,
    Payment,
    PeakWindow,
    SlaResult,
    SlaTerm,
    StatementResponse,
    Tier,
)


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["id", "peak_window", "lower", "upper", "unit_price", "flat_fee"]


class PeakWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeakWindow
        fields = ["id", "name", "start_date", "start_hour", "end_date", "end_hour", "multiplier", "unit_price"]


class ChargeSerializer(serializers.ModelSerializer):
    tiers = TierSerializer(many=True, read_only=True)
    peak_windows = PeakWindowSerializer(many=True, read_only=True)

    class Meta:
        model = Charge
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "amount",
            "metric",
            "model",
            "unit_price",
            "package_size",
            "package_price",
            "package_rounding",
            "included_quantity",
            "platforms",
            "store_ids",
            "channels",
            "night_surcharge_rate",
            "minimum_amount",
            "vat_rate",
            "rate",
            "cap_amount",
            "include_bot",
            "attribution_window_days",
            "tiers",
            "peak_windows",
        ]


class SlaTermSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaTerm
        fields = ["id", "kpi", "target", "comparison", "weight", "cap", "earn_back", "earn_back_target"]


class ContractVersionSerializer(serializers.ModelSerializer):
    charges = ChargeSerializer(many=True, read_only=True)
    sla_terms = SlaTermSerializer(many=True, read_only=True)

    class Meta:
        model = ContractVersion
        fields = [
            "id",
            "valid_from",
            "valid_to",
            "currency",
            "billing_day",
            "payment_terms_days",
            "vat_rate",
            "monthly_minimum",
            "sla_at_risk_share",
            "sla_cap",
            "sla_on_base",
            "sla_on_usage",
            "sla_on_minimum",
            "earn_back_months",
            "charges",
            "sla_terms",
        ]


class ContractSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    entity_name = serializers.CharField(source="entity.legal_name", read_only=True)
    versions = ContractVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "code", "name", "client", "client_name", "entity", "entity_name", "is_active", "versions"]


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "kind",
            "code",
            "description",
            "metric",
            "quantity",
            "unit_price",
            "tiers",
            "amount_unrounded",
            "amount",
            "vat_rate",
            "details",
        ]


class SlaResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaResult
        fields = ["kpi", "name", "measured", "target", "comparison", "met", "credit_amount", "details"]


class CreditNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditNote
        fields = ["id", "invoice", "number", "subtotal", "vat_amount", "total", "reason", "issued_at"]


class InvoiceSerializer(serializers.ModelSerializer):
    contract_code = serializers.CharField(source="contract.code", read_only=True)
    client = serializers.IntegerField(source="contract.client_id", read_only=True)
    client_name = serializers.CharField(source="contract.client.name", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    sla_results = SlaResultSerializer(many=True, read_only=True)
    credit_notes = CreditNoteSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "sequence",
            "status",
            "contract",
            "contract_code",
            "client",
            "client_name",
            "period_start",
            "period_end",
            "currency",
            "subtotal",
            "vat_amount",
            "total",
            "vat_breakdown",
            "issued_at",
            "due_date",
            "approved_at",
            "paid_at",
            "problems",
            "problems_confirmed",
            "refunds_as_of",
            "note",
            "lines",
            "sla_results",
            "credit_notes",
        ]


class InvoiceListSerializer(InvoiceSerializer):
    """An invoice in a list: totals and status; its lines, SLA results and credit notes are on the
    detail endpoint (a page of 50 invoices with their lines cost most of the list's time)."""

    lines = sla_results = credit_notes = None

    class Meta(InvoiceSerializer.Meta):
        fields = [f for f in InvoiceSerializer.Meta.fields if f not in ("lines", "sla_results", "credit_notes")]


class BillingRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = BillingRun
        fields = [
            "id",
            "status",
            "period_start",
            "period_end",
            "contract_ids",
            "progress_done",
            "progress_total",
            "invoices_created",
            "invoices_updated",
            "invoices_unchanged",
            "supplementary_created",
            "parked",
            "refunds_as_of",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


# ---- inputs


class PeriodInput(serializers.Serializer):
    period = serializers.DateField(help_text="Any day of the month to bill.")
    contracts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    refunds_as_of = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Cut-off of the commission base: refunds recorded later are clawed back next month (empty: now).",
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveInput(ReasonInput):
    confirm_problems = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Needed (with a reason) when the run flagged the draft, e.g. no usage recorded — check imports.",
    )


class EditInput(serializers.Serializer):
    reason = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True)
    adjustment_description = serializers.CharField(required=False)
    adjustment_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)


class CreditInput(serializers.Serializer):
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField()


class PaidInput(serializers.Serializer):
    paid_at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class UsageBulkInput(serializers.Serializer):
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False)
    late = serializers.BooleanField(required=False, default=False)


class UsageUploadInput(serializers.Serializer):
    file = serializers.FileField()
    late = serializers.BooleanField(required=False, default=False)


class TierInput(serializers.Serializer):
    lower = serializers.DecimalField(max_digits=14, decimal_places=4)
    upper = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, allow_null=True)
    unit_price = serializers.DecimalField(max_digits=20, decimal_places=10)
    flat_fee = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)


class SlaTermInput(serializers.Serializer):
    kpi = serializers.CharField()
    target = serializers.DecimalField(max_digits=12, decimal_places=4)
    comparison = serializers.ChoiceField(choices=["gte", "lte"])
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, default=1)
    cap = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, allow_null=True)
    earn_back = serializers.BooleanField(required=False, default=False)
    earn_back_target = serializers.DecimalField(max_digits=12, decimal_places=4, required=False, allow_null=True)


class PeakWindowInput(serializers.Serializer):
    """A window [start_date start_hour:00, end_date end_hour:00) local time, with exactly one price."""

    name = serializers.CharField(max_length=64)
    start_date = serializers.DateField()
    start_hour = serializers.IntegerField(required=False, default=0)
    end_date = serializers.DateField()
    end_hour = serializers.IntegerField(required=False, default=0)
    multiplier = serializers.DecimalField(max_digits=6, decimal_places=4, required=False, allow_null=True)
    unit_price = serializers.DecimalField(max_digits=20, decimal_places=10, required=False, allow_null=True)
    tiers = TierInput(many=True, required=False, default=list)


class VersionInput(serializers.Serializer):
    contract = serializers.IntegerField()
    valid_from = serializers.DateField()
    billing_day = serializers.IntegerField(required=False, default=1)
    payment_terms_days = serializers.IntegerField(required=False, default=30)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, default="0.06")
    monthly_minimum = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)
    sla_at_risk_share = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, default=0)
    sla_cap = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, default="0.12")
    earn_back_months = serializers.IntegerField(
        required=False, default=3, help_text="Months after a missed KPI in which its credit can be earned back (1-12)."
    )
    sla_on_base = serializers.BooleanField(required=False, default=True)
    sla_on_usage = serializers.BooleanField(required=False, default=True)
    sla_on_minimum = serializers.BooleanField(required=False, default=True)
    sla_terms = SlaTermInput(many=True, required=False, default=list)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChargeInput(serializers.Serializer):
    version = serializers.IntegerField()
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=128)
    kind = serializers.ChoiceField(choices=["base", "usage", "commission"], default="usage")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)
    metric = serializers.CharField(required=False, allow_blank=True, default="")
    model = serializers.CharField(required=False, default="standard")
    unit_price = serializers.DecimalField(max_digits=20, decimal_places=10, required=False, allow_null=True)
    package_size = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, allow_null=True)
    package_price = serializers.DecimalField(max_digits=20, decimal_places=10, required=False, allow_null=True)
    package_rounding = serializers.ChoiceField(choices=["up", "pro_rata", "down"], required=False, default="up")
    included_quantity = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, default=0)
    night_surcharge_rate = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, default=0)
    minimum_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)
    vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, allow_null=True, help_text="Empty: the version's rate."
    )
    rate = serializers.DecimalField(
        max_digits=20,
        decimal_places=10,
        required=False,
        allow_null=True,
        help_text="Commission: share of net attributed GMV (0.035 = 3.5 %).",
    )
    cap_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, help_text="Commission: monthly cap."
    )
    include_bot = serializers.BooleanField(required=False, default=False)
    attribution_window_days = serializers.IntegerField(required=False, default=2, min_value=1, max_value=31)
    platforms = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    channels = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    store_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    tiers = TierInput(many=True, required=False, default=list)
    peak_windows = PeakWindowInput(many=True, required=False, default=list)


# --------------------------------------------------------------------------- after issue


class FapiaoSerializer(serializers.ModelSerializer):
    statement_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = Fapiao
        fields = [
            "id",
            "invoice",
            "statement_number",
            "number",
            "issued_on",
            "amount",
            "vat_rate",
            "tax",
            "recorded_at",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    statement_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "invoice", "statement_number", "amount", "received_on", "reference", "note", "recorded_at"]


class StatementResponseSerializer(serializers.ModelSerializer):
    statement_number = serializers.CharField(source="invoice.number", read_only=True)
    correction_number = serializers.CharField(source="correction.number", read_only=True, default=None)

    class Meta:
        model = StatementResponse
        fields = [
            "id",
            "invoice",
            "statement_number",
            "kind",
            "reason",
            "created_at",
            "reply",
            "correction",
            "correction_number",
            "resolved_at",
        ]


class FapiaoInput(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text="The fapiao number from the tax platform (digits).")
    issued_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Amount excluding tax.")
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=4, help_text="e.g. 0.06")
    tax = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="amount × rate, rounded to the fen.")


class PaymentInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    received_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class AnswerInput(serializers.Serializer):
    answer = serializers.ChoiceField(choices=StatementAnswer.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required to dispute.")


class DisputeAnswerInput(serializers.Serializer):
    reply = serializers.CharField()
    correction_total = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Issue a correction (credit note) of this amount, VAT included, with the reply.",
    )


class ReceivableSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="invoice.pk")
    number = serializers.CharField(source="invoice.number")
    client_name = serializers.CharField(source="invoice.contract.client.name")
    status = serializers.CharField(source="invoice.status")
    issued_at = serializers.DateTimeField(source="invoice.issued_at")
    due_date = serializers.DateField(source="invoice.due_date")
    total = serializers.DecimalField(source="invoice.total", max_digits=14, decimal_places=2)
    credited = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    open = serializers.DecimalField(max_digits=14, decimal_places=2)
    age_days = serializers.IntegerField()
    bucket = serializers.CharField()
    overdue = serializers.BooleanField()
    confirmation = serializers.ChoiceField(choices=ConfirmationState.choices)
    fapiao_total = serializers.DecimalField(max_digits=14, decimal_places=2)
