"""Reads of the qa app: the period summary that billing and client reports consume, and the data
behind the QA pages (trends, most-violated rules, escalation risk, coaching)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.conversations.metrics import period_bounds
from apps.core.roles import scope_queryset
from apps.qa.choices import DisputeStatus, ResultStatus, ReviewStatus, RuleType, Severity
from apps.qa.models import Dispute, QAHit, QAResult, ReviewItem, Scorecard

VIOLATIONS = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


@dataclass(frozen=True)
class QAPeriodSummary:
    """QA of one client over the local-date period [start, end), under its active scorecard(s)."""

    conversations: int
    scored: int
    unscorable: int
    passed: int
    pass_rate: Decimal | None
    average_score: Decimal | None
    critical_hits: int
    by_rule: list[dict] = field(default_factory=list)
    by_day: list[dict] = field(default_factory=list)
    high_risk: list[dict] = field(default_factory=list)
    disputes: dict = field(default_factory=dict)
    coaching: list[dict] = field(default_factory=list)


def _rate(num: int, den: int) -> Decimal | None:
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001")) if den else None


def _avg(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def period_results(*, client_id: int, start: date, end: date) -> QuerySet[QAResult]:
    lo, hi = period_bounds(start, end)
    return QAResult.objects.filter(
        scorecard__client_id=client_id, scorecard__is_active=True, started_at__gte=lo, started_at__lt=hi
    )


def _high_risk_hits(hits: QuerySet[QAHit]) -> QuerySet[QAHit]:
    """Critical hits, and buyer alerts that threaten a complaint or a bad review (not mere mood)."""
    return hits.filter(
        Q(severity=Severity.CRITICAL)
        | (Q(severity=Severity.ALERT, rule__role="buyer") & ~Q(rule__rule_type=RuleType.SENTIMENT))
    )


def _action(review_status: str | None, dispute_status: str | None, comment: str) -> str:
    parts = []
    if review_status == ReviewStatus.CONFIRMED:
        parts.append("confirmed by QA" + (f": {comment}" if comment else ""))
    elif review_status == ReviewStatus.DISMISSED:
        parts.append("dismissed by QA" + (f": {comment}" if comment else ""))
    elif review_status == ReviewStatus.OPEN:
        parts.append("awaiting review")
    else:
        parts.append("alert sent to the shift lead")
    if dispute_status:
        parts.append(f"dispute {dispute_status.replace('_', ' ')}")
    return "; ".join(parts)


def _action_label(review_status: str | None, dispute_status: str | None, comment: str) -> str:
    """What was done about a high-risk case, in the reader's language (the page's twin of `_action`,
    whose English phrases the client report translates on its own)."""
    if review_status == ReviewStatus.CONFIRMED:
        text = _("confirmed by QA")
    elif review_status == ReviewStatus.DISMISSED:
        text = _("dismissed by QA")
    elif review_status == ReviewStatus.OPEN:
        text = _("awaiting review")
    else:
        text = _("alert sent to the shift lead")
    if comment and review_status in (ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED):
        text += f" ({comment})"
    if dispute_status:
        text += " · " + _("dispute: %(status)s") % {"status": str(DisputeStatus(dispute_status).label)}
    return text


def client_ids_with_scorecards() -> QuerySet:
    """Ids of the brands that have a scorecard (a lazy values queryset: used as a subquery, so the
    brands are read in one query by apps.clients.selectors.clients_by_ids)."""
    return Scorecard.objects.values("client_id")


def brands_with_scorecards() -> QuerySet:
    """The brands that have a scorecard, in Client's default ordering (a lazy queryset)."""
    from apps.clients.selectors import clients_by_ids

    return clients_by_ids(client_ids_with_scorecards())


