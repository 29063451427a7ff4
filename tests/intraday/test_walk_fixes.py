"""Fixes from the browser walk of the demo: one adherence row per shift with its own times and
events, an SL under target alerts and moves the levers, the site page is styled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from apps.intraday import adherence
from apps.intraday.models import AgentStateEvent
from apps.workforce.choices import RosterStatus
from apps.workforce.models import AgentSkill, Roster, Shift
from tests import factories
from tests.intraday.conftest import DAY, WEEK, local

H = 3600.0


# ---------------------------------------------------------------- adherence: a shift is its own row


def test_yesterdays_overnight_shift_and_todays_shift_are_two_rows_with_their_own_times():
    yesterday = adherence.ScheduledShift(agent_id=7, start=-1.75 * H, end=4.5 * H, shift_id=1)  # 22:15–04:30
    today = adherence.ScheduledShift(agent_id=7, start=19 * H, end=27.5 * H, shift_id=2)  # 19:00–03:30
    events = [adherence.StateEvent(7, -1.75 * H, "available"), adherence.StateEvent(7, 4.5 * H, "offline")]
    team = adherence.team_adherence([yesterday, today], events, as_of=16.85 * H)  # 16:51
    rows = {r.shift_id: r for r in team.agents}
    assert (rows[1].start, rows[1].end) == (-1.75 * H, 4.5 * H)
    assert (rows[2].start, rows[2].end) == (19 * H, 27.5 * H)
    assert rows[1].adherence == pytest.approx(1.0) and rows[1].flags == []
    # today's shift has not started: nothing measured, not late
    assert rows[2].scheduled_s == 0 and rows[2].late_s == 0 and rows[2].flags == []


def test_a_shift_is_measured_on_its_own_events_only():
    # on the floor through yesterday's shift, offline at its end, back on time today, then gone early
    yesterday = adherence.ScheduledShift(agent_id=7, start=-1 * H, end=5.5 * H, shift_id=1)
    today = adherence.ScheduledShift(agent_id=7, start=20 * H, end=29 * H, shift_id=2)
    events = [
        adherence.StateEvent(7, -1 * H, "available"),
        adherence.StateEvent(7, 5.5 * H, "offline"),
        adherence.StateEvent(7, 20 * H, "busy"),
        adherence.StateEvent(7, 22 * H, "offline"),
    ]
    team = adherence.team_adherence([yesterday, today], events, as_of=23 * H)
    rows = {r.shift_id: r for r in team.agents}
    assert rows[1].flags == [] and rows[1].adherence == pytest.approx(1.0)
    assert rows[2].flags == ["early_out"] and rows[2].early_out_s == pytest.approx(7 * H)
    assert rows[2].late_s == 0


@pytest.mark.django_db
def test_the_room_shows_each_shift_with_its_own_times(client, brand_a, store_a, bpo_manager):
    site = factories.make_site()
    agent = factories.make_agent(site=site)
    AgentSkill.objects.create(agent=agent, client=brand_a)
    roster = Roster.objects.create(client=brand_a, week_start=WEEK, version=1, status=RosterStatus.PUBLISHED)
    before = local(22, 15, day=DAY - timedelta(days=1))
    Shift.objects.create(roster=roster, agent=agent, start=before, end=before + timedelta(hours=6.25),
                         paid_hours=Decimal("6.25"))  # fmt: skip
    Shift.objects.create(roster=roster, agent=agent, start=local(19), end=local(19) + timedelta(hours=8.5),
                         paid_hours=Decimal("8.5"))  # fmt: skip
    AgentStateEvent.objects.create(agent=agent, state="available", at=before)
    AgentStateEvent.objects.create(agent=agent, state="offline", at=before + timedelta(hours=6.25))
    AgentStateEvent.objects.create(agent=agent, state="available", at=local(19))
    client.force_login(bpo_manager)
    early = client.get(f"/intraday/?client={brand_a.pk}&date=2026-11-11&at=16:51", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = early.content.decode()
    assert "11-10 22:15–04:30" in text
    assert "19:00–03:30" not in text and "迟到" not in text  # today's shift has not started
    late = client.get(f"/intraday/?client={brand_a.pk}&date=2026-11-11&at=20:30", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = late.content.decode()
    assert "11-10 22:15–04:30" in text and "19:00–03:30" in text
    assert "迟到" not in text


# ---------------------------------------------------------------- SL under target


def test_a_quiet_brand_missing_the_target_in_every_interval_alerts():
    from apps.intraday import alerting

    # 3 chats an interval, none answered within 30 s: no single interval has 10, the last hour has 12
    offered, in_target = [3] * 82, [0] * 82
    recent = alerting.recent_sl(offered, in_target, 82)
    assert (recent.sl, recent.offered, recent.first, recent.last) == (0.0, 12, 78, 81)
    facts = alerting.TickFacts(now=82, rest_deviation=0.0, required=[2] * 96, floor_plan=[3] * 96,
                               offered=offered, in_target=in_target, team_adherence=1.0,
                               adherence_scheduled_s=0)  # fmt: skip
    sl = [a for a in alerting.evaluate(facts) if a.kind == "sl"]
    assert len(sl) == 1 and sl[0].key == "sl:20" and sl[0].severity == "critical"


def test_intervals_without_human_chats_have_no_sl_and_the_window_reaches_back_for_enough_chats():
    from apps.intraday import alerting

    offered = [2, 0, 2, 0, 2, 0, 2, 0, 2, 0]
    in_target = [2, 0, 2, 0, 2, 0, 2, 0, 2, 0]
    assert alerting.recent_sl(offered, in_target, 10) is None  # 8 offered in 2 h: too few to judge
    recent = alerting.recent_sl([*offered[:2], 6, 0, 0, 4, 0, 0, 0, 0], [0] * 10, 10)
    assert (recent.offered, recent.first) == (10, 2) and recent.sl == 0.0


@pytest.mark.django_db
def test_sl_under_target_alerts_and_the_levers_act_on_it(client, brand_a, store_a, bpo_manager):
    from apps.intraday import selectors, services
    from tests.intraday.test_room import _day, _roster

    # 3 chats an interval; from 17:30 every answer takes 40 s; 3 agents 14:00–22:00 meet the plan
    _day(brand_a, store_a, surge_from=70, per_slot=3, surge=3)
    site = factories.make_site()
    _roster(brand_a, [factories.make_agent(site=site) for _ in range(3)], start_h=14, end_h=22)
    result = services.tick(client_ids=[brand_a.pk], day=DAY, as_of=local(20, 30))
    room = result.rooms[brand_a.pk]
    assert room.rows[79].sl == 0.0 and room.rows[69].sl == 1.0
    assert "sl" in {a.kind for a in result.new_alerts}
    assert room.required[82] >= room.floor_plan[82] + 1  # 3 on the floor were not enough
    mine, proposals, _day_loaded = services.lever_proposals_with_day(client_id=brand_a.pk, day=DAY, as_of=local(20, 30))
    assert proposals and all(p.gap_closed > 0 for p in proposals if p.kind != "vto")
    client.force_login(bpo_manager)
    page = client.get(f"/intraday/?client={brand_a.pk}&date=2026-11-11&at=20:30", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "今日无告警" not in text and "目前无需调度" not in text
    assert "19:30–20:30 服务水平 0%（转人工会话 12 个），目标 80%。" in text
    assert selectors.alerts_for(client_ids=[brand_a.pk], day=DAY)


# ---------------------------------------------------------------- the site page is styled like the brand room


@pytest.mark.django_db
def test_the_site_page_table_is_styled_like_the_brand_room(client, brand_a, store_a, bpo_manager, settings):
    from pathlib import Path

    from tests.intraday.test_room import _day, _roster

    _day(brand_a, store_a)
    site = factories.make_site()
    _roster(brand_a, [factories.make_agent(site=site) for _ in range(2)], start_h=14, end_h=22)
    client.force_login(bpo_manager)
    page = client.get(f"/intraday/sites/{site.pk}/?date=2026-11-11&at=20:30", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "intraday/room.css" in text and '<section class="id-site">' in text
    assert 'class="bad"' in text  # the surge's rest of the day (+ over 15 %) is marked
    css = (Path(settings.BASE_DIR) / "static" / "intraday" / "room.css").read_text()
    assert ".id-site th" in css and ".id-site td" in css
