"""The manager's schedule page: coverage chart, roster grid, what-if, publish, re-plan, export."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.clients.models import Client
from apps.core.errors import DomainError
from apps.core.roles import scope_queryset
from apps.workforce import selectors, services
from apps.workforce.charts import coverage_svg
from apps.workforce.choices import SolveKind
from apps.workforce.exports import day_label, roster_xlsx
from apps.workforce.models import Roster, StaffingRequirement


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _pick(request):
    clients = scope_queryset(Client.objects.order_by("name"), request.user)
    source = request.POST if request.method == "POST" else request.GET
    client = None
    if source.get("client"):
        client = get_object_or_404(clients, pk=source.get("client"))
    else:
        client = clients.first()
    week = None
    if source.get("week"):
        try:
            week = _monday(date.fromisoformat(source["week"]))
        except ValueError:
            week = None
    if week is None and client is not None:
        latest = Roster.objects.filter(client=client).order_by("-week_start").first()
        week = latest.week_start if latest else _monday(timezone.localdate())
    return clients, client, week or _monday(timezone.localdate())


def _back(client, week) -> str:
    return f"{reverse('workforce:schedule')}?client={client.pk}&week={week.isoformat()}"


@login_required
@permission_required("workforce.view_roster", raise_exception=True)
def schedule(request):
    clients, client, week = _pick(request)
    context = {"clients": clients, "client": client, "week": week, "weeks": []}
    if client is None:
        return render(request, "workforce/schedule.html", context)
    lo, hi = services.week_bounds(week)
    roster = selectors.latest_roster(client_id=client.pk, week_start=week)
    required = [0] * services.WEEK_SLOTS
    for at, value in StaffingRequirement.objects.filter(
        client=client, interval_start__gte=lo, interval_start__lt=hi
    ).values_list("interval_start", "scheduled"):
        required[int((at - lo) / services.SLOT)] = value
    scheduled = selectors.coverage_series(roster, start=lo, slots=services.WEEK_SLOTS)
    labels = [day_label(week + timedelta(days=i)) for i in range(7)]
    short = sum(1 for r, s in zip(required, scheduled, strict=True) if s < r)
    context.update(
        {
            "roster": roster,
            "svg": coverage_svg(required, scheduled, day_labels=labels, title=_("Required vs scheduled agents")),
            "grid": selectors.roster_grid(roster),
            "day_labels": labels,
            "required_hours": sum(required) / 4,
            "paid_hours": selectors.sum_paid_hours(roster),
            "short_intervals": short,
            "runs": selectors.solve_runs_for(client_id=client.pk, week_start=week),
            "accuracy": selectors.forecast_accuracy(client_id=client.pk, week_start=week)
            if week < timezone.localdate()
            else None,
            "changes": roster.changes.select_related("agent", "changed_by")[:20] if roster else [],
            "prev_week": week - timedelta(days=7),
            "next_week": week + timedelta(days=7),
            "can_plan": request.user.has_perm("workforce.add_solverun"),
            "can_publish": request.user.has_perm("workforce.change_roster"),
        }
    )
    return render(request, "workforce/schedule.html", context)


@login_required
@permission_required("workforce.add_solverun", raise_exception=True)
@require_POST
def replan(request):
    _clients, client, week = _pick(request)
    try:
        services.solve_run_create(client=client, week_start=week, time_limit_seconds=60, actor=request.user)
        messages.success(request, _("Re-plan queued; the new draft appears when the solve finishes."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(_back(client, week))


@login_required
@permission_required("workforce.add_solverun", raise_exception=True)
@require_POST
def what_if(request):
    _clients, client, week = _pick(request)
    try:
        params = {
            "volume_factor": 1 + float(request.POST.get("volume_pct") or 0) / 100,
            "sl": float(request.POST.get("sl_pct") or 80) / 100,
            "target_s": float(request.POST.get("target_s") or 30),
        }
        if request.POST.get("bot_pct"):
            params["bot_resolution"] = float(request.POST["bot_pct"]) / 100
        services.solve_run_create(
            client=client,
            week_start=week,
            kind=SolveKind.WHAT_IF,
            params=params,
            time_limit_seconds=30,
            actor=request.user,
        )
        messages.success(request, _("Scenario queued; the published roster is not touched."))
    except (DomainError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect(_back(client, week))


@login_required
@permission_required("workforce.change_roster", raise_exception=True)
@require_POST
def publish(request, pk: int):
    roster = get_object_or_404(scope_queryset(Roster.objects.all(), request.user), pk=pk)
    try:
        services.roster_publish(roster=roster, actor=request.user)
        messages.success(request, _("Roster published."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(_back(roster.client, roster.week_start))


@login_required
@permission_required("workforce.view_roster", raise_exception=True)
def export(request, pk: int):
    roster = get_object_or_404(scope_queryset(Roster.objects.select_related("client"), request.user), pk=pk)
    response = HttpResponse(
        roster_xlsx(roster), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"roster-{roster.client.code}-{roster.week_start}-v{roster.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
