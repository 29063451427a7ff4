from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    HUMAN_CONVERSATIONS = "human_conversations", _("Human-handled conversations")
    BOT_CONVERSATIONS = "bot_conversations", _("Bot-handled conversations")
    AGENT_HOURS = "agent_hours", _("Agent hours")
    SURGE_SEAT_DAYS = "surge_seat_days", _("Surge seats (agent-days)")
    MESSAGES = "messages", _("Messages")


# Metrics counted in whole units: a fractional quantity makes no sense for them.
WHOLE_METRICS = frozenset(
    {Metric.HUMAN_CONVERSATIONS, Metric.BOT_CONVERSATIONS, Metric.SURGE_SEAT_DAYS, Metric.MESSAGES}
)


class ChargeKind(models.TextChoices):
    BASE = "base", _("Base fee")
    USAGE = "usage", _("Usage")
    COMMISSION = "commission", _("Sales commission")


class ChargeModel(models.TextChoices):
    STANDARD = "standard", _("Standard (per unit)")
    GRADUATED = "graduated", _("Graduated")
    VOLUME = "volume", _("Volume")
    PACKAGE = "package", _("Package")


class PackageRounding(models.TextChoices):
    UP = "up", _("Round up (every started block)")
    PRO_RATA = "pro_rata", _("Pro rata")
    DOWN = "down", _("Round down (whole blocks only)")


class InvoiceProblem(models.TextChoices):
    NO_USAGE = "no_usage", _("No usage recorded — check imports")


class Comparison(models.TextChoices):
    GTE = "gte", _("at least the target")
    LTE = "lte", _("at most the target")


class Kpi(models.TextChoices):
    FIRST_RESPONSE_AVG_S = "first_response_avg_s", _("Average first response (s)")
    FIRST_RESPONSE_30S_RATE = "first_response_within_30s_rate", _("First response within 30 s (rate)")
    THREE_MINUTE_RATE = "three_minute_rate", _("3-minute response rate")
    RESPONSE_AVG_S = "response_avg_s", _("Average response (s)")
    QA_PASS_RATE = "qa_pass_rate", _("QA pass rate")
    QA_AVERAGE_SCORE = "qa_average_score", _("QA average score")
    CONVERSION_RATE = "conversion_rate", _("Inquiry conversion rate")
    SATISFACTION_RATE = "satisfaction_rate", _("Satisfaction rate")


class UsageSource(models.TextChoices):
    CONVERSATIONS = "conversations", _("Conversations")
    ROSTER = "roster", _("Roster")
    API = "api", _("API")
    CSV = "csv", _("CSV upload")


class InvoiceKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic")
    SUPPLEMENTARY = "supplementary", _("Supplementary")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")


class LineKind(models.TextChoices):
    BASE = "base", _("Base fee")
    USAGE = "usage", _("Usage")
    PEAK = "peak", _("Peak window")
    NIGHT = "night", _("Night surcharge")
    CHARGE_MINIMUM = "charge_minimum", _("Charge minimum true-up")
    MINIMUM = "minimum", _("Monthly minimum true-up")
    SLA_CREDIT = "sla_credit", _("SLA credit")
    EARN_BACK = "earn_back", _("SLA earn-back")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COMMISSION = "commission", _("Sales commission")
    COMMISSION_MINIMUM = "commission_minimum", _("Commission minimum true-up")
    COMMISSION_CAP = "commission_cap", _("Commission cap")
    COMMISSION_CLAWBACK = "commission_clawback", _("Commission clawback")


class StatementAnswer(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class ConfirmationState(models.TextChoices):
    """Where a statement stands with the brand (derived from its latest answer)."""

    AWAITING = "awaiting", _("Awaiting the brand")
    CONFIRMED = "confirmed", _("Confirmed by the brand")
    DISPUTED = "disputed", _("Disputed by the brand")
    ANSWERED = "answered", _("Dispute answered")
