"""The room on a replayed day: tick, alerts once, webhooks signed and retried, levers as new roster versions, pages."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import timedelta
from decimal import Decimal

import pytest

from apps.conversations.models import Conversation
from apps.core.models import AuditEvent
from apps.intraday import room as room_module
from apps.intraday import selectors, services
from apps.intraday.models import Alert, AlertWebhook, LeverApplication, Reforecast, WebhookDelivery
from apps.workforce.choices import RosterStatus
from apps.workforce.models import AgentSkill, Forecast, Roster, RosterChange, Shift, StaffingRequirement
from tests import factories
from tests.intraday.conftest import DAY, WEEK, local

pytestmark = pytest.mark.django_db


def _day(brand, store, *, surge_from: int = 80, per_slot: int = 8, surge: int = 20):
    """A recorded day: forecast 8 chats every interval; actual 8 until ``surge_from``, then ``surge``;
    every chat handed to a human who answers in 20 s (40 s during the surge)."""
    lo, _hi = selectors.day_bounds(DAY)
    Forecast.objects.bulk_create(
        Forecast(
            client=brand,
            interval_start=lo + i * selectors.SLOT,
            volume=per_slot,
            human_volume=per_slot,
            aht_seconds=300,
        )
        for i in range(96)
    )
    StaffingRequirement.objects.bulk_create(
        StaffingRequirement(client=brand, interval_start=lo + i * selectors.SLOT, human_volume=per_slot, agents=2,
                            scheduled=3, service_level=Decimal("0.8"), asa_seconds=Decimal(10), occupancy=Decimal("0.5"))
        for i in range(96)
    )  # fmt: skip
    convs = []
    for i in range(96):
        n = surge if i >= surge_from else per_slot
        for j in range(n):
            start = lo + i * selectors.SLOT + timedelta(seconds=j * 30)
            wait = 40 if i >= surge_from else 20
            convs.append(
                Conversation(store=store, platform_conversation_id=f"d{i}-{j}", started_at=start,
                             ended_at=start + timedelta(seconds=240), handled_by="human", buyer_pseudonym=f"b{i}{j}",
                             first_response_seconds=wait, buyer_rounds=1, rounds_answered=1)
            )  # fmt: skip
    Conversation.objects.bulk_create(convs)


def _roster(brand, agents, *, start_h=12, end_h=20):
    roster = Roster.objects.create(client=brand, week_start=WEEK, version=1, status=RosterStatus.PUBLISHED)
    for a in agents:
        Shift.objects.create(roster=roster, agent=a, start=local(start_h), end=local(end_h), paid_hours=Decimal(8))
        AgentSkill.objects.create(agent=a, client=brand)
    return roster


def test_a_tick_on_a_replayed_day_reforecasts_and_alerts_once(brand_a, store_a):
    _day(brand_a, store_a)
    before = services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 0))
    assert {a.kind for a in before.new_alerts} == {"understaffed"}  # no roster; the surge has not shown yet
    after = services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 20))
    room = after.rooms[brand_a.pk]
    assert room.now == 81 and room.rows[80].actual == 20
    assert room.ratio > 1.2 and room.rows[82].reforecast > 8
    assert room.rows[82].change > 0  # moved up against the 20:00 tick
    assert room.rows[80].sl == 0.0 and room.rows[79].sl == 1.0  # 40 s answers miss the 30 s target
    kinds = {a.kind for a in after.new_alerts}
    assert {"volume", "sl"} <= kinds  # understaffed was raised in this hour already
    assert Reforecast.objects.filter(client=brand_a, day=DAY).count() == 2
    again = services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 20))
    assert again.new_alerts == []
    assert Alert.objects.filter(client=brand_a, day=DAY).count() == len(before.new_alerts) + len(after.new_alerts)


def test_webhooks_are_signed_queued_and_a_failure_is_kept_for_retry(
    brand_a, store_a, django_capture_on_commit_callbacks
):
    _day(brand_a, store_a)
    hook = AlertWebhook.objects.create(
        client=brand_a, name="值班群", url="https://example.invalid/hook", fmt="json", secret="s3"
    )
    sent = []

    def ok(url, body, headers):
        sent.append((url, body, headers))
        return 200

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 20))
    deliveries = list(WebhookDelivery.objects.filter(webhook=hook))
    assert deliveries and len(callbacks) == len(deliveries)  # queued on commit, the tick never waits
    delivered = services.webhook_deliver(delivery_id=deliveries[0].pk, post=ok)
    assert delivered.status == "sent"
    _url, body, headers = sent[0]
    mac = hmac.new(b"s3", headers["X-Tideline-Timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Tideline-Signature"] == f"sha256={mac}"
    assert brand_a.name in body.decode()

    def down(url, body, headers):
        raise OSError("connection refused")

    with pytest.raises(OSError):
        services.webhook_deliver(delivery_id=deliveries[1].pk, post=down)
    failed = WebhookDelivery.objects.get(pk=deliveries[1].pk)
    assert failed.status == "failed" and failed.attempts == 1 and "refused" in failed.last_error
    assert services.webhook_deliver(delivery_id=deliveries[0].pk, post=down).status == "sent"  # sent stays sent


def test_applying_overtime_publishes_a_new_roster_version_with_an_audit_row(brand_a, store_a, bpo_manager):
    _day(brand_a, store_a)
    site = factories.make_site()
    agents = [factories.make_agent(site=site) for _ in range(3)]
    old = _roster(brand_a, agents)
    _room, found = services.lever_proposals(client_id=brand_a.pk, day=DAY, as_of=local(19, 30))
    overtime = next(lv for lv in found if lv.kind == "overtime")
    assert overtime.sl_after > overtime.sl_before
    applied = services.lever_apply(client=brand_a, day=DAY, as_of=local(19, 30), kind="overtime", actor=bpo_manager)
    new = applied.roster
    old.refresh_from_db()
    assert (old.status, new.status, new.version) == (RosterStatus.SUPERSEDED, RosterStatus.PUBLISHED, 2)
    assert new.shifts.count() == 3 and max(s.end for s in new.shifts.all()) > local(20)
    assert RosterChange.objects.filter(roster=new, kind="moved").count() == overtime.agents
    assert AuditEvent.objects.filter(action="intraday.lever_applied", target_id=str(applied.pk)).exists()
    assert AuditEvent.objects.filter(action="workforce.roster_revised").exists()
    assert LeverApplication.objects.get().sl_after == pytest.approx(overtime.sl_after)


def test_the_room_page_is_chinese_names_not_ids_and_closed_to_viewers(client, brand_a, store_a, bpo_manager, viewer_a):
    _day(brand_a, store_a)
    services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 20))
    client.force_login(bpo_manager)
    page = client.get(f"/intraday/?client={brand_a.pk}&date=2026-11-11&at=20:30", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    assert "日内监控室" in html and brand_a.name in html and "话量偏离计划" in html and "服务水平" in html
    assert "Reforecast" not in html and "Alerts" not in html
    panel = client.get(f"/intraday/panel/?client={brand_a.pk}&date=2026-11-11&at=20:30")
    assert panel.status_code == 200 and "<html" not in panel.content.decode()
    client.force_login(viewer_a)
    assert client.get(f"/intraday/?client={brand_a.pk}").status_code == 403


def test_the_replay_command_prints_each_tick_and_its_alerts_without_writing(brand_a, store_a):
    from io import StringIO

    from django.core.management import call_command

    _day(brand_a, store_a)
    out = StringIO()
    call_command("intraday_replay", date="2026-11-11", brand=[brand_a.code], start="19:45", end="20:30", stdout=out)
    lines = out.getvalue().splitlines()
    ticks = [line for line in lines if line.startswith(("19:45", "20:00", "20:15", "20:30"))]
    assert len(ticks) == 4 and all(brand_a.name in line for line in ticks)
    assert "上一时段" in ticks[0]
    assert any("话量偏离计划" in line for line in lines[lines.index(ticks[2]) :])  # the 20:00 surge, seen at 20:15
    assert not any("话量偏离计划" in line for line in lines[: lines.index(ticks[2])])
    assert Alert.objects.count() == 0 and Reforecast.objects.count() == 0


def test_a_replay_without_a_tick_shows_the_alerts_the_room_would_have_raised(client, brand_a, store_a, bpo_manager):
    _day(brand_a, store_a)  # recorded, never ticked: nothing stored
    client.force_login(bpo_manager)
    html = client.get(f"/intraday/?client={brand_a.pk}&date=2026-11-11&at=20:30").content.decode()
    assert "今日无告警" not in html and "按回放时刻推算" in html and "服务水平" in html
    assert not Alert.objects.exists()  # a replay writes nothing
    services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 20))
    stored = set(Alert.objects.values_list("key", flat=True))
    html = client.get(f"/intraday/?client={brand_a.pk}&date=2026-11-11&at=20:20").content.decode()
    assert stored and "按回放时刻推算" not in html  # the tick at that moment ran: its alerts are the stored ones


def test_after_a_low_measured_sl_the_levers_sl_before_is_the_measured_one(brand_a, store_a):
    """From 20:00 every answer takes 40 s: SL 0 % with five agents on the floor, although Erlang A calls
    three enough. Two of them leave at 20:45; overtime keeps them. Its SL before is the measured one,
    not Erlang A's figure for three agents."""
    _day(brand_a, store_a)
    site = factories.make_site()
    agents = [factories.make_agent(site=site) for _ in range(5)]
    roster = _roster(brand_a, agents[:3], start_h=12, end_h=22)
    for a in agents[3:]:
        Shift.objects.create(roster=roster, agent=a, start=local(12), end=local(20, 45), paid_hours=Decimal(8))
        AgentSkill.objects.create(agent=a, client=brand_a)
    room, found = services.lever_proposals(client_id=brand_a.pk, day=DAY, as_of=local(20, 50))
    fix = room.sl_correction
    assert fix is not None and fix.sl < 0.8 and fix.seen == 5
    overtime = next(lv for lv in found if lv.kind == "overtime")
    assert set(overtime.slots) <= set(fix.slots)
    assert overtime.sl_before == pytest.approx(fix.sl)  # Erlang A alone: 100 % for three agents
    assert overtime.sl_after == pytest.approx(fix.sl)  # back to the five who got 12 %: no promise of more
    unfixed = dataclasses.replace(room, sl_correction=None)
    params = selectors.brand_days(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 50))[brand_a.pk].params
    assert room_module.sl_function(unfixed, params)(overtime.slots[0], 3)[0] > 0.8
