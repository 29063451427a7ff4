"""The manager's schedule page: coverage chart, roster grid, the draft beside the published roster
with the difference and a Publish button, what-if scenarios side by side (inputs in words), an
offer to make a missing forecast, re-plan (a Celery task with progress), export."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.clients import selectors as clients_selectors
from apps.core import calendar
from apps.core.errors import DomainError
from apps.core.roles import scope_queryset
from apps.workforce import problem, selectors, services
from apps.workforce.charts import coverage_svg
from apps.workforce.choices import SolveKind
from apps.workforce.exports import day_label, roster_xlsx
from apps.workforce.models import Roster, SolveRun, StaffingRequirement
from apps.workforce.services import PlanParams


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _pick(request):
    clients = clients_selectors.clients_visible(user=request.user).order_by("name")
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


PHASE_NAMES = {
    "presale_start": gettext_lazy("presale start day"),
    "presale_2000": gettext_lazy("20:00 presale start"),
    "rush_0000": gettext_lazy("00:00 rush"),
    "double11_day": gettext_lazy("11.11 day"),
    "returns_week": gettext_lazy("returns week"),
}


def scenario_inputs(params: dict) -> list[str]:
    """A scenario's inputs in words, in the user's language: volume +40 %, bot rate 60 %, AHT 200 s…"""
    p = PlanParams.from_dict(params)
    out = []
    change = round((p.volume_factor - 1) * 100)
    out.append(_("volume %(change)s") % {"change": f"{change:+d} %"} if change else _("volume as forecast"))
    if p.bot_resolution is None:
        out.append(_("bot rate from history"))
    else:
        out.append(_("bot rate %(pct)s %%") % {"pct": round(p.bot_resolution * 100)})
    out.append(_("AHT %(s)s s") % {"s": round(p.aht_s)} if p.aht_s else _("AHT as forecast"))
    out.append(_("SL %(sl)s %% within %(t)s s") % {"sl": round(p.sl * 100), "t": round(p.target_s)})
    return out


def _scenarios(client, week) -> list[dict]:
    """The week's plan and its latest what-if scenarios, as columns of one comparison table."""
    cols = []
    plan = (
        SolveRun.objects.filter(client=client, week_start=week, kind=SolveKind.PLAN, status="succeeded")
        .order_by("-created_at")
        .first()
    )
    if plan is not None:
        cols.append(
            {
                "title": _("Current plan"),
                "inputs": scenario_inputs(plan.params),
                "required_hours": plan.demand_hours,
                "paid_hours": plan.paid_hours,
                "sl": None,
                "short": len(plan.short_intervals or []),
                "surge": plan.surge_needed,
            }
        )
    runs = SolveRun.objects.filter(client=client, week_start=week, kind=SolveKind.WHAT_IF, status="succeeded")
    for i, run in enumerate(runs.order_by("-created_at")[:4]):
        sc = run.scenario or {}
        cols.append(
            {
                "title": _("Scenario %(n)s") % {"n": i + 1},
                "inputs": scenario_inputs(run.params),
                "required_hours": sc.get("required_hours"),
                "paid_hours": sc.get("paid_hours"),
                "sl": sc.get("service_level_at_peak"),
                "short": sc.get("short_intervals"),
                "surge": sc.get("surge_needed"),
            }
        )
    return cols


