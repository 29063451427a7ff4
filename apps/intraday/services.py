"""Writes of the intraday room: the push feed of chats, agent state events, the tick (reforecast,
alerts, webhook deliveries) and applying a lever to today's published roster.

Every write is idempotent by a business key: a message by (store, conversation, message id) in the
conversations importer, a state event by (agent, time, state), an alert by (brand, day, key), a
delivery by (alert, webhook). Bad input is refused whole, naming the row and the field in the
user's language; nothing is half-written.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.clients import selectors as clients_selectors
from apps.conversations.services import import_file
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.roles import visible_client_ids
from apps.intraday import alerting, levers, room, selectors
from apps.intraday.choices import AgentState, DeliveryStatus, StateSource
from apps.intraday.models import (
    AgentStateEvent,
    Alert,
    AlertWebhook,
    LeverApplication,
    PushGrant,
    Reforecast,
    WebhookDelivery,
)
from apps.workforce import selectors as workforce
from apps.workforce import services as workforce_services

log = logging.getLogger(__name__)

MAX_BATCH = 20_000
FUTURE_TOLERANCE = timedelta(minutes=2)
FIELD_LABELS = {
    "platform": gettext_lazy("platform"),
    "shop": gettext_lazy("shop"),
    "conversation_id": gettext_lazy("conversation id"),
    "message_id": gettext_lazy("message id"),
    "sent_at": gettext_lazy("sent at"),
    "sender_role": gettext_lazy("sender role"),
    "agent": gettext_lazy("agent"),
    "buyer": gettext_lazy("buyer"),
    "msg_type": gettext_lazy("message type"),
    "content": gettext_lazy("content"),
    "state": gettext_lazy("state"),
    "time": gettext_lazy("time"),
    "messages": gettext_lazy("messages"),
    "file": gettext_lazy("file"),
}


def field_label(name: str | None) -> str:
    return str(FIELD_LABELS.get(name or "", name or "—"))


def _refuse(row: int | None, field_name: str, reason: str) -> DomainError:
    where = _("row %(row)s, field %(field)s") % {"row": row, "field": field_label(field_name)}
    return DomainError(f"{where}: {reason}", field=field_name, row=row)


def _parse_time(value, row: int, field_name: str) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            raise _refuse(row, field_name, _("not a time in ISO 8601 with its UTC offset")) from None
    if parsed.tzinfo is None:
        raise _refuse(row, field_name, _("the time has no UTC offset"))
    return parsed


# ---------------------------------------------------------------- push feed of chats


@dataclass
class PushResult:
    messages: int
    imported: int
    duplicates: int
    import_runs: list[int] = field(default_factory=list)


def pushable_client_ids(user) -> set[int]:
    """Brands this user's token may push: its push grants (within the brands it may see at all)."""
    granted = set(PushGrant.objects.filter(user=user).values_list("client_id", flat=True))
    visible = visible_client_ids(user)
    return granted if visible is None else granted & set(visible)


