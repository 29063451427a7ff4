"""QA in Django admin: scorecards and rules, results with the highlighted transcript, the review
queue (filters, confirm/dismiss with a comment, assignment), disputes and calibration sessions."""

from __future__ import annotations

import copy
import json
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.clients.choices import Platform
from apps.core.admin import ScopedAdmin
from apps.core.choices import Role
from apps.core.errors import DomainError
from apps.core.roles import scope_queryset
from apps.qa import selectors, services
from apps.qa.choices import DisputeStatus, ReviewStatus, RuleType, Severity
from apps.qa.models import (
    CalibrationScore,
    CalibrationSession,
    Dispute,
    QAHit,
    QAResult,
    QARun,
    ReviewItem,
    ReviewModel,
    Rule,
    Scorecard,
    ScorecardItem,
)

# Severity in a list row: a short coloured tag (the choice labels explain, e.g. 致命（直接不合格）).
SEVERITY_SHORT = {
    Severity.CRITICAL: _("Critical"),
    Severity.MAJOR: _("Major"),
    Severity.MINOR: _("Minor"),
    Severity.BONUS: _("Bonus"),
    Severity.ALERT: _("Alert"),
    Severity.INFO: _("Helper"),
}


def _severity_tag(severity: str):
    if not severity:
        return "-"
    return format_html('<span class="qa-tag qa-{}">{}</span>', severity, SEVERITY_SHORT.get(severity, severity))


def _short(label) -> str:
    """A choice label without its explanation in brackets: 关键词（任一 / 全部 / 其中 N 个） → 关键词."""
    return re.split(r"\s*[（(]", str(label), maxsplit=1)[0]


class QAStyled:
    """QA admin pages load the QA stylesheet: severity tags, one-line list columns."""

    class Media:
        css = {"all": ["css/qa.css"]}