def _still_short(runs) -> list[tuple]:
    """(local start, agents short) of the newest finished plan: what no legal assignment could cover
    after the repair stage, i.e. where the extra surge agents are needed."""
    plan = next((r for r in runs if r.kind == SolveKind.PLAN and r.status == "succeeded"), None)
    if plan is None:
        return []
    tz = calendar.local_tz()
    out = []
    for item in plan.short_intervals or []:
        try:
            out.append((datetime.fromisoformat(item["at"]).astimezone(tz), item["short"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def _back(client, week) -> str:
    return f"{reverse('workforce:schedule')}?client={client.pk}&week={week.isoformat()}"


@login_required
@permission_required("workforce.view_roster", raise_exception=True)
def schedule(request):
    clients, client, week = _pick(request)
    context = {"clients": clients, "client": client, "week": week, "weeks": []}
    if client is None:
        return render(request, "workforce/schedule.html", context)
    lo, hi = problem.week_bounds(week)
    roster = selectors.latest_roster(client_id=client.pk, week_start=week)
    required = [0] * calendar.SLOTS_PER_WEEK
    for at, value in StaffingRequirement.objects.filter(
        client=client, interval_start__gte=lo, interval_start__lt=hi
    ).values_list("interval_start", "scheduled"):
        required[calendar.slot_index(lo, at)] = value
    scheduled = selectors.coverage_series(roster, start=lo, slots=calendar.SLOTS_PER_WEEK)
    labels = [day_label(week + timedelta(days=i)) for i in range(7)]
    short = sum(1 for r, s in zip(required, scheduled, strict=True) if s < r)
    runs = list(selectors.solve_runs_for(client_id=client.pk, week_start=week))
    for r in runs:
        r.inputs_in_words = scenario_inputs(r.params) if r.kind == SolveKind.WHAT_IF else []
    published, draft = selectors.draft_beside_published(client_id=client.pk, week_start=week)
    comparison = None
    if published is not None and draft is not None:
        comparison = selectors.compare_rosters(published, draft, required=required, start=lo)
    context.update(
        {
            "published": published,
            "draft": draft,
            "comparison": comparison,
            "scenarios": _scenarios(client, week),
            "still_short": _still_short(runs),
            "phases": [(PHASE_NAMES[k], v) for k, v in selectors.learned_phases(client_id=client.pk, week_start=week)],
            "needs_forecast": not selectors.has_forecast(client_id=client.pk, start=lo, end=hi),
            "roster": roster,
            "svg": coverage_svg(required, scheduled, day_labels=labels, title=_("Required vs scheduled agents")),
            "grid": selectors.roster_grid(roster),
            "day_labels": labels,
            "required_hours": sum(required) / 4,
            "paid_hours": selectors.sum_paid_hours(roster),
            "short_intervals": short,
            "runs": runs,
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


def _forecast_missing(request, client, week: date) -> bool:
    """A week without a forecast has nothing to plan against: say so instead of solving an empty
    draft (or a scenario that fails in its task)."""
    lo, hi = problem.week_bounds(week)
    if selectors.has_forecast(client_id=client.pk, start=lo, end=hi):
        return False
    messages.error(request, _("This week has no forecast yet: make the forecast and requirement first."))
    return True


@login_required
@permission_required("workforce.add_solverun", raise_exception=True)
@require_POST
def replan(request):
    _clients, client, week = _pick(request)
    if _forecast_missing(request, client, week):
        return redirect(_back(client, week))
    try:
        services.solve_run_create(client=client, week_start=week, time_limit_seconds=60, actor=request.user)
        messages.success(request, _("Re-plan queued; the new draft appears when the solve finishes."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_back(client, week))


# The what-if form's inputs as the page labels them: name, label, the range the form allows.
WHAT_IF_INPUTS = {
    "volume_pct": (gettext_lazy("Volume ±%"), -90, 500),
    "bot_pct": (gettext_lazy("Bot resolution %"), 0, 100),
    "sl_pct": (gettext_lazy("Service level %"), 1, 99),
    "target_s": (gettext_lazy("Within (s)"), 0, 600),
    "aht_s": (gettext_lazy("AHT (s)"), 1, 7200),
}


def _what_if_input(post, name: str, default: float | None) -> float | None:
    """One input of the what-if form as a number, refused in the page's words (its label and range)."""
    raw = (post.get(name) or "").strip()
    if not raw:
        return default
    label, low, high = WHAT_IF_INPUTS[name]
    try:
        value = float(raw)
    except ValueError:
        raise DomainError(_("%(label)s: enter a number.") % {"label": label}, field=name) from None
    if not low <= value <= high:
        raise DomainError(
            _("%(label)s: enter a number from %(low)s to %(high)s.") % {"label": label, "low": low, "high": high},
            field=name,
        )
    return value


@login_required
@permission_required("workforce.add_solverun", raise_exception=True)
@require_POST
def what_if(request):
    _clients, client, week = _pick(request)
    if _forecast_missing(request, client, week):
        return redirect(_back(client, week))
    try:
        params = {
            "volume_factor": 1 + _what_if_input(request.POST, "volume_pct", 0) / 100,
            "sl": _what_if_input(request.POST, "sl_pct", 80) / 100,
            "target_s": _what_if_input(request.POST, "target_s", 30),
        }
        bot_pct = _what_if_input(request.POST, "bot_pct", None)
        if bot_pct is not None:
            params["bot_resolution"] = bot_pct / 100
        aht_s = _what_if_input(request.POST, "aht_s", None)
        if aht_s is not None:
            params["aht_s"] = aht_s
        services.solve_run_create(
            client=client,
            week_start=week,
            kind=SolveKind.WHAT_IF,
            params=params,
            time_limit_seconds=30,
            actor=request.user,
        )
        messages.success(request, _("Scenario queued; the published roster is not touched."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_back(client, week))


@login_required
@permission_required("workforce.add_solverun", raise_exception=True)
@require_POST
def forecast_make(request):
    """Make the missing forecast of a week and its staffing requirement (the page offers it)."""
    _clients, client, week = _pick(request)
    try:
        services.forecast_build(client=client, week_start=week, actor=request.user)
        services.requirement_compute(client=client, week_start=week, actor=request.user)
        messages.success(request, _("Forecast and staffing requirement made for this week."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_back(client, week))


@login_required
@permission_required("workforce.change_roster", raise_exception=True)
@require_POST
def publish(request, pk: int):
    roster = get_object_or_404(scope_queryset(Roster.objects.all(), request.user), pk=pk)
    previous = selectors.published_roster(client_id=roster.client_id, week_start=roster.week_start)
    try:
        services.roster_publish(roster=roster, actor=request.user)
        if previous is not None:
            messages.success(
                request,
                _("Draft v%(new)s is published; v%(old)s, published before, is superseded.")
                % {"new": roster.version, "old": previous.version},
            )
        else:
            messages.success(request, _("Draft v%(new)s is published.") % {"new": roster.version})
    except DomainError as exc:
        messages.error(request, exc.message)
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