def messages_push(*, user, messages: list[dict], now: datetime | None = None) -> PushResult:
    """Import a batch of canonical messages through the conversations importer (masking, timing,
    idempotency, then QA on commit like any import). Refused whole when a row names an unknown
    shop, a brand the token may not write, or a time in the future."""
    now = now or timezone.now()
    if not messages:
        raise _refuse(None, "messages", _("the batch is empty"))
    if len(messages) > MAX_BATCH:
        raise _refuse(None, "messages", _("at most %(n)s messages a batch") % {"n": MAX_BATCH})
    allowed = pushable_client_ids(user)
    keys = {(str(m.get("platform", "")), str(m.get("shop", ""))) for m in messages}
    stores = {
        key: shop.client_id for key, shop in clients_selectors.stores_by_shop(shop_ids=[k[1] for k in keys]).items()
    }
    by_platform: dict[str, list[dict]] = {}
    for row, m in enumerate(messages, start=1):
        key = (str(m.get("platform", "")), str(m.get("shop", "")))
        client_id = stores.get(key)
        if client_id is None:
            raise _refuse(
                row, "shop", _("unknown shop %(shop)s on %(platform)s") % {"shop": key[1], "platform": key[0]}
            )
        if client_id not in allowed:
            raise _refuse(row, "shop", _("this token may not write the brand of shop %(shop)s") % {"shop": key[1]})
        sent = _parse_time(m.get("sent_at", ""), row, "sent_at")
        if sent > now + FUTURE_TOLERANCE:
            raise _refuse(row, "sent_at", _("the time is in the future"))
        by_platform.setdefault(key[0], []).append(m)
    result = PushResult(messages=len(messages), imported=0, duplicates=0)
    for platform, rows in sorted(by_platform.items()):
        run = _import_rows(rows, user=user, name=f"push-{platform}-{now:%Y%m%d%H%M%S}.jsonl")
        result.import_runs.append(run.pk)
        result.imported += run.messages_imported
        result.duplicates += run.duplicates
    return result


def _import_rows(rows: list[dict], *, user, name: str):
    lines = []
    for m in rows:
        lines.append(json.dumps({k: "" if m.get(k) is None else str(m.get(k)) for k in _CANONICAL}, ensure_ascii=False))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = import_file(path=path, file_format="canonical_jsonl", created_by=user)
    if run.status != "succeeded":
        first = (run.errors or [{}])[0]
        raise _refuse(first.get("row"), first.get("field") or "messages", first.get("reason") or run.error)
    return run


_CANONICAL = (
    "platform",
    "shop",
    "conversation_id",
    "message_id",
    "sent_at",
    "sender_role",
    "agent",
    "buyer",
    "msg_type",
    "content",
)


def chat_export_import(*, path: Path | str, file_format: str, actor=None):
    """A 15-minute chat export in any supported layout, through the conversations importer as is."""
    run = import_file(path=path, file_format=file_format, created_by=actor)
    if run.status != "succeeded":
        first = (run.errors or [{}])[0]
        raise _refuse(first.get("row"), first.get("field") or "file", first.get("reason") or run.error)
    return run


# ---------------------------------------------------------------- agent state events


@dataclass
class StateResult:
    received: int
    created: int
    duplicates: int


def state_events_record(
    *, rows: list[dict], source: str = StateSource.API, now: datetime | None = None, actor=None
) -> StateResult:
    """Store agent state events {agent (nick or employee no.), state, time}. Out of order and
    repeated events are fine (the key is agent, time, state); an unknown agent or state, or a time
    in the future refuses the whole batch naming the row and field."""
    now = now or timezone.now()
    if not rows:
        raise _refuse(None, "messages", _("the batch is empty"))
    names = {str(r.get("agent", "")).strip() for r in rows}
    by_nick = workforce.agent_ids_by_nick(names)
    by_no = workforce.agent_ids_by_employee_no(names)
    events = []
    for row, r in enumerate(rows, start=1):
        agent = str(r.get("agent", "")).strip()
        agent_id = by_nick.get(agent) or by_no.get(agent)
        if agent_id is None:
            raise _refuse(row, "agent", _("unknown agent %(agent)s") % {"agent": agent or "—"})
        state = str(r.get("state", "")).strip()
        if state not in AgentState.values:
            raise _refuse(
                row, "state", _("unknown state %(state)s; one of %(choices)s") % {
                    "state": state or "—", "choices": ", ".join(AgentState.values)}
            )  # fmt: skip
        at = _parse_time(r.get("time", ""), row, "time")
        if at > now + FUTURE_TOLERANCE:
            raise _refuse(row, "time", _("the time is in the future"))
        events.append(AgentStateEvent(agent_id=agent_id, state=state, at=at, source=source))
    created = _insert_events(events)
    result = StateResult(received=len(events), created=created, duplicates=len(events) - created)
    audit_record(
        actor=actor,
        action="intraday.states_recorded",
        target=_audit_anchor(events),
        data={"received": result.received, "created": result.created},
    )
    return result


