"""Server-rendered QA pages: trends, most-violated rules, escalation risk, weekly coaching."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.roles import scope_queryset
from apps.qa import charts, selectors


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
    from apps.clients.models import Client

    return scope_queryset(Client.objects.filter(scorecards__isnull=False).distinct(), request.user)


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
    context = _base(
        request,
        _start,
        _end,
        client_id,
        rows=rows,
        week=week,
        prev_week=week - timedelta(days=7),
        next_week=week + timedelta(days=7),
    )
    return render(request, "qa/coaching.html", context)
