"""Full-coverage QA: versioned scorecards with their items and rules, one result per conversation and
scorecard version with its hits, the review queue, disputes and calibration sessions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TrackedRun
from apps.qa.choices import (
    CalibrationStatus,
    DisputeStatus,
    QARunKind,
    ResultStatus,
    ReviewReason,
    ReviewStatus,
    RuleRole,
    RuleType,
    Severity,
)


class Scorecard(models.Model):
    """One version of a brand's QA scorecard. A new version is a new row; results keep pointing at
    the version that produced them, so re-scoring never overwrites history."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("client")
    )
    code = models.SlugField(_("code"), max_length=32, default="default")
    name = models.CharField(_("name"), max_length=128)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("The version new conversations are scored with.")
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=80)
    review_sample_share = models.DecimalField(
        _("review sample share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.05"),
        help_text=_("Share of passing conversations sampled into the review queue (0–1)."),
    )
    dispute_days = models.PositiveSmallIntegerField(_("days to file a dispute"), default=7)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["client", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "code", "version"], name="qa_scorecard_version_uniq"),
            models.UniqueConstraint(
                fields=["client", "code"], condition=Q(is_active=True), name="qa_scorecard_one_active"
            ),
            models.CheckConstraint(
                condition=Q(review_sample_share__gte=0, review_sample_share__lte=1), name="qa_scorecard_share_0_1"
            ),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="qa_scorecard_pass_mark_le_100"),
        ]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ScorecardItem(models.Model):
    """A line of the scorecard: its weight caps the deductions of its rules."""

    CLIENT_LOOKUP = "scorecard__client"

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="items", verbose_name=_("scorecard")
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=128)
    weight = models.PositiveSmallIntegerField(_("weight"), default=10)
    critical = models.BooleanField(_("critical (致命项)"), default=False)
    bonus = models.BooleanField(_("bonus"), default=False)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scorecard", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "code"], name="qa_item_scorecard_code_uniq")]
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """A detection rule of a scorecard item: a type and its JSON parameters, validated on save."""

    CLIENT_LOOKUP = "scorecard__client"

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="rules", verbose_name=_("scorecard")
    )
    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="rules", verbose_name=_("item"))
    code = models.SlugField(_("code"), max_length=48)
    name = models.CharField(_("name"), max_length=128)
    rule_type = models.CharField(_("type"), max_length=16, choices=RuleType.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.MINOR)
    score_change = models.SmallIntegerField(_("score change"), default=0)
    role = models.CharField(_("role"), max_length=8, choices=RuleRole.choices, default=RuleRole.AGENT)
    platforms = models.JSONField(_("platforms"), default=list, blank=True, help_text=_("Empty: every platform."))
    bot_applicable = models.BooleanField(
        _("applies to bot-only chats"),
        default=False,
        help_text=_(
            "Also runs on chats the bot handled alone. Buyer rules always do; an agent rule then judges "
            "the bot's messages as if the bot were the agent."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["scorecard", "item__position", "code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "code"], name="qa_rule_scorecard_code_uniq")]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        from apps.qa.services import rule_validate

        try:
            rule_validate(rule=self)
        except Exception as exc:  # DomainError
            field = getattr(exc, "field", None)
            message = getattr(exc, "message", str(exc))
            if field in {f.name for f in self._meta.fields}:
                raise ValidationError({field: message})
            raise ValidationError({"params": message})


class QARun(TrackedRun):
    """One scoring pass: after an import, the nightly sweep, or a re-score under a new version."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("client")
    )
    import_run = models.ForeignKey(
        "conversations.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import run"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=QARunKind.choices, default=QARunKind.IMPORT)
    scorecard = models.ForeignKey(
        "qa.Scorecard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scorecard version"),
        help_text=_("The version a re-score scores under (empty for imports and sweeps: each brand's active one)."),
    )
    scored = models.PositiveIntegerField(_("scored"), default=0)
    unscorable = models.PositiveIntegerField(_("unscorable"), default=0)
    not_applicable = models.PositiveIntegerField(_("not applicable (bot only)"), default=0)
    skipped = models.PositiveIntegerField(_("already scored"), default=0)
    no_scorecard = models.PositiveIntegerField(
        _("brand without a scorecard"),
        default=0,
        help_text=_(
            "Conversations of a brand with no active scorecard: install one and the nightly sweep scores them."
        ),
    )
    hits = models.PositiveIntegerField(_("hits"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("QA run")
        verbose_name_plural = _("QA runs")

    def __str__(self) -> str:
        return f"{_('QA run')} #{self.pk} · {self.get_kind_display()} ({self.get_status_display()})"


class QAResult(models.Model):
    """The verdict of one scorecard version on one conversation (or the reason there is none)."""

    CLIENT_LOOKUP = "scorecard__client"

    # No separate index on conversation, scorecard or agent: the unique (conversation, scorecard) and
    # the (scorecard, started) and (agent, started) indexes lead with them.
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.CASCADE,
        related_name="qa_results",
        db_index=False,
        verbose_name=_("conversation"),
    )
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.PROTECT, related_name="results", db_index=False, verbose_name=_("scorecard")
    )
    started_at = models.DateTimeField(_("conversation started"), db_index=True)
    agent = models.ForeignKey(
        "people.Agent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("agent"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ResultStatus.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    auto_score = models.PositiveSmallIntegerField(_("engine score"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    critical = models.BooleanField(_("critical hit"), default=False)
    hit_count = models.PositiveSmallIntegerField(_("hits"), default=0)
    scored_at = models.DateTimeField(_("scored"), auto_now_add=True)
    qa_run = models.ForeignKey(
        QARun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("qa run")
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "scorecard"], name="qa_result_conv_scorecard_uniq"),
            models.CheckConstraint(condition=Q(score__lte=100), name="qa_result_score_le_100"),
        ]
        indexes = [
            models.Index(fields=["scorecard", "started_at"], name="qa_result_card_start_idx"),
            models.Index(fields=["agent", "started_at"], name="qa_result_agent_start_idx"),
        ]
        verbose_name = _("QA result")
        verbose_name_plural = _("QA results")

    def __str__(self) -> str:
        # the conversation as the platform names it (lists that show results select it with them)
        score = "" if self.score is None else f" {self.score}"
        return f"{self.conversation.platform_conversation_id} · {self.get_status_display()}{score}"


class QAHit(models.Model):
    """One place a rule fired: the message (by position) and the span in its masked text."""

    CLIENT_LOOKUP = "result__scorecard__client"

    result = models.ForeignKey(QAResult, on_delete=models.CASCADE, related_name="hits", verbose_name=_("result"))
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="hits", verbose_name=_("rule"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    message_index = models.PositiveIntegerField(_("message position"), null=True, blank=True)
    span_start = models.PositiveIntegerField(_("span start"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("span end"), null=True, blank=True)
    excerpt = models.CharField(_("excerpt (masked)"), max_length=255, blank=True)
    note = models.CharField(
        _("why"), max_length=255, blank=True, help_text=_("The similar example sentence and its score, if any.")
    )
    # The partition key (docs/operations.md, "Partitioned QA hits"): the result's scored_at, copied
    # when the hit is written and never changed. The table is partitioned by local month of it and
    # its database primary key is (id, scored_at); `id` alone still names one hit (one sequence).
    scored_at = models.DateTimeField(_("scored"), editable=False)

    class Meta:
        ordering = ["result", "message_index", "span_start", "id"]
        verbose_name = _("QA hit")
        verbose_name_plural = _("QA hits")

    def __str__(self) -> str:
        if self.message_index is None:
            where = _("whole conversation")
        else:
            where = _("message #%(index)s") % {"index": self.message_index}
        return f"{self.rule.name} · {where}"

    def save(self, *args, **kwargs) -> None:
        if self.scored_at is None and self.result_id is not None:
            self.scored_at = self.result.scored_at  # the partition key is the result's
        super().save(*args, **kwargs)


class ReviewItem(models.Model):
    """An entry of the supervisors' queue: a critical/major hit, or a sampled passing conversation."""

    CLIENT_LOOKUP = "result__scorecard__client"

    # No separate index on result: the unique (result, hit) index leads with it.
    result = models.ForeignKey(
        QAResult, on_delete=models.CASCADE, related_name="review_items", db_index=False, verbose_name=_("result")
    )
    # The database's foreign key is (hit_id, hit_scored_at) -> qa_qahit (id, scored_at), MATCH FULL,
    # ON DELETE CASCADE (qa migration 0013): a partitioned table is referenced only through a key
    # holding its partition key, which Django cannot model, so `hit` has no constraint of its own.
    hit = models.ForeignKey(
        QAHit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_items",
        db_constraint=False,
        verbose_name=_("hit"),
    )
    hit_scored_at = models.DateTimeField(_("hit scored"), null=True, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=16, choices=ReviewReason.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qa_review_items",
        verbose_name=_("assigned to"),
    )
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    # ranking by the brand's review model (apps.qa.learning): how likely the flag is a true violation
    likelihood = models.FloatField(_("likelihood of a true violation"), null=True, blank=True)
    resembles_dismissed = models.BooleanField(_("resembles dismissed flags"), default=False)
    rank_note = models.CharField(_("why ranked here"), max_length=255, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "hit"], name="qa_review_result_hit_uniq"),
            models.UniqueConstraint(fields=["result"], condition=Q(hit__isnull=True), name="qa_review_sample_uniq"),
            models.CheckConstraint(
                condition=Q(hit__isnull=True, hit_scored_at__isnull=True)
                | Q(hit__isnull=False, hit_scored_at__isnull=False),
                name="qa_review_hit_with_scored_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "severity"], name="qa_review_status_sev_idx")]
        verbose_name = _("review item")
        verbose_name_plural = _("review queue")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.result_id}"

    def save(self, *args, **kwargs) -> None:
        if self.hit_id is not None and self.hit_scored_at is None:
            self.hit_scored_at = self.hit.scored_at  # the second half of the foreign key to the hit
        super().save(*args, **kwargs)


class Dispute(models.Model):
    """An appeal against a result, filed by the agent's team lead before the deadline."""

    CLIENT_LOOKUP = "result__scorecard__client"

    result = models.ForeignKey(QAResult, on_delete=models.CASCADE, related_name="disputes", verbose_name=_("result"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    score_before = models.PositiveSmallIntegerField(_("score before"), null=True, blank=True)
    score_after = models.PositiveSmallIntegerField(_("score after"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        ordering = ["status", "-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"], condition=Q(status="open"), name="qa_dispute_one_open_per_result"
            ),
        ]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"{self.result.conversation.platform_conversation_id} · {self.get_status_display()}"


class CalibrationSession(models.Model):
    """Several reviewers score the same conversations; agreement and Cohen's κ measure how alike."""

    CLIENT_LOOKUP = "scorecard__client"

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("scorecard")
    )
    name = models.CharField(_("name"), max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CalibrationStatus.choices, default=CalibrationStatus.OPEN
    )
    conversations = models.ManyToManyField(
        "conversations.Conversation", related_name="+", blank=True, verbose_name=_("conversations")
    )
    agreement = models.DecimalField(_("agreement"), max_digits=5, decimal_places=4, null=True, blank=True)
    kappa = models.DecimalField(_("Cohen's κ"), max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self) -> str:
        return self.name


class CalibrationScore(models.Model):
    """One reviewer's verdict on one conversation of a calibration session."""

    CLIENT_LOOKUP = "session__scorecard__client"

    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="scores", verbose_name=_("session")
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+", verbose_name=_("conversation")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    passed = models.BooleanField(_("passed"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        ordering = ["session", "conversation", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["session", "conversation", "reviewer"], name="qa_calibration_score_uniq"),
            models.CheckConstraint(condition=Q(score__lte=100), name="qa_calibration_score_le_100"),
        ]
        verbose_name = _("calibration score")
        verbose_name_plural = _("calibration scores")

    def __str__(self) -> str:
        return f"{self.reviewer.username}: {_('pass') if self.passed else _('fail')}"


class ReviewModel(models.Model):
    """A brand's classifier for one rule, trained on supervisors' confirm/dismiss decisions
    (apps.qa.learning): a logistic regression on character n-grams of the flagged message."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="qa_review_models", verbose_name=_("brand")
    )
    rule_code = models.SlugField(_("rule code"), max_length=48)
    trained_at = models.DateTimeField(_("trained"))
    decisions = models.PositiveIntegerField(_("decisions trained on"), default=0)
    held_out = models.PositiveIntegerField(_("decisions held out"), default=0)
    precision_at_cutoff = models.FloatField(_("precision at the queue cut-off (hold-out)"), null=True, blank=True)
    baseline_precision = models.FloatField(_("share confirmed in the hold-out"), null=True, blank=True)
    cutoff = models.FloatField(_("cut-off"), default=0.5)
    blob = models.BinaryField(_("model"), editable=False)

    class Meta:
        ordering = ["client", "rule_code"]
        constraints = [models.UniqueConstraint(fields=["client", "rule_code"], name="qa_reviewmodel_client_rule_uniq")]
        verbose_name = _("review model")
        verbose_name_plural = _("review models")

    def __str__(self) -> str:
        return f"{self.client} · {self.rule_code}"