class ScorecardItemInline(admin.TabularInline):
    model = ScorecardItem
    extra = 0
    fields = ["position", "code", "name", "weight", "critical", "bonus", "not_applicable"]


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0
    fields = ["code", "name", "item", "rule_type", "severity", "score_change", "role", "enabled"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        scorecard_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name == "item" and scorecard_id:
            field.queryset = field.queryset.filter(scorecard_id=scorecard_id)
        return field


@admin.register(Scorecard)
class ScorecardAdmin(ScopedAdmin):
    list_display = ["name", "client", "code", "version", "is_active", "pass_mark", "review_sample_share"]
    list_filter = ["client", "is_active"]
    search_fields = ["name", "client__name"]
    list_select_related = ["client"]
    inlines = [ScorecardItemInline, RuleInline]
    actions = ["new_version", "rescore"]

    @admin.action(description=_("Copy into a new active version"))
    def new_version(self, request, queryset):
        for card in queryset:
            new = services.scorecard_new_version(scorecard=card, actor=request.user)
            self.message_user(request, _("Created %(card)s.") % {"card": new})

    @admin.action(description=_("Re-score the brand's conversations under this version"))
    def rescore(self, request, queryset):
        for card in queryset:
            services.qa_rescore_request(scorecard=card, actor=request.user)
        self.message_user(request, _("Re-scoring queued; old results are kept."))


class IndentedJSONField(forms.JSONField):
    """The rule parameters as indented JSON, one word list entry a line, Chinese as it is."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


# What each rule type reads from its parameters (the engine checks them when the rule is saved).
PARAMS_HELP = {
    RuleType.KEYWORD: _(
        "words: the word list (required) · mode: any | all | n_of, with n · scope: message | conversation · "
        'turns: {"first": n} or {"last": n} · negators, negation_window (characters, 4) · exclude: phrases '
        "that cover a match · excused_by: words that excuse the message · skip_quoted: true | false"
    ),
    RuleType.REGEX: _(
        "pattern: a regular expression (required) · exclude: a regular expression that clears the message"
    ),
    RuleType.TIMING: _(
        "metric: first_response | round_response | three_minute_rate | buyer_wait | last_unanswered · "
        "threshold_s: seconds · min_rate: 0–1 (three_minute_rate) · ignore_words: replies that need no answer "
        "(last_unanswered)"
    ),
    RuleType.CONTEXT: _("trigger_words (buyer) · response_words (agent) · within_agent_turns: 2 · negators · exclude"),
    RuleType.REPETITION: _("min_repeats: 3 · window: 5 replies · min_length: 4 characters"),
    RuleType.HANDOVER: _("trigger_words (buyer) · transfer_words (agent, bot or system)"),
    RuleType.MANDATORY: _("trigger_words · required_words (in the same or a later message) · negators"),
    RuleType.SENTIMENT: _(
        "words: a list, or {word: weight} · degree_words: {word: multiplier} · negation_words · threshold: 2"
    ),
    RuleType.PII: _(
        "tokens: the masks, by default [手机号] [身份证号] [银行卡号] [地址] · secret_words · request_words "
        "(required with secret_words) · warning_words"
    ),
    RuleType.COMBINATION: _('op: and | or | not · rules: rule codes · anchor: "last" (not: the last agent message)'),
}


class RuleAdminForm(forms.ModelForm):
    params = IndentedJSONField(
        label=_("parameters"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90, "class": "vLargeTextField", "spellcheck": "false"}),
    )
    platforms = forms.MultipleChoiceField(
        label=_("platforms"),
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every platform."),
    )

    class Meta:
        model = Rule
        fields = [
            "scorecard",
            "item",
            "code",
            "name",
            "rule_type",
            "params",
            "severity",
            "score_change",
            "role",
            "platforms",
            "bot_applicable",
            "enabled",
        ]


@admin.register(Rule)
class RuleAdmin(QAStyled, ScopedAdmin):
    form = RuleAdminForm
    list_display = ["code", "name", "brand", "item", "type_short", "severity_tag", "score_change", "role", "enabled"]
    list_filter = ["rule_type", "severity", "role", "enabled", "scorecard__client"]
    search_fields = ["code", "name"]
    list_select_related = ["scorecard", "scorecard__client", "item"]

    @admin.display(description=_("brand"), ordering="scorecard__client__name")
    def brand(self, obj):
        return f"{obj.scorecard.client.name} · v{obj.scorecard.version}"

    @admin.display(description=_("type"), ordering="rule_type")
    def type_short(self, obj):
        return _short(obj.get_rule_type_display())

    @admin.display(description=_("severity"), ordering="severity")
    def severity_tag(self, obj):
        return _severity_tag(obj.severity)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        types = [obj.rule_type] if obj is not None else list(PARAMS_HELP)
        lines = format_html_join(
            "", "<li><b>{}</b>: {}</li>", ((_short(RuleType(t).label), PARAMS_HELP[t]) for t in types)
        )
        params = form.base_fields["params"] = copy.deepcopy(form.base_fields["params"])  # not the shared field
        params.help_text = format_html("{}<ul class='qa-params-help'>{}</ul>", _("JSON; checked when saved."), lines)
        return form

    def save_model(self, request, obj, form, change):
        services.rule_save(rule=obj, actor=request.user)


class QAHitInline(admin.TabularInline):
    model = QAHit
    extra = 0
    fields = ["rule", "severity", "message_index", "span_start", "span_end", "excerpt"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rule")  # each row names its rule

    def has_add_permission(self, request, obj=None):
        return False


class TranscriptMixin:
    """Adds the conversation transcript, hit spans highlighted, under the change form."""

    change_form_template = "admin/qa/transcript_change_form.html"

    def transcript_result(self, obj):
        """The QA result whose transcript is shown; admins of objects that are not a result's child override it."""
        return obj.result

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            result = self.transcript_result(obj)
            extra_context["qa_result"] = result
            extra_context["qa_transcript"] = selectors.transcript(result)
            extra_context["qa_focus_index"] = getattr(getattr(obj, "hit", None), "message_index", None)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)


class RuleCodeFilter(admin.SimpleListFilter):
    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        rules = Rule.objects.filter(severity__in=("critical", "major", "minor")).values_list("code", "name")
        return sorted(set(rules))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(hit__rule__code=self.value())
        return queryset


class ResultRuleFilter(RuleCodeFilter):
    """Results with a hit of the rule: one click from a rule row of the QA pages to its chats."""

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(hits__rule__code=self.value()).distinct()
        return queryset