def qa_period_summary(*, client_id: int, start: date, end: date) -> QAPeriodSummary:
    from apps.conversations.selectors import conversation_count

    conversations = conversation_count(client_id=client_id, start=start, end=end)
    results = period_results(client_id=client_id, start=start, end=end)
    agg = results.aggregate(
        scored=Count("id", filter=Q(status=ResultStatus.SCORED)),
        unscorable=Count("id", filter=Q(status=ResultStatus.UNSCORABLE)),
        passed=Count("id", filter=Q(status=ResultStatus.SCORED, passed=True)),
        avg=Avg("score", filter=Q(status=ResultStatus.SCORED)),
    )
    hits = QAHit.objects.filter(result__in=results)
    critical_hits = hits.filter(severity=Severity.CRITICAL).count()
    by_rule = [
        {"rule_code": r["rule__code"], "rule_name": r["rule__name"], "severity": r["severity"], "hits": r["n"]}
        for r in hits.exclude(severity=Severity.INFO)
        .values("rule__code", "rule__name", "severity")
        .annotate(n=Count("id"))
        .order_by("-n", "rule__code")
    ]
    tz = timezone.get_default_timezone()
    by_day = [
        {
            "date": r["day"],
            "scored": r["scored"],
            "average_score": _avg(r["avg"]),
            "pass_rate": _rate(r["passed"], r["scored"]),
        }
        for r in results.filter(status=ResultStatus.SCORED)
        .annotate(day=TruncDate("started_at", tzinfo=tz))
        .values("day")
        .annotate(scored=Count("id"), passed=Count("id", filter=Q(passed=True)), avg=Avg("score"))
        .order_by("day")
    ]
    high_risk = _high_risk_rows(_high_risk_hits(hits), limit=50)
    disputes_qs = Dispute.objects.filter(result__in=results)
    d = disputes_qs.aggregate(
        filed=Count("id"),
        accepted=Count("id", filter=Q(status=DisputeStatus.ACCEPTED)),
        partly_accepted=Count("id", filter=Q(status=DisputeStatus.PARTLY_ACCEPTED)),
        rejected=Count("id", filter=Q(status=DisputeStatus.REJECTED)),
        open=Count("id", filter=Q(status=DisputeStatus.OPEN)),
    )
    return QAPeriodSummary(
        conversations=conversations,
        scored=agg["scored"],
        unscorable=agg["unscorable"],
        passed=agg["passed"],
        pass_rate=_rate(agg["passed"], agg["scored"]),
        average_score=_avg(agg["avg"]),
        critical_hits=critical_hits,
        by_rule=by_rule,
        by_day=by_day,
        high_risk=high_risk,
        disputes=dict(d),
        coaching=coaching_rows(hits=hits),
    )


def _high_risk_rows(hits: QuerySet[QAHit], *, limit: int) -> list[dict]:
    rows = list(
        hits.select_related("rule", "result__conversation")
        .order_by("-result__started_at", "result_id", "message_index")
        .values(
            "id",
            "result_id",
            "result__conversation_id",
            "result__conversation__platform_conversation_id",
            "result__started_at",
            "result__scorecard__client__name",
            "rule__name",
            "excerpt",
        )[: limit * 4]
    )
    seen, picked = set(), []
    for r in rows:
        if r["result_id"] in seen:
            continue
        seen.add(r["result_id"])
        picked.append(r)
        if len(picked) == limit:
            break
    result_ids = [r["result_id"] for r in picked]
    reviews: dict[int, tuple[str, str]] = {}
    for rid, status, comment in ReviewItem.objects.filter(result_id__in=result_ids).values_list(
        "result_id", "status", "comment"
    ):
        if rid not in reviews or status != ReviewStatus.OPEN:
            reviews[rid] = (status, comment)
    disputes = dict(Dispute.objects.filter(result_id__in=result_ids).values_list("result_id", "status"))
    out = []
    for r in picked:
        status, comment = reviews.get(r["result_id"], (None, ""))
        out.append(
            {
                "conversation_id": r["result__conversation_id"],
                "result_id": r["result_id"],
                "platform_conversation_id": r["result__conversation__platform_conversation_id"],
                "started_at": r["result__started_at"],
                "brand": r["result__scorecard__client__name"],
                "rule_name": r["rule__name"],
                "excerpt": r["excerpt"],
                "review_status": status or "not_queued",
                "action": _action(status, disputes.get(r["result_id"]), comment),
                "review_label": str(ReviewStatus(status).label) if status else _("Alert only"),
                "action_label": _action_label(status, disputes.get(r["result_id"]), comment),
            }
        )
    return out


# How much one hit weighs when a coaching list ranks agents and picks what to coach on.
COACHING_WEIGHTS = {Severity.CRITICAL: 10, Severity.MAJOR: 3, Severity.MINOR: 1}


