"""Server-rendered QA pages: trends, most-violated rules, escalation risk, weekly coaching."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.roles import scope_queryset
from apps.qa import charts, selectors
from apps.qa.choices import ReviewStatus, Severity


def _period(request) -> tuple[date, date, int | None]:
    today = timezone.localdate()
    try:
        end = date.fromisoformat(request.GET.get("end", "")) if request.GET.get("end") else today + timedelta(days=1)
        start = date.fromisoformat(request.GET["start"]) if request.GET.get("start") else end - timedelta(days=91)
    except ValueError:
        start, end = today - timedelta(days=90), today + timedelta(days=1)
    if start >= end:
        start = end - timedelta(days=1)
    client = request.GET.get("client")
    return start, end, int(client) if client and client.isdigit() else None


def _clients(request):
    return scope_queryset(selectors.brands_with_scorecards(), request.user)


def _base(request, start, end, client_id, **extra):
    return {"start": start, "end": end, "client_id": client_id, "clients": _clients(request), **extra}


@login_required
@permission_required("qa.view_qaresult", raise_exception=True)
def dashboard(request):
    start, end, client_id = _period(request)
    trend = selectors.brand_weekly_trend(user=request.user, start=start, end=end)
    if client_id:
        names = {c.pk: c.name for c in _clients(request)}
        trend = {k: v for k, v in trend.items() if k == names.get(client_id)}
    context = _base(
        request,
        start,
        end,
        client_id,
        chart=charts.line_chart(trend, title=_("Average QA score per brand and week")),
        rules=selectors.most_violated_rules(user=request.user, start=start, end=end, client_id=client_id),
    )
    return render(request, "qa/dashboard.html", context)


@login_required
@permission_required("qa.view_qaresult", raise_exception=True)
def agents(request):
    start, end, client_id = _period(request)
    clients = list(_clients(request))
    if client_id is None and clients:
        client_id = clients[0].pk
    trend = (
        selectors.agent_weekly_trend(user=request.user, client_id=client_id, start=start, end=end) if client_id else {}
    )
    rows = selectors.agent_scores(user=request.user, client_id=client_id, start=start, end=end) if client_id else []
    context = _base(
        request,
        start,
        end,
        client_id,
        chart=charts.line_chart(trend, title=_("Average QA score per agent and week")),
        rows=rows,
        charted=len(trend),
    )
    return render(request, "qa/agents.html", context)


@login_required
@permission_required("qa.view_qaresult", raise_exception=True)
def escalations(request):
    start, end, client_id = _period(request)
    if not request.GET.get("start"):
        start = end - timedelta(days=7)
    rows = selectors.escalation_risk(user=request.user, start=start, end=end, client_id=client_id)
    return render(request, "qa/escalations.html", _base(request, start, end, client_id, rows=rows))


@login_required
@permission_required("qa.view_qaresult", raise_exception=True)
def coaching(request):
    _start, _end, client_id = _period(request)
    try:
        week = date.fromisoformat(request.GET["week"]) if request.GET.get("week") else None
    except ValueError:
        week = None
    if week is None:
        today = timezone.localdate()
        week = today - timedelta(days=today.weekday() + 7)
    week = week - timedelta(days=week.weekday())
    rows = selectors.weekly_coaching(user=request.user, week_start=week, client_id=client_id)
    sort = request.GET.get("sort", "")
    sorter = selectors.COACHING_SORTS.get(sort)
    if sorter is not None:
        rows = sorter.apply(rows, user=request.user, week_start=week, client_id=client_id)
    context = _base(
        request,
        _start,
        _end,
        client_id,
        rows=rows,
        sort=sort if sorter else "",
        sorter=sorter,
        sorts=selectors.COACHING_SORTS.items(),
        week=week,
        prev_week=week - timedelta(days=7),
        next_week=week + timedelta(days=7),
    )
    return render(request, "qa/coaching.html", context)


# --------------------------------------------------------------------------------------------
# The review screen: one flag at a time, in queue order, with the next one after each decision
# --------------------------------------------------------------------------------------------


@login_required
@permission_required("qa.change_reviewitem", raise_exception=True)
def review_next(request):
    """The first open flag of the queue (critical → likelihood → samples), or an empty queue."""
    client_id = request.GET.get("client")
    client_id = int(client_id) if client_id and client_id.isdigit() else None
    skip = {int(x) for x in request.GET.get("skip", "").split(",") if x.isdigit()}
    queue = selectors.review_queue(user=request.user, client_id=client_id).exclude(pk__in=skip)
    item = queue.only("pk").first()
    if item is not None:
        url = reverse("qa:review", args=[item.pk])
        params = "&".join(p for p in (f"client={client_id}" if client_id else "", _skip_param(skip)) if p)
        return redirect(f"{url}?{params}" if params else url)
    return render(request, "qa/review_empty.html", {"clients": _clients(request), "client_id": client_id})


def _next_url(client_id: str, skip: set[int]) -> str:
    params = [f"client={client_id}" if client_id.isdigit() else "", _skip_param(skip)]
    query = "&".join(p for p in params if p)
    return reverse("qa:review-next") + (f"?{query}" if query else "")


def _skip_param(skip: set[int]) -> str:
    return "skip=" + ",".join(str(x) for x in sorted(skip)) if skip else ""


@login_required
@permission_required("qa.change_reviewitem", raise_exception=True)
def review(request, pk: int):
    from apps.core.errors import DomainError
    from apps.qa import services
    from apps.qa.models import ReviewItem

    items = scope_queryset(ReviewItem.objects.all(), request.user).select_related(
        "result__scorecard__client", "result__conversation", "result__agent", "hit__rule"
    )
    item = get_object_or_404(items, pk=pk)
    client_id = request.GET.get("client", "")
    skip = {int(x) for x in request.GET.get("skip", "").split(",") if x.isdigit()}
    next_url = _next_url(client_id, skip)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        try:
            if action in ("confirm", "dismiss"):
                status = ReviewStatus.CONFIRMED if action == "confirm" else ReviewStatus.DISMISSED
                services.review_decide(items=[item], status=status, comment=comment, actor=request.user)
                messages.success(request, _("Saved: %(verdict)s.") % {"verdict": _verdict(status)})
                return redirect(next_url)
            if action == "score":
                score = services.review_sample_score(
                    item=item, rule_codes=request.POST.getlist("rules"), comment=comment, actor=request.user
                )
                messages.success(request, _("Saved: manual score %(score)d.") % {"score": score})
                return redirect(next_url)
            if action == "skip":
                return redirect(_next_url(client_id, skip | {item.pk}))
            error = _("Choose holds, does not hold or next.")
        except DomainError as exc:
            error = exc.message
    result = item.result
    hits = list(result.hits.select_related("rule").order_by("message_index", "span_start"))
    fired = {h.rule.code for h in hits}
    rules = []
    if item.hit_id is None:  # a sample: the scorecard to tick, the engine's verdict pre-ticked
        for rule in result.scorecard.rules.select_related("item").order_by("item__position", "code"):
            if rule.severity in (Severity.INFO, Severity.ALERT):
                continue  # helpers and buyer alerts do not change the score
            rules.append({"rule": rule, "ticked": rule.code in fired})
    context = {
        "item": item,
        "result": result,
        "conversation": result.conversation,
        "transcript": selectors.transcript(result),
        "hits": hits,
        "focus": item.hit.message_index if item.hit_id else None,
        "rules": rules,
        "error": error,
        "comment": request.POST.get("comment", ""),
        "next_url": next_url,
        "queue_left": selectors.review_queue(user=request.user).count(),
        "critical": item.severity == Severity.CRITICAL,
    }
    return render(request, "qa/review.html", context, status=400 if error else 200)


def _verdict(status: str) -> str:
    return _("holds") if status == ReviewStatus.CONFIRMED else _("does not hold")
