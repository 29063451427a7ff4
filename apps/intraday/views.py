"""The intraday room: a page per brand and per site that refreshes itself (a small fetch loop in
static/intraday/room.js swaps the panel every 30 s), and the page's lever buttons."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.clients import selectors as clients_selectors
from apps.core.errors import DomainError
from apps.core.roles import has_role
from apps.intraday import presenting, selectors, services
from apps.intraday.choices import LeverKind
from apps.intraday.models import Alert
from apps.workforce import selectors as workforce

if TYPE_CHECKING:
    from apps.clients.models import Client

WINDOW_BEFORE, WINDOW_AFTER = 12, 16


def _when(source) -> tuple[date, datetime, bool]:
    """(day, as of, replaying): ?date=YYYY-MM-DD&at=HH:MM replays a recorded day at that time."""
    tz = timezone.get_default_timezone()
    day = None
    if source.get("date"):
        try:
            day = date.fromisoformat(source["date"])
        except ValueError:
            day = None
    if day is None:
        now = timezone.now()
        return timezone.localdate(now), now, False
    at = None
    if source.get("at"):
        try:
            at = datetime.strptime(source["at"], "%H:%M").time()
        except ValueError:
            at = None
    moment = timezone.make_aware(datetime.combine(day, at or datetime.max.time().replace(microsecond=0)), tz)
    return day, moment, True


def _label(day_start: datetime, index: int) -> str:
    return timezone.localtime(day_start + index * selectors.SLOT).strftime("%H:%M")


def _adherence_rows(room, names: dict[int, str], day) -> list[dict]:
    """The adherence table: agents with scheduled time, worst adherence first."""
    tz = timezone.get_default_timezone()
    adherence_rows = []
    for a in sorted(room.team.agents, key=lambda a: (a.adherence, a.start, a.agent_id)):
        if a.scheduled_s <= 0:
            continue
        start, end = datetime.fromtimestamp(a.start, tz=tz), datetime.fromtimestamp(a.end, tz=tz)
        adherence_rows.append(
            {
                "name": names.get(a.agent_id, "—"),
                # each row shows its own shift; one that started on another day says which day
                "shift": (f"{start:%m-%d} " if start.date() != day else "") + f"{start:%H:%M}–{end:%H:%M}",
                "adherence": presenting.pct(a.adherence),
                "low": a.adherence < 0.85,
                "flags": [
                    _("%(flag)s %(minutes)s min") % {"flag": presenting.FLAG_LABELS[f], "minutes": round(m / 60)}
                    for f, m in (
                        ("late", a.late_s),
                        ("early_out", a.early_out_s),
                        ("break_off_plan", a.off_plan_break_s),
                    )
                    if f in a.flags
                ],
                "state": presenting.STATE_LABELS.get(a.state_now, a.state_now),
            }
        )
    return adherence_rows


def _alert_rows(client: Client, *, day, as_of, lo, computed=()) -> list[dict]:
    """The brand's alerts of the day up to ``as_of``, with their slot label, text and excerpts.

    ``computed``: in a replay, the alerts the tick at ``as_of`` raises (room.alerts). The room only
    stores the alerts of ticks that ran, and no tick ran on a day replayed afterwards (or between two
    ticks); those not stored are listed too, marked as computed for the replayed moment, so a replay
    of Double 11 at 00:45 shows the SL alert the room would have raised then."""
    stored = selectors.alerts_for(client_ids=[client.pk], day=day, until=as_of)
    keys = {a.key for a in stored}
    drafts = [
        Alert(client=client, day=day, kind=a.kind, key=a.key, interval_start=lo + a.interval * selectors.SLOT,
              severity=a.severity, data=a.data, raised_at=as_of)
        for a in computed
        if a.key not in keys
    ]  # fmt: skip
    alerts = []
    for alert in drafts + stored:
        title, text = services.alert_text(alert)
        alerts.append({"alert": alert, "time": _label(lo, selectors.slot_of(lo, alert.interval_start)), "text": text,
                       "excerpts": (alert.data or {}).get("excerpts", []), "computed": alert.pk is None})  # fmt: skip
    return alerts


def _lever_rows(proposals, names: dict[int, str], *, lo) -> list[dict]:
    """The proposed levers as table rows (lender brand, SL before/after, window, who moves)."""
    brand_names = clients_selectors.client_names_by_id()
    levers_ = [
        {
            "kind": lv.kind,
            "label": presenting.LEVER_LABELS[lv.kind],
            "agents": lv.agents,
            "lender": brand_names.get(lv.lender_client_id),
            "lender_id": lv.lender_client_id,
            "sl_before": presenting.pct(lv.sl_before),
            "sl_after": presenting.pct(lv.sl_after),
            "gap_closed": lv.gap_closed,
            "window": f"{_label(lo, lv.slots[0])}–{_label(lo, lv.slots[-1] + 1)}" if lv.slots else "",
            "who": "、".join(
                sorted(
                    {
                        names.get(e.agent_id) or workforce.agent_names([e.agent_id]).get(e.agent_id, "—")
                        for e in lv.edits
                    }
                )[:6]
            ),
        }
        for lv in proposals
    ]
    return levers_


def _context(request, client: Client) -> dict:
    day, as_of, replay = _when(request.GET)
    lo, _hi = selectors.day_bounds(day)
    room, proposals, _loaded = services.lever_proposals_with_day(client_id=client.pk, day=day, as_of=as_of)
    full = request.GET.get("full") == "1"
    first = 0 if full else max(0, room.now - WINDOW_BEFORE)
    last = 96 if full else min(96, room.now + WINDOW_AFTER)
    rows = [
        {"row": r, "time": _label(lo, r.index), "now": r.index == room.now, "short": r.scheduled < r.required}
        for r in room.rows[first:last]
    ]
    names = room_agent_names(room)
    adherence_rows = _adherence_rows(room, names, day)
    alerts = _alert_rows(client, day=day, as_of=as_of, lo=lo, computed=room.alerts if replay else ())
    levers_ = _lever_rows(proposals, names, lo=lo)
    team = room.team
    return {
        "client": client,
        "day": day,
        "as_of": timezone.localtime(as_of),
        "replay": replay,
        "room": room,
        "rows": rows,
        "full": full,
        "adherence_rows": adherence_rows[:60],
        "team_adherence": presenting.pct(team.adherence) if team.scheduled_s else "—",
        "alerts": alerts,
        "levers": levers_,
        "applied": selectors.levers_applied(client_ids=[client.pk], day=day),
        "can_apply": has_role(request.user, "bpo_manager"),
        "rest_deviation": f"{room.rest_deviation * 100:+.0f}%",
        "ratio": f"{room.ratio:.2f}",
        "bot_rate": presenting.pct(room.bot_rate),
        "aht": round(room.aht_s),
        "query": request.GET.urlencode(),
        "interval_query": _without(request.GET, "full"),
        "now_label": _label(lo, min(room.now, 95)),
    }


def _without(query, key: str) -> str:
    """The query string less one parameter, so a toggle link replaces it instead of piling it up."""
    rest = query.copy()
    rest.pop(key, None)
    return rest.urlencode()


def room_agent_names(room) -> dict[int, str]:
    return workforce.agent_names({a.agent_id for a in room.team.agents})


def _client(request) -> Client | None:
    clients = selectors.room_clients(user=request.user)
    if request.GET.get("client"):
        return get_object_or_404(clients, pk=request.GET["client"])
    return clients.first()


def brand_room(request):
    client = _client(request)
    ctx = {"clients": selectors.room_clients(user=request.user), "sites": clients_selectors.sites_by_name()}
    if client is not None:
        ctx.update(_context(request, client))
    return render(request, "intraday/room.html", ctx)


def panel(request):
    client = _client(request)
    if client is None:
        return render(request, "intraday/_empty.html", {})
    return render(request, "intraday/_panel.html", _context(request, client))


def site_room(request, pk: int):
    site = get_object_or_404(clients_selectors.sites_by_name(), pk=pk)
    day, as_of, replay = _when(request.GET)
    brand_ids = [
        c for c, sites in workforce.brand_sites(clients_selectors.all_client_ids()).items() if site.pk in sites
    ]
    clients = clients_selectors.clients_visible(user=request.user).filter(pk__in=brand_ids).order_by("name")
    rooms = selectors.brand_rooms(client_ids=list(clients.values_list("pk", flat=True)), day=day, as_of=as_of)
    lo, _hi = selectors.day_bounds(day)
    summary = []
    for c in clients:
        r = rooms[c.pk]
        cur = r.rows[min(r.now, 95)]
        last = r.rows[r.now - 1] if r.now else None
        summary.append(
            {
                "client": c,
                "rest_deviation": f"{r.rest_deviation * 100:+.0f}%",
                "required": cur.required,
                "scheduled": cur.scheduled,
                "on_floor": last.on_floor if last else None,
                "sl": presenting.pct(last.sl) if last else "—",
                "sl_low": bool(last and last.sl is not None and last.sl < 0.8),
                "short": cur.scheduled < cur.required,
                "off_plan": abs(r.rest_deviation) >= 0.15,
                "adherence": presenting.pct(r.team.adherence) if r.team.scheduled_s else "—",
                "alerts": len(selectors.alerts_for(client_ids=[c.pk], day=day, until=as_of)),
            }
        )
    alerts = []
    for alert in selectors.alerts_for(client_ids=list(clients.values_list("pk", flat=True)), day=day, until=as_of):
        title, text = services.alert_text(alert)
        alerts.append({"alert": alert, "time": _label(lo, selectors.slot_of(lo, alert.interval_start)), "text": text})
    return render(
        request,
        "intraday/_site_panel.html" if request.GET.get("partial") == "1" else "intraday/site.html",
        {"site": site, "sites": clients_selectors.sites_by_name(), "summary": summary, "alerts": alerts[:30],
         "day": day, "as_of": timezone.localtime(as_of), "replay": replay, "query": request.GET.urlencode()},
    )  # fmt: skip


@require_POST
def lever_apply(request):
    client = get_object_or_404(selectors.room_clients(user=request.user), pk=request.POST.get("client"))
    day, as_of, _replay = _when(request.POST)
    kind = request.POST.get("kind", "")
    back = reverse("intraday:room") + "?" + (request.POST.get("query") or f"client={client.pk}")
    if kind not in LeverKind.values:
        messages.error(request, _("unknown lever"))
        return redirect(back)
    lender = request.POST.get("lender") or None
    try:
        applied = services.lever_apply(
            client=client,
            day=day,
            as_of=as_of,
            kind=kind,
            lender_id=int(lender) if lender else None,
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("%(lever)s applied: roster version %(version)s published; expected SL %(before)s → %(after)s.")
        % {
            "lever": presenting.LEVER_LABELS[kind],
            "version": applied.roster.version,
            "before": presenting.pct(applied.sl_before),
            "after": presenting.pct(applied.sl_after),
        },
    )
    return redirect(back)