def coaching_rows(*, hits: QuerySet[QAHit], limit: int = 20) -> list[dict]:
    """Agents with violations (confirmed or not dismissed): those with a critical hit first (a red
    line needs a talk whatever else happened), then by hits weighted by severity (COACHING_WEIGHTS).
    Per agent: the counts per severity, `top_rule` (the rule that weighs most) and `focus`, the three
    heaviest rules with their hit counts."""
    counted = (
        hits.filter(severity__in=VIOLATIONS, result__agent__isnull=False)
        .exclude(review_items__status=ReviewStatus.DISMISSED)
        .values("result__agent_id", "result__agent__name", "rule__name", "severity")
        .annotate(n=Count("id"))
    )
    weight: dict[int, Counter] = defaultdict(Counter)  # agent -> rule -> weighted hits
    count: dict[int, Counter] = defaultdict(Counter)  # agent -> rule -> hits
    by_severity: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, str] = {}
    for r in counted:
        agent = r["result__agent_id"]
        weight[agent][r["rule__name"]] += r["n"] * COACHING_WEIGHTS[r["severity"]]
        count[agent][r["rule__name"]] += r["n"]
        by_severity[agent][r["severity"]] += r["n"]
        names[agent] = r["result__agent__name"]
    rows = []
    for agent, weighted in weight.items():
        ranked = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))
        rows.append(
            {
                "agent_id": agent,
                "agent_name": names[agent],
                "issues": sum(count[agent].values()),
                "points": sum(weighted.values()),
                "critical": by_severity[agent][Severity.CRITICAL],
                "major": by_severity[agent][Severity.MAJOR],
                "minor": by_severity[agent][Severity.MINOR],
                "top_rule": ranked[0][0],
                "focus": [(rule, count[agent][rule]) for rule, _w in ranked[:3]],
            }
        )
    rows.sort(key=lambda r: (-r["critical"], -r["points"], -r["issues"], r["agent_name"]))
    return rows[:limit]


# ---------------------------------------------------------------------------------------------
# Page data
# ---------------------------------------------------------------------------------------------


def visible_scorecards(*, user) -> QuerySet[Scorecard]:
    return scope_queryset(Scorecard.objects.select_related("client"), user)


def brand_weekly_trend(*, user, start: date, end: date) -> dict[str, list[tuple[date, float]]]:
    """Average score per brand and week (active scorecards)."""
    lo, hi = period_bounds(start, end)
    tz = timezone.get_default_timezone()
    qs = scope_queryset(QAResult.objects.all(), user).filter(
        status=ResultStatus.SCORED, scorecard__is_active=True, started_at__gte=lo, started_at__lt=hi
    )
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for r in (
        qs.annotate(week=TruncWeek("started_at", tzinfo=tz))
        .values("scorecard__client__name", "week")
        .annotate(avg=Avg("score"))
        .order_by("scorecard__client__name", "week")
    ):
        series[r["scorecard__client__name"]].append((r["week"].date(), float(r["avg"])))
    return dict(series)


def _agent_results(*, user, client_id: int, start: date, end: date) -> QuerySet[QAResult]:
    """The scored results of one brand's agents in the period, under its active scorecard."""
    lo, hi = period_bounds(start, end)
    return scope_queryset(QAResult.objects.all(), user).filter(
        scorecard__client_id=client_id,
        scorecard__is_active=True,
        status=ResultStatus.SCORED,
        agent__isnull=False,
        started_at__gte=lo,
        started_at__lt=hi,
    )


def agent_weekly_trend(
    *, user, client_id: int, start: date, end: date, limit: int = 8
) -> dict[str, list[tuple[date, float]]]:
    """Average score per agent and week for one brand: the agents with the most scored chats."""
    tz = timezone.get_default_timezone()
    qs = _agent_results(user=user, client_id=client_id, start=start, end=end)
    top = list(qs.values("agent_id").annotate(n=Count("id")).order_by("-n", "agent_id")[:limit])
    ids = [t["agent_id"] for t in top]
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for r in (
        qs.filter(agent_id__in=ids)
        .annotate(week=TruncWeek("started_at", tzinfo=tz))
        .values("agent__name", "week")
        .annotate(avg=Avg("score"))
        .order_by("agent__name", "week")
    ):
        series[r["agent__name"]].append((r["week"].date(), float(r["avg"])))
    return dict(series)


def agent_scores(*, user, client_id: int, start: date, end: date) -> list[dict]:
    """Every agent of one brand over the period: scored chats, average score, pass rate, chats with a
    critical hit and the rule they broke most; the lowest average first (who needs a look)."""
    results = _agent_results(user=user, client_id=client_id, start=start, end=end)
    rows = list(
        results.values("agent_id", "agent__name", "agent__employee_no")
        .annotate(
            scored=Count("id"),
            average=Avg("score"),
            passed=Count("id", filter=Q(passed=True)),
            critical=Count("id", filter=Q(critical=True)),
        )
        .order_by("average", "agent__employee_no")
    )
    top: dict[int, tuple[int, str]] = {}
    hits = (
        QAHit.objects.filter(result__in=results, severity__in=VIOLATIONS)
        .values("result__agent_id", "rule__name")
        .annotate(n=Count("id"))
        .order_by("result__agent_id", "-n", "rule__name")
    )
    for h in hits:  # per agent, the first row is its most frequent violation
        top.setdefault(h["result__agent_id"], (h["n"], h["rule__name"]))
    for row in rows:
        row["average"] = _avg(row["average"])
        row["pass_rate"] = _rate(row["passed"], row["scored"])
        row["top_rule"], row["top_rule_hits"] = (
            (top[row["agent_id"]][1], top[row["agent_id"]][0]) if row["agent_id"] in top else ("", 0)
        )
    return rows