def _insert_events(events: list[AgentStateEvent]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on the business key; returns the rows that were new."""
    from django.db import connection

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO intraday_agentstateevent (agent_id, state, at, source, received_at) "
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::text[], %s::timestamptz[]) "
            "ON CONFLICT ON CONSTRAINT agentstate_business_key DO NOTHING",
            [
                [e.agent_id for e in events],
                [e.state for e in events],
                [e.at for e in events],
                [e.source for e in events],
                [now] * len(events),
            ],
        )
        return cur.rowcount


def _audit_anchor(events):
    from apps.people.selectors import agent_get

    return agent_get(agent_id=events[0].agent_id)


def state_events_csv(*, data: bytes, now: datetime | None = None, actor=None) -> StateResult:
    """A CSV with the header agent,state,time (UTF-8, optionally with a BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(None, "file", _("the file is not UTF-8 text")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("agent", "state", "time") if c not in (reader.fieldnames or [])]
    if missing:
        raise _refuse(1, missing[0], _("the header lacks this column"))
    return state_events_record(rows=list(reader), source=StateSource.CSV, now=now, actor=actor)


# ---------------------------------------------------------------- the tick


@dataclass
class TickResult:
    rooms: dict[int, room.BrandRoom]
    new_alerts: list[Alert]
    seconds: dict[str, float]


def tick(*, client_ids, day: date, as_of: datetime, deliver: bool = True) -> TickResult:
    """Recompute the room of these brands at ``as_of``: keep the reforecast, raise new alerts once,
    queue their webhook deliveries on commit (never waiting for them)."""
    laps = {}
    t0 = time.perf_counter()
    rooms = selectors.brand_rooms(client_ids=client_ids, day=day, as_of=as_of)
    laps["recompute"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    lo, _hi = selectors.day_bounds(day)
    with transaction.atomic():
        Reforecast.objects.bulk_create(
            [
                Reforecast(
                    client_id=c,
                    day=day,
                    as_of=as_of,
                    values=[round(v, 3) for v in r.reforecast_values],
                    ratio=r.ratio,
                    rest_total=r.rest_total,
                    rest_plan=r.rest_plan,
                )
                for c, r in rooms.items()
            ],
            ignore_conflicts=True,
        )
        drafts = [
            Alert(
                client_id=c,
                day=day,
                kind=a.kind,
                key=a.key,
                interval_start=lo + a.interval * selectors.SLOT,
                severity=a.severity,
                data=a.data,
                raised_at=as_of,
            )
            for c, r in rooms.items()
            for a in r.alerts
        ]
        existing = set(Alert.objects.filter(client_id__in=list(rooms), day=day).values_list("client_id", "key"))
        fresh = [a for a in drafts if (a.client_id, a.key) not in existing]
        Alert.objects.bulk_create(fresh, ignore_conflicts=True)
        new_alerts = list(
            Alert.objects.filter(
                client_id__in=list(rooms), day=day, key__in=[a.key for a in fresh], raised_at=as_of
            ).select_related("client")
        )
        if deliver and new_alerts:
            _queue_deliveries(new_alerts)
    laps["alerts"] = time.perf_counter() - t1
    return TickResult(rooms=rooms, new_alerts=new_alerts, seconds=laps)


def _queue_deliveries(alerts: list[Alert]) -> None:
    hooks: dict[int, list[AlertWebhook]] = {}
    for hook in AlertWebhook.objects.filter(client_id__in={a.client_id for a in alerts}, is_active=True):
        hooks.setdefault(hook.client_id, []).append(hook)
    rows = [WebhookDelivery(alert=a, webhook=h) for a in alerts for h in hooks.get(a.client_id, [])]
    if not rows:
        return
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(alert__in=alerts, status=DeliveryStatus.PENDING).values_list("pk", flat=True)
    )
    from apps.intraday.tasks import webhook_deliver_task

    for pk in ids:
        transaction.on_commit(lambda pk=pk: webhook_deliver_task.delay(pk))


def alert_text(alert: Alert) -> tuple[str, str]:
    """(title, text) of an alert in the active language, names not ids."""
    from apps.intraday.presenting import alert_sentence

    local = timezone.localtime(alert.interval_start)
    title = _("%(brand)s · %(kind)s · %(time)s") % {
        "brand": alert.client.name,
        "kind": alert.get_kind_display(),
        "time": local.strftime("%m-%d %H:%M"),
    }
    return title, alert_sentence(alert)


def webhook_deliver(*, delivery_id: int, post=None) -> WebhookDelivery:
    """Send one delivery (signed); raise on failure so the task retries. A sent one is left alone."""
    delivery = WebhookDelivery.objects.select_related("alert__client", "webhook").get(pk=delivery_id)
    if delivery.status == DeliveryStatus.SENT:
        return delivery
    hook, alert = delivery.webhook, delivery.alert
    title, text = alert_text(alert)
    body = alerting.body_bytes(
        alerting.payload(
            hook.fmt,
            title=title,
            text=text,
            data={
                "brand": alert.client.name,
                "kind": alert.kind,
                "interval": alert.interval_start.isoformat(),
                **alert.data,
            },
        )
    )
    stamp = str(int(time.time()))
    url = hook.url
    if hook.fmt == "dingtalk":
        url = alerting.dingtalk_url(url, hook.secret, str(int(time.time() * 1000)))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Tideline-Timestamp": stamp,
        "X-Tideline-Signature": alerting.signature(hook.secret, stamp, body),
    }
    post = post or _post
    delivery.attempts += 1
    try:
        code = post(url, body, headers)
    except Exception as exc:  # the outside world: recorded, then retried by the task
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:255]
        delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "last_error", "status"])
        raise
    delivery.response_code = code
    if 200 <= code < 300:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = f"HTTP {code}"
    delivery.save(update_fields=["attempts", "response_code", "status", "sent_at", "last_error"])
    if delivery.status != DeliveryStatus.SENT:
        raise RuntimeError(delivery.last_error)
    return delivery


