from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical (auto-fail)")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    BONUS = "bonus", _("Bonus")
    ALERT = "alert", _("Alert (no score change)")
    INFO = "info", _("Helper (not reported)")


class RuleType(models.TextChoices):
    KEYWORD = "keyword", _("Keywords (any / all / N of)")
    REGEX = "regex", _("Regular expression with exclusion")
    TIMING = "timing", _("Response timing")
    CONTEXT = "context", _("Context (not soothed within N turns)")
    REPETITION = "repetition", _("Mechanical repetition")
    HANDOVER = "handover", _("Handover request ignored")
    MANDATORY = "mandatory", _("Mandatory phrase")
    SENTIMENT = "sentiment", _("Sentiment lexicon")
    PII = "pii", _("PII and secret requests")
    COMBINATION = "combination", _("Combination of rules (and / or / not)")


class RuleRole(models.TextChoices):
    AGENT = "agent", _("Agent")
    BUYER = "buyer", _("Buyer")


class ResultStatus(models.TextChoices):
    SCORED = "scored", _("Scored")
    UNSCORABLE = "unscorable", _("Unscorable")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (bot only)")


class ReviewReason(models.TextChoices):
    VIOLATION = "violation", _("Critical or major hit")
    SAMPLE = "sample", _("Random sample of a passing conversation")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class CalibrationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QARunKind(models.TextChoices):
    IMPORT = "import", _("after import")
    SWEEP = "sweep", _("nightly sweep")
    RESCORE = "rescore", _("re-score")