def most_violated_rules(*, user, start: date, end: date, client_id: int | None = None, limit: int = 15) -> list[dict]:
    lo, hi = period_bounds(start, end)
    qs = scope_queryset(QAHit.objects.all(), user).filter(
        severity__in=VIOLATIONS, result__started_at__gte=lo, result__started_at__lt=hi
    )
    if client_id:
        qs = qs.filter(result__scorecard__client_id=client_id)
    rows = list(
        qs.values("rule__code", "rule__name", "severity")
        .annotate(hits=Count("id"), conversations=Count("result_id", distinct=True))
        .order_by("-hits", "rule__code")[:limit]
    )
    for row in rows:  # the severity as the reader's language names it
        row["severity_label"] = str(Severity(row["severity"]).label)
    return rows


def escalation_risk(*, user, start: date, end: date, client_id: int | None = None, limit: int = 100) -> list[dict]:
    """Buyers threatening complaints or bad reviews (and critical hits), newest first, for the shift lead."""
    lo, hi = period_bounds(start, end)
    qs = scope_queryset(QAHit.objects.all(), user).filter(result__started_at__gte=lo, result__started_at__lt=hi)
    if client_id:
        qs = qs.filter(result__scorecard__client_id=client_id)
    return _high_risk_rows(_high_risk_hits(qs), limit=limit)


@dataclass(frozen=True)
class CoachingSort:
    """Another order of the weekly coaching list, from data qa cannot read (the layers forbid qa to
    import apps above it): such an app registers one in COACHING_SORTS at start-up (apps.reports
    registers "conversion": agents by the week's 询单转化率 from apps.orders, lowest first).
    `apply(rows, *, user, week_start, client_id)` returns the rows in its order, each with
    "sort_value" (the text of the extra column headed `column`)."""

    label: str
    column: str
    note: str
    apply: Callable[..., list[dict]]


COACHING_SORTS: dict[str, CoachingSort] = {}


def weekly_coaching(*, user, week_start: date, client_id: int | None = None) -> list[dict]:
    lo, hi = period_bounds(week_start, week_start + timedelta(days=7))
    qs = scope_queryset(QAHit.objects.all(), user).filter(result__started_at__gte=lo, result__started_at__lt=hi)
    if client_id:
        qs = qs.filter(result__scorecard__client_id=client_id)
    return coaching_rows(hits=qs, limit=50)


def disputable_hits(result_id) -> list[QAHit]:
    """The hits of a result that cost points (a dispute is filed against one of them), in transcript order."""
    return list(
        QAHit.objects.filter(result_id=result_id, rule__score_change__lt=0)
        .select_related("rule")
        .order_by("message_index", "span_start", "id")
    )


def transcript(result: QAResult) -> list[dict]:
    """The conversation's messages with the hit spans of this result marked, for the review screen."""
    from apps.conversations.choices import SenderRole
    from apps.conversations.selectors import transcript_messages

    role_labels = dict(SenderRole.choices)
    messages = transcript_messages(conversation_id=result.conversation_id)
    hits_by_msg: dict[int, list] = defaultdict(list)
    for h in result.hits.select_related("rule").order_by("message_index", "span_start"):
        if h.message_index is not None:
            hits_by_msg[h.message_index].append(h)
    out = []
    for idx, m in enumerate(messages):
        hits = hits_by_msg.get(idx, [])
        role = role_labels.get(m["sender_role"], m["sender_role"])
        out.append({**m, "role": role, "index": idx, "segments": _segments(m["content"], hits), "rules": hits})
    return out