@admin.register(QAResult)
class QAResultAdmin(QAStyled, TranscriptMixin, ScopedAdmin):
    # the brand, not the scorecard: every brand's default card bears the same name
    list_display = ["conversation", "brand", "started", "agent_name", "status", "score", "passed", "hit_count"]
    list_filter = [
        "status",
        "passed",
        "critical",
        "scorecard__client",
        "scorecard__version",
        ("agent", admin.RelatedOnlyFieldListFilter),
        ResultRuleFilter,
    ]
    search_fields = ["conversation__platform_conversation_id", "agent__name", "reason"]
    list_select_related = ["conversation", "scorecard", "scorecard__client", "agent"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "conversation",
        "scorecard",
        "started_at",
        "agent",
        "status",
        "reason",
        "auto_score",
        "score",
        "passed",
        "critical",
        "hit_count",
        "scored_at",
        "qa_run",
    ]
    inlines = [QAHitInline]

    @admin.display(description=_("brand"), ordering="scorecard__client__name")
    def brand(self, obj):
        return obj.scorecard.client.name

    @admin.display(description=_("started"), ordering="started_at")
    def started(self, obj):
        return date_format(timezone.localtime(obj.started_at), "m-d H:i")

    @admin.display(description=_("agent"), ordering="agent__name")
    def agent_name(self, obj):
        return obj.agent.name if obj.agent_id else "-"

    def transcript_result(self, obj):
        return obj

    def has_add_permission(self, request):
        return False


class StartedFilter(admin.SimpleListFilter):
    title = _("conversation date")
    parameter_name = "started"

    def lookups(self, request, model_admin):
        return [("1", _("Last 24 hours")), ("7", _("Last 7 days")), ("30", _("Last 30 days"))]

    def queryset(self, request, queryset):
        if self.value():
            from datetime import timedelta

            from django.utils import timezone

            return queryset.filter(result__started_at__gte=timezone.now() - timedelta(days=int(self.value())))
        return queryset


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AssignForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            get_user_model().objects.filter(groups__name=Role.QA_SUPERVISOR, is_active=True).order_by("username")
        )