def _post(url: str, body: bytes, headers: dict) -> int:
    import urllib.request

    req = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 — a configured URL
    with urllib.request.urlopen(req, timeout=getattr(settings, "TIDELINE_WEBHOOK_TIMEOUT", 5)) as resp:  # noqa: S310
        return resp.status


# ---------------------------------------------------------------- levers


def lever_proposals(*, client_id: int, day: date, as_of: datetime) -> tuple[room.BrandRoom, list[levers.Lever]]:
    """The levers that apply to a brand now, with their effect on SL (apps.intraday.levers)."""
    mine, found, _day = lever_proposals_with_day(client_id=client_id, day=day, as_of=as_of)
    return mine, found


def lever_proposals_with_day(*, client_id: int, day: date, as_of: datetime):
    """lever_proposals and the brand's loaded day (the room page shows both)."""
    brand_ids = selectors.site_brand_ids(client_id=client_id)
    if client_id not in brand_ids:
        brand_ids.append(client_id)
    days = selectors.brand_days(client_ids=brand_ids, day=day, as_of=as_of)
    rooms = {c: room.build(d) for c, d in days.items()}
    mine = rooms[client_id]
    lo, _hi = selectors.day_bounds(day)
    week_start = day - timedelta(days=day.weekday())
    site_ids = workforce.brand_sites([client_id]).get(client_id, set())
    rooms_by_agent = {}
    for w in workforce.agent_weeks(site_ids=site_ids, week_start=week_start):
        ends_before = [e for s, e in w.shifts if e <= lo + timedelta(hours=12) and s < lo]
        starts_after = [s for s, e in w.shifts if s >= lo + timedelta(days=1)]
        rooms_by_agent[w.agent_id] = levers.AgentRoom(
            agent_id=w.agent_id,
            week_paid_slots=int(w.paid_hours * 4),
            week_max_slots=int(w.weekly_hours_max * 4),
            next_start=selectors.slot_of(lo, min(starts_after)) if starts_after else None,
            prev_end=selectors.slot_of(lo, max(ends_before)) if ends_before else None,
            skills=w.skills,
            is_surge=w.is_surge,
        )
    others = {c: (r.required, r.floor_plan, days[c].plan_shifts) for c, r in rooms.items() if c != client_id}
    found = levers.propose(
        client_id=client_id,
        shifts=days[client_id].plan_shifts,
        need=mine.required,
        now=min(mine.now, room.SLOTS - 1),
        rooms=rooms_by_agent,
        others=others,
        sl_of=room.sl_function(mine, days[client_id].params),
    )
    return mine, found, days[client_id]