def _segments(text: str, hits) -> list[dict]:
    """Split a message into plain and highlighted pieces (overlapping spans are merged)."""
    spans = sorted(
        (h.span_start, h.span_end, h.rule.name, h.severity)
        for h in hits
        if h.span_start is not None and h.span_end is not None and h.span_end > h.span_start
    )
    segments, pos = [], 0
    for s, e, name, severity in spans:
        s = max(s, pos)
        if e <= s:
            continue
        if s > pos:
            segments.append({"text": text[pos:s], "hit": None})
        segments.append({"text": text[s:e], "hit": name, "severity": severity})
        pos = e
    if pos < len(text):
        segments.append({"text": text[pos:], "hit": None})
    return segments


def queue_share(client, *, start: date | None = None, end: date | None = None) -> tuple[int, int]:
    """(human-handled conversations with at least one review item, human-handled conversations)
    of a brand, optionally for conversations started in [start, end). Human-handled = scored (a
    bot-only or unscorable chat has no human to review). Goal: the first ≤ 15 % of the second."""
    results = QAResult.objects.filter(scorecard__client=client, status=ResultStatus.SCORED)
    if start is not None:
        results = results.filter(started_at__date__gte=start)
    if end is not None:
        results = results.filter(started_at__date__lt=end)
    queued = results.filter(review_items__isnull=False).distinct().count()
    return queued, results.count()


def review_queue(*, user, client_id: int | None = None) -> QuerySet[ReviewItem]:
    """Open review items the user may see, in working order: critical flags first, then by the
    review model's likelihood of a true violation (highest first; flags of rules without a model
    after those with one), then the other flags by age, and the random samples last."""
    from django.db.models import Case, F, IntegerField, Value, When

    items = scope_queryset(ReviewItem.objects.filter(status=ReviewStatus.OPEN), user)
    if client_id:
        items = items.filter(result__scorecard__client_id=client_id)
    group = Case(
        When(severity=Severity.CRITICAL, then=Value(0)),
        When(hit__isnull=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return items.annotate(queue_group=group).order_by(
        "queue_group", F("likelihood").desc(nulls_last=True), "created_at", "id"
    )


# --- retention and off-boarding (apps.clients.offboarding orchestrates) ------------------------------


def qa_export_rows(*, client_id: int) -> tuple[list[dict], list[dict]]:
    """The brand's QA results and their hits as plain dicts (scorecard and rule named), by id."""
    results = list(
        QAResult.objects.filter(conversation__store__client_id=client_id)
        .order_by("id")
        .values(
            "id",
            "conversation_id",
            "conversation__platform_conversation_id",
            "scorecard__name",
            "started_at",
            "agent_id",
            "status",
            "reason",
            "auto_score",
            "score",
            "passed",
            "critical",
            "hit_count",
            "scored_at",
        )
    )
    hits = list(
        QAHit.objects.filter(result__conversation__store__client_id=client_id)
        .order_by("result_id", "id")
        .values(
            "id",
            "result_id",
            "rule__code",
            "rule__name",
            "severity",
            "message_index",
            "span_start",
            "span_end",
            "excerpt",
            "note",
        )
    )
    return results, hits


def qa_excerpts_left(*, client_id: int, before=None) -> int:
    """QA hit excerpts (masked shopper text) the brand still holds, optionally only of conversations
    started before `before`."""
    hits = QAHit.objects.filter(result__conversation__store__client_id=client_id).exclude(excerpt="")
    if before is not None:
        hits = hits.filter(result__conversation__started_at__lt=before)
    return hits.count()


# --- the intraday room (apps.intraday) ------------------------------------------------------------

RISK_RULE_CODES = ("escalation_risk", "buyer_negative", "risk_and_negative")


def risk_hits(*, client_ids, start, end, rule_codes=RISK_RULE_CODES) -> list[tuple[int, int, object, str]]:
    """(brand id, conversation id, conversation start, masked excerpt) of every escalation-risk or
    negative-sentiment hit on conversations that started in [start, end), oldest first."""
    return list(
        QAHit.objects.filter(
            result__scorecard__client_id__in=list(client_ids),
            result__started_at__gte=start,
            result__started_at__lt=end,
            rule__code__in=list(rule_codes),
        )
        .order_by("result__started_at", "result__conversation_id", "message_index")
        .values_list("result__scorecard__client_id", "result__conversation_id", "result__started_at", "excerpt")
    )


def risk_conversation_count(*, client_id: int, start, end, rule_codes=RISK_RULE_CODES) -> int:
    """Distinct conversations of a brand with a risk hit, started in [start, end) (the normal level)."""
    return (
        QAHit.objects.filter(
            result__scorecard__client_id=client_id,
            result__started_at__gte=start,
            result__started_at__lt=end,
            rule__code__in=list(rule_codes),
        )
        .values("result__conversation_id")
        .distinct()
        .count()
    )