@admin.register(ReviewItem)
class ReviewItemAdmin(QAStyled, TranscriptMixin, ScopedAdmin):
    list_display = [
        "conversation",
        "brand",
        "agent",
        "rule_name",
        "severity_tag",
        "status",
        "assigned_to",
        "started_at",
        "likelihood_pct",
        "excerpt",
    ]  # the reason shows in the rule column: a sampled passing chat reads "(sample)"
    list_display_links = ["conversation"]
    list_filter = [
        "status",
        "severity",
        "reason",
        ("result__scorecard__client", admin.RelatedOnlyFieldListFilter),
        ("result__agent", admin.RelatedOnlyFieldListFilter),
        RuleCodeFilter,
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
        StartedFilter,
    ]
    search_fields = ["result__conversation__platform_conversation_id", "hit__excerpt", "comment", "result__agent__name"]
    list_select_related = [
        "result",
        "result__conversation",
        "result__scorecard__client",
        "result__agent",
        "hit",
        "hit__rule",
        "assigned_to",
    ]
    date_hierarchy = "created_at"
    fields = [
        "result",
        "hit",
        "reason",
        "severity",
        "status",
        "likelihood",
        "resembles_dismissed",
        "rank_note",
        "assigned_to",
        "comment",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = [
        "result",
        "hit",
        "reason",
        "severity",
        "status",
        "likelihood",
        "resembles_dismissed",
        "rank_note",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["confirm", "dismiss", "assign"]

    def get_ordering(self, request):
        # A queue: open items first, newest first within each group.
        from django.db.models import Case, F, IntegerField, Value, When

        # A queue: open items first; among them critical, then the review model's likelihood, then
        # the other flags, samples last (the order of the review screen, /qa/review/).
        open_first = Case(When(status=ReviewStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
        group = Case(
            When(severity=Severity.CRITICAL, then=Value(0)),
            When(hit__isnull=False, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return [open_first.asc(), group.asc(), F("likelihood").desc(nulls_last=True), "-created_at", "-id"]

    @admin.display(description=_("likelihood of a true violation"), ordering="likelihood")
    def likelihood_pct(self, obj):
        if obj.likelihood is None:
            return "—"
        return f"{obj.likelihood:.0%}" + (" ⚠" if obj.resembles_dismissed else "")

    def transcript_result(self, obj):
        return obj.result

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("brand"), ordering="result__scorecard__client__name")
    def brand(self, obj):
        return obj.result.scorecard.client

    @admin.display(description=_("conversation"))
    def conversation(self, obj):
        return obj.result.conversation.platform_conversation_id

    @admin.display(description=_("agent"))
    def agent(self, obj):
        return obj.result.agent.name if obj.result.agent_id else "-"

    @admin.display(description=_("rule"))
    def rule_name(self, obj):
        return obj.hit.rule.name if obj.hit_id else _("(sample)")

    @admin.display(description=_("severity"), ordering="severity")
    def severity_tag(self, obj):
        return _severity_tag(obj.severity)

    @admin.display(description=_("started"), ordering="result__started_at")
    def started_at(self, obj):
        return date_format(timezone.localtime(obj.result.started_at), "m-d H:i")

    @admin.display(description=_("excerpt"))
    def excerpt(self, obj):
        return obj.hit.excerpt if obj.hit_id else ""

    def save_model(self, request, obj, form, change):
        if "comment" in form.changed_data and obj.status != ReviewStatus.OPEN:
            services.review_decide(items=[obj], status=obj.status, comment=obj.comment, actor=request.user)
        if "assigned_to" in form.changed_data:
            services.review_assign(items=[obj], assignee=obj.assigned_to, actor=request.user)
        if "comment" in form.changed_data and obj.status == ReviewStatus.OPEN:
            ReviewItem.objects.filter(pk=obj.pk).update(comment=obj.comment)

    def response_change(self, request, obj):
        for status in (ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED):
            if f"_qa_{status}" in request.POST:
                comment = request.POST.get("comment", "")
                services.review_decide(items=[obj], status=status, comment=comment, actor=request.user)
                self.message_user(request, _("Review item %(status)s.") % {"status": ReviewStatus(status).label})
        return super().response_change(request, obj)

    def _decide(self, request, queryset, status, title):
        if "apply" in request.POST:
            form = DecisionForm(request.POST)
            if form.is_valid():
                n = services.review_decide(
                    items=list(queryset), status=status, comment=form.cleaned_data["comment"], actor=request.user
                )
                self.message_user(
                    request, _("%(n)d review items %(status)s.") % {"n": n, "status": ReviewStatus(status).label}
                )
                return None
        else:
            form = DecisionForm()
        return render(
            request,
            "admin/qa/review_decision.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Confirm selected items (with a comment)"), permissions=["change"])
    def confirm(self, request, queryset):
        return self._decide(request, queryset, ReviewStatus.CONFIRMED, _("Confirm review items"))

    @admin.action(description=_("Dismiss selected items (with a comment)"), permissions=["change"])
    def dismiss(self, request, queryset):
        return self._decide(request, queryset, ReviewStatus.DISMISSED, _("Dismiss review items"))

    @admin.action(description=_("Assign selected items to a supervisor"), permissions=["change"])
    def assign(self, request, queryset):
        if "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                try:
                    n = services.review_assign(
                        items=list(queryset), assignee=form.cleaned_data["supervisor"], actor=request.user
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    return None
                self.message_user(request, _("%(n)d review items assigned.") % {"n": n})
                return None
        else:
            form = AssignForm()
        return render(
            request,
            "admin/qa/review_decision.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign review items"),
                "form": form,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
            },
        )


class DisputeAddForm(forms.ModelForm):
    """Filed from a result page ("对此命中申诉" beside a hit): the result comes with the link and is
    shown, not typed; the disputed hit is picked from the result's deducting hits; the reason is the
    filer's own words. The dispute's reason records the hit first (「rule」· message #n 「excerpt」)."""

    hit = forms.TypedChoiceField(label=_("Disputed hit"), coerce=int)

    class Meta:
        model = Dispute
        fields = ["result", "hit", "reason"]
        widgets = {"result": forms.HiddenInput, "reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        result_id = str(self.data.get("result") or self.initial.get("result") or "")
        # only a result the field accepts (the admin scopes it to the user's brands); a typed "abc" is none
        known = result_id.isdigit() and self.fields["result"].queryset.filter(pk=int(result_id)).exists()
        self.hits = {hit.pk: hit for hit in selectors.disputable_hits(int(result_id))} if known else {}
        self.fields["hit"].choices = [(pk, self.hit_label(hit)) for pk, hit in self.hits.items()]
        self.fields["reason"].label = _("Why the hit is wrong")

    @staticmethod
    def hit_label(hit) -> str:
        excerpt = hit.excerpt[:40]
        return f"{hit} 「{excerpt}」" if excerpt else str(hit)

    def clean(self):
        cleaned = super().clean()
        if not self.hits:
            raise ValidationError(
                _("Open the QA result and click 'Dispute this hit' beside the hit you dispute."), code="no_result"
            )
        hit = self.hits.get(cleaned.get("hit"))
        if hit is not None and cleaned.get("reason"):
            cleaned["reason"] = f"{self.hit_label(hit)}：{cleaned['reason'].strip()}"
            self.instance.reason = cleaned["reason"]
        return cleaned


class DisputeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DisputeStatus.ACCEPTED, DisputeStatus.ACCEPTED.label),
            (DisputeStatus.PARTLY_ACCEPTED, DisputeStatus.PARTLY_ACCEPTED.label),
            (DisputeStatus.REJECTED, DisputeStatus.REJECTED.label),
        ],
    )
    score_after = forms.IntegerField(label=_("New score (partly accepted)"), min_value=0, max_value=100, required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


@admin.register(Dispute)
class DisputeAdmin(TranscriptMixin, ScopedAdmin):
    list_display = ["id", "result", "filed_by", "filed_at", "deadline", "status", "score_before", "score_after"]
    list_filter = ["status", ("result__scorecard__client", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reason", "result__conversation__platform_conversation_id"]
    list_select_related = ["result", "result__conversation", "filed_by"]
    raw_id_fields = ["result"]
    actions = ["decide"]

    def transcript_result(self, obj):
        return obj.result

    def result_for(self, request, result_id):
        """The result a new dispute is filed against, within the user's brands (None if not)."""
        if not str(result_id or "").isdigit():
            return None
        return scope_queryset(QAResult.objects.filter(pk=int(result_id)), request.user).first()

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = DisputeAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Dispute._meta.fields if f.name != "id"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = services.dispute_file(result=obj.result, filed_by=request.user, reason=obj.reason)
        except DomainError as exc:
            raise ValidationError(exc.message)
        obj.pk = created.pk

    def add_view(self, request, form_url="", extra_context=None):
        result_id = request.GET.get("result") or request.POST.get("result")
        result = self.result_for(request, result_id)
        if result is not None:
            extra_context = {
                **(extra_context or {}),
                "qa_result": result,
                "qa_transcript": selectors.transcript(result),
                "qa_focus_index": None,
            }
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.path)

    @admin.action(description=_("Settle selected disputes"), permissions=["change"])
    def decide(self, request, queryset):
        if "apply" in request.POST:
            form = DisputeDecisionForm(request.POST)
            if form.is_valid():
                done = 0
                for dispute in queryset:
                    try:
                        services.dispute_decide(
                            dispute=dispute,
                            decision=form.cleaned_data["decision"],
                            score_after=form.cleaned_data["score_after"],
                            comment=form.cleaned_data["comment"],
                            actor=request.user,
                        )
                        done += 1
                    except DomainError as exc:
                        self.message_user(request, f"#{dispute.pk}: {exc.message}", messages.ERROR)
                self.message_user(request, _("%(n)d disputes settled.") % {"n": done})
                return None
        else:
            form = DisputeDecisionForm()
        return render(
            request,
            "admin/qa/review_decision.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Settle disputes"),
                "form": form,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
            },
        )


class CalibrationScoreInline(admin.TabularInline):
    model = CalibrationScore
    extra = 1
    fields = ["conversation", "reviewer", "passed", "score", "comment"]
    raw_id_fields = ["conversation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("conversation", "reviewer")  # each row names both


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(ScopedAdmin):
    list_display = ["name", "scorecard", "created_at", "status", "agreement_pct", "kappa"]
    list_filter = ["status", ("scorecard__client", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["scorecard", "scorecard__client"]
    raw_id_fields = ["conversations"]
    readonly_fields = ["agreement", "kappa", "status", "created_by"]
    inlines = [CalibrationScoreInline]
    actions = ["close"]

    @admin.display(description=_("agreement"))
    def agreement_pct(self, obj):
        return "" if obj.agreement is None else f"{obj.agreement * 100:.1f}%"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Close and compute agreement and Cohen's κ"), permissions=["change"])
    def close(self, request, queryset):
        for session in queryset:
            try:
                closed = services.calibration_close(session=session, actor=request.user)
                self.message_user(
                    request,
                    _("%(s)s: agreement %(a)s, κ %(k)s") % {"s": closed, "a": closed.agreement, "k": closed.kappa},
                )
            except DomainError as exc:
                self.message_user(request, f"{session}: {exc.message}", messages.ERROR)


@admin.register(QARun)
class QARunAdmin(QAStyled, ScopedAdmin):
    list_display = [
        "id",
        "kind",
        "client",
        "status",
        "progress_done",
        "progress_total",
        "scored",
        "not_applicable",
        "unscorable",
        "skipped",
        "no_scorecard",
        "hits",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["client"]
    readonly_fields = [f.name for f in QARun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReviewModel)
class ReviewModelAdmin(QAStyled, ScopedAdmin):
    """The brands' review-queue classifiers: what they were trained on and how precise they are."""

    list_display = [
        "client",
        "rule_code",
        "trained_at",
        "decisions",
        "held_out",
        "precision_at_cutoff",
        "baseline_precision",
    ]
    list_filter = [("client", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = list_display + ["cutoff"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