def _edit_dict(e: levers.ShiftEdit, day_start: datetime) -> dict:
    def at(slot: int) -> str:
        return (day_start + slot * selectors.SLOT).isoformat()

    return {
        "shift_id": e.shift_id,
        "agent_id": e.agent_id,
        "start": at(e.start),
        "end": at(e.end),
        "meal_start": at(e.meal[0]) if e.meal else None,
        "meal_end": at(e.meal[1]) if e.meal else None,
        "breaks": [at(b) for b in e.breaks],
        "is_surge": e.is_surge,
    }


@transaction.atomic
def lever_apply(
    *, client, day: date, as_of: datetime, kind: str, lender_id: int | None = None, actor=None
) -> LeverApplication:
    """Apply the proposed lever ``kind`` (from ``lender_id`` for a loan): each touched brand's
    published roster of the week becomes a new version (workforce.roster_revise), one audit row."""
    _mine, found = lever_proposals(client_id=client.pk, day=day, as_of=as_of)
    lever = next((lv for lv in found if lv.kind == kind and (kind != "lend" or lv.lender_client_id == lender_id)), None)
    if lever is None:
        raise DomainError(_("this lever does not apply any more; the room has been refreshed"), field="kind")
    lo, _hi = selectors.day_bounds(day)
    week_start = day - timedelta(days=day.weekday())
    from apps.workforce.selectors import published_roster

    by_brand: dict[int, list[dict]] = {}
    for e in lever.edits:
        by_brand.setdefault(e.client_id, []).append(_edit_dict(e, lo))
    reason = _("intraday lever: %(kind)s") % {"kind": kind}
    new_rosters = {}
    for brand_id, edits in sorted(by_brand.items()):
        roster = published_roster(client_id=brand_id, week_start=week_start)
        if roster is None:
            raise DomainError(_("the brand has no published roster this week"), field="roster")
        new_rosters[brand_id] = workforce_services.roster_revise(roster=roster, edits=edits, reason=reason, actor=actor)
    applied = LeverApplication.objects.create(
        client=client,
        day=day,
        kind=kind,
        edits=[_edit_dict(e, lo) | {"client_id": e.client_id} for e in lever.edits],
        sl_before=lever.sl_before,
        sl_after=lever.sl_after,
        roster=new_rosters.get(client.pk) or next(iter(new_rosters.values())),
        applied_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="intraday.lever_applied",
        target=applied,
        client=client,
        data={
            "kind": kind,
            "agents": lever.agents,
            "sl_before": round(lever.sl_before, 4),
            "sl_after": round(lever.sl_after, 4),
            "versions": {str(b): r.version for b, r in new_rosters.items()},
        },
    )
    return applied


def tick_today(*, as_of: datetime) -> TickResult:
    """The scheduled tick: every brand that has a published shift today."""
    day = timezone.localdate(as_of)
    lo, hi = selectors.day_bounds(day)
    brand_ids = sorted({s.client_id for s in workforce.published_shifts_between(start=lo, end=hi)})
    return tick(client_ids=brand_ids, day=day, as_of=as_of)
